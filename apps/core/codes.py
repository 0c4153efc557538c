"""Record codes that people quote: R-001, INC-007. One prefix per kind, a number that never changes."""

import re


class RecordCode:
    """Formats and parses one kind of code: `RecordCode("R-").format(7) == "R-007"`."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.pattern = re.compile(rf"^{re.escape(prefix)}(\d{{1,6}})$", re.IGNORECASE)

    def format(self, number: int) -> str:
        return f"{self.prefix}{number:03d}"

    def parse(self, code: str) -> int | None:
        """The number in a code such as 'R-007', or None when `code` is not one."""
        match = self.pattern.match((code or "").strip())
        return int(match[1]) if match else None
