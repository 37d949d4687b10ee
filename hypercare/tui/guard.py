"""Keys typed for a dialog never run commands.

A lead presses ``o`` and types "Marc": when the owner dialog opens at once, the letters go
into it. When a dialog first has to read something (the known issues to link to, the
escalations to acknowledge), or cannot open at all (no ticket under the cursor), those
letters would land on the screen below as single-key commands: ``t`` reclassifies,
``e`` ends the meeting. :class:`KeyGuard` closes that gap for every screen: while a dialog
is on its way, and for a moment after one could not open, every key binding does nothing
(the app's :meth:`~hypercare.tui.app.HypercareApp.run_action` asks the guard). Quitting
(ctrl+q) always works.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from textual.dom import DOMNode

T = TypeVar("T")

#: How long keys are ignored after a dialog key that opened nothing (the rest of the word
#: being typed).
GRACE_SECONDS = 1.5
ALWAYS_ALLOWED = frozenset({"quit", "app.quit"})


class KeyGuard:
    """Whether key bindings may run now (one per app)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._opening = 0
        self._until = 0.0

    @property
    def active(self) -> bool:
        return self._opening > 0 or self._clock() < self._until

    def allows(self, action: str) -> bool:
        return not self.active or action in ALWAYS_ALLOWED

    def opening(self) -> None:
        """A dialog is on its way: keys do nothing until :meth:`settled`."""
        self._opening += 1

    def settled(self, *, opened: bool) -> None:
        """The dialog opened (keys now go to it), or did not (keys stay ignored a moment)."""
        self._opening = max(0, self._opening - 1)
        if not opened:
            self.refused()

    def refused(self) -> None:
        """A dialog key opened nothing: what is typed next is meant for no command."""
        self._until = self._clock() + GRACE_SECONDS


def key_guard(node: DOMNode) -> KeyGuard | None:
    """The app's guard (None outside hypercare's app, e.g. a bare widget test)."""
    guard = getattr(node.app, "key_guard", None)
    return guard if isinstance(guard, KeyGuard) else None


def refuse_dialog(node: DOMNode, message: str) -> None:
    """Say why a dialog key opened nothing, and ignore the keys typed right after it."""
    from hypercare.tui.widgets.data import toast

    guard = key_guard(node)
    if guard is not None:
        guard.refused()
    toast(node, message, severity="warning")


def open_dialog(node: DOMNode, load: Callable[[], T], *, show: Callable[[T], bool],
                what: str) -> None:
    """Read what a dialog needs in a worker, then ``show`` it (True when a dialog was
    pushed); keys typed meanwhile run nothing."""
    from hypercare.tui.work import call_service

    guard = key_guard(node)
    if guard is not None:
        guard.opening()

    def shown(value: T) -> None:
        opened = False
        try:
            opened = bool(show(value))
        finally:
            if guard is not None:
                guard.settled(opened=opened)

    def failed(_exc: BaseException) -> Any:
        if guard is not None:
            guard.settled(opened=False)

    call_service(node, load, done=shown, failed=failed, what=what)
