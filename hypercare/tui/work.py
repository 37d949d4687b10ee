"""Service calls off the UI thread: results come back as callbacks, failures as notifications."""

from __future__ import annotations

import contextlib
import inspect
import itertools
import logging
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

from hypercare.errors import AccessDeniedError, HypercareError
from hypercare.tui.widgets.data import toast

T = TypeVar("T")
log = logging.getLogger(__name__)

#: node -> group -> the number of the newest exclusive call (older results are dropped).
_newest: weakref.WeakKeyDictionary[DOMNode, dict[str, int]] = weakref.WeakKeyDictionary()
_numbers = itertools.count(1)


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
    (and ``failed`` runs, for screens that show the error in place too). So does an error
    in ``done`` or ``failed`` themselves. A refusal by the access rules
    (:class:`~hypercare.errors.AccessDeniedError`: the service changed nothing) is no
    error: a warning says who may do it and what to do instead.

    ``exclusive``: the newest call of ``group`` on ``node`` wins; an older call still
    running is not cancelled (a thread cannot be stopped: it would go on using the store
    unseen, and its result would still arrive, after the newer one) but its result is
    dropped. Neither callback runs once Textual cancelled the worker: ``node`` was removed
    (a closed screen) or the app is closing; a failure is still notified while the app runs.
    """
    app = node.app
    number = next(_numbers)
    if exclusive:
        _newest.setdefault(node, {})[group] = number

    def superseded() -> bool:
        return exclusive and _newest.get(node, {}).get(group) != number

    def report(exc: BaseException) -> None:
        if isinstance(exc, AccessDeniedError):
            toast(app, describe(exc), title=f"{what}: not done", severity="warning",
                  timeout=10)
            return
        toast(app, describe(exc), title=f"{what} failed", severity="error", timeout=10)

    async def deliver(worker: Worker[None], outcome: tuple[bool, Any]) -> None:
        """On the UI thread: hand the outcome over, unless nobody is waiting for it now."""
        ok, value = outcome
        if not ok:
            report(value)
        if worker.is_cancelled or superseded():
            return
        callback = done if ok else failed
        if callback is None:
            return
        try:
            shown = callback(value)
            if inspect.isawaitable(shown):
                await shown
        except Exception as exc:  # a bug in the screen: say so, never end the app
            log.exception("showing the result of %s failed", what)
            report(exc)

    def run() -> None:
        worker = get_current_worker()
        try:
            outcome: tuple[bool, Any] = (True, call())
        except Exception as exc:
            if not isinstance(exc, HypercareError):
                log.exception("%s failed", what)
            outcome = (False, exc)
        if worker.is_cancelled and (outcome[0] or not app.is_running):
            return  # nobody to tell: the screen is gone or the app is closing
        if outcome[0] and done is None:
            return
        with contextlib.suppress(RuntimeError):  # the app closed while the call ran
            # (mypy infers Never for an async callback's result; Textual awaits it)
            app.call_from_thread(deliver, worker, outcome)  # type: ignore[arg-type]

    return node.run_worker(run, name=what, group=group, thread=True, exit_on_error=False)
