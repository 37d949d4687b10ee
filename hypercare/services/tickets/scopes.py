"""Scopes: the company or team a person names (``--company``, ``--team``, a stand-up's scope),
checked against the synced tickets. The one home of that rule for every front end.

A name no synced ticket has is a :class:`~hypercare.errors.UsageError` (exit 2) that lists the
known names, never an empty result that reads as "no tickets". A known name matches whatever
its case and surrounding blanks and resolves to the stored spelling (``acme industries be`` ->
``Acme Industries BE``); a company may also be named by its Odoo id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hypercare.errors import UsageError
from hypercare.numbers import parse_id
from hypercare.store import tickets as queries
from hypercare.text import one_line

if TYPE_CHECKING:
    from hypercare.services.access import Viewer
    from hypercare.store import Session

SHOWN = 20
"""Most known names a hint lists."""
NAME_LIMIT = 80
"""Longest part of an unknown name an error message quotes."""


@dataclass(frozen=True)
class Scope:
    """A checked scope: each name as stored (None: not scoped by it)."""

    company: str | None = None
    team: str | None = None


def resolve_scope(*, company: str | None = None, team: str | None = None, session: Session,
                  viewer: Viewer | None = None) -> Scope:
    """``company`` and ``team`` as the synced tickets spell them (None stays None); a
    UsageError naming the known ones when either is unknown.

    ``viewer``: the companies they may not see are unknown to them and never listed."""
    if company is None and team is None:
        return Scope()
    names = queries.scope_names(session=session)
    companies = [(name, odoo_id) for name, odoo_id in names.companies
                 if viewer is None or viewer.sees_company(name)]
    return Scope(
        company=None if company is None else _company(company, companies, names.any_ticket),
        team=None if team is None else _team(team, list(names.teams), names.any_ticket))


def _company(wanted: str, known: list[tuple[str, int | None]], any_ticket: bool) -> str:
    found = _match(wanted, [name for name, _ in known])
    if found is not None:
        return found
    odoo_id = parse_id(wanted.strip())
    for name, company_id in known:
        if odoo_id is not None and company_id == odoo_id:
            return name
    raise _unknown("company", "companies", wanted, list(dict.fromkeys(n for n, _ in known)),
                   any_ticket)


def _team(wanted: str, known: list[str], any_ticket: bool) -> str:
    found = _match(wanted, known)
    if found is not None:
        return found
    raise _unknown("team", "teams", wanted, known, any_ticket)


def _match(wanted: str, known: list[str]) -> str | None:
    """The stored name equal to ``wanted`` (exactly, else ignoring case and blanks)."""
    if wanted in known:
        return wanted
    key = wanted.strip().casefold()
    return next((name for name in known if name.strip().casefold() == key), None)


def _unknown(kind: str, plural: str, wanted: str, known: list[str],
             any_ticket: bool) -> UsageError:
    message = f"no {kind} named '{one_line(wanted, NAME_LIMIT)}'"
    if not any_ticket:
        return UsageError(message, hint="No tickets are synced yet: run `hypercare sync` "
                          f"first, then name one of their {plural}.")
    if not known:
        return UsageError(message, hint=f"No synced ticket you may see has a {kind}.")
    shown = ", ".join(one_line(name, NAME_LIMIT) for name in known[:SHOWN])
    more = f" and {len(known) - SHOWN} more" if len(known) > SHOWN else ""
    return UsageError(message, hint=f"Known {plural}: {shown}{more}.")
