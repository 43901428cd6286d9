"""What a page served, read from its HTML: the figures, headings and tables a person sees.

Tests of the cached pages read this rather than `response.context`: the context of a page
cached in parts (governance.freshness) is worked out again when a test reads it, so it shows
what the page would be now, not what was served. A stale or wrong cached page is only seen
here.

Text inside `govuk-visually-hidden` is left out of cells, counts and tags (it is the words a
screen reader hears after a figure, " overdue: WCC PH"); a table's caption keeps it, as it is
how the table is named.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
ACTION_PAGE = re.compile(r"/actions/(\d+)/$")
# Words run on across these; every other element is a block, with a space either side.
INLINE = frozenset({"a", "abbr", "b", "code", "em", "i", "label", "small", "span", "strong"})


def _words(parts) -> str:
    return re.sub(r"\s+", " ", "".join(parts)).strip()


@dataclass
class Row:
    attrs: dict
    cells: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # the words of each GOV.UK tag in the row
    data: dict = field(default_factory=dict)  # data- attributes of the elements in the row

    @property
    def reference(self) -> str | None:
        return self.attrs.get("data-reference")

    @property
    def action_ids(self) -> list[int]:
        """The actions the row links to, by the id in their page's address."""
        return [int(m.group(1)) for h in self.links if (m := ACTION_PAGE.search(h))]

    def __str__(self):
        return " | ".join(self.cells)


@dataclass
class Table:
    attrs: dict
    section: str | None  # the id of the last heading with one before the table
    caption: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)  # the body's rows
    foot: list[Row] = field(default_factory=list)

    @property
    def references(self) -> list[str]:
        return [row.reference for row in self.rows]

    def by_label(self) -> dict[str, dict[str, int]]:
        """A table of figures: {first cell: {column header: number}}."""
        return {
            row.cells[0]: {h: int(c) for h, c in zip(self.header[1:], row.cells[1:], strict=True)}
            for row in self.rows
        }


class Page(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.headings: dict[str, str] = {}  # id: words, of every h1 to h6 with an id
        self.counts: dict[str, int] = {}  # data-count: the number shown
        self.tables: list[Table] = []
        self.links: list[tuple[str, str]] = []  # (href, words) of the links in <main>
        self._main: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # open elements: (tag, visually hidden)
        self._captures: list[tuple[int, str, object, list[str]]] = []
        self._table: Table | None = None
        self._part = "body"
        self._row: Row | None = None
        self._section: str | None = None
        self.feed(html)
        self.close()
        self.main = _words(self._main)

    # --- reading --------------------------------------------------------------------------

    def table(self, *, optional=False, **wanted) -> Table | None:
        """The one table with these: id=, caption=, section=, or an attribute (data_table=);
        None if there is none and it is `optional` (a page that says "None." instead)."""
        found = [t for t in self.tables if self._matches(t, wanted)]
        if optional and not found:
            return None
        assert len(found) == 1, f"{len(found)} tables with {wanted}: {self.describe()}"
        return found[0]

    def rows(self, section: str) -> list[Row]:
        """The rows of the tables under the heading with this id: [] when it shows none."""
        assert section in self.headings, f"no heading #{section}: {self.describe()}"
        return [row for t in self.tables if t.section == section for row in t.rows]

    def references(self, section: str) -> list[str]:
        return [row.reference for row in self.rows(section)]

    @property
    def action_ids(self) -> set[int]:
        """The actions the page links to, by the id in their page's address."""
        return {int(m.group(1)) for h, _ in self.links if (m := ACTION_PAGE.search(h))}

    def describe(self) -> str:
        return f"headings {sorted(self.headings)}, tables {[t.caption for t in self.tables]}"

    @staticmethod
    def _matches(table, wanted) -> bool:
        for key, value in wanted.items():
            if key == "caption":
                have = table.caption
            elif key == "section":
                have = table.section
            else:
                have = table.attrs.get(key.replace("_", "-"))
            if have != value:
                return False
        return True

    # --- parsing --------------------------------------------------------------------------

    @property
    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self._stack)

    def _capture(self, kind, key=None):
        self._captures.append((len(self._stack), kind, key, []))

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        classes = attrs.get("class", "").split()
        if tag not in INLINE:
            self.handle_data(" ")
        if tag in VOID:
            return
        in_svg = any(t == "svg" for t, _ in self._stack)
        self._stack.append((tag, "govuk-visually-hidden" in classes))
        if tag == "title" and not in_svg and not self.title:
            self._capture("title")
        elif tag == "main":
            self._capture("main")
        elif re.fullmatch(r"h[1-6]", tag) and attrs.get("id"):
            self._section = attrs["id"]
            self._capture("heading", attrs["id"])
        elif tag == "table":
            self._table = Table(attrs=attrs, section=self._section)
            self.tables.append(self._table)
        elif self._table is not None:
            self._in_table(tag, attrs, classes)
        if "data-count" in attrs:
            self._capture("count", attrs["data-count"])
        if tag == "a" and "href" in attrs and any(t == "main" for t, _ in self._stack):
            self._capture("link", attrs["href"])

    def _in_table(self, tag, attrs, classes):
        if tag == "caption":
            self._capture("caption")
        elif tag in ("thead", "tbody", "tfoot"):
            self._part = tag[1:]
        elif tag == "tr" and self._part != "head":
            self._row = Row(attrs=attrs)
            (self._table.foot if self._part == "foot" else self._table.rows).append(self._row)
        elif tag in ("th", "td"):
            self._capture("header" if self._part == "head" else "cell")
        if self._row is not None:
            if tag == "a" and "href" in attrs:
                self._row.links.append(attrs["href"])
            if "govuk-tag" in classes:
                self._capture("tag")
            self._row.data.update({k[5:]: v for k, v in attrs.items() if k.startswith("data-")})

    def handle_startendtag(self, tag, attrs):
        self.handle_data(" ")  # <br/>; <svg>'s <rect/> and the like hold no words

    def handle_endtag(self, tag):
        if tag in VOID or all(t != tag for t, _ in self._stack):
            return
        if tag not in INLINE:
            self.handle_data(" ")
        while self._stack and self._stack.pop()[0] != tag:
            pass
        while self._captures and self._captures[-1][0] > len(self._stack):
            self._finish(*self._captures.pop()[1:])
        if tag == "table":
            self._table, self._row, self._part = None, None, "body"
        elif tag == "tr":
            self._row = None

    def _finish(self, kind, key, parts):
        words = _words(parts)
        if kind == "title":
            self.title = words
        elif kind == "main":
            self._main = parts
        elif kind == "link":
            self.links.append((key, words))
        elif kind == "heading":
            self.headings[key] = words
        elif kind == "count":
            self.counts[key] = int(words)
        elif kind == "caption":
            self._table.caption = words
        elif kind == "header":
            self._table.header.append(words)
        elif kind == "cell" and self._row is not None:
            self._row.cells.append(words)
        elif kind == "tag" and self._row is not None:
            self._row.tags.append(words)

    def handle_data(self, data):
        hidden = self._hidden
        for _, kind, _, parts in self._captures:
            if not hidden or kind in ("caption", "title"):
                parts.append(data)


def served(response) -> Page:
    """The page as it was served."""
    if response.streaming:
        return Page(b"".join(response.streaming_content).decode())
    return Page(response.content.decode())
