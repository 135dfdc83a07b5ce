"""Benchmark scripts: each prints figures that anyone can re-run."""
