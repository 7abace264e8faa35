from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site over HTTP (waitress). Use --host/--port or SOCIOSE_HOST/SOCIOSE_PORT."

    def handle(self, *args, **kwargs):
        import waitress

        from sociose.wsgi import application

        options = settings.SOCIOSE
        self.stdout.write(f"Serving {settings.SITE_NAME} on http://{options['host']}:{options['port']}/")
        try:
            waitress.serve(application, host=options["host"], port=options["port"], threads=options["web_threads"],
                           ident="Sociose", clear_untrusted_proxy_headers=True, _quiet=True)
        except KeyboardInterrupt:
            pass
