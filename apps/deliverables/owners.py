"""Who owns a project's deliverable by default: the registry's initial owner role, unless an app knows better.

The RACI app registers the project's Responsible roles per deliverable. The first
provider naming roles for a deliverable wins; the owner is then the first member
(by name) holding the first of those roles someone holds.
"""

from collections.abc import Callable

OwnerRolesProvider = Callable[..., dict[str, list[str]]]  # provider(project) -> {deliverable key: [roles]}
_providers: list[OwnerRolesProvider] = []


def register_owner_roles_provider(provider: OwnerRolesProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def owner_roles(project) -> dict[str, list[str]]:
    """Deliverable key -> the roles whose members own it by default, from the providers (first one wins)."""
    roles: dict[str, list[str]] = {}
    for provider in _providers:
        for key, named in provider(project).items():
            roles.setdefault(key, named)
    return roles
