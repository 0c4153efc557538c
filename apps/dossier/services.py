"""The dossier: built as a generated document (apps.documents), verified against the portal later.

Integrity (docs/decisions/0017-dossier-manifest.md): every section's data is hashed (SHA-256 of its
canonical JSON); the manifest lists the hashes with the project, who generated it when, and the
audit chain's head at that moment. The manifest is attached inside the PDF and downloadable on its
own; `dossier_verify` collects each listed section again and names the ones that no longer match.
"""

import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from weasyprint import Attachment

from apps.audit.models import AuditEntry
from apps.core.api.parsers import MAX_DEPTH, json_depth_exceeds
from apps.core.pdf import render_document
from apps.documents.registry import BuiltDocument

from .registry import dossier_section, dossier_sections, person, section_hash, stamp

KIND = "dossier"
MANIFEST_FORMAT = "ml-governance-dossier/1"
MANIFEST_NAME = "dossier-manifest.json"
MAX_MANIFEST_BYTES = 256 * 1024  # a manifest of every section is about 3 KB
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def dossier_clean_params(project, params: dict) -> dict:
    """The sections asked for (all when none are named), in dossier order, the required ones always in."""
    asked = params.get("sections") or [section.key for section in dossier_sections()]
    if not isinstance(asked, list) or not all(isinstance(key, str) for key in asked):
        raise ValidationError({"sections": "A list of section keys."})
    unknown = sorted(set(asked) - {section.key for section in dossier_sections()})
    if unknown:
        raise ValidationError({"sections": f"Unknown sections: {', '.join(unknown)}."})
    keys = [section.key for section in dossier_sections() if section.key in asked or section.required]
    return {"sections": keys}


def audit_chain_head() -> dict | None:
    """The newest audit entry: id, hash and time. A dossier names the trail it was generated against."""
    entry = AuditEntry.objects.order_by("-id").values("id", "entry_hash", "timestamp").first()
    if entry is None:
        return None
    return {"entry_id": entry["id"], "hash": entry["entry_hash"], "timestamp": stamp(entry["timestamp"])}


@dataclass
class CollectedSection:
    key: str
    title: str
    template: str
    data: dict
    sha256: str
    number: int = 0


def dossier_build(document, progress) -> BuiltDocument:
    """Collect the chosen sections, hash them, print the PDF with its manifest attached."""
    project = document.project
    head = audit_chain_head()
    chosen = [dossier_section(key) for key in document.params.get("sections", [])]
    chosen = [section for section in chosen if section is not None]
    collected = []
    for index, section in enumerate(chosen):
        progress(5 + 55 * index // max(len(chosen), 1), f"Collecting {section.title.lower()}")
        data = section.data(project, chain_head_id=head["entry_id"] if head else None)
        collected.append(
            CollectedSection(section.key, section.title, section.template, data, section_hash(data), index + 1)
        )
    facts = [
        fact
        for section, item in zip(chosen, collected, strict=True)
        if section.summary
        for fact in section.summary(item.data)
    ]
    generated_at = timezone.now()
    manifest = {
        "format": MANIFEST_FORMAT,
        "document_id": document.pk,
        "project": {"key": project.key, "slug": project.slug, "name": project.name},
        "generated_at": stamp(generated_at),
        "generated_by": {"username": document.requested_by.username, "name": person(document.requested_by)},
        "audit_chain_head": head,
        "hash": "SHA-256 of each section's data as canonical JSON (sorted keys, no spaces, UTF-8)",
        "sections": [{"key": item.key, "title": item.title, "sha256": item.sha256} for item in collected],
    }
    manifest_text = json.dumps(manifest, indent=2, ensure_ascii=False)
    progress(65, "Laying out the pages")
    laid_out = render_document(
        "dossier/pdf/dossier.html",
        {
            "pdf_title": "Governance dossier",
            "pdf_scope": project.name,
            "exported_at": generated_at,
            "exported_by": person(document.requested_by),
            "project": project,
            "sections": collected,
            "facts": facts,
            "manifest": manifest,
            "manifest_sha256": section_hash(manifest),
        },
    )
    progress(90, f"Writing {len(laid_out.pages)} pages")
    pdf = laid_out.write_pdf(
        attachments=[
            Attachment(
                string=manifest_text,
                name=MANIFEST_NAME,
                description="The dossier's manifest: section hashes and the audit chain head, for verification",
            )
        ]
    )
    filename = f"governance-dossier-{project.slug}-{generated_at:%Y%m%d-%H%M}.pdf"
    return BuiltDocument(content=pdf, filename=filename, manifest=manifest)


def parse_manifest(raw: bytes | str) -> dict:
    """A manifest from untrusted text: bounded in size and depth before it is parsed, then checked."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_MANIFEST_BYTES:
            raise ValidationError({"manifest": f"A manifest is at most {MAX_MANIFEST_BYTES // 1024} KB."})
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"manifest": "The manifest is not UTF-8 text."}) from None
    if len(raw.encode()) > MAX_MANIFEST_BYTES:
        raise ValidationError({"manifest": f"A manifest is at most {MAX_MANIFEST_BYTES // 1024} KB."})
    if "\x00" in raw or json_depth_exceeds(raw, MAX_DEPTH):
        raise ValidationError({"manifest": "This is not a dossier manifest."})
    try:
        manifest = json.loads(raw)
    except ValueError:
        raise ValidationError({"manifest": "The manifest is not valid JSON."}) from None
    sections = manifest.get("sections") if isinstance(manifest, dict) else None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != MANIFEST_FORMAT
        or not isinstance(manifest.get("project"), dict)
        or not isinstance(sections, list)
        or not all(
            isinstance(s, dict) and isinstance(s.get("key"), str) and _HEX64.match(str(s.get("sha256", "")))
            for s in sections
        )
    ):
        raise ValidationError({"manifest": f"This is not a dossier manifest ({MANIFEST_FORMAT})."})
    return manifest


@dataclass
class SectionCheck:
    key: str
    title: str
    expected: str
    actual: str = ""
    status: str = "match"  # match | changed | unknown

    @property
    def matches(self) -> bool:
        return self.status == "match"


@dataclass
class Verification:
    """The outcome of checking a manifest against the portal's records now."""

    project: str
    generated_at: str
    generated_by: str
    checks: list[SectionCheck] = field(default_factory=list)
    chain_head_found: bool | None = None  # None: the manifest names no chain head

    @property
    def ok(self) -> bool:
        return all(check.matches for check in self.checks) and self.chain_head_found is not False

    @property
    def changed(self) -> list[SectionCheck]:
        return [check for check in self.checks if not check.matches]


def dossier_verify(*, project, manifest: dict) -> Verification:
    """Collect every section the manifest lists again and compare hashes; check the chain head still exists."""
    named = manifest["project"]
    if named.get("slug") != project.slug and named.get("key") != project.key:
        raise ValidationError({"manifest": f"This manifest is of another project (“{named.get('name', '?')}”)."})
    head = manifest.get("audit_chain_head") if isinstance(manifest.get("audit_chain_head"), dict) else None
    head_id = head.get("entry_id") if head and isinstance(head.get("entry_id"), int) else None
    result = Verification(
        project=project.name,
        generated_at=str(manifest.get("generated_at", "")),
        generated_by=str((manifest.get("generated_by") or {}).get("name", "")),
    )
    if head is not None:
        result.chain_head_found = AuditEntry.objects.filter(id=head_id, entry_hash=str(head.get("hash", ""))).exists()
    for listed in manifest["sections"]:
        section = dossier_section(listed["key"])
        check = SectionCheck(listed["key"], str(listed.get("title", listed["key"])), listed["sha256"])
        if section is None:
            check.status = "unknown"
        else:
            check.title = section.title
            check.actual = section_hash(section.data(project, chain_head_id=head_id))
            check.status = "match" if check.actual == check.expected else "changed"
        result.checks.append(check)
    return result
