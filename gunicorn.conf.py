"""gunicorn settings for the web container (the Dockerfile passes --config gunicorn.conf.py).

No server banner: gunicorn writes "Server: gunicorn" before the application's own headers and
has no setting to leave it out, so the response's default headers are filtered here. The
WSGI environ's SERVER_SOFTWARE (which carries the version) stays inside the process.
"""

from gunicorn.http import wsgi

bind = "0.0.0.0:8000"
workers = 3
# On SIGTERM the requests in flight get this long, inside compose's stop_grace_period (30 s).
graceful_timeout = 20
accesslog = "-"
forwarded_allow_ips = "*"

_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _default_headers_without_server
