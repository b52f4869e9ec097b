"""Pure algorithms: no I/O, deterministic for a given seed."""
