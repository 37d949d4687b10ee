"""``GET /healthz`` names the escalation levels whose alerts would go to dead letters (no
contacts, or a user group, while ``slack.alerts_channel`` is unset): a monitor sees the
misconfiguration before the first breach does, and the answer stays 200."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable

from hypercare.commands.serve_health import HealthServer, health
from hypercare.services import Services
from tests.jobs.conftest import OWNER

LEVELS = [{"level": 1, "name": "super-users", "contacts": ["S0SUPERUSERS"]},
          {"level": 2, "name": "functional lead", "contacts": ["U0LEAD01"]},
          {"level": 3, "name": "partner", "contacts": ["U0PARTNER"]},
          {"level": 4, "name": "sponsor", "contacts": []}]


def healthz(services: Services) -> tuple[int, dict[str, object]]:
    server = HealthServer(lambda: health(services, owner=False, process=OWNER)).start()
    try:
        with urllib.request.urlopen(server.url, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    finally:
        server.stop()


def test_healthz_names_the_levels_nobody_receives(
        open_services: Callable[..., Services]) -> None:
    status, body = healthz(open_services(escalation={"levels": LEVELS}))
    assert (status, body["status"]) == (200, "ok")
    assert body["unreachable_levels"] == [
        "L1 super-users: S0SUPERUSERS can only be mentioned in slack.alerts_channel",
        "L4 sponsor: no contacts"]
    status, body = healthz(open_services(escalation={"levels": LEVELS},
                                         slack={"alerts_channel": "C0ALERTS"}))
    assert (status, body["status"], body["unreachable_levels"]) == (200, "ok", [])
