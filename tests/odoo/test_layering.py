"""The connector stays below the store, sync and the front ends."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_connector_loads_no_forbidden_package() -> None:
    code = (
        "import sys, hypercare.odoo, hypercare.odoo.probe;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'slack_bolt')"
        " or m.startswith(('hypercare.store', 'hypercare.sync'))];"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
