"""Pages of the list of actions: counted with the page (one partnership's), or not counted at
all (every partnership's, for an admin).

Counted: CountedPaginator reads a page of rows and how many match in one statement, where
Django's Paginator counts in a statement of its own that writes the filters and the
visibility rule out again.

Not counted:

Counting 175,000 actions with their status on a day works out every one of them; showing one
page of 50 in due-date order stops at the 51st. So the page knows whether there is a next one
(it fetches one row more than it shows) but not how many there are, and offers "Previous" and
"Next" only, as GOV.UK's pagination does for a list of unknown length.
"""

from django.core.paginator import InvalidPage, Page, Paginator

from .rows import counted_rows


class CountedPaginator(Paginator):
    """Django's Paginator over a rows() queryset, giving pages of ActionRows whose count
    comes with the page (actions.rows.counted_rows). A page past the end has no row to carry
    the count: Paginator's own way then (it counts, and gives the last page). `agreements`:
    plans the page has already, which the rows do not fetch again (counted_rows)."""

    def __init__(self, object_list, per_page, *, agreements=()):
        super().__init__(object_list, per_page)
        self.agreements = agreements

    def get_page(self, number) -> Page:
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        start = (number - 1) * self.per_page
        rows, matching = counted_rows(
            self.object_list, start, start + self.per_page, agreements=self.agreements
        )
        if not rows and number > 1:
            # Past the end, no row carries the count: counted apart, the last page, as
            # Paginator.get_page gives it.
            number = self.num_pages
            start = (number - 1) * self.per_page
            rows = counted_rows(
                self.object_list, start, start + self.per_page, agreements=self.agreements
            )[0]
            return self._get_page(rows, number, self)
        self.__dict__["count"] = matching  # Paginator.count is a cached property
        return self._get_page(rows, number, self)


class OpenEndedPaginator:
    """The subset of Django's Paginator that the list's templates use, without a count."""

    count = None
    page_range = ()

    def __init__(self, object_list, per_page: int):
        self.object_list, self.per_page = object_list, per_page

    def get_page(self, number) -> "OpenEndedPage":
        try:
            number = max(1, int(number))
        except (TypeError, ValueError, InvalidPage):
            number = 1
        start = (number - 1) * self.per_page
        rows = list(self.object_list[start : start + self.per_page + 1])
        if not rows and number > 1:
            return self.get_page(1)  # past the end: the first page (no count, so no last)
        return OpenEndedPage(
            rows[: self.per_page], number, self, has_next=len(rows) > self.per_page
        )


class OpenEndedPage:
    def __init__(self, object_list, number, paginator, *, has_next):
        self.object_list, self.number, self.paginator = object_list, number, paginator
        self._has_next = has_next

    def has_next(self):
        return self._has_next

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1

    def start_index(self):
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0

    def end_index(self):
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def __iter__(self):
        return iter(self.object_list)
