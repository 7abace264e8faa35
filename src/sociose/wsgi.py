"""The WSGI application every Sociose server runs (`sociose serve`: waitress or gunicorn), or any other WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sociose.settings")

_NO_BODY_STATUS = ("1", "204", "304")


def head_without_body(app):
    """HEAD answered with GET's headers and no body (RFC 9110, 9.3.2), whatever the server does.

    Django answers HEAD with the GET body and leaves dropping it to the server; waitress sends it, and a kept-alive
    client then reads that body as the start of the next response. A response with no Content-Length (a streamed one)
    is counted here, since otherwise a server would frame the empty body as chunked and send its terminating chunk."""

    def application(environ, start_response):
        if environ.get("REQUEST_METHOD") != "HEAD":
            return app(environ, start_response)
        started = []

        def start(status, headers, exc_info=None):
            started[:] = [status, list(headers), exc_info]
            return lambda data: None  # a body written through write() is dropped too

        result = app(environ, start)
        try:
            size = None
            if not started or not _has_length(started[1]):
                size = sum(len(chunk) for chunk in result)  # also lets a lazy app call start_response
        finally:
            if hasattr(result, "close"):
                result.close()  # Django's request_finished: the database connection goes back
        status, headers, exc_info = started
        if size is not None and not _has_length(headers) and not status.startswith(_NO_BODY_STATUS):
            headers.append(("Content-Length", str(size)))
        start_response(status, headers, exc_info)
        return []

    return application


def _has_length(headers) -> bool:
    return any(name.lower() == "content-length" for name, _ in headers)


application = head_without_body(get_wsgi_application())
