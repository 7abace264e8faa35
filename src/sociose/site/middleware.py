"""Security headers for every response: a Content-Security-Policy that allows no inline script or style, no
MIME sniffing, and a referrer policy that leaks no paths to the outlets readers follow links to. And the methods
each part of the site answers: anything else is a 405 naming them."""

from __future__ import annotations

from django.http import HttpResponseNotAllowed, JsonResponse

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


READ = ("GET", "HEAD")
# The admin posts its forms; the reader pages and the API only read (search is a GET form). A Django view answers
# whatever method it is sent unless it says otherwise, so TRACE, OPTIONS, PROPFIND or a made-up method got a 200.
METHODS_BY_NAMESPACE = {"admin": ("GET", "HEAD", "POST")}


class AllowedMethodsMiddleware:
    """A 405 with an Allow header for any other method, before CSRF checks or the view run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        namespaces = request.resolver_match.namespaces
        allowed = METHODS_BY_NAMESPACE.get(namespaces[0] if namespaces else "", READ)
        if request.method in allowed:
            return None
        if namespaces[:1] == ["api"]:  # the API answers every error in JSON
            response = JsonResponse({"error": f"{request.method} is not allowed; use {' or '.join(allowed)}"},
                                    status=405)
            response["Allow"] = ", ".join(allowed)
            return response
        return HttpResponseNotAllowed(allowed)
