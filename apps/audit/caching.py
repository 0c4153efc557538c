"""A list endpoint's pages served again while nothing audited has changed (decision 0022).

Every change to a governance record writes an audit entry in the same transaction, and the
chain's lock orders those transactions: the chain's head moves on exactly when committed
data may have changed. A page cached under (person, address, head, date) is therefore what a
fresh computation would return, for as long as the head stays where it was: a write anywhere
in the portal moves the head and every page is computed afresh on its next request.

What a page shows beyond audited records must be in the key: the date (a risk's days overdue),
the person (what they may see), the full address (filters, page, host of the links).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework.response import Response

from .models import AuditEntry


def _head() -> tuple[int, str] | None:
    return AuditEntry.objects.order_by("-id").values_list("id", "entry_hash").first()


class AuditedListCacheMixin:
    """For ListModelMixin views: `list()` served from the cache while the audit chain's head stands still.

    Authentication, permissions and throttling still run on every request (they come before
    `list()`); only a successful page is kept, for `settings.API_LIST_CACHE_SECONDS` (0: off).
    """

    def list(self, request, *args, **kwargs):
        seconds = settings.API_LIST_CACHE_SECONDS
        head = _head() if seconds else None
        if head is None:  # caching off, or an empty chain (nothing to key the data's version on)
            return super().list(request, *args, **kwargs)
        address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        key = f"api-list:{request.user.pk}:{head[0]}:{head[1]}:{timezone.localdate()}:{address}"
        data = cache.get(key)
        if data is not None:
            return Response(data)
        response = super().list(request, *args, **kwargs)
        if response.status_code == 200:
            cache.set(key, response.data, seconds)
        return response
