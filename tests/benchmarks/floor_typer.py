"""Floor for `circlekeeper --help`: a bare Typer app, configured like the real one, printing help.

python tests/benchmarks/floor_typer.py --help
"""

import typer

app = typer.Typer(
    help="A bare Typer app: the floor that `circlekeeper --help` is compared with.",
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.command()
def hello(name: str) -> None:
    """Greet someone."""
    typer.echo(f"hello {name}")


@app.command()
def bye() -> None:
    """Say goodbye."""
    typer.echo("bye")


if __name__ == "__main__":
    app()
