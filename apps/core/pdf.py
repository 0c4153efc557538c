"""PDF rendering for every export: one helper, WeasyPrint, assets from disk, never the network.

A PDF template extends `pdf/base.html`, which links `css/pdf.css` (fonts from
static/vendor/inter, `@page` rules: page numbers, and a running header naming
`pdf_scope` — the project — and the export time). `pdf_html()` gives the same
HTML for a browser preview while styling a template.
"""

import mimetypes
import posixpath
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative links in a PDF template resolve against this origin; the .invalid
# top-level domain never resolves, and the fetcher below never goes online anyway.
BASE_URL = "http://pdf.portal.invalid/"
_HOST = urlsplit(BASE_URL).netloc
_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".css": "text/css", ".svg": "image/svg+xml"}


def static_file(relative: str) -> Path | None:
    """The file behind a /static/ path: collected (production) or found by the finders (development)."""
    relative = posixpath.normpath(relative)
    if relative.startswith(("../", "/")) or relative == "..":
        return None
    root = Path(settings.STATIC_ROOT).resolve()
    collected = (root / relative).resolve()
    if collected.is_relative_to(root) and collected.is_file():
        return collected
    found = finders.find(relative)
    return Path(found) if found else None


class StaticFilesFetcher(URLFetcher):
    """Serves /static/ URLs from disk and data: URLs inline; refuses everything else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        path = unquote(parts.path)
        if parts.netloc != _HOST or not path.startswith(settings.STATIC_URL):
            raise ValueError(f"PDF resources are read from /static/ only; refused {url}")
        file = static_file(path.removeprefix(settings.STATIC_URL))
        if file is None:
            raise FileNotFoundError(f"No static file at {path}")
        content_type = _TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, file.read_bytes(), headers={"Content-Type": content_type})


_fonts = threading.local()


def font_config() -> FontConfiguration:
    """One FontConfiguration per thread, reused by every render.

    A new one loads the system's fonts (Fontconfig) and unpacks the @font-face fonts again; reused, both
    are done once. Per thread, because Pango's font map is not safe to share between threads.
    """
    if getattr(_fonts, "config", None) is None:
        _fonts.config = FontConfiguration()
    return _fonts.config


def pdf_html(template_name: str, context: dict, *, request=None) -> str:
    """The HTML a PDF is printed from (also the browser preview); adds `exported_at` if missing."""
    return render_to_string(template_name, {"exported_at": timezone.now(), **context}, request=request)


def render_document(template_name: str, context: dict, *, request=None):
    """The laid-out WeasyPrint document (its `pages` counted, then `write_pdf(attachments=...)`)."""
    html = HTML(
        string=pdf_html(template_name, context, request=request), base_url=BASE_URL, url_fetcher=StaticFilesFetcher()
    )
    return html.render(font_config=font_config())


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a template to PDF bytes."""
    return render_document(template_name, context, request=request).write_pdf()
