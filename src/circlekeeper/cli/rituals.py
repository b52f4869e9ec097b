"""`circlekeeper ritual …`: the prompt packs that give a circle's sessions their shape."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.options import ExpectVersionOpt, JsonOpt
from circlekeeper.models.enums import RitualMode

if TYPE_CHECKING:
    from circlekeeper.models import RitualRead

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

RefArg = Annotated[
    str, typer.Argument(metavar="RITUAL", help="The ritual's id or name.", show_default=False)
]
FileOpt = Annotated[
    Path | None,
    typer.Option(
        "--file",
        metavar="PACK.toml",
        help="Read the ritual from a TOML file (the format of the built-in packs); "
        "other options override what it says.",
        show_default=False,
    ),
]
PromptOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--prompt",
        help="A question each person answers; repeat for more, in order.",
        show_default=False,
    ),
]
DescriptionOpt = Annotated[
    str | None,
    typer.Option("--description", help="What the ritual is for.", show_default=False),
]
TimeboxOpt = Annotated[
    int | None,
    typer.Option(
        "--timebox", metavar="MIN", help="Minutes per person (1-60; new: 3).", show_default=False
    ),
]
OpeningOpt = Annotated[
    str | None,
    typer.Option("--opening", help="What the facilitator says to open.", show_default=False),
]
ClosingOpt = Annotated[
    str | None,
    typer.Option("--closing", help="What the facilitator says to close.", show_default=False),
]
ModeOpt = Annotated[
    RitualMode | None,
    typer.Option(
        "--mode",
        help="live (in a meeting) or async (written check-ins; new: live).",
        show_default=False,
    ),
]


def _given(**values: Any) -> dict[str, Any]:
    """Only the options given (None or no --prompt means not given), under the field names."""
    renames = {"timebox": "timebox_minutes", "prompt": "prompts"}
    return {
        renames.get(key, key): value
        for key, value in values.items()
        if value is not None and value != []
    }


def _from_file(path: Path | None) -> dict[str, Any]:
    """The fields of a ritual file, or nothing when no file was given."""
    if path is None:
        return {}
    from circlekeeper.services.rituals import read_ritual_file

    return read_ritual_file(path).model_dump()


@app.command("list")
def list_(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the rituals: built-in packs first, then your own, by name.

    \b
    Example: circlekeeper ritual list --json
    """
    from circlekeeper.services.rituals import list_rituals

    rituals = list_rituals(open_db(ctx))
    if as_json:
        output.emit_json(rituals)
        return
    output.table(
        ["id", "name", "mode", "prompts", "timebox", "kind"],
        (
            [
                r.id,
                r.name,
                r.mode,
                len(r.prompts),
                f"{r.timebox_minutes} min",
                "built-in" if r.builtin else "own",
            ]
            for r in rituals
        ),
    )


@app.command("show")
def show(ctx: typer.Context, ref: RefArg, as_json: JsonOpt = False) -> None:
    """Show a ritual with its prompts, opening and closing.

    \b
    Example: circlekeeper ritual show "Rose · Bud · Thorn"
    """
    from circlekeeper.services.rituals import get_ritual

    ritual = get_ritual(open_db(ctx), ref=ref)
    if as_json:
        output.emit_json(ritual)
        return
    _print_ritual(ritual)


def _print_ritual(ritual: RitualRead) -> None:
    output.fields(
        [
            ("id", ritual.id),
            ("name", ritual.name),
            ("mode", ritual.mode),
            ("timebox", f"{ritual.timebox_minutes} min per person"),
            ("built-in", "yes" if ritual.builtin else "no"),
            ("description", ritual.description),
            ("opening", ritual.opening),
            ("closing", ritual.closing),
            ("version", ritual.version),
        ]
    )
    output.table(
        ["#", "prompt"],
        ([n, prompt] for n, prompt in enumerate(ritual.prompts, start=1)),
        title="prompts",
    )


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME]",
            help="The ritual's name (unique; optional with --file).",
            show_default=False,
        ),
    ] = None,
    file: FileOpt = None,
    prompt: PromptOpt = None,
    description: DescriptionOpt = None,
    timebox: TimeboxOpt = None,
    opening: OpeningOpt = None,
    closing: ClosingOpt = None,
    mode: ModeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add your own ritual, from options or from a TOML file.

    \b
    Example: circlekeeper ritual add "Highs and lows" --prompt "A high?" --prompt "A low?"
    Example: circlekeeper ritual add --file my-pack.toml
    """
    from circlekeeper.models import RitualCreate
    from circlekeeper.services.rituals import add_ritual
    from circlekeeper.services.validation import parse

    if name is None and file is None:
        output.error("give a NAME and at least one --prompt, or --file PACK.toml (see --help)")
        raise typer.Exit(2)
    values = _from_file(file) | _given(
        name=name,
        prompt=prompt,
        description=description,
        timebox=timebox,
        opening=opening,
        closing=closing,
        mode=mode,
    )
    ritual = add_ritual(open_db(ctx), data=parse(RitualCreate, **values))
    if as_json:
        output.emit_json(ritual)
    output.info(f"added ritual {ritual.name} (#{ritual.id}) with {len(ritual.prompts)} prompts")


@app.command("edit")
def edit(
    ctx: typer.Context,
    ref: RefArg,
    name: Annotated[
        str | None, typer.Option("--name", help="New name.", show_default=False)
    ] = None,
    file: FileOpt = None,
    prompt: Annotated[
        list[str] | None,
        typer.Option(
            "--prompt",
            help="Replace all prompts with these; repeat for more, in order.",
            show_default=False,
        ),
    ] = None,
    description: DescriptionOpt = None,
    timebox: TimeboxOpt = None,
    opening: OpeningOpt = None,
    closing: ClosingOpt = None,
    mode: ModeOpt = None,
    expect_version: ExpectVersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a ritual; only the options given are changed (sessions held keep their answers).

    \b
    Example: circlekeeper ritual edit "Highs and lows" --timebox 5 --expect-version 1
    """
    from circlekeeper.models import RitualUpdate
    from circlekeeper.services.rituals import edit_ritual
    from circlekeeper.services.validation import parse

    values = _from_file(file) | _given(
        name=name,
        prompt=prompt,
        description=description,
        timebox=timebox,
        opening=opening,
        closing=closing,
        mode=mode,
    )
    if not values:
        output.error("nothing to change — give at least one option such as --timebox (see --help)")
        raise typer.Exit(2)
    changes = parse(RitualUpdate, **values)
    ritual = edit_ritual(open_db(ctx), ref=ref, changes=changes, expected_version=expect_version)
    if as_json:
        output.emit_json(ritual)
    output.info(f"updated ritual {ritual.name} (#{ritual.id}, now version {ritual.version})")
