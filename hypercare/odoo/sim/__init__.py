"""Odoo-compatible simulator: JSON-RPC and JSON-2 over HTTP, both helpdesk flavours,
and a seeded go-live scenario. The embedded default for ``hypercare demo`` and tests.

Public API::

    from hypercare.odoo.sim import OdooSimulator, SimulatorConfig
    with OdooSimulator(SimulatorConfig(flavor="oca", version="17.0")) as sim:
        ...  # sim.url, sim.store, sim.inject_fault(...), sim.set_now(...)
"""

from .simulator import OdooSimulator, SimulatorConfig, run_forever

__all__ = ["OdooSimulator", "SimulatorConfig", "run_forever"]
