"""The screen's keys on one line at the bottom, drawn by a single widget.

Textual's Footer mounts a widget per key (a dozen and more on our screens), each matched against
the stylesheet and laid out as it mounts, and rebuilds them all whenever the screen's bindings
are refreshed: that was the largest cost of the dashboard's first frame. KeyFooter draws the
same line (keys, group labels, the command palette key on the right) as one Text and repaints
it when the keys change; a click on a key presses it and hovering shows its tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

KEY = "key-footer--key"
DESCRIPTION = "key-footer--description"
LABEL = "key-footer--label"
HOVER = "key-footer--hover"
DIVIDER = "key-footer--divider"


@dataclass(frozen=True)
class ShownKey:
    """One key as the footer shows it."""

    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str


@dataclass(frozen=True)
class KeyGroupShown:
    """Keys of one binding group shown together, then the group's label."""

    keys: tuple[ShownKey, ...]
    label: str
    compact: bool


Item = ShownKey | KeyGroupShown


@dataclass(frozen=True)
class KeySpan:
    """Where a key is drawn on the line, in cells."""

    start: int
    end: int
    key: ShownKey


class KeyFooter(Widget, can_focus=False):
    """The focused screen's keys, as Textual's Footer shows them, in one widget."""

    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyFooter > .key-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyFooter > .key-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyFooter > .key-footer--label {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyFooter > .key-footer--hover {
        color: $footer-key-foreground;
        background: $block-hover-background;
    }
    KeyFooter > .key-footer--divider {
        color: $foreground 20%;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {KEY, DESCRIPTION, LABEL, HOVER, DIVIDER}
    ALLOW_SELECT = False

    def __init__(self, *, show_command_palette: bool = True) -> None:
        super().__init__()
        self.show_command_palette = show_command_palette
        self._items: tuple[Item, ...] | None = None
        self._palette: ShownKey | None = None
        self._spans: list[KeySpan] = []
        self._hovered: ShownKey | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    @property
    def keys(self) -> list[ShownKey]:
        """Every key on show, left to right (the command palette's last)."""
        self._ensure_keys()
        shown = [
            key
            for item in self._items or ()
            for key in (item.keys if isinstance(item, KeyGroupShown) else (item,))
        ]
        return [*shown, self._palette] if self._palette is not None else shown

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Repaint if the keys on show changed (a screen shown again usually has the same)."""
        if self.is_attached and screen is self.screen and self._read_keys():
            self.refresh()

    def prepare(self) -> None:
        """Read the keys now, for a screen that is not on show yet (see the app's pre-build)."""
        if self._read_keys():
            self.refresh()

    def _ensure_keys(self) -> None:
        if self._items is None and self.is_attached:
            self._read_keys()

    def _read_keys(self) -> bool:
        """Read the screen's keys; whether they differ from those on show."""
        active = self.screen.active_bindings
        shown = [(b, enabled, tip) for _, b, enabled, tip in active.values() if b.show]
        by_action: dict[str, tuple[Binding, bool, str]] = {}
        for binding, enabled, tip in shown:
            by_action.setdefault(binding.action, (binding, enabled, tip))
        items: list[Item] = []
        for group, members in groupby(by_action.values(), lambda entry: entry[0].group):
            found = [self._shown(binding, enabled, tip) for binding, enabled, tip in members]
            if group is not None and len(found) > 1:
                items.append(KeyGroupShown(tuple(found), group.description, group.compact))
            else:
                items.extend(found)
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            found_palette = active.get(self.app.COMMAND_PALETTE_BINDING)
            if found_palette is not None:
                _, binding, enabled, tip = found_palette
                palette = self._shown(binding, enabled, binding.tooltip or tip)
        changed = (tuple(items), palette) != (self._items, self._palette)
        self._items, self._palette = tuple(items), palette
        return changed

    def _shown(self, binding: Binding, enabled: bool, tooltip: str) -> ShownKey:
        return ShownKey(
            key=binding.key,
            display=self.app.get_key_display(binding),
            description=binding.description,
            enabled=enabled,
            tooltip=tooltip or binding.tooltip or binding.description,
        )

    def render(self) -> Text:
        self._ensure_keys()
        base = self.rich_style
        styles = {
            name: self.get_component_rich_style(name, partial=True)
            for name in (KEY, DESCRIPTION, LABEL, HOVER, DIVIDER)
        }
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[KeySpan] = []
        for item in self._items or ():
            if isinstance(item, KeyGroupShown):
                self._append_group(line, spans, item, styles)
            else:
                self._append_key(
                    line, spans, item, f" {item.display} ", f"{item.description} ", styles
                )
        if self._palette is not None:
            self._append_palette(line, spans, self._palette, styles)
        line.stylize_before(base)
        self._spans = spans
        return line

    def _append_group(
        self, line: Text, spans: list[KeySpan], group: KeyGroupShown, styles: dict[str, Style]
    ) -> None:
        """A group's keys, then its label, spaced as Textual spaces them: a compact group runs
        its keys together (" jk Move "), another pads each one (" j  k  Move ")."""
        base = self.rich_style
        pad = "" if group.compact else " "
        line.append(" " if group.compact else "", base)
        for key in group.keys:
            self._append_key(line, spans, key, f"{pad}{key.display}{pad}", "", styles)
        line.append(" ", base)
        line.append(group.label, styles[LABEL])
        line.append(" ", base)

    def _append_palette(
        self, line: Text, spans: list[KeySpan], palette: ShownKey, styles: dict[str, Style]
    ) -> None:
        """The command palette's key at the right end, after a divider, as Textual draws it."""
        drawn = Text(no_wrap=True, end="")
        drawn.append("▏", styles[DIVIDER])
        own: list[KeySpan] = []
        self._append_key(drawn, own, palette, palette.display, f" {palette.description}", styles)
        drawn.append(" ")
        offset = max(self.size.width - drawn.cell_len, 0)
        line.truncate(offset)
        line.pad_right(offset - line.cell_len)
        spans[:] = [span for span in spans if span.end <= offset]
        spans.extend(KeySpan(span.start + offset, span.end + offset, span.key) for span in own)
        line.append_text(drawn)

    def _append_key(
        self,
        line: Text,
        spans: list[KeySpan],
        key: ShownKey,
        display: str,
        description: str,
        styles: dict[str, Style],
    ) -> None:
        start = line.cell_len
        dim = Style(dim=not key.enabled)
        if key == self._hovered:
            line.append(display + description, styles[HOVER] + dim)
        else:
            line.append(display, styles[KEY] + dim)
            line.append(description, styles[DESCRIPTION] + dim)
        spans.append(KeySpan(start, line.cell_len, key))

    def key_at(self, x: int) -> ShownKey | None:
        """The key drawn at cell `x` of the line, if any."""
        return next((span.key for span in self._spans if span.start <= x < span.end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hovered = self.key_at(event.x)
        if hovered != self._hovered:
            self._hovered = hovered
            self.tooltip = hovered.tooltip if hovered is not None else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hovered is not None:
            self._hovered = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
