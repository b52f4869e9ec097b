"""A root command group whose sub-commands are listed from names and summaries and loaded only
when one is used, so that `--help` and shell completion never import the command modules."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass
from difflib import get_close_matches
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, get_args

import typer
from typer._click import Command, Context
from typer._click.exceptions import UsageError
from typer._click.shell_completion import CompletionItem
from typer._click.utils import make_default_short_help
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer.core import TyperGroup, _TyperParameter

from circlekeeper.cli.errors import report_failure
from circlekeeper.text import quoted


class GuardedGroup(TyperGroup):
    """A Typer group whose invoke turns CircleKeeperError (and surprises) into exit codes."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except (KeyboardInterrupt, Exception) as exc:
            raise typer.Exit(report_failure(exc)) from None


@dataclass(frozen=True)
class DeferredCoercion(RuntimeParam):
    """Typer's coercion of one parameter, built only when a value is given: Typer builds it
    (and imports pydantic, ≈ 0.2 s) even for an option left out, e.g. during shell completion."""

    descriptor: TypeDescriptor

    @cached_property
    def _plain(self) -> type | None:
        """Path, str or bool when the parameter is one value of that type (optional or not)
        with no parser, path resolution, list or file of its own, else None."""
        found = self.descriptor
        info = found.parameter_info
        own = info.parser is not None or info.resolve_path or info.path_type is not None
        if own or found.file_annotation is not None or found.is_list or found.is_tuple:
            return None
        if found.is_path:
            return Path
        kinds = set(get_args(found.annotation)) - {type(None)} or {found.annotation}
        kind = next(iter(kinds)) if len(kinds) == 1 else None
        return kind if kind in (str, bool) else None

    @cached_property
    def _built(self) -> RuntimeParam:
        """The coercion Typer would have used."""
        return build_runtime_param(self.descriptor)

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        """Coerce a given value exactly as Typer does (a missing one never gets here). A single
        path is made a Path, and a plain text or flag kept as Click gave it, here: Typer's own
        coercion builds a pydantic adapter (≈ 0.1 s of a command given `--db`, `--json` or a
        text option) to do just that; Click's types have already checked the value."""
        plain = self._plain
        if plain is Path and isinstance(value, str):
            return Path(value)
        if plain in (str, bool) and type(value) is plain:
            return value
        return self._built._coerce_value(value, param=param, ctx=ctx)


def defer_coercion(params: Iterable[object]) -> None:
    """Give each Typer parameter among `params` a DeferredCoercion (others are left alone)."""
    for param in params:
        if isinstance(param, _TyperParameter) and param._runtime_param is None:
            descriptor = param.type_descriptor
            param._runtime_param = DeferredCoercion(
                parameter_info=descriptor.parameter_info,
                annotation=descriptor.annotation,
                descriptor=descriptor,
            )


@dataclass(frozen=True)
class LazyCommand:
    """A command or sub-app of the root app: its name, the summary listed beside it, and how to
    add it to a Typer app (importing its module only then)."""

    name: str
    summary: str
    mount: Callable[[typer.Typer], None]
    short_help: bool = False
    """True when `summary` is the command's own short_help (listed as is, never shortened)."""

    def listed_help(self, limit: int = 45) -> str:
        """The text listed beside the name, exactly as the loaded command would give it."""
        if self.short_help:
            return inspect.cleandoc(self.summary).strip()
        return make_default_short_help(self.summary, limit).strip()

    def load(self) -> Command:
        """Import the command's module and build its click command, as the root app would."""
        holder = typer.Typer(rich_markup_mode=None)
        self.mount(holder)
        built = typer.main.get_group(holder).commands.get(self.name)
        if built is None:
            raise LookupError(f"mounting {quoted(self.name)} added no command of that name")
        return built


class LightGroup(TyperGroup):
    """A Typer group whose options left out cost nothing when it parses (see DeferredCoercion):
    shell completion parses every group on the way to the word being completed."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        """Typer's parsing, after deferring the coercion of this group's parameters."""
        defer_coercion(self.get_params(ctx))
        return super().parse_args(ctx, args)

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        """The sub-command to run, its parameters (its help option too) deferred as well:
        Typer would build an adapter for each as it parses, even for one left out."""
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            defer_coercion(command.get_params(ctx))
        return name, command, rest


class LazyGroup(LightGroup, GuardedGroup):
    """A guarded group that loads each of `entries` on first use; the rest stay unimported."""

    entries: ClassVar[tuple[LazyCommand, ...]] = ()

    def __init__(self, **attrs: Any) -> None:
        self._loaded: MutableMapping[str, Command] = {}
        super().__init__(**attrs)
        self._lazy = {entry.name: entry for entry in self.entries}

    @property
    def commands(self) -> MutableMapping[str, Command]:
        """Every command, all loaded: for code that walks the tree (help never does)."""
        for name in self._lazy:
            self._load(name)
        return self._loaded

    @commands.setter
    def commands(self, value: MutableMapping[str, Command]) -> None:
        """The commands built eagerly by Typer (none of the lazy ones)."""
        self._loaded = value

    def _load(self, name: str) -> Command | None:
        """The command called `name`, loaded now if it is a lazy one not used yet."""
        command = self._loaded.get(name)
        if command is None and name in self._lazy:
            command = self._lazy[name].load()
            self._loaded[name] = command
        return command

    def list_commands(self, ctx: Context) -> list[str]:
        """Eager commands first, then the lazy ones in their listed order."""
        return [*(name for name in self._loaded if name not in self._lazy), *self._lazy]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        """The command to run or to complete within: loads its module."""
        return self._load(cmd_name)

    def _listed_help(self, name: str, limit: int = 45) -> tuple[bool, str]:
        """Whether `name` is listed (not hidden) and its short help, loading nothing lazy."""
        entry = self._lazy.get(name)
        if entry is not None and name not in self._loaded:
            return True, entry.listed_help(limit)
        command = self._loaded.get(name)
        if command is None or command.hidden:
            return False, ""
        return True, command.get_short_help_str(limit)

    def format_commands(self, ctx: Context, formatter: Any) -> None:
        """The Commands section of --help, from the summaries (no module is imported)."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            listed, text = self._listed_help(name, limit)
            if listed:
                rows.append((name, text))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def shell_complete(self, ctx: Context, incomplete: str) -> list[CompletionItem]:
        """Sub-command names starting with `incomplete`, then options (no module is imported)."""
        results = []
        for name in self.list_commands(ctx):
            if name.startswith(incomplete):
                listed, text = self._listed_help(name)
                if listed:
                    results.append(CompletionItem(name, help=text))
        results.extend(Command.shell_complete(self, ctx, incomplete))
        return results

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        """Typer's resolution, suggesting close names among the lazy commands too."""
        try:
            return self._click_resolve_command(ctx, args)
        except UsageError as error:
            if self.suggest_commands and args:
                matches = get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    suggestions = ", ".join(f"{quoted(match)}" for match in matches)
                    error.message = f"{error.message.rstrip('.')}. Did you mean {suggestions}?"
            raise
