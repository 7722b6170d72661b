"""The Celery application, as the Celery documentation sets it up for Django."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipplan.settings")

app = Celery("ipplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.include = ["ipplan.tasks"]
