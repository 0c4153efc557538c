"""Middleware of the portal as a whole."""

from django.urls import reverse

from .views import healthz


class HealthCheckMiddleware:
    """Answers /healthz/ before anything looks at the Host header or the scheme.

    Container health checks and load balancers call the portal by its container address
    (127.0.0.1, a pod IP) over plain HTTP: that Host is not in ALLOWED_HOSTS and the scheme
    would be redirected to HTTPS. Placed first in MIDDLEWARE, this answers them without
    `request.get_host()` ever running; every other path keeps Django's Host validation.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = reverse("healthz")

    def __call__(self, request):
        if request.path_info == self.path:
            return healthz(request)
        return self.get_response(request)
