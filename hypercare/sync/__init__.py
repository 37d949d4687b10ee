"""Incremental sync Odoo -> store: the only code that joins ``odoo`` and ``store``."""
