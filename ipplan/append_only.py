"""Append-only tables: the logs that tell the owner and the auditor what happened.

The model layer refuses update and delete here; the database refuses them too (a trigger per
log table on PostgreSQL, and the application's role owns no tables), so that neither a bug
nor a person with the application's credentials can rewrite history.
"""

from __future__ import annotations

from django.db import models

LOG_IS_APPEND_ONLY = "This log is append-only: rows cannot be changed or deleted."


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(LOG_IS_APPEND_ONLY)

    def delete(self):
        raise PermissionError(LOG_IS_APPEND_ONLY)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(LOG_IS_APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(LOG_IS_APPEND_ONLY)
