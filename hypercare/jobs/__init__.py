"""APScheduler jobs: each named job calls one service."""
