"""The matrix's rules, in one place for the grid, the API, the import and the approval.

* exactly one Accountable role per activity (at most one is also a database constraint);
* at least one Responsible role;
* the Accountable role is staffed: at least one project member holds it.

`activity_violations` says what is wrong with one activity's cells; writes refuse
a second Accountable outright, the other rules are listed as violations and block
the matrix's approval.
"""

from apps.projects.choices import Role

from .choices import Letter


def accountable_roles(cells: dict[str, set[str] | str]) -> list[str]:
    return [role for role in Role.values if Letter.ACCOUNTABLE in cells.get(role, "")]


def responsible_roles(cells: dict[str, set[str] | str]) -> list[str]:
    return [role for role in Role.values if Letter.RESPONSIBLE in cells.get(role, "")]


def two_accountables_message(activity_name: str, roles: list[str]) -> str:
    names = " and ".join(Role(role).label for role in roles)
    return f"“{activity_name}” can have only one Accountable role; {names} are both marked A. Keep one."


def activity_violations(cells: dict[str, set[str] | str], staffed: set[str]) -> list[str]:
    """What breaks the rules in one activity's cells (role -> letters); empty when it is sound."""
    problems = []
    accountable = accountable_roles(cells)
    if not accountable:
        problems.append("No role is Accountable: mark exactly one role A.")
    elif len(accountable) > 1:
        problems.append(
            f"{' and '.join(Role(r).label for r in accountable)} are both Accountable: exactly one role may be."
        )
    if not responsible_roles(cells):
        problems.append("No role is Responsible: mark at least one role R.")
    for role in accountable:
        if role not in staffed:
            problems.append(f"Nobody holds the Accountable role, {Role(role).label}, on this project: add a member.")
    return problems
