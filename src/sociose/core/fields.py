"""Model fields Django does not ship."""

from __future__ import annotations

import json

from django.db import models


class JSONTextField(models.TextField):
    """A JSON value stored as the text it was written as, on every database.

    Django's JSONField is `jsonb` on PostgreSQL, which parses what it stores (costly for a large value written often)
    and hands objects back with their keys reordered. Use this for values the application only writes and reads
    whole, never queries inside, and whose key order matters (stories' clustering summaries: the order of a centroid's
    terms is the order its floats are summed in)."""

    description = "JSON stored as text"

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(value)

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        return None if value is None else json.dumps(value)

    def value_to_string(self, obj) -> str:
        return self.get_prep_value(self.value_from_object(obj))
