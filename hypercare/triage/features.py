"""Hashed text features: words, word pairs and character n-grams inside words.

Our own featurizer (``zlib.crc32`` hashing, numpy only) so predicting needs neither
scikit-learn nor scipy at start-up, and the model is just an array of weights.
Character n-grams (3 to 5) inside each word keep signal through typos, inflections
and other languages ("facture"/"factura"/"invoice" share little, but "factur" does).
Features of a word are cached: tickets repeat the same words, so featurizing is fast.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

N_FEATURES = 1 << 18
MAX_CHARS = 2000
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_WORD_WEIGHT = 1.0
_PAIR_WEIGHT = 0.8
_CHAR_WEIGHT = 0.35


def normalize(text: str) -> str:
    """Lower case, accents folded, whitespace collapsed (for rules and features alike)."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def words(text: str) -> list[str]:
    """The words of normalized ``text`` (numbers kept, punctuation dropped)."""
    return WORD.findall(normalize(text[:MAX_CHARS]))


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) % N_FEATURES


@lru_cache(maxsize=200_000)
def word_features(word: str) -> tuple[int, ...]:
    """Feature indices of one word: the word itself, then its character 3-5-grams."""
    indices = [_hash("w:" + word)]
    padded = f"<{word}>"
    if len(word) > 2 and not word.isdigit():
        for size in (3, 4, 5):
            indices.extend(_hash(f"c{size}:" + padded[i : i + size])
                           for i in range(len(padded) - size + 1))
    return tuple(indices)


@dataclass(frozen=True)
class Features:
    """One document's hashed features, L2-normalized, plus which word produced which."""

    indices: npt.NDArray[np.int64]
    values: npt.NDArray[np.float32]
    words: tuple[str, ...]
    word_slices: tuple[tuple[int, int], ...]
    """For each word, the [start, end) range of its features in ``indices``."""


def featurize(text: str) -> Features:
    """Hash ``text`` into sparse features (duplicates summed, vector L2-normalized)."""
    return featurize_tokens(words(text))


def featurize_tokens(tokens: Sequence[str]) -> Features:
    """Features of already tokenized text (see :func:`words`)."""
    indices: list[int] = []
    weights: list[float] = []
    slices: list[tuple[int, int]] = []
    for token in tokens:
        start = len(indices)
        hashed = word_features(token)
        indices.extend(hashed)
        weights.append(_WORD_WEIGHT)
        weights.extend([_CHAR_WEIGHT] * (len(hashed) - 1))
        slices.append((start, len(indices)))
    for first, second in itertools.pairwise(tokens):
        indices.append(_hash(f"p:{first} {second}"))
        weights.append(_PAIR_WEIGHT)
    if not indices:
        return Features(np.zeros(0, np.int64), np.zeros(0, np.float32), (), ())
    index_array = np.asarray(indices, dtype=np.int64)
    value_array = np.asarray(weights, dtype=np.float32)
    norm = float(np.sqrt(np.square(value_array).sum()))
    return Features(index_array, value_array / norm, tuple(tokens), tuple(slices))


def to_csr(documents: Iterable[Features]) -> tuple[
    npt.NDArray[np.float32], npt.NDArray[np.int64], npt.NDArray[np.int64]
]:
    """(data, indices, indptr) of a CSR matrix with one row per document (for fitting)."""
    data: list[npt.NDArray[np.float32]] = []
    cols: list[npt.NDArray[np.int64]] = []
    indptr = [0]
    for doc in documents:
        data.append(doc.values)
        cols.append(doc.indices)
        indptr.append(indptr[-1] + len(doc.indices))
    if not data:
        return np.zeros(0, np.float32), np.zeros(0, np.int64), np.asarray(indptr, np.int64)
    return np.concatenate(data), np.concatenate(cols), np.asarray(indptr, np.int64)
