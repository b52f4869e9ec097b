"""Small modal dialogs: a message, a yes/no question, and a one-line prompt."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from circlekeeper.tui.widgets.footer import KeyFooter


class MessageScreen(ModalScreen[None]):
    """A message the user closes with enter or escape (optionally quitting the app)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Close", id="dialog.close"),
    ]

    def __init__(self, title: str, message: str, *, quit_on_close: bool = False) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._message = message
        self._quit = quit_on_close

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self._title), classes="dialog-title")
            yield Static(Content(self._message), id="message")
            yield KeyFooter()

    def action_close(self) -> None:
        if self._quit:
            self.app.exit(return_code=1)
        else:
            self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; `y` confirms, `n` or escape declines."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="dialog.yes"),
        Binding("n,escape", "answer(False)", "No", id="dialog.no"),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self._title), classes="dialog-title")
            yield Static(Content(self._question))
            with Horizontal(classes="buttons"):
                yield Button("Yes (y)", id="yes", variant="warning")
                yield Button("No (n)", id="no")
            yield KeyFooter()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; `check` returns an error message or None while typing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def __init__(
        self,
        title: str,
        label: str,
        *,
        placeholder: str = "",
        value: str = "",
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._label = label
        self._placeholder = placeholder
        self._value = value
        self._check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self._title), classes="dialog-title")
            yield Label(Content(self._label))
            yield Input(value=self._value, placeholder=self._placeholder, id="answer")
            yield Static("", id="problem", classes="field-error")
            yield Label("enter to confirm · escape to cancel", classes="hint")
            yield KeyFooter()

    def on_input_changed(self, event: Input.Changed) -> None:
        problem = self._check(event.value) if self._check else None
        self.query_one("#problem", Static).update(Content(problem or ""))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        problem = self._check(event.value) if self._check else None
        if problem:
            self.query_one("#problem", Static).update(Content(problem))
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one of a few labelled options (value, label); escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self, title: str, options: list[tuple[str, str]]) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._options = options

    def compose(self) -> ComposeResult:
        from textual.widgets import OptionList
        from textual.widgets.option_list import Option

        with Vertical(classes="dialog"):
            yield Label(Content(self._title), classes="dialog-title")
            yield OptionList(
                *(Option(Content(label), id=value) for value, label in self._options), id="choices"
            )
            yield Label("↑↓ to move · enter to choose · esc to cancel", classes="hint")
            yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#choices").focus()

    def on_option_list_option_selected(self, event: object) -> None:
        option = getattr(event, "option", None)
        self.dismiss(getattr(option, "id", None))

    def action_cancel(self) -> None:
        self.dismiss(None)
