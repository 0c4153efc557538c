"""Field-by-field comparison of two card revisions.

The algorithm walks both contents together:

* mappings: keys of the older side in its order, then keys only the newer side has;
  a key on one side only is *added* or *removed*, a key on both is compared recursively;
* lists of entries with a naming key (metrics by `metric`, subgroups by `group`, and any
  list of mappings whose entries all carry one of those keys): entries are matched by
  that name, not by position, so re-ordering changes nothing and a changed value is
  reported at `metrics.primary[AUC-ROC].value`; an unmatched name is added or removed;
* other lists (out-of-scope uses, known issues...): difflib's longest matching blocks;
  a replaced run of equal length is *changed* item by item, otherwise removed + added;
* anything else: equal, or *changed* with both values (a type change is a change).

Each change carries its path, a label for people and the two values.
"""

import difflib
from dataclasses import dataclass

from .schema import label_of

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
IDENTITY_KEYS = ("metric", "group")


@dataclass(frozen=True)
class Change:
    path: str
    kind: str
    before: object = None
    after: object = None

    @property
    def label(self) -> str:
        return label_of(self.path)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _identity(items: list) -> str | None:
    """The naming key shared by every entry of a list of mappings, with unique names; else None."""
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for key in IDENTITY_KEYS:
        names = [item.get(key) for item in items]
        if all(isinstance(name, str) for name in names) and len(set(names)) == len(names):
            return key
    return None


def _diff_keyed(before: list, after: list, key: str, path: str) -> list[Change]:
    old = {item[key]: item for item in before}
    new = {item[key]: item for item in after}
    changes = []
    for name, item in old.items():
        where = f"{path}[{name}]"
        changes += diff_values(item, new[name], where) if name in new else [Change(where, REMOVED, item, None)]
    changes += [Change(f"{path}[{name}]", ADDED, None, item) for name, item in new.items() if name not in old]
    return changes


def _diff_sequence(before: list, after: list, path: str) -> list[Change]:
    # difflib needs hashable items; entries without a name are compared through their repr.
    matcher = difflib.SequenceMatcher(a=[repr(x) for x in before], b=[repr(x) for x in after], autojunk=False)
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for offset in range(i2 - i1):
                changes += diff_values(before[i1 + offset], after[j1 + offset], f"{path}[{i1 + offset}]")
            continue
        changes += [Change(f"{path}[{i}]", REMOVED, before[i], None) for i in range(i1, i2)]
        changes += [Change(f"{path}[{j}]", ADDED, None, after[j]) for j in range(j1, j2)]
    return changes


def diff_values(before, after, path: str = "") -> list[Change]:
    """Every difference between two card contents (or parts of them), in reading order."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes = []
        for key in [*before, *(k for k in after if k not in before)]:
            where = _join(path, str(key))
            if key not in after:
                changes.append(Change(where, REMOVED, before[key], None))
            elif key not in before:
                changes.append(Change(where, ADDED, None, after[key]))
            else:
                changes += diff_values(before[key], after[key], where)
        return changes
    if isinstance(before, list) and isinstance(after, list):
        key_before, key_after = _identity(before), _identity(after)
        key = key_before or key_after
        if key and (not before or key_before == key) and (not after or key_after == key):
            return _diff_keyed(before, after, key, path)
        return _diff_sequence(before, after, path)
    if before == after and type(before) is type(after):
        return []
    return [Change(path, CHANGED, before, after)]


def diff_revisions(older, newer) -> list[Change]:
    return diff_values(older.content, newer.content)


def summary(changes: list[Change]) -> dict[str, int]:
    return {kind: sum(1 for c in changes if c.kind == kind) for kind in (ADDED, REMOVED, CHANGED)}
