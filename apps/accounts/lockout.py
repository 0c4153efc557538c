"""What a locked-out sign-in sees (django-axes calls `lockout_response`)."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return f"Too many failed sign-ins: this account or address is locked for {minutes} minutes."


def lockout_response(request, original_response=None, credentials=None):
    """The API's error shape under /api/, the portal's lockout page elsewhere; 429 either way."""
    if request.path.startswith("/api/"):
        body = {"error": {"status": 429, "code": "locked_out", "message": lockout_message()}}
        return JsonResponse(body, status=429)
    return render(request, "accounts/locked_out.html", {"message": lockout_message()}, status=429)
