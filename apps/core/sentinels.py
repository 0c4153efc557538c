"""Markers shared by services."""


class Unset:
    """ "Leave this field as it is", as opposed to None ("clear it"), in update services."""

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET = Unset()
