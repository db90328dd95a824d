"""Quality, speed and comparison benchmarks for the screening engine (see docs/benchmarks/screening.md)."""
