"""The fitted classifier on disk: ``model-<data hash>.npz``, arrays only (no pickles).

Keyed by a hash of the training data, so a start-up with unchanged data never refits and
changed data (a new decision, new seeds) never uses a stale model. Written atomically.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from hypercare.files import private_dir
from hypercare.triage.model import LinearModel

KEEP = 3


def cache_path(directory: Path, data_hash: str) -> Path:
    return directory / f"model-{data_hash}.npz"


def load(directory: Path, data_hash: str) -> LinearModel | None:
    """The cached model for ``data_hash``, or None (missing, unreadable or foreign)."""
    path = cache_path(directory, data_hash)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as arrays:
            model = LinearModel.from_arrays({key: arrays[key] for key in arrays.files})
    except (OSError, ValueError, KeyError):
        return None
    return model if model.data_hash == data_hash else None


def save(directory: Path, model: LinearModel) -> Path:
    """Write the model atomically, keep the newest few, return its path."""
    private_dir(directory)
    path = cache_path(directory, model.data_hash)
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez_compressed(stream, **model.to_arrays())  # type: ignore[arg-type]
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _prune(directory, keep=path)
    return path


def _prune(directory: Path, keep: Path) -> None:
    models = sorted(directory.glob("model-*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[KEEP:]:
        if old != keep:
            old.unlink(missing_ok=True)
