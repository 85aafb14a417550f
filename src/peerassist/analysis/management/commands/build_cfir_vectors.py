"""``peerassist build_cfir_vectors``: rebuild the CFIR engine's shipped artifacts (ADR 0014).

Both the sentence model's (``cfir_vectors.npz``) and the TF-IDF fallback's (``cfir_tfidf.npz``).
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from peerassist.analysis.cfir_ranker import tfidf_write, vectors_write
from peerassist.semantic.embeddings import set_torch_threads


class Command(BaseCommand):
    help = "Encode the CFIR reference data with the sentence model and fit the classifiers."

    def handle(self, *args: Any, **options: Any) -> None:
        set_torch_threads(os.cpu_count() or 1)  # alone in its process: every core helps
        try:
            path = vectors_write()
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Wrote {path} ({path.stat().st_size // 1024} KB).")
        path = tfidf_write()
        self.stdout.write(f"Wrote {path} ({path.stat().st_size // 1024} KB).")
