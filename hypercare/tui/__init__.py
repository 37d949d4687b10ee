"""Textual command-center dashboard (front end): imports only ``hypercare.services``."""
