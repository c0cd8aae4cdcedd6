"""The version of kongcheck, read by the package metadata (pyproject.toml) and every report."""

__version__ = "0.1.0"
