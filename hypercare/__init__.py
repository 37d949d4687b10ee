"""hypercare: the command center for the weeks after an Odoo go-live."""

__version__ = "0.1.0"
