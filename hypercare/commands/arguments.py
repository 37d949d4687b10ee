"""Argument types for numbers on the command line: bounded, so an absurd value is a usage
error (exit 2) naming the argument, never an ``OverflowError`` deep in a command."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from hypercare.numbers import parse_count, parse_id

MAX_DAYS = 3650
"""Longest window, in days, any command looks back or ahead (ten years)."""


def integer(low: int, high: int) -> Callable[[str], int]:
    """A whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        value = parse_count(text, low=low, high=high)
        if value is None:
            raise argparse.ArgumentTypeError(
                f"expected a whole number from {low:,} to {high:,}, not {text[:40]!r}")
        return value

    return parse


def decimal(low: float, high: float) -> Callable[[str], float]:
    """A number from ``low`` to ``high`` (no infinities, no NaN)."""

    def parse(text: str) -> float:
        try:
            value = float(text) if len(text) <= 40 else math.nan
        except ValueError:
            value = math.nan
        if not low <= value <= high:  # NaN fails every comparison
            raise argparse.ArgumentTypeError(
                f"expected a number from {low:g} to {high:g}, not {text[:40]!r}")
        return value

    return parse


def record_id(text: str) -> int:
    """A record's number (an escalation, a stand-up, an outbox message ...)."""
    value = parse_id(text.strip().lstrip("#"))
    if value is None:
        raise argparse.ArgumentTypeError(f"expected a record number, not {text[:40]!r}")
    return value


PORT = integer(0, 65535)
DAYS = integer(1, MAX_DAYS)
LIMIT = integer(1, 1_000_000)
