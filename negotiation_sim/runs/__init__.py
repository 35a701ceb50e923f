"""Running the simulator many times: seeds (``runs.seeds``), one execution layer for
every front end (``runs.execution``: in this process, a local pool with restart after a
worker dies, a warm pool shared by the app's sessions, a Dask cluster) and ensembles of
seeded runs with their statistics (``runs.ensemble``)."""
