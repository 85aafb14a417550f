"""Suggested themes: group notes by meaning, name each group, flag near-duplicates.

Notes are embedded with ``semantic.embeddings.encode`` (the local sentence model, or TF-IDF
when it is absent).

With the sentence model the grouping works on a *board similarity* (``board_similarity``):
the notes' vectors are first centred on the board's mean, because every note on one board
shares its subject (a clinic, a ward) and that shared part otherwise outweighs the issue a
facilitator groups by; the centred cosine is blended half and half with word overlap (TF-IDF
of crudely stemmed content words fitted on the board itself), since notes about one issue
often repeat its key word ("referral", "referred"). Average-linkage clustering of that
similarity is cut at every number of groups the size rule allows (2–8 notes a group, so
between n/8 and n/2 groups), a group of more than eight is split along its own branch, and
the cut with the best silhouette wins. These choices were made on the *tuning* boards of
``analysis/data/theme_sets.jsonl`` and measured on its held-out boards (ADR 0018).

With TF-IDF the vectors are first reduced by latent semantic analysis (truncated SVD), which
lets notes that share related words, not only the same words, fall together; Ward's method
and the Calinski–Harabasz score choose the groups.

Each group is titled by its most central note (highest mean similarity to the others)
shortened to a phrase, as a facilitator would name it. Two notes that say nearly the same
thing are flagged: with the sentence model when each is the other's nearest note and their
cosine stands out from the board's pairs (``board_duplicate_pairs``), or above 0.85 anywhere.
Nothing here writes: the host team accepts or dismisses each suggestion.

Once the team has started its own themes, ``assign_to_themes`` places each ungrouped note in
the theme it most likely belongs to (similarity to the theme's title and notes), far closer to
the facilitators' groups than grouping from nothing; ``suggest_with_themes`` places the notes
that clearly fit and groups the rest (ADR 0019).

``make bench`` (benchmarks/cfir.py) scores the grouping against facilitators' groups on
``analysis/data/theme_sets.jsonl`` and ``benchmarks/data/labelled_notes.csv``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from peerassist.semantic.embeddings import embedding_backend, encode_cached

LSA_COMPONENTS = 30
# Share of word overlap in the board similarity (the rest is the centred sentence cosine).
WORD_SHARE = 0.5
# At most this many cuts of the tree are scored (evenly spread over the allowed range), so
# 1,000 notes still group in about a second.
MAX_CUTS = 60
# Cosine similarity above which two notes are flagged as saying the same thing whatever the
# board (a flag the host team checks, not a merge). With the sentence model this is only the
# backstop of the board-relative rule below; TF-IDF keeps an absolute threshold.
DUPLICATE_SIMILARITY = {"sentence-model": 0.85, "tfidf": 0.8}
# The board-relative rule (sentence model): two notes are flagged when each is the other's
# nearest note and their cosine stands this many standard deviations above the mean of all
# the board's pairs. Chosen on the tuning boards of theme_sets.jsonl, in the middle of the
# range 3.2-3.4 that flags 11 of their 13 duplicate pairs with one false flag in 1,882 other
# pairs (the absolute 0.7 it replaced: 8 of 13, two false flags); ADR 0018.
DUPLICATE_SPREAD = 3.3
# Below this many notes the board's spread says too little: only the absolute threshold counts.
DUPLICATE_MIN_NOTES = 8
MIN_GROUP = 2
MAX_GROUP = 8
TITLE_WORDS = 8
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


def board_duplicate_pairs(
    vectors: np.ndarray,
    ids: Sequence[int],
    *,
    spread: float = DUPLICATE_SPREAD,
    backstop: float = DUPLICATE_SIMILARITY["sentence-model"],
) -> list[tuple[int, int]]:
    """Near-duplicates judged against the board: mutual nearest notes that stand out.

    Two rewordings of one point ("older patients struggle to join the video link" / "people
    can't get the video call working on their own") can sit at a cosine of only 0.5, while two
    notes merely on one theme of a one-subject board reach 0.7; what marks the rewordings is
    that each is the other's closest note and much closer than the board's pairs usually are.
    Pairs at or above ``backstop`` are flagged on any board.
    """
    count = vectors.shape[0]
    found = set(duplicate_pairs(vectors, ids, backstop))
    if count >= DUPLICATE_MIN_NOTES:
        sims = np.asarray(vectors @ vectors.T, dtype=np.float64)
        upper = sims[np.triu_indices(count, k=1)]
        deviation = float(upper.std())
        if deviation > 0:
            np.fill_diagonal(sims, -np.inf)
            nearest = sims.argmax(axis=1)
            cutoff = float(upper.mean()) + spread * deviation
            for row, col in enumerate(nearest):
                if row < col and nearest[col] == row and sims[row, col] >= cutoff:
                    found.add((int(ids[row]), int(ids[col])))
    position = {note_id: index for index, note_id in enumerate(ids)}
    return sorted(found, key=lambda pair: (position[pair[0]], position[pair[1]]))


def _cut(tree: np.ndarray, count: int, groups: int) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster

    if groups >= count:
        return np.arange(count)
    return np.asarray(fcluster(tree, t=groups, criterion="maxclust")) - 1


def _split_large(vectors: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Split every group of more than ``MAX_GROUP`` along its own Ward tree, until none is."""
    labels = labels.copy()
    changed = True
    while changed:
        changed = False
        for label in np.unique(labels):
            members = np.where(labels == label)[0]
            if len(members) <= MAX_GROUP:
                continue
            parts = cluster_count_labels(vectors[members], 2)
            labels[members[parts == 1]] = labels.max() + 1
            changed = True
    return labels


def cluster_count_labels(vectors: np.ndarray, groups: int) -> np.ndarray:
    """Ward clustering into exactly ``groups`` groups (fewer rows: one group each)."""
    from scipy.cluster.hierarchy import linkage

    count = vectors.shape[0]
    if count < 2:
        return np.zeros(count, dtype=int)
    return _cut(linkage(vectors, method="ward"), count, groups)


def choose_groups(vectors: np.ndarray) -> np.ndarray:
    """A label per row: the Ward cut with the best Calinski–Harabasz score within the size rule.

    Calinski–Harabasz (between-group over within-group spread, corrected for the number of
    groups) beat the silhouette and Davies–Bouldin on the labelled boards: the silhouette
    favours many pairs on high-dimensional sentence vectors (make bench, ADR 0014).
    """
    from scipy.cluster.hierarchy import linkage
    from sklearn.metrics import calinski_harabasz_score

    count = vectors.shape[0]
    if count < 2 * MIN_GROUP:
        return np.zeros(count, dtype=int) if count >= MIN_GROUP else np.arange(count)
    tree = linkage(vectors, method="ward")
    fewest = max(2, -(-count // MAX_GROUP))
    most = max(fewest, count // MIN_GROUP)
    best: tuple[float, np.ndarray] | None = None
    for groups in range(fewest, min(most, count - 1) + 1):
        labels = _split_large(vectors, _cut(tree, count, groups))
        if len(np.unique(labels)) < 2:
            continue
        if len(np.unique(labels)) >= count:
            continue
        score = float(calinski_harabasz_score(vectors, labels))
        if best is None or score > best[0] + 1e-9:
            best = (score, labels)
    return best[1] if best is not None else np.zeros(count, dtype=int)


_STOP_WORDS: frozenset[str] | None = None


def _stem(word: str) -> str:
    """A crude stem, enough for a note's key words to match ("referrals", "referred")."""
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _content_words(text: str) -> list[str]:
    global _STOP_WORDS
    if _STOP_WORDS is None:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        _STOP_WORDS = frozenset(ENGLISH_STOP_WORDS)
    return [
        _stem(word)
        for word in re.findall(r"[a-z][a-z'&-]+", text.lower())
        if len(word) > 2 and word not in _STOP_WORDS
    ]


def word_similarity(texts: list[str]) -> np.ndarray:
    """Cosine similarity of the texts' stemmed content words, TF-IDF fitted on these texts."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        matrix = (
            TfidfVectorizer(analyzer=_content_words, sublinear_tf=True)
            .fit_transform(texts)
            .toarray()
        )
    except ValueError:  # no content word anywhere
        return np.zeros((len(texts), len(texts)), dtype=np.float32)
    matrix = _unit(matrix)
    return np.asarray(matrix @ matrix.T, dtype=np.float32)


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(matrix / norms, dtype=np.float32)


def board_similarity(vectors: np.ndarray, texts: list[str]) -> np.ndarray:
    """How alike two notes of one board are: centred sentence cosine blended with word overlap.

    Centring removes what every note on the board shares (its subject), so the rest — the
    issue each note raises — decides (module docstring; ADR 0018).
    """
    centred = _unit(vectors - vectors.mean(axis=0))
    similarity = (1 - WORD_SHARE) * (centred @ centred.T) + WORD_SHARE * word_similarity(texts)
    return np.asarray(similarity, dtype=np.float32)


def _tree(similarity: np.ndarray) -> np.ndarray:
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    distance = _distance(similarity)
    return np.asarray(linkage(squareform(distance, checks=False), method="average"))


def _distance(similarity: np.ndarray) -> np.ndarray:
    distance = np.clip(1.0 - similarity, 0.0, None).astype(np.float64)
    distance = (distance + distance.T) / 2
    np.fill_diagonal(distance, 0.0)
    return distance


def _split_large_by_similarity(similarity: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Split every group of more than ``MAX_GROUP`` in two along its own tree, until none is."""
    labels = labels.copy()
    changed = True
    while changed:
        changed = False
        for label in np.unique(labels):
            members = np.where(labels == label)[0]
            if len(members) <= MAX_GROUP:
                continue
            parts = _cut(_tree(similarity[np.ix_(members, members)]), len(members), 2)
            labels[members[parts == 1]] = labels.max() + 1
            changed = True
    return labels


def _group_counts(count: int) -> list[int]:
    fewest = max(2, -(-count // MAX_GROUP))
    most = max(fewest, min(count // MIN_GROUP, count - 1))
    counts = list(range(fewest, most + 1))
    if len(counts) > MAX_CUTS:
        picks = np.linspace(0, len(counts) - 1, MAX_CUTS).round().astype(int)
        counts = [counts[i] for i in sorted(set(picks))]
    return counts


def choose_groups_by_similarity(similarity: np.ndarray) -> np.ndarray:
    """A label per note: the average-linkage cut with the best silhouette within the size rule.

    On the tuning boards the silhouette chose better than Calinski–Harabasz on this
    similarity (ADR 0018); Ward's method needs vectors, which the blend does not have.
    """
    from sklearn.metrics import silhouette_score

    count = similarity.shape[0]
    if count < 2 * MIN_GROUP:
        return np.zeros(count, dtype=int) if count >= MIN_GROUP else np.arange(count)
    tree = _tree(similarity)
    distance = _distance(similarity)
    best: tuple[float, np.ndarray] | None = None
    for groups in _group_counts(count):
        labels = _split_large_by_similarity(similarity, _cut(tree, count, groups))
        found = len(np.unique(labels))
        if found < 2 or found >= count:
            continue
        score = float(silhouette_score(distance, labels, metric="precomputed"))
        if best is None or score > best[0] + 1e-9:
            best = (score, labels)
    return best[1] if best is not None else np.zeros(count, dtype=int)


_LEAD_IN = re.compile(
    r"^(?:(?:i|we) (?:think|felt|feel|found|learned|learnt) (?:that )?"
    r"|(?:honestly|also|and|but|so),? )",
    re.IGNORECASE,
)
_BREAK = re.compile(
    r"\s*(?:[.;:!?(\u2013\u2014]|\s-\s|,?\s(?:but|so|because|which|whenever|otherwise|unless)\s)"
)
_WEAK_END = {
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "of",
    "to",
    "for",
    "in",
    "on",
    "at",
    "with",
    "by",
    "as",
    "so",
    "that",
    "which",
    "from",
    "our",
    "their",
    "was",
    "were",
    "is",
    "are",
    "be",
    "it",
    "we",
    "they",
    "not",
    "no",
    "too",
    "very",
    "into",
    "about",
    "than",
    "then",
    "when",
    "while",
    "if",
    "until",
    "who",
    "where",
    "what",
    "just",
    "all",
    "every",
    "some",
    "over",
    "after",
    "before",
    "between",
    "through",
    "since",
    "up",
    "out",
    "off",
    "nearly",
    "any",
    "anyone",
    "more",
    "less",
}
# A clause this little over ``TITLE_WORDS`` is kept whole rather than cut mid-thought.
TITLE_SLACK = 2


def phrase_of(text: str, words: int = TITLE_WORDS) -> str:
    """A note shortened to a title-like phrase: its first clause, at most ``words`` words.

    A clause at most ``TITLE_SLACK`` words longer is kept whole; a cut one loses a dangling
    last word ("… for an urgent ulcer to" → "… for an urgent ulcer"). A whole note keeps its
    last word ("feel shut out").
    """
    whole = _LEAD_IN.sub("", " ".join(text.split()))
    clause = _BREAK.split(whole, maxsplit=1)[0]
    if len(clause.split()) > words and ", " in clause:
        head = clause.split(", ", 1)[0]
        clause = head if len(head.split()) >= 3 else clause
    size = len(clause.split())
    tokens = (
        clause.split()[: size if size <= words + TITLE_SLACK else words] or text.split()[:words]
    )
    cut = tokens != whole.split()
    while cut and len(tokens) > 2 and tokens[-1].lower().strip(",'\"") in _WEAK_END:
        tokens.pop()
    phrase = " ".join(tokens).strip(" ,'\"-")
    return phrase[:1].upper() + phrase[1:] if phrase else ""


def central_titles(
    similarity: np.ndarray, texts: list[str], clusters: list[list[int]]
) -> list[str]:
    """Each group's most central note (highest mean similarity to the rest), as a phrase."""
    titles = []
    for index, positions in enumerate(clusters):
        inner = similarity[np.ix_(positions, positions)]
        centre = positions[int(np.argmax(inner.sum(axis=1)))]
        titles.append(phrase_of(texts[centre]) or f"Group {index + 1}")
    return titles


def suggest_groups(notes: Sequence[tuple[int, str]]) -> Suggestions:
    """Proposed groups of two to eight notes, largest first, with titles and duplicates.

    ``notes`` are (id, text) pairs; at most ``MAX_NOTES`` are clustered (callers refuse more).
    """
    backend = embedding_backend()
    notes = list(notes)[:MAX_NOTES]
    ids = [note_id for note_id, _ in notes]
    texts = [text for _, text in notes]
    if len(notes) < MIN_GROUP:
        return Suggestions(groups=[], backend=backend.name, backend_label=backend.label)
    # Cached per text: a later CFIR suggestion for any of these notes encodes nothing.
    vectors = encode_cached(texts, backend)
    if backend.name == "tfidf":
        grouping = lsa(vectors)
        labels = choose_groups(grouping)
        similarity = grouping @ grouping.T
    else:
        similarity = board_similarity(vectors, texts)
        labels = choose_groups_by_similarity(similarity)
    members: dict[int, list[int]] = {}
    for position, label in enumerate(labels):
        members.setdefault(int(label), []).append(position)
    clusters = sorted(
        (positions for positions in members.values() if len(positions) >= MIN_GROUP),
        key=lambda positions: (-len(positions), positions[0]),
    )
    titles = central_titles(similarity, texts, clusters)
    if backend.name == "tfidf":
        duplicates = duplicate_pairs(vectors, ids, DUPLICATE_SIMILARITY["tfidf"])
    else:
        duplicates = board_duplicate_pairs(vectors, ids)
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


# Share of word overlap when notes are placed into the facilitator's own themes (the rest is
# the board-centred sentence cosine). Chosen on the tuning boards of theme_sets.jsonl, where
# 0.25 placed notes best with headers only and with two placed notes a theme, 0.5 with one
# (0.517 against 0.543, within the noise); ADR 0019.
ASSIGN_WORD_SHARE = 0.25


@dataclass
class Placement:
    """Where a note most likely belongs among the facilitator's themes."""

    note_id: int
    theme: int  # index into the themes given
    score: float  # mean similarity to the theme's title and notes (higher is surer)


def assign_to_themes(
    notes: Sequence[tuple[int, str]], themes: Sequence[tuple[str, Sequence[str]]]
) -> list[Placement]:
    """Each ungrouped note's most likely theme among themes the team has already started.

    ``notes`` are (id, text) pairs of ungrouped notes; ``themes`` are (title, texts of the
    notes already in it) pairs, as the facilitator wrote and filled them. A note's score for a
    theme is its mean similarity to the theme's title and to each of its notes: the board-centred
    sentence cosine blended with word overlap (``ASSIGN_WORD_SHARE``), every vector centred on
    the mean of the board's notes (placed and not), as ``board_similarity`` does. With TF-IDF,
    word overlap alone. Nothing moves: callers show the placements as suggestions.

    Grouping a board from nothing stays near an adjusted Rand index of 0.25 on the held-out
    boards; given the facilitator's theme titles it reaches about 0.4, and with one note placed
    in each theme about 0.5 (ADR 0019, ``make bench``).
    """
    notes = list(notes)[:MAX_NOTES]
    themes = [(title, list(members)) for title, members in themes]
    if not notes or not themes:
        return []
    backend = embedding_backend()
    texts = [text for _, text in notes]
    placed = [text for _, members in themes for text in members]
    titles = [title for title, _ in themes]
    board = texts + placed
    words = word_similarity(board + titles)
    if backend.name == "tfidf":
        similarity = words
    else:
        vectors = encode_cached(board + titles, backend)
        centred = _unit(vectors - vectors[: len(board)].mean(axis=0))
        similarity = (1 - ASSIGN_WORD_SHARE) * (centred @ centred.T) + ASSIGN_WORD_SHARE * words
    # Rows of ``similarity``: the notes, then the placed notes theme by theme, then the titles.
    anchors: list[list[int]] = []
    start = len(texts)
    for index, (_, members) in enumerate(themes):
        rows = list(range(start, start + len(members)))
        anchors.append([len(board) + index, *rows])
        start += len(members)
    scores = np.stack([similarity[: len(texts), rows].mean(axis=1) for rows in anchors], axis=1)
    best = scores.argmax(axis=1)
    return [
        Placement(note_id=note_id, theme=int(best[i]), score=float(scores[i, best[i]]))
        for i, (note_id, _) in enumerate(notes)
    ]


# A note is placed into a started theme only at this score or above; the rest are left to be
# grouped from nothing. Chosen on the tuning boards with one to four of their five themes
# started (title and one note each): 0.075 gave the best whole-board ARI on average (0.422;
# 0.05: 0.404, 0.1: 0.398, everything placed: far lower); ADR 0019.
PLACE_SCORE = 0.075


def suggest_with_themes(
    notes: Sequence[tuple[int, str]], themes: Sequence[tuple[str, Sequence[str]]]
) -> tuple[list[Placement], Suggestions]:
    """Place the notes that clearly fit a started theme, and group the rest from nothing.

    ``notes`` are the ungrouped (id, text) pairs and ``themes`` the team's (title, texts of its
    notes) pairs, as for ``assign_to_themes``. Placements scoring at least ``PLACE_SCORE``
    are returned as placements; every other note goes to ``suggest_groups``. With no theme
    started this is ``suggest_groups`` alone.
    """
    notes = list(notes)[:MAX_NOTES]
    placements = [p for p in assign_to_themes(notes, themes) if p.score >= PLACE_SCORE]
    placed = {p.note_id for p in placements}
    return placements, suggest_groups([note for note in notes if note[0] not in placed])


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
