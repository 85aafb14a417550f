"""The full-text tables: the frozen SQL of the migration and the indexer agree."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from peerassist.accounts.models import Organisation
from peerassist.finding.fts import FTS_TABLE, fts_rebuild
from peerassist.finding.models import LessonDocument
from tests.conftest import using_postgres
from tests.factories import LessonFactory, ProjectFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("peerassist.finding.migrations.0002_lesson_fulltext")


def test_postgres_document_of_the_migration_is_the_indexers(org: Organisation) -> None:
    """A lesson indexed on save holds the tsvector the migration fills a fresh table with,
    weights included, so a database made by either searches alike."""
    if not using_postgres():
        pytest.skip("the tsvector document exists on PostgreSQL only")
    lesson = LessonFactory(
        project=ProjectFactory(organisation=org),
        title="Falls clinic",
        lesson="Referrals rose",
        recommendation="Keep studies going",
        context="Night shifts",
        care_setting="Care home",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {migration.PG_DOCUMENT}::text FROM lessons_lesson WHERE id = %s",
            [lesson.pk],
        )
        frozen = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT document::text FROM {LessonDocument._meta.db_table} WHERE lesson_id = %s",
            [lesson.pk],
        )
        indexed = cursor.fetchone()[0]
    assert indexed == frozen
    assert "'fall':1A" in indexed


def test_rebuild_indexes_every_lesson_once(org: Organisation) -> None:
    """Rebuilding leaves one full-text row per lesson, on either engine."""
    project = ProjectFactory(organisation=org)
    LessonFactory.create_batch(3, project=project)
    assert fts_rebuild() == 3
    assert fts_rebuild() == 3
    table = LessonDocument._meta.db_table if using_postgres() else FTS_TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone()[0] == 3
