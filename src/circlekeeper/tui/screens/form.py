"""What the member and circle forms share: fields, errors shown as you type, save, and a cancel
that asks before throwing away anything typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from circlekeeper.tui.bridge import error_message, run_db
from circlekeeper.tui.screens.dialogs import ConfirmScreen
from circlekeeper.tui.widgets.footer import KeyFooter


class FormScreen(ModalScreen[Any]):
    """A modal form: subclasses list their fields, `values()` and `validate()` and `submit()`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s", "save", "Save", id="form.save", tooltip="Save (also enter on the Save button)"
        ),
        Binding(
            "escape",
            "cancel",
            "Cancel",
            id="form.cancel",
            tooltip="Close without saving (asks first when something was typed)",
        ),
    ]

    form_title = "Form"
    save_label = "Save"

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")
        self._touched: set[str] = set()
        self._tried = False
        self._saving = False
        self._typed_at_start: dict[str, str] = {}

    def fields(self) -> ComposeResult:
        """The form's input widgets, each wrapped by `field()`."""
        yield from ()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Label(Content(self.form_title), classes="dialog-title")
            with VerticalScroll(classes="form-body"):
                yield from self.fields()
            yield Static("", id="form-error", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.save_label} (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")
            yield KeyFooter()

    @on(events.Mount)
    def _remember_typed_text(self) -> None:
        self._typed_at_start = self.typed_text()

    def typed_text(self) -> dict[str, str]:
        """The text of every input and text area, by id: what escape would throw away."""
        found: dict[str, str] = {}
        for widget in self.query(".field Input, .field TextArea").results():
            if isinstance(widget, Input):
                found[widget.id or ""] = widget.value
            elif isinstance(widget, TextArea):
                found[widget.id or ""] = widget.text
        return found

    def on_mount(self) -> None:
        for widget in self.query(".field Input, .field TextArea, .field Select").results():
            widget.focus()
            break

    @staticmethod
    def field(name: str, label: str, widget: Widget, hint: str = "") -> Vertical:
        """A label, the widget (id = name) and an error line under it."""
        widget.id = name
        children: list[Widget] = [Label(Content(label), classes="field-label"), widget]
        if hint:
            children.append(Label(Content(hint), classes="hint"))
        children.append(Static("", id=f"error-{name}", classes="field-error"))
        return Vertical(*children, classes="field")

    def text(self, name: str) -> str:
        """The current text of input `name`."""
        widget = self.query_one(f"#{name}")
        if isinstance(widget, Input):
            return widget.value
        if isinstance(widget, TextArea):
            return widget.text
        raise TypeError(name)

    def checked(self, name: str) -> bool:
        """Whether checkbox `name` is ticked."""
        return self.query_one(f"#{name}", Checkbox).value

    def selected(self, name: str) -> Any:
        """The value of select `name`, or None when blank."""
        value = self.query_one(f"#{name}", Select).value
        return None if value is Select.NULL else value

    def validate(self) -> dict[str, str]:
        """Field name → problem, for the current values (empty when all is well)."""
        return {}

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id:
            self._touched.add(event.input.id)
        self.refresh_errors()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id:
            self._touched.add(event.text_area.id)
        self.refresh_errors()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id:
            self._touched.add(event.select.id)
        self.refresh_errors()

    def refresh_errors(self) -> dict[str, str]:
        """Show each problem under its field (once touched, or after a save attempt)."""
        problems = self.validate()
        for widget in self.query(".field-error"):
            name = (widget.id or "").removeprefix("error-")
            show = self._tried or name in self._touched
            message = problems.get(name, "") if show else ""
            if isinstance(widget, Static):
                widget.update(Content(message))
        general = problems.get("", "") if self._tried else ""
        self.query_one("#form-error", Static).update(Content(general))
        return problems

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        """Close without saving; when text was typed or changed, only once the user says so."""
        if self._saving or self.typed_text() == self._typed_at_start:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(
                "Discard what you typed?",
                f"{self.form_title}: what you typed here is not saved. Discard it?",
            ),
            answered,
        )

    def action_save(self) -> None:
        """Validate, then call the service in a worker; a refusal keeps the form open, explained."""
        self._tried = True
        problems = self.refresh_errors()
        if problems or self._saving:
            if problems:
                self.query_one("#form-error", Static).update(
                    Content(problems.get("", "Fix the fields marked above."))
                )
            return
        self._saving = True
        self.query_one("#form-error", Static).update(Content("saving…"))
        run_db(self, self.submit(), self._done, on_error=self._refused)

    def submit(self) -> Callable[[], Any]:
        """A callable doing the service call (runs in a thread)."""
        raise NotImplementedError

    def _done(self, result: Any) -> None:
        self._saving = False
        self.dismiss(result)

    def _refused(self, exc: Exception) -> None:
        self._saving = False
        self.query_one("#form-error", Static).update(Content(error_message(exc)))
