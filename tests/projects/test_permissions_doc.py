from pathlib import Path

from apps.projects.permissions_doc import permissions_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


def test_docs_permission_table_matches_the_code():
    assert DOC.read_text() == permissions_markdown(), (
        "regenerate: python manage.py permissions_table > docs/permissions.md"
    )
