"""kongcheck: find Kong Ingress Controller configuration collisions before `kubectl apply`.

As a library::

    from kongcheck import Request, scan
    result = scan(Request(paths=("manifests",)))
    result.exit_code("error")

``scan`` runs the same pipeline as ``kongcheck scan`` (kongcheck/pipeline.py); it is imported
on first use, so ``import kongcheck`` stays cheap for the command line.
"""

from kongcheck.version import __version__  # noqa: F401


def scan(request):
    """Run a scan (kongcheck.pipeline.Request in, kongcheck.verdict.ScanResult out)."""
    from kongcheck.pipeline import run

    return run(request)


def __getattr__(name: str):
    if name in ("Request", "RequestError"):
        from kongcheck import pipeline

        return getattr(pipeline, name)
    if name == "Settings":
        from kongcheck.settings import Settings

        return Settings
    raise AttributeError(f"module 'kongcheck' has no attribute {name!r}")
