"""Live cluster access for `--cluster` and `--cluster-snapshot`.

Nothing here imports the Kubernetes client at module level: it is an optional
extra and is loaded only when a live cluster is asked for.
"""
