"""Suggested themes: group notes by meaning, name each group, flag near-duplicates.

Notes are embedded with ``semantic.embeddings.encode`` (the local sentence model, or TF-IDF
when it is absent) and grouped by Ward agglomerative clustering of the unit vectors (so
Euclidean distance tracks cosine distance), cut at a distance threshold rather than a fixed
number of groups: a session with three topics gets three groups, one with ten gets ten.
TF-IDF vectors are first reduced by latent semantic analysis (truncated SVD), which lets
notes that share related words, not only the same words, fall together. Notes that join no
group stay where they are. Each group is titled with its most distinctive words (class-based
TF-IDF: words frequent in the group and rare in the others). Nothing here writes: the host
team accepts or dismisses each suggestion.

Thresholds were tuned on ``benchmarks/data/labelled_notes.csv`` (see benchmarks/themes.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from peerassist.semantic.embeddings import embedding_backend

# Ward merge cost at which groups stop merging, per backend (best adjusted Rand index on the
# labelled notes: 1.7 for the sentence model, 1.6 for TF-IDF after LSA).
DISTANCE_THRESHOLD = {"sentence-model": 1.7, "tfidf": 1.6}
LSA_COMPONENTS = 30
# Cosine similarity above which two notes say nearly the same thing. MiniLM puts a note and
# the same words with one article added at about 0.9; no two distinct labelled notes reach 0.8.
DUPLICATE_SIMILARITY = {"sentence-model": 0.85, "tfidf": 0.8}
MIN_GROUP = 2
TITLE_TERMS = 3
MAX_NOTES = 1000

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


@dataclass
class SuggestedGroup:
    note_ids: list[int]
    title: str
    duplicates: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Suggestions:
    groups: list[SuggestedGroup]
    backend: str
    backend_label: str
    # Near-duplicate pairs anywhere among the notes (inside groups or not).
    duplicates: list[tuple[int, int]] = field(default_factory=list)


def cluster_labels(vectors: np.ndarray, threshold: float) -> np.ndarray:
    """A cluster label per row of unit vectors (Ward linkage, cut at ``threshold``)."""
    count = vectors.shape[0]
    if count < 2:
        return np.zeros(count, dtype=int)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(n_clusters=None, linkage="ward", distance_threshold=threshold)
    return np.asarray(model.fit_predict(vectors))


def lsa(vectors: np.ndarray, components: int = LSA_COMPONENTS) -> np.ndarray:
    """Sparse word vectors reduced to a few latent topics, back to unit length."""
    size = min(components, vectors.shape[0] - 1, vectors.shape[1] - 1)
    if size < 2:
        return vectors
    from sklearn.decomposition import TruncatedSVD

    reduced = TruncatedSVD(n_components=size, random_state=0).fit_transform(vectors)
    norms = np.linalg.norm(reduced, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(reduced / norms, dtype=np.float32)


def duplicate_pairs(
    vectors: np.ndarray, ids: Sequence[int], similarity: float
) -> list[tuple[int, int]]:
    """Pairs of ids whose vectors are at least ``similarity`` alike, each pair once."""
    if vectors.shape[0] < 2:
        return []
    sims = vectors @ vectors.T
    rows, cols = np.where(np.triu(sims, k=1) >= similarity)
    return [(int(ids[r]), int(ids[c])) for r, c in zip(rows, cols, strict=True)]


def keyword_titles(groups: list[list[str]], terms: int = TITLE_TERMS) -> list[str]:
    """A short title per group from its most distinctive words (class-based TF-IDF)."""
    if not groups:
        return []
    from sklearn.feature_extraction.text import CountVectorizer

    documents = [" ".join(texts) for texts in groups]
    vectoriser = CountVectorizer(stop_words="english", token_pattern=_WORD.pattern, lowercase=True)
    try:
        counts = vectoriser.fit_transform(documents).toarray().astype(float)
    except ValueError:  # only stop words
        return [f"Group {i + 1}" for i in range(len(groups))]
    vocabulary = np.asarray(vectoriser.get_feature_names_out())
    words_per_group = counts.sum(axis=1, keepdims=True)
    words_per_group[words_per_group == 0] = 1
    tf = counts / words_per_group
    average_words = counts.sum() / len(groups)
    idf = np.log(1 + average_words / np.maximum(counts.sum(axis=0), 1))
    scores = tf * idf
    titles = []
    for index, row in enumerate(scores):
        best = [vocabulary[i] for i in np.argsort(-row)[:terms] if row[i] > 0]
        title = ", ".join(best) if best else f"Group {index + 1}"
        titles.append(title[:1].upper() + title[1:])
    return titles


def suggest_groups(notes: Sequence[tuple[int, str]]) -> Suggestions:
    """Proposed groups of at least two notes, largest first, with titles and duplicates.

    ``notes`` are (id, text) pairs; at most ``MAX_NOTES`` are clustered (callers refuse more).
    """
    backend = embedding_backend()
    notes = list(notes)[:MAX_NOTES]
    ids = [note_id for note_id, _ in notes]
    texts = [text for _, text in notes]
    if len(notes) < MIN_GROUP:
        return Suggestions(groups=[], backend=backend.name, backend_label=backend.label)
    vectors = backend.encode(texts)
    threshold = DISTANCE_THRESHOLD.get(backend.name, 1.7)
    grouping = lsa(vectors) if backend.name == "tfidf" else vectors
    labels = cluster_labels(grouping, threshold)
    members: dict[int, list[int]] = {}
    for position, label in enumerate(labels):
        members.setdefault(int(label), []).append(position)
    clusters = sorted(
        (positions for positions in members.values() if len(positions) >= MIN_GROUP),
        key=lambda positions: (-len(positions), positions[0]),
    )
    titles = keyword_titles([[texts[p] for p in positions] for positions in clusters])
    duplicates = duplicate_pairs(vectors, ids, DUPLICATE_SIMILARITY.get(backend.name, 0.9))
    groups = []
    for positions, title in zip(clusters, titles, strict=True):
        group_ids = [ids[p] for p in positions]
        inside = set(group_ids)
        groups.append(
            SuggestedGroup(
                note_ids=group_ids,
                title=title,
                duplicates=[pair for pair in duplicates if pair[0] in inside and pair[1] in inside],
            )
        )
    return Suggestions(
        groups=groups, backend=backend.name, backend_label=backend.label, duplicates=duplicates
    )


def rank_by_similarity(
    query: str, candidates: Sequence[str], top: int = 5
) -> list[tuple[int, float]]:
    """Positions of the ``top`` candidates most like ``query`` (encoded together), best first."""
    if not query.strip() or not candidates:
        return []
    vectors = embedding_backend().encode([query, *candidates])
    sims = vectors[1:] @ vectors[0]
    order = np.argsort(-sims)[:top]
    return [(int(i), float(sims[i])) for i in order if sims[i] > 0]
