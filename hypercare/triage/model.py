"""The learned part of the classifier: a logistic-loss linear model on hashed features.

Fitting uses scikit-learn's SGD logistic regression (imported only when fitting;
deterministic for given data). Predicting is numpy only. The
fitted model is plain arrays (weights, intercepts, temperature), so it is cached with
``numpy.savez`` and read back with ``allow_pickle=False``: nothing executable on disk.
Confidence is calibrated by temperature scaling on out-of-fold predictions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hypercare.triage.features import N_FEATURES, Features, featurize, to_csr

CATEGORIES = ("defect", "training_gap", "policy_ambiguity")
MODEL_VERSION = 1
FOLDS = 3


@dataclass(frozen=True)
class Example:
    """One labeled text for fitting (seed or a lead's decision)."""

    text: str
    category: str
    weight: float = 1.0


@dataclass(frozen=True)
class LinearModel:
    """Weights per category over hashed features, plus the calibration temperature."""

    coef: npt.NDArray[np.float32]
    intercept: npt.NDArray[np.float32]
    temperature: float
    data_hash: str
    classes: tuple[str, ...] = CATEGORIES

    def logits(self, features: Features) -> npt.NDArray[np.float64]:
        """Raw scores per category (before rules and temperature)."""
        if len(features.indices) == 0:
            return self.intercept.astype(np.float64)
        weights = self.coef[:, features.indices]
        scores: npt.NDArray[np.float64] = (weights @ features.values).astype(np.float64)
        return scores + self.intercept

    def word_contributions(self, features: Features, category: int) -> list[tuple[str, float]]:
        """How much each word (with its character n-grams) pushed toward ``category``."""
        if len(features.indices) == 0:
            return []
        columns = self.coef[:, features.indices]
        others = (columns.sum(axis=0) - columns[category]) / (len(self.classes) - 1)
        margin = (columns[category] - others) * features.values
        totals: dict[str, float] = {}
        for word, (start, end) in zip(features.words, features.word_slices, strict=True):
            totals[word] = totals.get(word, 0.0) + float(margin[start:end].sum())
        return sorted(totals.items(), key=lambda item: item[1], reverse=True)

    def to_arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        """The model as arrays for ``numpy.savez`` (no pickles)."""
        meta = json.dumps({"version": MODEL_VERSION, "classes": list(self.classes),
                           "data_hash": self.data_hash, "temperature": self.temperature})
        return {"coef": self.coef, "intercept": self.intercept,
                "meta": np.frombuffer(meta.encode("utf-8"), dtype=np.uint8)}

    @classmethod
    def from_arrays(cls, arrays: dict[str, npt.NDArray[np.generic]]) -> LinearModel:
        """Rebuild a model saved by :meth:`to_arrays`; raises ValueError if it does not fit."""
        meta = json.loads(bytes(arrays["meta"].astype(np.uint8)).decode("utf-8"))
        coef = np.asarray(arrays["coef"], dtype=np.float32)
        if meta.get("version") != MODEL_VERSION or coef.shape[1] != N_FEATURES:
            raise ValueError("model cache written by another version")
        return cls(coef=coef, intercept=np.asarray(arrays["intercept"], dtype=np.float32),
                   temperature=float(meta["temperature"]), data_hash=str(meta["data_hash"]),
                   classes=tuple(meta["classes"]))


def data_hash(examples: Sequence[Example]) -> str:
    """Identifies the training data (and model version): the cache key."""
    digest = hashlib.sha256(f"v{MODEL_VERSION}".encode())
    for example in examples:
        digest.update(f"{example.category}\x1f{example.weight}\x1f{example.text}\x1e".encode())
    return digest.hexdigest()[:24]


RuleLogits = Callable[[str], npt.NDArray[np.float64]]


def fit(examples: Sequence[Example], rule_logits: RuleLogits, *,
        alpha: float = 3e-5) -> LinearModel:
    """Fit weights on ``examples`` and calibrate the temperature of model + rules together."""
    if len({e.category for e in examples}) < len(CATEGORIES):
        raise ValueError("training data must hold examples of every category")
    docs = [featurize(e.text) for e in examples]
    labels = np.asarray([CATEGORIES.index(e.category) for e in examples])
    weights = np.asarray([e.weight for e in examples], dtype=np.float64)
    rules = np.vstack([rule_logits(e.text) for e in examples])
    coef, intercept = _fit_weights(docs, labels, weights, alpha)
    folds = np.arange(len(examples)) % FOLDS
    oof = np.zeros((len(examples), len(CATEGORIES)))
    for fold in range(FOLDS):
        train, test = folds != fold, folds == fold
        fold_coef, fold_intercept = _fit_weights(
            [d for d, keep in zip(docs, train, strict=True) if keep], labels[train],
            weights[train], alpha)
        model = LinearModel(fold_coef, fold_intercept, 1.0, "")
        oof[test] = np.vstack([model.logits(d) for d, keep in zip(docs, test, strict=True)
                               if keep]) + rules[test]
    return LinearModel(coef, intercept, _temperature(oof, labels), data_hash(examples))


def _fit_weights(
    docs: Sequence[Features], labels: npt.NDArray[np.int64], weights: npt.NDArray[np.float64],
    alpha: float,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import SGDClassifier

    data, indices, indptr = to_csr(docs)
    # Fit only on the columns in use (tens of thousands, not 2**18): far faster, same model.
    used, compact = np.unique(indices, return_inverse=True)
    matrix = csr_matrix((data, compact, indptr), shape=(len(docs), len(used)))
    matrix.sum_duplicates()
    classifier = SGDClassifier(loss="log_loss", alpha=alpha, max_iter=30, tol=None,
                               class_weight="balanced", random_state=0)
    classifier.fit(matrix, labels, sample_weight=weights)
    coef = np.zeros((len(CATEGORIES), N_FEATURES), dtype=np.float32)
    for row, label in enumerate(classifier.classes_):
        coef[label, used] = classifier.coef_[row].astype(np.float32)
    intercept = np.zeros(len(CATEGORIES), dtype=np.float32)
    intercept[classifier.classes_] = classifier.intercept_.astype(np.float32)
    return coef, intercept


def _temperature(logits: npt.NDArray[np.float64], labels: npt.NDArray[np.int64]) -> float:
    """The temperature minimizing negative log-likelihood (grid search, robust)."""
    best, best_nll = 1.0, float("inf")
    for temperature in np.exp(np.linspace(np.log(0.2), np.log(5.0), 60)):
        probs = softmax(logits / temperature)
        nll = -float(np.log(probs[np.arange(len(labels)), labels] + 1e-12).mean())
        if nll < best_nll:
            best, best_nll = float(temperature), nll
    return best


def softmax(logits: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Row-wise softmax."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    result: npt.NDArray[np.float64] = exp / exp.sum(axis=-1, keepdims=True)
    return result
