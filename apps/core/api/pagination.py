"""Pagination of the API's lists: page numbers for bounded lists, a cursor for unbounded ones."""

from rest_framework.pagination import CursorPagination, PageNumberPagination


class PortalPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class PortalCursorPagination(CursorPagination):
    """For lists that only grow (the audit trail): `next`/`previous` links, never a count.

    A page is an index range on the ordering key, so it costs the same on the millionth row as on
    the first; counting the list would read all of it (decision 0016).
    """

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 500
