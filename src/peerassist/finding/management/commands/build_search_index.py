"""``peerassist build_search_index``: rebuild full-text rows and embeddings for lessons."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from peerassist.finding.indexing import search_index_build
from peerassist.semantic.embeddings import embedding_backend_name, set_torch_threads


class Command(BaseCommand):
    help = "Rebuild the lessons full-text index and encode changed lessons and peer assists."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-embeddings", action="store_true", help="Only rebuild the full-text index."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        set_torch_threads(os.cpu_count() or 1)  # alone in its process: every core helps
        self.stdout.write(f"Embedding backend: {embedding_backend_name()}")
        search_index_build(
            embeddings=not options["no_embeddings"], progress=lambda m: self.stdout.write(m)
        )
