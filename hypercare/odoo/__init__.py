"""The Odoo connector: the only code in hypercare that speaks Odoo.

``connect(settings)`` gives an :class:`OdooClient` over JSON-RPC (odoorpc) or JSON-2 (httpx);
:class:`HelpdeskReader` reads normalized tickets for either helpdesk flavour;
:class:`ChatterReader` reads their chatter; :class:`Writeback` writes within ``write_mode``;
``probe(settings)`` checks it all for ``hypercare config check``.
"""

from hypercare.odoo.client import HANDSHAKE, CallStats, OdooClient, ServerInfo
from hypercare.odoo.connect import Plan, connect, detect_version, plan
from hypercare.odoo.helpdesk import HelpdeskReader, HelpdeskReference
from hypercare.odoo.messages import ChatterBatch, ChatterReader, OdooMessage, OdooTracking
from hypercare.odoo.probe import ProbeLine, ProbeReport, probe
from hypercare.odoo.records import (
    OdooCompany,
    OdooStage,
    OdooTag,
    OdooTeam,
    OdooTicket,
    OdooUser,
    Ref,
    map_ticket,
    ticket_url,
)
from hypercare.odoo.retry import RetryPolicy
from hypercare.odoo.schema import HelpdeskSchema, ReferenceModels, detect_schema
from hypercare.odoo.text import html_to_text
from hypercare.odoo.writeback import Writeback, paragraphs

__all__ = [
    "HANDSHAKE",
    "CallStats",
    "ChatterBatch",
    "ChatterReader",
    "HelpdeskReader",
    "HelpdeskReference",
    "HelpdeskSchema",
    "OdooClient",
    "OdooCompany",
    "OdooMessage",
    "OdooStage",
    "OdooTag",
    "OdooTeam",
    "OdooTicket",
    "OdooTracking",
    "OdooUser",
    "Plan",
    "ProbeLine",
    "ProbeReport",
    "Ref",
    "ReferenceModels",
    "RetryPolicy",
    "ServerInfo",
    "Writeback",
    "connect",
    "detect_schema",
    "detect_version",
    "html_to_text",
    "map_ticket",
    "paragraphs",
    "plan",
    "probe",
    "ticket_url",
]
