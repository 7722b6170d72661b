"""Django's PostgreSQL backend, for server-side binding without its parameter limit.

With prepared statements on (settings: DATABASE_PREPARED_STATEMENTS), psycopg binds the
parameters on the server, and the protocol carries at most 65,535 of them in one statement.
Django 5.2 knows no such limit for PostgreSQL, so a long IN list or a large bulk update would
be refused by the server. Such a statement is bound on the client instead, exactly as Django
binds every statement without server-side binding; it is then not prepared. Everything else is
Django's own backend.
"""

from __future__ import annotations

from django.db.backends.postgresql import base
from psycopg import ClientCursor

SERVER_SIDE_PARAMS = 2**16 - 1  # the protocol's 16-bit parameter count


class ServerBindingCursor(base.ServerBindingCursor):
    def execute(self, query, params=None, *, prepare=None, binary=None):
        if params is not None and len(params) > SERVER_SIDE_PARAMS:
            query = ClientCursor(self.connection).mogrify(query, params)
            params, prepare = None, False
        return super().execute(query, params, prepare=prepare, binary=binary)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if params.get("cursor_factory") is base.ServerBindingCursor:
            params["cursor_factory"] = ServerBindingCursor
        return params
