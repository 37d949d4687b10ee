"""Slack bot on slack-bolt (front end): imports only ``hypercare.services``."""
