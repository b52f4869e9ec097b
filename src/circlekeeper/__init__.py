"""circlekeeper: a local-first terminal app for facilitators of trust circles."""

__version__ = "0.1.0"
