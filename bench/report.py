"""``bench/results.md`` and ``bench/HEADLINE.md`` from the raw section results (``bench/out/*.json``).

The hand-written analysis (profiles, proposed changes) lives in ``bench/analysis.md`` and is copied
into ``results.md`` as it is, so regenerating the figures never loses it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .common import BENCH_DIR, OUT_DIR, load_section
from .scale import SHAPES
from .server import ENDPOINTS, TARGETS

__all__ = ["Verdict", "render", "verdicts", "write"]

_ANALYSIS = BENCH_DIR / "analysis.md"
_EVERY_PHASE = " (every phase: examples, coverage, fuzzing, stateful, scenarios)"


@dataclass(frozen=True, slots=True)
class Verdict:
    """One target: what it asks, what was measured, whether it is met (``None``: not measured)."""

    target: str
    figure: str
    met: bool | None


def _fmt(value: float | None, digits: int = 2, unit: str = "x") -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}{unit}"


def _ordered(mapping: dict[str, Any], order: tuple[str, ...]) -> list[tuple[str, Any]]:
    """The items of ``mapping`` in ``order`` (then any others)."""
    keys = [k for k in order if k in mapping] + [k for k in mapping if k not in order]
    return [(k, mapping[k]) for k in keys]


def _mark(met: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[met]


def verdicts(sections: dict[str, dict[str, Any] | None]) -> list[Verdict]:
    """Every target of the brief against the figures at hand."""
    out: list[Verdict] = []
    server = sections.get("server")
    if server:
        ratios = server["ratios"]
        for endpoint, factor, label in (
            ("get_datastore", 4.0, "GET item"),
            ("create_database", 3.0, "POST create"),
        ):
            ratio = ratios.get(endpoint, {}).get("vs_prism")
            out.append(
                Verdict(
                    f"{label}: at least {factor:g}x Prism's throughput",
                    _fmt(ratio),
                    None if ratio is None else ratio >= factor,
                )
            )
        ceiling = ratios.get("get_datastore", {}).get("vs_ceiling")
        out.append(
            Verdict(
                "GET item: at least 50% of the bare Starlette ceiling",
                "n/a" if ceiling is None else f"{ceiling * 100:.0f}%",
                None if ceiling is None else ceiling >= 0.5,
            )
        )
    else:
        out.append(Verdict("Server throughput vs Prism and the ceiling", "not run", None))
    fixture = sections.get("fixture")
    if fixture:
        for key, label in (
            ("asgi_transport_first_request_ms", "ASGITransport"),
            ("dbaas_fake_first_request_ms", "DbaasFake (pytest plugin)"),
            ("testclient_first_request_ms", "TestClient"),
        ):
            value = fixture[key]
            out.append(
                Verdict(f"Fresh fake + first request under 5 ms ({label})", f"{value:.2f} ms", value < 5)
            )
        for key, label in (
            ("backend_reset_ms", "app.backend.reset()"),
            ("controller_reset_ms", "Controller.reset()"),
            ("http_reset_ms", "POST /__mock__/reset"),
        ):
            value = fixture[key]
            out.append(Verdict(f"Reset under 1 ms ({label})", f"{value:.3f} ms", value < 1))
    else:
        out.append(Verdict("Fixture cost", "not run", None))
    scale = sections.get("scale")
    if scale:
        for shape, ratio in _ordered(scale["ratios"], SHAPES):
            out.append(
                Verdict(
                    f"Scale: {shape} with {scale['large']['datastores']:,} datastores within 10% of 10",
                    f"{ratio:.2f}x",
                    ratio <= 1.10,
                )
            )
    else:
        out.append(Verdict("Scale", "not run", None))
    kit = sections.get("kit")
    if kit and kit.get("status") == "measured":
        seconds = kit["seconds"]
        out.append(
            Verdict("Contract kit against the in-process fake under 60 s", f"{seconds:.1f} s", seconds < 60)
        )
    else:
        reason = kit["status"] if kit else "not run"
        out.append(Verdict("Contract kit against the in-process fake under 60 s", reason, None))
    return out


def _machine(machine: dict[str, Any]) -> list[str]:
    packages = machine["packages"]
    return [
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {machine['cpu_model']} ({machine['cores']} cores) |",
        f"| Memory | {machine['memory_gib']} GiB |",
        f"| OS | {machine['os']}, kernel {machine['kernel']} |",
        f"| Python | {machine['python_impl']} {machine['python']} |",
        f"| uvicorn / starlette | {packages['uvicorn']} / {packages['starlette']} |",
        f"| uvloop / httptools | {packages['uvloop']} / {packages['httptools']} |",
        f"| Node / Prism | {machine['node']} / {machine['prism']} |",
        f"| Load generator | {machine['wrk']} |",
        "",
    ]


def _machine_state(sections: dict[str, dict[str, Any] | None]) -> list[str]:
    rows = []
    for name, data in sections.items():
        state = (data or {}).get("machine_state")
        if state:
            b, a = state["before"], state["after"]
            rows.append(
                f"| {name} | {b['calibration_ms']:.1f} / {a['calibration_ms']:.1f} ms | "
                f"{b['load_average']:.2f} / {a['load_average']:.2f} |"
            )
    if not rows:
        return []
    return [
        "How busy the machine was (a fixed pure-Python loop, before / after each section; lower is "
        "faster; and the 1-minute load average, which includes other tenants of this 2-core machine):",
        "",
        "| section | calibration loop | load average |",
        "|---|---:|---:|",
        *rows,
        "",
    ]


def _server(server: dict[str, Any]) -> list[str]:
    uv = server["uvicorn"]
    lines = [
        "## 1. Server throughput and latency",
        "",
        f"Load generator: **{server['generator']}** (1 thread, {server['connections']} keep-alive "
        f"connections, same machine, 127.0.0.1). Each figure is the median of {server['runs']} runs of "
        f"{server['duration_s']:g} s after a {server['warmup_s']:g} s warm-up per target and endpoint; "
        "the targets run interleaved (run 1 of each, then run 2...), all three servers up for the whole run.",
        "",
        f"uvicorn {uv['version']}, one worker, loop **{uv['loop']}**, HTTP **{uv['http']}**, access log "
        f"{uv['access_log']}; the same `uvicorn.Config` for dbaas-mock (`dbaas-mock serve --lifecycle reads "
        "--no-access-log --log-level warning`) and the ceiling (`python -m bench.ceiling`: a bare "
        f"Starlette app returning the fake's own response bytes). Prism: `prism {server['prism_flags']}`.",
        "",
        f"The list endpoint lists {server['list_size']:,} ACTIVE datastores (loaded through "
        "`PUT /__mock__/state`); Prism answers its static two-item example instead (see the body sizes). "
        "The creates go into an ACTIVE MySQL datastore of a second project; every request creates a "
        "database with a new name (a 200, validated and stored). Quotas did not get in the way: the "
        "server's default quotas limit datastores (20 per project), not databases, and the listed "
        "datastores came in through the state restore.",
        "",
        "| endpoint | target | req/s | p50 ms | p99 ms | body bytes | non-2xx | socket errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for endpoint, by_target in _ordered(server["results"], ENDPOINTS):
        for target, r in _ordered(by_target, TARGETS):
            lines.append(
                f"| {server['labels'][endpoint]} | {target} | {r['rps']:,.0f} | {r['p50_ms']:.2f} | "
                f"{r['p99_ms']:.2f} | {r['body_bytes']:,} | {r['status_errors']} | {r['socket_errors']} |"
            )
    lines += ["", "Ratios (dbaas-mock's req/s over the other's):", ""]
    lines += ["| endpoint | vs Prism | vs ceiling |", "|---|---:|---:|"]
    for endpoint, ratio in _ordered(server["ratios"], ENDPOINTS):
        ceiling = ratio["vs_ceiling"]
        lines.append(
            f"| {server['labels'][endpoint]} | {_fmt(ratio['vs_prism'])} | "
            f"{'n/a' if ceiling is None else f'{ceiling * 100:.0f}%'} |"
        )
    lines += ["", "Every run (req/s):", ""]
    lines += ["| endpoint | target | runs |", "|---|---|---|"]
    for endpoint, by_target in _ordered(server["results"], ENDPOINTS):
        for target, r in _ordered(by_target, TARGETS):
            runs = ", ".join(f"{x['rps']:,.0f}" for x in r["runs"])
            lines.append(f"| {server['labels'][endpoint]} | {target} | {runs} |")
    return [*lines, ""]


def _fixture(f: dict[str, Any]) -> list[str]:
    asgi, testclient = f["asgi_transport_first_request_ms"], f["testclient_first_request_ms"]
    return [
        "## 2. Fixture cost",
        "",
        f"Medians of {f['iterations']} iterations in a warm process; the first request is "
        "`GET /v1/datastores`. Resets run on a fake holding a datastore, two users and two databases.",
        "",
        "| what | median |",
        "|---|---:|",
        f"| cold start: new interpreter, imports, fake, first request | {f['cold_create_app_ms']:.0f} ms |",
        f"| `create_app()` | {f['create_app_ms']:.2f} ms |",
        f"| `create_app()` + first request, httpx `ASGITransport` | {asgi:.2f} ms |",
        f"| `dbaas_mock` fixture's fake + first request + `close()` (pytest plugin) "
        f"| {f['dbaas_fake_first_request_ms']:.2f} ms |",
        f"| `DbaasFake()` on its own + first request + `close()` "
        f"| {f.get('standalone_dbaas_fake_first_request_ms', float('nan')):.2f} ms |",
        f"| `create_app()` + first request, `TestClient` (no `with`) | {testclient:.2f} ms |",
        f"| `app.backend.reset()` | {f['backend_reset_ms']:.3f} ms |",
        f"| `Controller(app).reset()` | {f['controller_reset_ms']:.3f} ms |",
        f"| `POST /__mock__/reset` (live server, keep-alive httpx client) | {f['http_reset_ms']:.3f} ms |",
        "",
    ]


def _scale(scale: dict[str, Any]) -> list[str]:
    large, small, memory = scale["large"], scale["small"], scale["memory"]
    sample = memory["tracemalloc_sample"]
    children = ", ".join(f"{v:,} {k}s" for k, v in large["counts"].items() if k != "datastore")
    rss_after = memory["rss_after_bytes"] / 2**20
    lines = [
        "## 3. Scale",
        "",
        f"Large store: {large['datastores']:,} datastores and {large['children']:,} objects under them "
        f"({children}), all in one project, built "
        f"through the handlers in {large['build_seconds']:.0f} s ({large['build_objects_per_second']:,.0f} "
        f"objects/s). Small store: {small['datastores']} datastores, {small['children']} objects. "
        f"Reads through the whole in-process request path, {scale['calls']:,} calls per shape.",
        "",
        "| read | results | small: median ms | large: median ms | large/small (paired) "
        "| small p99 | large p99 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for shape, ratio in _ordered(scale["ratios"], SHAPES):
        s, b = small["reads"][shape], large["reads"][shape]
        lines.append(
            f"| {shape} | {b['results']:.0f} | {s['median_ms']:.3f} | {b['median_ms']:.3f} | {ratio:.2f}x | "
            f"{s['p99_ms']:.3f} | {b['p99_ms']:.3f} |"
        )
    lines += [
        "",
        f"Memory: RSS grew by {memory['rss_growth_bytes'] / 2**20:,.0f} MiB for "
        f"{large['datastores'] + large['children']:,} objects: "
        f"**{memory['rss_bytes_per_object']:,.0f} bytes per object** (RSS after: {rss_after:,.0f} MiB). "
        "tracemalloc on a sample of "
        f"{sample['datastores']:,} datastores and {sample['children']:,} objects: "
        f"{sample['bytes_per_object']:,.0f} bytes per object (Python allocations only).",
        "",
    ]
    writes = scale.get("writes")
    if writes:
        shared = ", ".join(
            f"{float(ms):.3f} ms with {int(k):,}"
            for k, ms in sorted(writes["create_user_shared_name_ms"].items(), key=lambda kv: int(kv[0]))
        )
        lines += [
            "Writes (not a target; medians of "
            f"{writes['calls']} calls through the whole request path): `POST /v1/datastores` in the project "
            f"costs {writes['create_datastore_small_ms']:.3f} ms with {small['datastores']} datastores and "
            f"**{writes['create_datastore_large_ms']:.3f} ms with {large['datastores']:,}** (the quota check "
            "walks every datastore of the project); `POST /v1/users` named like k other users of the "
            f"project: {shared} (the name check walks every same-named object of the project).",
            "",
        ]
    return lines


def _kit(kit: dict[str, Any] | None) -> list[str]:
    lines = ["## 4. Contract kit", ""]
    if not kit or kit.get("status") != "measured":
        reason = kit["status"] if kit else "not run"
        return [*lines, f"**{reason}**: no figure.", ""]
    runs = ", ".join(f"{x:.1f} s" for x in kit["runs"])
    summary = kit.get("summary") or {}
    verdict = ""
    if summary:
        verdict = (
            f" The kit's verdict on the fake: {summary['checks_passed']:,} checks passed, "
            f"{summary['checks_failed']:,} failed ({summary['failures']} distinct failures, "
            f"{summary['errors']} errors); exit codes {kit['exit_codes']}. The duration is the figure here; "
            "the failures are the fake's (or the kit's) to fix, see the kit's `summary.md`."
        )
    return [
        *lines,
        f"`{kit['display']}`{'' if '--phases' in kit['display'] else _EVERY_PHASE}, "
        f"wall time of the whole command including interpreter start: median **{kit['seconds']:.1f} s** "
        f"(runs: {runs}).{verdict}",
        "",
    ]


def _profile(profile: dict[str, Any]) -> list[str]:
    lines = [
        "## Profiles",
        "",
        "`python -m bench profile`: py-spy (`record --format raw --rate 250`) on `dbaas-mock serve` under "
        "the same wrk load, folded per function (share of all samples; self = on top of the stack, "
        "inclusive = anywhere in it); and cProfile of the in-process request path (`AsgiDriver`, no "
        "uvicorn), in microseconds per request *under the profiler* (cProfile inflates Python calls about "
        "2-3x; the shares are what matters).",
        "",
    ]
    for endpoint, data in _ordered(profile.get("py_spy", {}), ENDPOINTS):
        if not data.get("samples"):
            continue
        rps = data.get("rps_while_sampled")
        lines += [
            f"### py-spy, `dbaas-mock serve`, {endpoint} ({data['samples']:,} samples"
            + (f", {rps:,.0f} req/s while sampled)" if rps else ")"),
            "",
            "| self % | function | | inclusive % | function |",
            "|---:|---|---|---:|---|",
        ]
        for (own_name, own), (inc_name, inc) in zip(data["self"][:15], data["inclusive"][:15], strict=False):
            lines.append(f"| {own} | `{own_name}` | | {inc} | `{inc_name}` |")
        lines.append("")
    for name, data in _ordered(profile.get("cprofile", {}), ENDPOINTS):
        lines += [
            f"### cProfile, in-process, {name} ({data['calls']:,} requests, "
            f"{data['us_per_request']:,.1f} us per request under the profiler)",
            "",
            "| own us/request | calls/request | function |",
            "|---:|---:|---|",
        ]
        for function, calls, us in data["self"][:15]:
            lines.append(f"| {us:,.2f} | {calls} | `{function}` |")
        lines.append("")
    return lines


def _whatif(data: dict[str, Any]) -> list[str]:
    fx = data["fixture"]
    lines = [
        "## What the proposed changes buy (`python -m bench whatif`)",
        "",
        "The fake with the changes proposed below monkeypatched in (`bench/whatif.py`; server: "
        f"{', '.join(data['server_patches'])}; fixture: {', '.join(data['fixture_patches'])}), "
        "against the fake as it is and the ceiling, same run, interleaved, medians:",
        "",
        "| endpoint | as it is req/s | patched req/s | ceiling req/s | as it is / ceiling "
        "| patched / ceiling | as it is p99 | patched p99 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for endpoint in ("get_datastore", "create_database"):
        r = data.get(endpoint)
        if not r:
            continue
        plain, patched, ceiling = r["plain"], r["patched"], r["ceiling"]
        lines.append(
            f"| {endpoint} | {plain['rps']:,.0f} | {patched['rps']:,.0f} | {ceiling['rps']:,.0f} | "
            f"{plain['rps'] / ceiling['rps'] * 100:.0f}% | {patched['rps'] / ceiling['rps'] * 100:.0f}% | "
            f"{plain['p99_ms']:.1f} ms | {patched['p99_ms']:.1f} ms |"
        )
    lines += [
        "",
        "| fixture | as it is | patched |",
        "|---|---:|---:|",
        "| `create_app()` + first request (ASGITransport) | "
        f"{fx['plain']['asgi_transport_first_request_ms']:.2f} ms | "
        f"{fx['patched']['asgi_transport_first_request_ms']:.2f} ms |",
        f"| `app.backend.reset()` | {fx['plain']['backend_reset_ms']:.3f} ms | "
        f"{fx['patched']['backend_reset_ms']:.3f} ms |",
        "",
    ]
    return lines


def render(sections: dict[str, dict[str, Any] | None], machine: dict[str, Any]) -> tuple[str, str]:
    """``results.md`` and ``HEADLINE.md``."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    checks = verdicts(sections)
    lines = [
        "# Benchmarks of dbaas-mock",
        "",
        f"Generated by `python -m bench` (`make bench`) on {now}. Raw figures: `bench/out/*.json`.",
        "",
        *_machine(machine),
        "## Targets",
        "",
        "| target | measured | |",
        "|---|---:|---|",
        *[f"| {v.target} | {v.figure} | {_mark(v.met)} |" for v in checks],
        "",
    ]
    lines += _machine_state(sections)
    if sections.get("server"):
        lines += _server(sections["server"] or {})
    if sections.get("fixture"):
        lines += _fixture(sections["fixture"] or {})
    if sections.get("scale"):
        lines += _scale(sections["scale"] or {})
    lines += _kit(sections.get("kit"))
    if sections.get("whatif"):
        lines += _whatif(sections["whatif"] or {})
    if sections.get("profile"):
        lines += _profile(sections["profile"] or {})
    if _ANALYSIS.is_file():
        lines += [_ANALYSIS.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(lines), _headline(sections, machine)


def _headline(sections: dict[str, dict[str, Any] | None], machine: dict[str, Any]) -> str:
    server = sections.get("server")
    load = (
        f"{server['generator']} with {server['connections']} connections" if server else "the load generator"
    )
    lines = [
        "### Performance",
        "",
        f"On {machine['cores']} cores ({machine['cpu_model']}), Python {machine['python']}, one uvicorn "
        f"worker, {load} on the same machine (details, every figure and the proposed speed-ups: "
        "`bench/results.md`):",
        "",
    ]
    if server:
        res, ratios = server["results"], server["ratios"]
        for endpoint in ("get_datastore", "list_datastores", "create_database"):
            ours = res[endpoint]["dbaas-mock"]
            prism = ratios[endpoint]["vs_prism"]
            ceiling = ratios[endpoint]["vs_ceiling"]
            extra = []
            if endpoint == "list_datastores":
                size = res[endpoint]["dbaas-mock"]["body_bytes"]
                extra.append(f"{server['list_size']:,} datastores, {size / 1e6:.2f} MB per response")
            elif prism is not None:
                extra.append(f"{prism:.1f}x Prism 5")
            if ceiling is not None:
                extra.append(f"{ceiling * 100:.0f}% of bare Starlette")
            lines.append(
                f"- `{server['labels'][endpoint]}`: {ours['rps']:,.0f} req/s, p50 {ours['p50_ms']:.1f} ms, "
                f"p99 {ours['p99_ms']:.1f} ms ({', '.join(extra)})"
            )
    fixture = sections.get("fixture")
    if fixture:
        lines.append(
            "- a fresh in-process fake plus its first request: "
            f"{fixture['asgi_transport_first_request_ms']:.1f} ms (httpx ASGITransport), "
            f"{fixture['dbaas_fake_first_request_ms']:.1f} ms (pytest plugin); "
            f"a reset: {fixture['backend_reset_ms']:.2f} ms"
        )
    scale = sections.get("scale")
    if scale:
        worst = max(scale["ratios"].values()) if scale["ratios"] else 0.0
        lines.append(
            f"- {scale['large']['datastores']:,} datastores and {scale['large']['children']:,} objects: "
            f"reads by id and filtered lists cost at most {worst:.2f}x what they cost with 10; "
            f"{scale['memory']['rss_bytes_per_object']:,.0f} bytes per object"
        )
    kit = sections.get("kit")
    if kit and kit.get("status") == "measured":
        lines.append(f"- the whole contract kit against the in-process fake: {kit['seconds']:.0f} s")
    else:
        lines.append(f"- the contract kit: {kit['status'] if kit else 'not run'}")
    return "\n".join([*lines, ""])


def write(machine: dict[str, Any], out: Path = OUT_DIR, target: Path = BENCH_DIR) -> tuple[Path, Path]:
    """Render from ``out`` and write ``results.md`` and ``HEADLINE.md`` into ``target``."""
    sections = {
        name: load_section(name, out) for name in ("server", "fixture", "scale", "kit", "whatif", "profile")
    }
    results, headline = render(sections, machine)
    target.mkdir(parents=True, exist_ok=True)
    results_path, headline_path = target / "results.md", target / "HEADLINE.md"
    results_path.write_text(results, encoding="utf-8")
    headline_path.write_text(headline, encoding="utf-8")
    return results_path, headline_path
