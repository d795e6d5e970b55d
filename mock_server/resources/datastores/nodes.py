"""Deterministic names and addresses of a datastore's nodes: private IPs, hosts, floating IPs.

Everything here is a pure function of the seeded ids, so the same seed and the same calls give the
same addresses. Private IPs live in a ``10.a.b.0/24`` network of the datastore; floating IPs are
drawn from ``198.18.0.0/15`` (a reserved, public-looking range no real client can reach).
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Container, Iterator

__all__ = [
    "DOMAIN",
    "FLOATING_POOL",
    "canonical_id",
    "connection",
    "floating_candidates",
    "hostname",
    "mix",
    "private_ip",
    "seed_of",
    "unit",
]

#: The DNS zone of datastore hosts (public code connects to ``master.<id>.c.dbaas.selcloud.ru``).
DOMAIN = "c.dbaas.selcloud.ru"
_MASK = (1 << 64) - 1
_HEX = frozenset(string.hexdigits)
#: Floating IPs: ``198.18.0.0/15`` has 2 * 256 * 254 usable host addresses.
FLOATING_POOL = 2 * 256 * 254


def canonical_id(value: str) -> str:
    """A UUID as the fake stores it (dashed, lower case) when ``value`` is one, else ``value`` itself.

    The API's ``UUID`` format accepts 32 hex digits with or without dashes, in any case.
    """
    digits = value.replace("-", "")
    if len(digits) != 32 or not _HEX.issuperset(digits):
        return value
    d = digits.lower()
    return f"{d[:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:]}"


def seed_of(*parts: object) -> int:
    """A 64-bit number derived from ``parts`` (stable across runs and platforms)."""
    text = "|".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def mix(seed: int, value: int) -> int:
    """A cheap 64-bit hash of ``value`` under ``seed`` (splitmix64's finaliser)."""
    z = (seed + (value + 1) * 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def unit(seed: int, value: int) -> float:
    """A number in ``[0, 1)`` derived from ``seed`` and ``value``."""
    return mix(seed, value) / 2.0**64


def private_ip(datastore_id: str, instance_id: str, taken: Container[str]) -> str:
    """The private IPv4 of an instance: ``10.a.b.c`` with ``a.b`` from the datastore, ``c`` from the node.

    ``taken`` holds the addresses of the datastore's other nodes: the next free host address is used.
    """
    network = seed_of("network", datastore_id)
    prefix = f"10.{network >> 56 & 0xFF}.{network >> 48 & 0xFF}"
    start = seed_of("host", instance_id) % 252
    for step in range(252):
        address = f"{prefix}.{2 + (start + step) % 252}"
        if address not in taken:
            return address
    raise ValueError(f"no private address left in {prefix}.0/24")


def hostname(instance_id: str, region: str) -> str:
    """``<instance id>.<region>.c.dbaas.selcloud.ru``."""
    return f"{instance_id}.{region}.{DOMAIN}"


def connection(datastore_id: str, replicas: int) -> dict[str, str]:
    """Host names by role: ``MASTER`` and ``master`` (the same host), then ``replica-1`` ... ``replica-N``."""
    master = f"master.{datastore_id}.{DOMAIN}"
    hosts = {"MASTER": master, "master": master}
    for n in range(1, replicas + 1):
        hosts[f"replica-{n}"] = f"replica-{n}.{datastore_id}.{DOMAIN}"
    return hosts


def floating_candidates(instance_id: str) -> Iterator[str]:
    """The floating IPs an instance may get, in order of preference (the first free one is used)."""
    start = seed_of("floating", instance_id) % FLOATING_POOL
    for step in range(FLOATING_POOL):
        n = (start + step) % FLOATING_POOL
        second, rest = divmod(n, 256 * 254)
        third, fourth = divmod(rest, 254)
        yield f"198.{18 + second}.{third}.{fourth + 1}"
