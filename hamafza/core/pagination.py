"""Pagination that sorts only ids, then fetches the page's rows with their relations.

Sorting tens of thousands of matching rows with every column and join attached is what
makes a list page slow at 100,000 records; sorting (key, id) and joining 25 rows is not.
"""

from collections.abc import Callable, Sequence

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class IdPaginator(Paginator):
    def __init__(self, object_list: QuerySet, per_page: int, *, fetch: Callable[[list], QuerySet]):
        super().__init__(object_list, per_page)
        self.fetch = fetch

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.rows(bottom, bottom + self.per_page), number, self)

    def rows(self, start: int, stop: int) -> Sequence:
        ids = list(self.object_list.values_list("pk", flat=True)[start:stop])
        by_id = {obj.pk: obj for obj in self.fetch(ids)}
        return [by_id[i] for i in ids if i in by_id]
