"""Template context shared by every page."""


def navigation(request):
    """Which sidebar entry is active, from the URL's namespace."""
    match = getattr(request, "resolver_match", None)
    return {"nav": match.app_name if match else ""}
