"""The notification categories. Each app declares its own from `AppConfig.ready()`.

A category is what a person chooses a delivery for (e-mail at once, daily digest,
in-app only) and what the notification centre filters by.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    description: str = ""


_categories: dict[str, Category] = {}


def register_category(key: str, label: str, description: str = "") -> None:
    """Declare a category; registering the same key again replaces its label (apps may reload)."""
    if not key or len(key) > 40:
        raise ValueError("A category key is 1 to 40 characters.")
    _categories[key] = Category(key=key, label=label, description=description)


def categories() -> list[Category]:
    """Every registered category, by label."""
    return sorted(_categories.values(), key=lambda category: category.label)


def get_category(key: str) -> Category:
    """The registered category `key`; an unknown key is a programming error."""
    try:
        return _categories[key]
    except KeyError:
        raise LookupError(f"Notification category {key!r} is not registered (register_category in ready()).") from None


def category_label(key: str) -> str:
    category = _categories.get(key)
    return category.label if category else key
