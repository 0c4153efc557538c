"""Renders the role -> permission table from its one definition (roles.py)."""

from .choices import Role
from .roles import ACTION_LABELS, AUDITOR_PERMISSIONS, CREATOR_PERMISSIONS, ROLE_PERMISSIONS

HEADER = """# Roles and permissions

Generated from `apps/projects/roles.py` by `python manage.py permissions_table > docs/permissions.md`;
a test fails when this file and the code disagree.

Every record that belongs to a project (members, checklists, risks, ...) is authorized
through the project: a person who holds none of these permissions on a project gets
**404** for it and everything in it; one who can see it but lacks the action gets **403**.

## Project roles (per project, django-guardian object permissions)

"""


def permissions_markdown() -> str:
    actions = list(ACTION_LABELS)
    lines = [HEADER.rstrip("\n"), ""]
    lines.append("| Role | " + " | ".join(f"`{a}`" for a in actions) + " |")
    lines.append("|---|" + "---|" * len(actions))
    for role in Role:
        held = ROLE_PERMISSIONS[role]
        lines.append(f"| {role.label} | " + " | ".join("✔" if a in held else "—" for a in actions) + " |")
    lines += ["", "| Permission | Meaning |", "|---|---|"]
    lines += [f"| `{action}` | {label} |" for action, label in ACTION_LABELS.items()]
    lines += [
        "",
        "## Portal-wide groups",
        "",
        "| Group | Permissions | Meaning |",
        "|---|---|---|",
        "| Compliance Auditors | "
        + ", ".join(f"`{p}`" for p in AUDITOR_PERMISSIONS)
        + " | Read every project, register and audit entry; change nothing (writes answer 403). |",
        "| Project Creators | "
        + ", ".join(f"`{p}`" for p in CREATOR_PERMISSIONS)
        + " | Start projects; the creator becomes the project's first Product Owner. |",
        "",
        "Superusers hold every permission. People are deactivated, never deleted: the audit trail points at them.",
        "",
    ]
    return "\n".join(lines)
