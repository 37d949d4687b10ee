"""Every key binding of every screen, in one place."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from hypercare.tui.format import key_label

DEFAULT_RUNBOOK = "command-center-tui"
INTRO = """\
# hypercare keys

Everything works from the keyboard (the mouse works too). **ctrl+p** opens the command palette
with every action; the footer shows the keys that apply where you are. Decisions (category,
severity, known-issue link) can be taken back with **u** for a short while.
"""


def key_table(title: str, bindings: list[BindingType]) -> str:
    lines = [f"## {title}", "", "| Key | Does |", "|---|---|"]
    for binding in bindings:
        if isinstance(binding, Binding):
            key, description = binding.key, binding.description or binding.action
        else:
            key, _, description = (*binding, "")[:3] if len(binding) >= 3 else (
                binding[0], "", binding[1])
        shown = key_label(key)
        lines.append(f"| `{shown}` | {description} |")
    return "\n".join(lines) + "\n"


class HelpScreen(ModalScreen[None]):
    """Escape (or F1) closes it; ``?`` again opens the runbook of the screen below."""

    BINDINGS = [
        Binding("escape,f1", "dismiss", "Close"),
        Binding("question_mark", "runbook", "Runbook"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 110; height: 90%;
                                  border: thick $primary; background: $surface; }
    """

    def __init__(self, sections: list[tuple[str, list[BindingType]]],
                 runbook: str | None = None) -> None:
        super().__init__()
        self.sections = sections
        self.runbook = runbook or DEFAULT_RUNBOOK

    def compose(self) -> ComposeResult:
        text = (INTRO + f"\nPress **?** again to read the runbook `{self.runbook}`.\n\n"
                + "\n".join(key_table(title, b) for title, b in self.sections))
        with VerticalScroll():
            yield Markdown(text)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)

    def action_runbook(self) -> None:
        """Close the help and open the runbook that fits the screen it was opened on."""
        from hypercare.tui.screens.runbooks import RunbooksScreen

        runbook = self.runbook
        app = self.app
        self.dismiss(None)
        app.push_screen(RunbooksScreen(runbook))
