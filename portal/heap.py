"""Keep Python's garbage collector off what a process loads at start-up.

A served process holds about 150,000 objects once Django, the apps and the URLconf are loaded,
and each full collection walks all of them (about 110 ms on the benchmark machine). A page that
builds a few thousand rows triggers one in the middle of its request: the calendar took 160 ms
or 280 ms depending on whether it did. `gc.freeze()` moves what is alive at start-up into the
permanent generation, which collections skip; those objects live as long as the process anyway.
"""

import gc


def freeze_startup_heap() -> None:
    """Load every view module now (not in the first request), then freeze what is alive."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and, through it, every view
    gc.collect()
    gc.freeze()
