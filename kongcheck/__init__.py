"""kongcheck: find Kong Ingress Controller configuration collisions before `kubectl apply`."""

__version__ = "0.1.0"
