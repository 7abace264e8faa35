"""Security headers for every response: a Content-Security-Policy that allows no inline script or style, no
MIME sniffing, and a referrer policy that leaks no paths to the outlets readers follow links to."""

from __future__ import annotations

CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; "
                           "frame-ancestors 'none'; base-uri 'self'; form-action 'self'")


class SecurityHeadersMiddleware:
    """Sets the headers unless a view chose its own (setdefault), so a page that needs more can say so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The admin is Django's own and uses inline styles; the policy guards the reader pages.
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response
