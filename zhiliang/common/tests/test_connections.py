"""Database connections as the platform sets them up."""

import pytest
from django.db import connection

from zhiliang.common.apps import PREPARED_MAX


@pytest.mark.django_db
def test_psycopg_remembers_few_statements_per_connection() -> None:
    """Bulk statements carry their values in their text; psycopg keeps the last ``prepared_max``
    texts it ran, so a low number bounds what a worker holds after large captures."""
    if connection.vendor != "postgresql":
        pytest.skip("psycopg's statement memory is PostgreSQL's")
    connection.ensure_connection()
    assert connection.connection.prepared_max == PREPARED_MAX
