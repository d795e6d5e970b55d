"""The kit as pytest suites, runnable against any target::

    pytest -p contracts.pytest_plugin --pyargs contracts.suites \\
        --dbaas-base-url http://127.0.0.1:8080/v1 --dbaas-token T [--dbaas-allow-writes]

(or with the ``DBAAS_*`` environment variables instead of the options). ``test_stateless`` runs
schemathesis on every operation with all the checks; ``test_stateful`` the asynchronous state
machine; ``test_scenarios`` the four engine scenarios. The session ends with the teardown of what it
created and the inventory comparison, like a ``dbaas-contracts run``.
"""

__all__: list[str] = []
