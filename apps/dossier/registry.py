"""Sections of the governance dossier, declared by the apps that hold the records.

Each app registers its section from its own `AppConfig.ready()`, in a `dossier.py` module:

    register_dossier_section("risks", "Risk register", 60, collect=risks_section, template="risks/dossier/section.html",
                             summary=risks_summary)

- `collect(project) -> dict`: the section's data, JSON-able (strings, numbers, booleans, lists, dicts). It
  holds stored facts only, never values derived from the clock ("overdue by 3 days"): the dossier
  certifies the SHA-256 of this data, and verification collects it again later and compares.
- `template`: renders the section's body from `data` alone (what is printed is what is hashed).
- `summary(data) -> [(label, value)]` (optional): lines for the executive summary on page 2.

The dossier app never imports a domain app; the domain apps import this registry.
"""

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class DossierSection:
    key: str
    title: str
    order: int
    collect: Callable[..., dict]
    template: str
    summary: Callable[..., list] | None = None
    required: bool = False  # the cover and summary: always in a dossier
    # collect(project, chain_head_id=...): the section reads the audit trail up to the head recorded in the
    # manifest, so it verifies again as long as that part of the trail is intact.
    as_of_chain_head: bool = False

    def data(self, project, *, chain_head_id: int | None) -> dict:
        if self.as_of_chain_head:
            return self.collect(project, chain_head_id=chain_head_id)
        return self.collect(project)


_sections: dict[str, DossierSection] = {}


def register_dossier_section(
    key: str,
    title: str,
    order: int,
    *,
    collect: Callable[..., dict],
    template: str,
    summary: Callable[..., list] | None = None,
    required: bool = False,
    as_of_chain_head: bool = False,
) -> None:
    """Declare a section of the dossier (see the module docstring)."""
    _sections[key] = DossierSection(key, title, order, collect, template, summary, required, as_of_chain_head)


def dossier_sections() -> list[DossierSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


def dossier_section(key: str) -> DossierSection | None:
    return _sections.get(key)


def canonical_json(data) -> str:
    """The one text a section's hash is computed over: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def section_hash(data) -> str:
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


# Helpers for `collect`: stable text for people and times, whatever the server's locale or time zone.


def person(user) -> str:
    return user.display_name if user else ""


def stamp(value: datetime.datetime | None) -> str:
    """A moment as UTC text to the second: '2026-11-20 14:03:07 UTC'."""
    if value is None:
        return ""
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def day(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def now_stamp() -> str:
    return stamp(timezone.now())
