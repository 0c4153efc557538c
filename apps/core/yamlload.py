"""YAML from people (templates, model cards, runbooks), parsed with bounds.

`yaml.safe_load` builds no objects, but it still expands aliases (a 110 KB file of
nested anchors becomes hundreds of megabytes) and recurses on nesting. Every
YAML the portal reads goes through `load_yaml`: aliases are refused, nesting and
node count are bounded, and the size is checked before parsing. Errors are
`yaml.MarkedYAMLError`s with a line and column, like any other YAML error.
"""

import yaml

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 20
MAX_NODES = 100_000


class YamlLimitError(yaml.MarkedYAMLError):
    """The document is over one of the bounds."""


class _BoundedLoader(yaml.SafeLoader):
    max_depth = MAX_DEPTH
    max_nodes = MAX_NODES

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise YamlLimitError(problem="aliases (*name) are not accepted here", problem_mark=event.start_mark)
        self._depth += 1
        self._nodes += 1
        if self._depth > self.max_depth:
            raise YamlLimitError(problem=f"nested deeper than {self.max_depth} levels", problem_mark=event.start_mark)
        if self._nodes > self.max_nodes:
            raise YamlLimitError(problem=f"more than {self.max_nodes} values", problem_mark=event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _TextDatesLoader(_BoundedLoader):
    """Leaves `2025-03-15` the text it was, so that data read and written again compares equal."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BoundedLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str | bytes, *, max_bytes: int = MAX_BYTES, dates_as_text: bool = False):
    """Parse one YAML document from an untrusted source, within the bounds above.

    `dates_as_text` keeps unquoted dates as strings (JSON has no date type: model cards).
    """
    size = len(text.encode() if isinstance(text, str) else text)
    if size > max_bytes:
        raise YamlLimitError(problem=f"the document is {size} bytes; at most {max_bytes} are read")
    loader = (_TextDatesLoader if dates_as_text else _BoundedLoader)(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
