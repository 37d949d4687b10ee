"""Reading tickets, users and their reference data through a detected :class:`HelpdeskSchema`.

Tickets and users are read in pages (:meth:`HelpdeskReader.page_tickets`,
:meth:`HelpdeskReader.page_users`): raw rows in :data:`PAGE_ORDER`, archived records included,
so a caller can page by keyset on ``write_date, id`` (``hypercare.sync.keyset``); each page is
then mapped once to records (:meth:`HelpdeskReader.map_tickets`, :meth:`HelpdeskReader.map_users`).
Model names and field lists stay here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypercare.odoo.client import Domain, OdooClient
from hypercare.odoo.records import (
    OdooCompany,
    OdooStage,
    OdooTag,
    OdooTeam,
    OdooTicket,
    OdooUser,
    Ref,
    ids,
    m2o,
    map_ticket,
    text,
)
from hypercare.odoo.schema import TICKET, HelpdeskSchema, detect_schema

ALL_RECORDS = {"active_test": False}
USER_FIELDS = ("name", "login", "email", "share", "partner_id")
PAGE_ORDER = "write_date asc, id asc"
"""The order of every page: oldest write first, ties by id (what keyset paging resumes on)."""
USER_PAGE_FIELDS = (*USER_FIELDS, "write_date")


@dataclass(frozen=True)
class HelpdeskReference:
    """Every reference record a ticket points at, by id (archived ones included)."""

    companies: Mapping[int, OdooCompany] = field(default_factory=dict)
    teams: Mapping[int, OdooTeam] = field(default_factory=dict)
    stages: Mapping[int, OdooStage] = field(default_factory=dict)
    tags: Mapping[int, OdooTag] = field(default_factory=dict)
    ticket_types: Mapping[int, Ref] = field(default_factory=dict)
    categories: Mapping[int, Ref] = field(default_factory=dict)
    channels: Mapping[int, Ref] = field(default_factory=dict)


def map_user(raw: Mapping[str, Any]) -> OdooUser:
    partner = m2o(raw.get("partner_id"))
    return OdooUser(
        id=int(raw["id"]),
        name=text(raw.get("name")),
        login=text(raw.get("login")),
        email=text(raw.get("email")),
        is_internal=not bool(raw.get("share")),
        partner_id=partner.id if partner else None,
        active=bool(raw.get("active", True)),
    )


class HelpdeskReader:
    """Tickets and reference data of one Odoo database, normalized."""

    def __init__(self, client: OdooClient, schema: HelpdeskSchema | None = None) -> None:
        self.client = client
        self.schema = schema or detect_schema(client)
        self._ticket_fields = self.schema.ticket_read_fields()
        self._reference: HelpdeskReference | None = None
        self._unknown: set[tuple[str, int]] = set()

    # -- reference data -----------------------------------------------------------------------

    def reference(self, *, refresh: bool = False) -> HelpdeskReference:
        """Companies, teams, stages, tags, types, categories, channels (cached)."""
        if self._reference is None or refresh:
            models = self.schema.models
            self._reference = HelpdeskReference(
                companies={r.id: OdooCompany(r.id, r.name) for r in self._refs("res.company")},
                teams=self.teams(),
                stages=self.stages(),
                tags={r.id: OdooTag(r.id, r.name) for r in self._refs(models.tag)},
                ticket_types={r.id: r for r in self._refs(models.ticket_type)},
                categories={r.id: r for r in self._refs(models.category)},
                channels={r.id: r for r in self._refs(models.channel)},
            )
        return self._reference

    def teams(self) -> dict[int, OdooTeam]:
        rows = self.client.search_read(
            self.schema.models.team, [], ["name", "company_id", "active"], context=ALL_RECORDS
        )
        return {
            int(r["id"]): OdooTeam(
                int(r["id"]), text(r.get("name")), m2o(r.get("company_id")), bool(r.get("active"))
            )
            for r in rows
        }

    def stages(self) -> dict[int, OdooStage]:
        closed = self.schema.stage_closed_field
        wanted = [f for f in ("name", "sequence", "fold", closed) if f in self.schema.stage_fields]
        rows = self.client.search_read(
            self.schema.models.stage, [], list(dict.fromkeys(wanted)), context=ALL_RECORDS
        )
        return {
            int(r["id"]): OdooStage(
                id=int(r["id"]),
                name=text(r.get("name")),
                sequence=int(r.get("sequence") or 0),
                is_closed=bool(r.get(closed)),
                fold=bool(r.get("fold")),
            )
            for r in rows
        }

    def page_users(
        self, domain: Domain, *, limit: int | None, offset: int = 0
    ) -> list[dict[str, Any]]:
        """One page of raw ``res.users`` rows (archived ones too) in :data:`PAGE_ORDER`."""
        return self.client.search_read(
            "res.users", domain, USER_PAGE_FIELDS, order=PAGE_ORDER, limit=limit, offset=offset,
            context=ALL_RECORDS,
        )  # fmt: skip

    @staticmethod
    def map_users(rows: Sequence[Mapping[str, Any]]) -> list[OdooUser]:
        """Raw ``res.users`` rows (read by :meth:`page_users`) as records."""
        return [map_user(row) for row in rows]

    def _refs(self, model: str | None) -> list[Ref]:
        if not model:
            return []
        rows = self.client.search_read(model, [], ["name"], context=ALL_RECORDS)
        return [Ref(int(r["id"]), text(r.get("name"))) for r in rows]

    # -- tickets ------------------------------------------------------------------------------

    def page_tickets(
        self, domain: Domain, *, limit: int | None, offset: int = 0
    ) -> list[dict[str, Any]]:
        """One page of raw ticket rows (archived ones too) in :data:`PAGE_ORDER`, with every
        ticket field this helpdesk has (:meth:`HelpdeskSchema.ticket_read_fields`); map them
        with :meth:`map_tickets`."""
        return self.client.search_read(
            TICKET, domain, self._ticket_fields, order=PAGE_ORDER, limit=limit, offset=offset,
            context=ALL_RECORDS,
        )  # fmt: skip

    def count_tickets(self, domain: Domain = ()) -> int:
        """How many tickets (archived ones too) match ``domain``."""
        return self.client.search_count(TICKET, domain, context=ALL_RECORDS)

    def ticket_ids(self, domain: Domain = (), *, include_archived: bool = True) -> list[int]:
        """Ids of every matching ticket (for deletion/archive reconciliation)."""
        context = ALL_RECORDS if include_archived else None
        return self.client.search(TICKET, domain, order="id asc", context=context)

    def map_tickets(self, rows: Sequence[Mapping[str, Any]]) -> list[OdooTicket]:
        """Raw ticket rows (read by :meth:`page_tickets`) as records; reference data created
        since it was loaded (a new stage or tag) is read again first."""
        reference = self.reference()
        seen = {("stage", s.id) for r in rows if (s := m2o(r.get("stage_id")))}
        seen |= {("tag", t) for r in rows for t in ids(r.get("tag_ids"))}
        if self._missing(seen, reference) - self._unknown:
            reference = self.reference(refresh=True)  # created since the last load
            self._unknown |= self._missing(seen, reference)
        info = self.client.info
        return [
            map_ticket(
                row,
                self.schema,
                stages=reference.stages,
                tags=reference.tags,
                base_url=info.url,
                odoo_urls=info.has_odoo_urls,
            )
            for row in rows
        ]

    @staticmethod
    def _missing(seen: set[tuple[str, int]], reference: HelpdeskReference) -> set[tuple[str, int]]:
        known = {"stage": reference.stages.keys(), "tag": reference.tags.keys()}
        return {(kind, i) for kind, i in seen if i not in known[kind]}
