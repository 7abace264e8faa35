"""`sociose serve`: the site over HTTP, in one process (waitress) or, with SOCIOSE_WEB_PROCESSES (--processes) above
one, in several (gunicorn).

A Python process runs Python in one thread at a time (the GIL), so one web process uses one core however many
threads it has. On a machine with more cores, run one process per core. Gunicorn does that job (forking workers that
share the listening socket, replacing one that dies, stopping them all on SIGTERM or Ctrl-C), so we use it rather
than a supervisor of our own; it needs fork, hence Linux or macOS. One process stays on waitress, which runs
everywhere, Windows included.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sociose.options import is_https, origin


class Command(BaseCommand):
    help = ("Serve the site over HTTP. Use --host/--port/--processes or SOCIOSE_HOST/SOCIOSE_PORT/"
            "SOCIOSE_WEB_PROCESSES.")

    def handle(self, *args, **kwargs):
        from sociose.wsgi import application

        options = settings.SOCIOSE
        processes = options["web_processes"]
        self.stdout.write(f"Serving {settings.SITE_NAME} on {origin(options['host'], options['port'])}/"
                          + (f" with {processes} processes" if processes > 1 else ""))
        self.stdout.flush()
        if is_https(settings.SITE_URL) and not options["proxy_ssl_header"]:
            self.stderr.write(f"sociose: warning: {settings.SITE_URL} is https but SOCIOSE_PROXY_SSL_HEADER is not "
                              "set, so no request is known to have come over HTTPS and none gets an HSTS header "
                              "(docs/operate.md, behind a TLS reverse proxy)")
        if processes == 1:
            _serve_waitress(application, options)
        else:
            _serve_gunicorn(application, options, processes)


def _serve_waitress(application, options: dict) -> None:
    import waitress

    try:
        # Waitress drops X-Forwarded-* headers unless told otherwise; behind a proxy Django must see the one that
        # SOCIOSE_PROXY_SSL_HEADER names (Django reads no other: USE_X_FORWARDED_HOST and _PORT stay off).
        waitress.serve(application, host=options["host"], port=options["port"], threads=options["web_threads"],
                       ident="Sociose", clear_untrusted_proxy_headers=not options["proxy_ssl_header"], _quiet=True)
    except KeyboardInterrupt:
        pass


def _serve_gunicorn(application, options: dict, processes: int) -> None:
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError as error:  # not installed on Windows (see pyproject.toml)
        raise CommandError(f"several web processes need gunicorn ({error}); set SOCIOSE_WEB_PROCESSES=1") from error

    class Server(BaseApplication):
        def load_config(self):
            host = options["host"]
            settings_for_gunicorn = {
                "bind": f"[{host}]:{options['port']}" if ":" in host else f"{host}:{options['port']}",
                "workers": processes,
                "worker_class": "gthread",
                "threads": options["web_threads"],
                "accesslog": None,  # requests are not logged, as with waitress
                "errorlog": "-",
                "loglevel": "warning",
                "proc_name": "sociose-web",
                "graceful_timeout": 10,
                # Gunicorn would itself believe X-Forwarded-Proto and two others from loopback peers; whether a
                # request came over HTTPS is SOCIOSE_PROXY_SSL_HEADER's to say, as with waitress.
                "secure_scheme_headers": {},
            }
            for key, value in settings_for_gunicorn.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    from django.db import connections

    connections.close_all()  # a connection opened while starting up must not be shared by the forked workers
    Server().run()
