"""A WSGI app without Django, for starting gunicorn with the project's config in a test."""


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
