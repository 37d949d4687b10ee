"""Service calls off the UI thread: results come back as callbacks, failures as notifications."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import TypeVar

from textual.dom import DOMNode
from textual.worker import Worker

from hypercare.errors import HypercareError

T = TypeVar("T")
log = logging.getLogger(__name__)


def describe(exc: BaseException) -> str:
    """One error, as the TUI shows it: what happened, then what to do."""
    if isinstance(exc, HypercareError):
        return f"{exc.message}\n{exc.hint}" if exc.hint else exc.message
    return f"unexpected {type(exc).__name__}: {exc}\nThe details are in the log; please report it."


def call_service(
    node: DOMNode,
    call: Callable[[], T],
    *,
    done: Callable[[T], object] | None = None,
    failed: Callable[[BaseException], object] | None = None,
    what: str,
    group: str = "service",
    exclusive: bool = False,
) -> Worker[None]:
    """Run ``call`` in a thread worker; hand its result to ``done`` on the UI thread.

    A failure never ends the app: it becomes an error notification titled ``what``
    (and ``failed`` runs, for screens that show the error in place too).
    """
    app = node.app

    def report(exc: BaseException) -> None:
        app.notify(describe(exc), title=f"{what} failed", severity="error", timeout=10)
        if failed is not None:
            failed(exc)

    def run() -> None:
        try:
            result = call()
        except Exception as exc:
            if not isinstance(exc, HypercareError):
                log.exception("%s failed", what)
            _back(app, report, exc)
            return
        if done is not None:
            _back(app, done, result)

    return node.run_worker(run, name=what, group=group, exclusive=exclusive, thread=True,
                           exit_on_error=False)


def _back(app: object, callback: Callable[[T], object], value: T) -> None:
    with contextlib.suppress(RuntimeError):  # the app closed while the call ran
        app.call_from_thread(callback, value)  # type: ignore[attr-defined]
