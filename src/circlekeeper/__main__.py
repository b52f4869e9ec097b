"""`python -m circlekeeper` runs the same entry point as the `circlekeeper` script."""

from circlekeeper.cli.entry import run

run()
