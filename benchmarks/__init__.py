"""Benchmarks: `make bench` prints measured figures; docs/benchmarks.md records them."""
