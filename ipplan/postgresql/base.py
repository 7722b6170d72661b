"""Django's PostgreSQL backend, with the parameter limit that server-side binding has.

With prepared statements on (settings: DATABASE_PREPARED_STATEMENTS), psycopg binds the
parameters on the server, where one statement takes at most 65,535 of them; Django 5.2 knows
no limit for PostgreSQL and would send a bulk insert of many rows as one statement, which the
server then refuses. So this backend tells Django the limit, and bulk inserts and updates are
cut into batches that keep under it (as Django does for SQLite and Oracle, and as Django itself
does for this case from 6.1: ticket #36822). Everything else is Django's own backend.
"""

from __future__ import annotations

from django.db.backends.postgresql import base, features, operations
from django.utils.functional import cached_property

SERVER_SIDE_PARAMS = 2**16 - 1  # the protocol's 16-bit parameter count


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def max_query_params(self):
        return SERVER_SIDE_PARAMS if self.uses_server_side_binding else None


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs):
        limit = self.connection.features.max_query_params
        if limit is None or not fields:
            return super().bulk_batch_size(fields, objs)
        return max(limit // len(fields), 1)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations
