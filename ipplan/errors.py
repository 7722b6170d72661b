"""The page for an uncaught error. When the database is unreachable that is not our bug but
an outage: 503 with a "try again in a moment" page (nothing of the user's, no stack trace) and
a Retry-After header. A stored file that is missing is a 404 page that says so. Everything
else is the generic 500 page.

Rendered without a request context (no user, no session, no database), like Django's own
server_error view. The operator gets the error in the log from Django's request logger.
"""

from __future__ import annotations

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.utils import translation
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 30
log = logging.getLogger("ipplan.files")


def database_unreachable(error: BaseException | None) -> bool:
    """An outage (connection refused, lost, timed out), not a bad query."""
    return isinstance(error, (OperationalError, InterfaceError)) or (
        isinstance(error, DatabaseError)
        and isinstance(error.__cause__, (ConnectionError, TimeoutError))
    )


@requires_csrf_token
def server_error(request):
    error = sys.exc_info()[1]
    # The error may have come before LocaleMiddleware (the session is read first): the page is
    # still in the language the browser asks for, from its cookie or Accept-Language alone.
    translation.activate(translation.get_language_from_request(request))
    if isinstance(error, FileNotFoundError):
        # A stored file the database refers to is gone (e.g. a restore without the media):
        # the operator gets an error to act on (manage.py backup --check lists them all).
        log.error("stored file missing: %s", getattr(error, "filename", "") or "?")
        body = loader.get_template("file_missing.html").render()
        return HttpResponseNotFound(body)
    if database_unreachable(error):
        body = loader.get_template("503.html").render()
        response = HttpResponseServerError(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
