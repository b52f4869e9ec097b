"""Benchmarks at community scale, run by `make bench` (never by `make test`)."""
