"""A JSON parser that bounds a body before Python's json module sees it.

A few kilobytes of `[[[[...]]]]` make `json.loads` recurse until it fails with a
RecursionError (a 500); the nesting depth is checked first, with a linear scan.

Every request body the API documents is a JSON object, so any other top-level
value (`[null]`, `"text"`, `42`, `null`) is refused here, once for every view:
code that reads `request.data.get(...)` never meets a list.
"""

import json

from django.conf import settings
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def json_depth_exceeds(text: str, limit: int) -> bool:
    """True when arrays/objects nest deeper than `limit` (brackets inside strings are ignored)."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than API_JSON_MAX_DEPTH and bodies that are no object."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as error:
            raise ParseError(f"The body is not valid {encoding} text.") from error
        limit = getattr(settings, "API_JSON_MAX_DEPTH", MAX_DEPTH)
        if json_depth_exceeds(text, limit):
            raise ParseError(f"The JSON body nests deeper than {limit} levels.")
        if "\x00" in text or "\\u0000" in text:
            raise ParseError("The JSON body contains a NUL character, which no field accepts.")
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except ValueError as error:
            raise ParseError(f"The body is not valid JSON: {error}") from error
        if not isinstance(data, dict):
            # The words of DRF's serializers for the same mistake, so every endpoint answers it alike.
            raise ValidationError(
                {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {type(data).__name__}."]}
            )
        return data


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")
