"""Uploaded evidence files: one policy for every app that stores them.

A file is accepted only when its extension is on the allow-list, its size is
within the limit, and its first bytes agree with the extension (a renamed
executable does not pass as a PDF). Files are written through Django's storage
API, never to a path chosen by the uploader.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_NAME_BYTES = 120  # file systems allow 255 bytes per name; the stored path adds a folder and a uuid

_ZIP = (b"PK\x03\x04",)
_TEXT = None  # must decode as UTF-8
# extension -> accepted leading bytes (None: plain text)
ALLOWED_TYPES: dict[str, tuple[bytes, ...] | None] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": _ZIP,
    "xlsx": _ZIP,
    "pptx": _ZIP,
    "csv": _TEXT,
    "txt": _TEXT,
    "md": _TEXT,
    "json": _TEXT,
    "yaml": _TEXT,
    "yml": _TEXT,
    "ipynb": _TEXT,
}


def max_upload_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES)


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the policy, with the facts worth keeping about it."""

    file: UploadedFile
    name: str
    size: int
    extension: str


def safe_file_name(raw: str) -> str:
    """A storable file name: no path, no odd characters, at most MAX_NAME_BYTES (UTF-8), extension kept."""
    name = get_valid_filename(PurePath((raw or "").replace("\x00", "")).name) or "upload"
    suffix = PurePath(name).suffix
    if len(suffix.encode()) > 16:
        suffix = ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    budget = MAX_NAME_BYTES - len(suffix.encode())
    stem = stem.encode()[:budget].decode("utf-8", errors="ignore") or "upload"
    return f"{stem}{suffix}"


def check_upload(upload: UploadedFile, *, field: str = "file") -> CheckedUpload:
    """Refuse files of a type or size the portal does not keep; say which limit was hit."""
    name = safe_file_name(upload.name)
    extension = PurePath(name).suffix.lower().lstrip(".")
    allowed = ", ".join(sorted(ALLOWED_TYPES))
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            {field: f"Files of type “.{extension or '?'}” are not accepted. Allowed types: {allowed}."}
        )
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            {field: f"“{name}” is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}."}
        )
    if upload.size == 0:
        raise ValidationError({field: f"“{name}” is empty."})
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    signatures = ALLOWED_TYPES[extension]
    if signatures is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the 2 KB boundary is still text.
            if error.start < len(head) - 4:
                raise ValidationError(
                    {field: f"“{name}” is not a text file, although its name ends in .{extension}."}
                ) from None
    elif not head.startswith(signatures):
        raise ValidationError({field: f"The content of “{name}” is not a .{extension} file."})
    return CheckedUpload(file=upload, name=name, size=upload.size, extension=extension)


def upload_path(prefix: str, filename: str) -> str:
    """A storage path that no two uploads share and no uploader chooses."""
    return f"{prefix}/{uuid.uuid4().hex}/{safe_file_name(filename)}"


@contextmanager
def stored_upload(field_file, checked: CheckedUpload) -> Iterator[None]:
    """Store an upload on a FileField, and remove it again if the record is not saved after all.

    Use around the rest of the write: `with stored_upload(evidence.file, checked): evidence.full_clean();
    evidence.save()`. A refused record never leaves its file behind in storage.
    """
    field_file.save(checked.name, checked.file, save=False)
    try:
        yield
    except BaseException:
        field_file.storage.delete(field_file.name)
        raise
