"""Small modal dialogs: pick one of many (type to narrow), or write a line or a note.

Titles and choices often hold outside text (a ticket's title, a decision's question, a saved
view's name): both dialogs show their title and every choice as data, one line each (a title
may wrap to a few lines), never as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from hypercare.terminal import CELL_LIMIT
from hypercare.text import clean, one_line
from hypercare.tui.widgets.data import heading, option, toast

DIALOG_TITLE_LIMIT = 300
"""Characters of a dialog's title (a long question is cut with an ellipsis)."""


class ChoiceScreen(ModalScreen[str | None]):
    """Choose one option; typing narrows the list; Enter picks, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical { width: 90%; max-width: 100; height: auto; max-height: 80%;
                              border: thick $primary; background: $surface; padding: 0 1; }
    ChoiceScreen OptionList { height: auto; max-height: 20; text-wrap: nowrap;
                              text-overflow: ellipsis; }
    ChoiceScreen .dialog-title { width: 100%; max-height: 4; }
    """

    def __init__(self, title: str | Text, choices: list[tuple[str, str]]) -> None:
        """``title`` and each choice's label are shown as literal text; a label is one line
        cut at :data:`~hypercare.terminal.CELL_LIMIT` characters (typing narrows on it)."""
        super().__init__()
        self.title_text = heading(title, "", limit=DIALOG_TITLE_LIMIT)
        self.choices = [(one_line(label, CELL_LIMIT), value) for label, value in choices]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="dialog-title")
            yield Input(placeholder="type to narrow", id="narrow")
            yield OptionList(*self._options(""), id="choices")

    def _options(self, text: str) -> list[Option]:
        typed = " ".join(text.lower().split())
        words = typed.split()
        found = [(label, value) for label, value in self.choices
                 if all(w in label.lower() for w in words)]
        found.sort(key=lambda choice: typed not in choice[0].lower())  # the phrase first
        return [option(label, value) for label, value in found]

    @on(Input.Changed, "#narrow")
    def narrow(self, event: Input.Changed) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted, "#narrow")
    def pick_highlighted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = 0

    def on_key(self, event: events.Key) -> None:
        key = event.key
        if key in ("down", "up"):
            options = self.query_one(OptionList)
            if options.option_count:
                current = options.highlighted or 0
                step = 1 if key == "down" else -1
                options.highlighted = max(0, min(options.option_count - 1, current + step))
            event.stop()

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextScreen(ModalScreen[str | None]):
    """Write a line (Enter) or a note (ctrl+s); Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Save")]
    DEFAULT_CSS = """
    TextScreen { align: center middle; }
    TextScreen > Vertical { width: 90%; max-width: 100; height: auto; border: thick $primary;
                            background: $surface; padding: 0 1; }
    TextScreen TextArea { height: 10; }
    TextScreen .dialog-title { width: 100%; max-height: 4; }
    TextScreen .hint { color: $text-muted; }
    """

    def __init__(self, title: str | Text, *, placeholder: str = "", multiline: bool = False,
                 max_length: int = 500, initial: str = "") -> None:
        """``title`` is shown as literal text (it may quote a question or a ref); ``initial``
        (a stored workaround, a ticket's title) is cleaned of control characters first."""
        super().__init__()
        self.title_text = heading(title, "", limit=DIALOG_TITLE_LIMIT)
        self.placeholder = placeholder
        self.multiline = multiline
        self.max_length = max_length
        self.initial = clean(initial, multiline=multiline)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="dialog-title")
            if self.multiline:
                yield TextArea(self.initial, id="text")
                yield Label(f"ctrl+s saves, escape cancels; at most {self.max_length:,} "
                            "characters", classes="hint")
            else:
                yield Input(self.initial, placeholder=self.placeholder, id="text",
                            max_length=self.max_length)
                yield Label("enter saves, escape cancels", classes="hint")

    @on(Input.Submitted, "#text")
    def action_submit(self) -> None:
        text = self.query_one(TextArea).text if self.multiline else self.query_one(Input).value
        if len(text) > self.max_length:
            toast(self, f"That is {len(text):,} characters; the limit is {self.max_length:,}. "
                        "Shorten it or attach the details in Odoo.", severity="error")
            return
        self.dismiss(text.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
