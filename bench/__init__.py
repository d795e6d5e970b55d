"""Benchmarks of dbaas-mock: server throughput and latency against Prism 5 and a bare Starlette ceiling,
fixture cost, scale (100,000 datastores, 1,000,000 objects), and the contract kit's duration.

Run ``python -m bench`` (``make bench``); see :mod:`bench.__main__` for the sections and flags, and
``bench/results.md`` for the latest figures. Never part of ``make test`` (the smoke test
``tests/test_bench_smoke.py`` runs one tiny iteration only).
"""
