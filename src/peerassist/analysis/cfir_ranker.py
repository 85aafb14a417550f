"""Suggested CFIR 2.0 constructs and valence for a note or theme (issue #15, ADR 0014).

A suggestion blends two views of the text, both built once per process:

- **Description similarity.** Each standard construct is described by its definition and
  several typical barrier and enabler statements (``cfir_descriptions.json``); a
  subconstruct's name carries its parent's. The text's similarity to each construct is its
  mean cosine similarity over those descriptions (one dot product with the construct's
  centroid), minus the construct's mean similarity over a *background* of ordinary notes, so
  constructs whose descriptions resemble everything (patient-related ones, "Implementation
  Process") stop attracting every note. The background is the shipped training statements,
  blended with the organisation's own notes and lessons as it writes more of them.
- **A classifier.** Multinomial logistic regression on the sentence vectors of the labelled
  training statements and the descriptions (``cfir_labelled.jsonl``, train split).

Score = ``BLEND`` × classifier probability + (1 − ``BLEND``) × softmax(similarity / ``TAU``);
both were chosen by 4-fold cross-validation on the training split, never the held-out one.

On top, per organisation (never across organisations):
- its **own constructs** join the candidates, scored by similarity alone (no classifier
  knows them) on the same softmax;
- every **code a person confirmed** (a ``Determinant``) is an example: when the text is close
  to an example, that example's constructs gain score and the suggestion says why
  ("because you coded a similar note as …").

The **valence** (barrier, enabler, mixed) comes from a second logistic regression on the
same vectors. With the sentence model, the reference vectors and both classifiers are read
from a shipped artifact (``data/cfir_vectors.npz``, built by ``peerassist
build_cfir_vectors``); a stale or missing artifact is rebuilt in memory on first use. The
TF-IDF fallback reads its vocabulary, weights and classifiers from its own artifact
(``data/cfir_tfidf.npz``, same command; fitting them took 5–15 s on a busy machine) and
transforms each query against that vocabulary. A query's sentence vector is cached by the
text's hash for the whole process (``semantic.embeddings.encode_cached``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from peerassist.analysis.cfir_data import (
    DATA,
    VALENCES,
    ConstructText,
    construct_texts,
    data_fingerprint,
    statements_in,
)
from peerassist.semantic.embeddings import SentenceModelBackend, encode_cached

log = logging.getLogger(__name__)

VECTORS = DATA / "cfir_vectors.npz"
TFIDF_VECTORS = DATA / "cfir_tfidf.npz"
BLEND = 0.5  # weight of the classifier against description similarity
TAU = 0.05  # softmax temperature turning similarities into shares
CLASSIFIER_C = 10.0  # inverse regularisation of the construct classifier
# Examples the organisation coded: how alike a text must be before an example counts, per
# backend, and how much a perfect match adds to a construct's score (the blended scores of
# the top construct are typically 0.2–0.6, so a close example moves a construct to the top).
EXAMPLE_SIMILARITY = {"sentence-model": 0.6, "tfidf": 0.35}
EXAMPLE_WEIGHT = 0.6
# The organisation's background counts fully once it has this many texts; before that it is
# blended with the shipped background in proportion.
BACKGROUND_SETTLES = 50
CACHE_TEXTS = 50_000  # vectors of organisations' texts kept per process (about 80 MB at most)


class Encoder(Protocol):
    name: str
    label: str

    def encode(self, texts: list[str]) -> Any:
        """Rows of unit vectors (a numpy array, or a sparse matrix for TF-IDF)."""
        ...


@dataclass(frozen=True)
class Candidate:
    """A construct that may be suggested: a standard one (key = code) or the organisation's."""

    key: str
    code: str
    name: str
    domain: str
    definition: str = ""


@dataclass(frozen=True)
class Example:
    """A text the organisation coded, and the candidate keys it was coded with."""

    text: str
    keys: tuple[str, ...]


@dataclass
class OrgContext:
    """What one organisation adds to the ranking; built from its own rows only.

    ``background`` is called only when ``background_key`` (say, the organisation and how many
    notes and lessons it has, in powers of two) has not been seen: its mean vector is kept.
    """

    own: list[Candidate] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    background_key: tuple[Any, ...] | None = None
    background: Callable[[], list[str]] | None = None


@dataclass(frozen=True)
class Because:
    text: str
    similarity: float


@dataclass(frozen=True)
class RankedConstruct:
    candidate: Candidate
    score: float
    because: Because | None = None


@dataclass(frozen=True)
class ValenceGuess:
    valence: str  # barrier, enabler or mixed
    probability: float


@dataclass(frozen=True)
class Suggested:
    constructs: list[RankedConstruct]
    valence: ValenceGuess | None


def _rows(matrix: Any) -> np.ndarray:
    """A dense float array from a dense or sparse matrix."""
    if hasattr(matrix, "toarray"):
        return np.asarray(matrix.toarray(), dtype=np.float32)
    return np.asarray(matrix, dtype=np.float32)


def _softmax(values: np.ndarray) -> np.ndarray:
    shifted = np.exp(values - values.max())
    return np.asarray(shifted / shifted.sum())


class TfidfEncoder:
    """TF-IDF with a vocabulary fitted once on the reference texts; queries are transformed.

    Built either by fitting ``corpus`` or, from the shipped artifact, from a fitted
    ``vocabulary`` (terms in column order) and its ``idf`` weights, which is much faster.
    """

    name = "tfidf"
    label = "keyword matching (TF-IDF); the sentence model is not installed"

    def __init__(
        self,
        corpus: list[str] | None = None,
        *,
        vocabulary: list[str] | None = None,
        idf: np.ndarray | None = None,
    ) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        options: dict[str, Any] = {
            "stop_words": "english",
            "ngram_range": (1, 2),
            "sublinear_tf": True,
        }
        if vocabulary is not None and idf is not None:
            self.vectoriser = TfidfVectorizer(vocabulary=vocabulary, **options)
            self.vectoriser.idf_ = idf
        else:
            self.vectoriser = TfidfVectorizer(min_df=2, **options)
            self.vectoriser.fit(corpus or [])

    @property
    def vocabulary(self) -> list[str]:
        terms: dict[str, int] = self.vectoriser.vocabulary_
        return sorted(terms, key=terms.__getitem__)

    def encode(self, texts: list[str]) -> Any:
        return self.vectoriser.transform(texts)


@dataclass
class LinearModel:
    """Softmax over ``x @ coef.T + intercept``: a fitted logistic regression, without sklearn."""

    coef: np.ndarray
    intercept: np.ndarray
    classes: np.ndarray  # class index per row of coef

    @classmethod
    def fit(cls, features: Any, labels: np.ndarray, c: float) -> LinearModel:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=c, max_iter=3000).fit(features, labels)
        return cls(
            np.asarray(model.coef_, dtype=np.float32),
            np.asarray(model.intercept_, dtype=np.float32),
            np.asarray(model.classes_),
        )

    def probabilities(self, vector: Any, size: int) -> np.ndarray:
        logits = _rows(vector @ self.coef.T)[0] + self.intercept
        out = np.zeros(size, dtype=np.float32)
        out[self.classes] = _softmax(logits)
        return out


def _reference() -> tuple[list[ConstructText], list[str], np.ndarray, list[str], np.ndarray]:
    """Constructs; description texts and their construct index; train texts and theirs."""
    constructs = list(construct_texts())
    descriptions: list[str] = []
    owners: list[int] = []
    for index, construct in enumerate(constructs):
        for text in (construct.heading, *construct.barriers, *construct.enablers):
            descriptions.append(text)
            owners.append(index)
    position = {c.code: i for i, c in enumerate(constructs)}
    train = statements_in("train")
    return (
        constructs,
        descriptions,
        np.asarray(owners),
        [s.text for s in train],
        np.asarray([position[s.construct] for s in train]),
    )


def _description_valences(constructs: list[ConstructText]) -> list[str]:
    labels: list[str] = []
    for construct in constructs:
        labels.append("mixed")  # the heading (definition) is neither
        labels.extend("barrier" for _ in construct.barriers)
        labels.extend("enabler" for _ in construct.enablers)
    return labels


@dataclass
class Trained:
    """Everything fitted on the reference data for one encoder."""

    centroids: np.ndarray  # one row per standard construct: mean description vector
    background: np.ndarray  # mean vector of the shipped background (training statements)
    constructs: LinearModel
    valence: LinearModel


def train(encoder: Encoder, vectors: dict[str, Any] | None = None) -> Trained:
    """Fit the centroids and the two classifiers; ``vectors`` may hold precomputed encodings."""
    constructs, descriptions, owners, train_texts, train_labels = _reference()
    vectors = vectors or {}
    described = vectors.get("descriptions")
    if described is None:
        described = encoder.encode(descriptions)
    trained_on = vectors.get("train")
    if trained_on is None:
        trained_on = encoder.encode(train_texts)
    dense = _rows(described)
    centroids = np.stack([dense[owners == i].mean(axis=0) for i in range(len(constructs))])
    background = _rows(trained_on).mean(axis=0)
    features = _stack(described, trained_on)
    construct_model = LinearModel.fit(
        features, np.concatenate([owners, train_labels]), CLASSIFIER_C
    )
    valence_labels = _description_valences(constructs) + [s.valence for s in statements_in("train")]
    valence_model = LinearModel.fit(
        features, np.asarray([VALENCES.index(v) for v in valence_labels]), 1.0
    )
    return Trained(centroids, background, construct_model, valence_model)


def _stack(first: Any, second: Any) -> Any:
    if hasattr(first, "toarray"):
        from scipy.sparse import vstack

        return vstack([first, second]).tocsr()
    return np.vstack([first, second])


class CfirEngine:
    """The ranker for one encoder; build once per process (``cfir_engine()``)."""

    def __init__(self, encoder: Encoder, trained: Trained) -> None:
        self.encoder = encoder
        self.trained = trained
        self.candidates = [
            Candidate(c.code, c.code, c.name, c.domain, c.definition) for c in construct_texts()
        ]
        self._cache: dict[str, np.ndarray] = {}
        self._backgrounds: dict[tuple[Any, ...], np.ndarray] = {}
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.encoder.name

    @property
    def label(self) -> str:
        return self.encoder.label

    def vectors(self, texts: list[str]) -> np.ndarray:
        """Dense vectors for ``texts``, each text encoded once per process (bounded cache).

        With the sentence model the cache is the process-wide one keyed by the text's hash
        (``semantic.embeddings.encode_cached``), which "Suggest themes" fills for every note
        on a board, so coding a note after grouping the board encodes nothing.
        """
        if not texts:
            return np.zeros((0, self.trained.centroids.shape[1]), dtype=np.float32)
        if isinstance(self.encoder, SentenceModelBackend):
            return encode_cached(texts, self.encoder)
        found = {t: v for t in texts if (v := self._cache.get(t)) is not None}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            encoded = _rows(self.encoder.encode(missing))
            found.update(zip(missing, encoded, strict=True))
            with self._lock:
                if len(self._cache) + len(missing) > CACHE_TEXTS:
                    self._cache.clear()
                self._cache.update(zip(missing, encoded, strict=True))
        return np.stack([found[t] for t in texts])

    def _background(self, context: OrgContext) -> np.ndarray:
        """The shipped background, blended with the organisation's notes and lessons."""
        if context.background is None or context.background_key is None:
            return self.trained.background
        known = self._backgrounds.get(context.background_key)
        if known is not None:
            return known
        texts = context.background()
        background = self.trained.background
        if texts:
            share = min(1.0, len(texts) / BACKGROUND_SETTLES)
            theirs = self.vectors(texts).mean(axis=0)
            background = np.asarray(share * theirs + (1 - share) * background, dtype=np.float32)
        with self._lock:
            if len(self._backgrounds) > 1024:
                self._backgrounds.clear()
            self._backgrounds[context.background_key] = background
        return background

    def suggest(
        self,
        text: str,
        *,
        context: OrgContext | None = None,
        top: int = 5,
    ) -> Suggested:
        """Ranked constructs and the valence for ``text``, encoding it once."""
        if not text.strip():
            return Suggested([], None)
        query = self._query(text)
        return Suggested(self._rank(query, context or OrgContext(), top), self._valence(query))

    def _query(self, text: str) -> Any:
        """The text's vector: cached by hash with the sentence model; TF-IDF is cheap anyway."""
        if isinstance(self.encoder, SentenceModelBackend):
            return encode_cached([text], self.encoder)
        return self.encoder.encode([text])

    def rank(
        self,
        text: str,
        *,
        context: OrgContext | None = None,
        top: int = 5,
    ) -> list[RankedConstruct]:
        """The ``top`` candidates for ``text``, best first; equal scores keep the CFIR order.

        The organisation's own constructs and coded examples are encoded once per process
        (cached by text); its background once per ``background_key``.
        """
        if not text.strip():
            return []
        return self._rank(self._query(text), context or OrgContext(), top)

    def _rank(self, query: Any, context: OrgContext, top: int) -> list[RankedConstruct]:
        own_vectors = self.vectors([f"{c.name}: {c.definition}" for c in context.own])
        background = self._background(context)
        centroids = self.trained.centroids
        if own_vectors.shape[0]:
            centroids = np.vstack([centroids, own_vectors])
        similarity = _rows(query @ centroids.T)[0] - centroids @ background
        shares = _softmax(similarity / TAU)
        standard = len(self.candidates)
        learned = self.trained.constructs.probabilities(query, standard)
        classifier = np.concatenate([learned, shares[standard:]])
        scores = BLEND * classifier + (1 - BLEND) * shares
        candidates = self.candidates + context.own
        because: dict[str, Because] = {}
        if context.examples:
            example_vectors = self.vectors([e.text for e in context.examples])
            scores, because = self._learned_from(
                query, scores, candidates, context, example_vectors
            )
        order = sorted(range(len(candidates)), key=lambda i: (-round(float(scores[i]), 9), i))
        return [
            RankedConstruct(candidates[i], float(scores[i]), because.get(candidates[i].key))
            for i in order[:top]
        ]

    def _learned_from(
        self,
        query: Any,
        scores: np.ndarray,
        candidates: list[Candidate],
        context: OrgContext,
        example_vectors: Any,
    ) -> tuple[np.ndarray, dict[str, Because]]:
        """Raise the constructs of the organisation's examples that read like the text."""
        threshold = EXAMPLE_SIMILARITY.get(self.name, 0.6)
        alike = _rows(query @ example_vectors.T)[0]
        position = {c.key: i for i, c in enumerate(candidates)}
        scores = scores.copy()
        boost = np.zeros_like(scores)
        because: dict[str, Because] = {}
        for index in np.argsort(-alike):
            similarity = float(alike[index])
            if similarity < threshold:
                break
            gain = EXAMPLE_WEIGHT * (similarity - threshold) / (1 - threshold) + 0.05
            for key in context.examples[index].keys:
                at = position.get(key)
                if at is None or gain <= boost[at]:
                    continue
                boost[at] = gain
                because[key] = Because(context.examples[index].text, similarity)
        return scores + boost, because

    def valence(self, text: str) -> ValenceGuess | None:
        """Barrier, enabler or mixed for ``text``, with the classifier's probability."""
        if not text.strip():
            return None
        return self._valence(self._query(text))

    def _valence(self, query: Any) -> ValenceGuess:
        probabilities = self.trained.valence.probabilities(query, len(VALENCES))
        best = int(np.argmax(probabilities))
        return ValenceGuess(VALENCES[best], float(probabilities[best]))


# --- building the engine once per process ----------------------------------------------------


def vectors_write(path: Path = VECTORS) -> Path:
    """Encode the reference texts with the sentence model and fit both classifiers into ``path``.

    Run by ``peerassist build_cfir_vectors`` whenever the data files change (a test checks
    the shipped artifact matches them). Vectors are stored as float16 (about 1 MB).
    """
    from peerassist.semantic.embeddings import SentenceModelBackend, embedding_backend

    backend = embedding_backend()
    if not isinstance(backend, SentenceModelBackend):
        raise RuntimeError("The sentence model is not installed; nothing to build.")
    _, descriptions, _, train_texts, _ = _reference()
    described = backend.encode(descriptions)
    trained_on = backend.encode(train_texts)
    fitted = train(backend, {"descriptions": described, "train": trained_on})
    np.savez_compressed(
        path,
        fingerprint=np.asarray(data_fingerprint()),
        model=np.asarray(backend.label),
        **_trained_arrays(fitted),
    )
    return path


def vectors_read(path: Path = VECTORS) -> Trained | None:
    """The shipped artifact if it was built from today's data files, else None."""
    if not path.exists():
        return None
    with np.load(path) as stored:
        if str(stored["fingerprint"]) != data_fingerprint():
            log.warning("%s is stale (data files changed); training in memory", path.name)
            return None

        return _trained_from(stored)


def tfidf_write(path: Path = TFIDF_VECTORS) -> Path:
    """Fit the TF-IDF fallback (vocabulary, centroids, both classifiers) into ``path``.

    Fitting takes 5–15 s on a busy 2-core machine (mostly the logistic regressions); reading
    this artifact takes a fraction of a second, so the first suggestion without the model is
    not a long wait. Run with ``vectors_write`` by ``peerassist build_cfir_vectors``.
    """
    _, descriptions, _, train_texts, _ = _reference()
    encoder = TfidfEncoder(descriptions + train_texts)
    fitted = train(encoder)
    np.savez_compressed(
        path,
        fingerprint=np.asarray(data_fingerprint()),
        vocabulary=np.asarray("\n".join(encoder.vocabulary)),
        idf=np.asarray(encoder.vectoriser.idf_, dtype=np.float32),
        **_trained_arrays(fitted),
    )
    return path


def _trained_arrays(fitted: Trained) -> dict[str, Any]:
    return {
        "centroids": fitted.centroids.astype(np.float16),
        "background": fitted.background.astype(np.float16),
        "construct_coef": fitted.constructs.coef.astype(np.float16),
        "construct_intercept": fitted.constructs.intercept,
        "construct_classes": fitted.constructs.classes,
        "valence_coef": fitted.valence.coef.astype(np.float16),
        "valence_intercept": fitted.valence.intercept,
        "valence_classes": fitted.valence.classes,
    }


def _trained_from(stored: Any) -> Trained:
    def model(prefix: str) -> LinearModel:
        return LinearModel(
            stored[f"{prefix}_coef"].astype(np.float32),
            stored[f"{prefix}_intercept"].astype(np.float32),
            stored[f"{prefix}_classes"],
        )

    return Trained(
        stored["centroids"].astype(np.float32),
        stored["background"].astype(np.float32),
        model("construct"),
        model("valence"),
    )


def tfidf_read(path: Path = TFIDF_VECTORS) -> tuple[TfidfEncoder, Trained] | None:
    """The shipped TF-IDF fallback if it was built from today's data files, else None."""
    if not path.exists():
        return None
    with np.load(path) as stored:
        if str(stored["fingerprint"]) != data_fingerprint():
            log.warning("%s is stale (data files changed); fitting in memory", path.name)
            return None
        encoder = TfidfEncoder(
            vocabulary=str(stored["vocabulary"]).split("\n"),
            idf=stored["idf"].astype(np.float64),
        )
        return encoder, _trained_from(stored)


def engine_build(backend: Any, *, shipped: bool = True) -> CfirEngine:
    """An engine for an embedding backend (sentence model or TF-IDF).

    ``shipped=False`` fits everything in memory instead of reading the artifacts (tests and
    the benchmark compare the two).
    """
    if backend.name == "tfidf":
        read = tfidf_read() if shipped else None
        if read is not None:
            return CfirEngine(*read)
        _, descriptions, _, train_texts, _ = _reference()
        encoder: Encoder = TfidfEncoder(descriptions + train_texts)
        return CfirEngine(encoder, train(encoder))
    trained = (vectors_read() if shipped else None) or train(backend)
    return CfirEngine(backend, trained)


_engines: dict[str, CfirEngine] = {}
_build_lock = threading.Lock()


def cfir_engine() -> CfirEngine:
    """The process-wide engine for the active embedding backend, built on first use."""
    from peerassist.semantic.embeddings import embedding_backend

    backend = embedding_backend()
    engine = _engines.get(backend.name)
    if engine is None:
        with _build_lock:
            engine = _engines.get(backend.name)
            if engine is None:
                engine = _engines[backend.name] = engine_build(backend)
    return engine
