"""Benchmarks for kongcheck: a corpus generator and a runner (not part of the test suite)."""
