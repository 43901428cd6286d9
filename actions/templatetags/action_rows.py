"""The pieces drawn on every row of the busiest pages (the dashboard, the list of actions, the
action page and the board report): a status tag, the computed RAG, the flags, the latest
update. Each is written once here, with format_html, and used by every template that draws
it (`{% load action_rows %}`).

They were templates included per row: in the Django template language an {% include %} in a
loop builds a context and renders a template for every row, which was a large part of a page
worked out afresh (issue 25). A tag costs one function call and escapes what it is given.

They read a row by the names of ActionQuerySet.rows() (status_on, status_on_label, rag,
is_overdue, days_overdue, last_update_on, latest_update_author, latest_note...), never
through a relation, so that they work on whatever object carries those names.
"""

from django import template
from django.conf import settings
from django.template import engines
from django.template.defaultfilters import date as format_date
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from actions.models import Rag
from governance.middleware import partnership_address

register = template.Library()

# An action's number that no action has, reversed once in its place (see action_url).
_PLACEHOLDER = 2_147_483_647
_action_paths: dict[tuple, str] = {}


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


@register.simple_tag
def status_tag(status, label):
    """A status as a GOV.UK tag: the word is always written, the colour only helps (the
    colours per status are in static/css/app.css)."""
    return format_html('<strong class="govuk-tag app-tag--{}">{}</strong>', status, label)


@register.simple_tag
def rag_tag(rag):
    """The computed RAG (Action.rag): always the word, with a border pattern as well as a
    colour (app.css), and "(computed)" for a screen reader."""
    rag = Rag(rag)
    return format_html(
        '<strong class="govuk-tag app-rag app-rag--{0}" data-rag="{0}">{1}'
        '<span class="govuk-visually-hidden"> (computed)</span></strong>',
        rag.value,
        rag.label,
    )


@register.simple_tag
def flags(action, with_days=False):
    """The flags of a row as tags, the same on every page: Overdue (by how many days, with
    `with_days`), Due soon, Stale."""
    tags = []
    if action.is_overdue:
        days = action.days_overdue if with_days else None
        tags.append(("red", f"Overdue by {_days(days)}" if days else "Overdue"))
    if action.is_due_soon:
        tags.append(("yellow", "Due soon"))
    if action.is_stale:
        tags.append(("grey", "Stale"))
    return format_html_join("\n", '<strong class="govuk-tag govuk-tag--{}">{}</strong>', tags)


@register.simple_tag
def latest_update(action, words):
    """The latest update on or before the row's day: its date, its author, the first `words`
    words of its note; "No update" when there is none."""
    if not action.last_update_on:
        return "No update"
    author = action.latest_update_author
    note = action.latest_note
    return format_html(
        "{}{}{}",
        format_date(action.last_update_on, "j M Y"),
        f", {author}" if author else "",
        format_html(
            '<br><span class="govuk-body-s">{}</span>', Truncator(note).words(words, truncate=" …")
        )
        if note
        else "",
    )


@register.simple_tag
def overdue_days(action):
    """ "N days overdue" under a due date, for an overdue row that knows by how much."""
    if action.is_overdue and action.days_overdue:
        return format_html("<br><strong>{} overdue</strong>", _days(action.days_overdue))
    return ""


@register.simple_tag
def action_url(pk, partnership="", page="action_detail"):
    """The action page's address, as {% url 'actions:action_detail' pk %} gives it, in the
    partnership's address the page is drawn in; or in the address of the partnership whose
    slug is `partnership`, for a page across partnerships. `page` names another of an
    action's pages ("action_update"). A reverse() per row was a large part of a list's
    rendering: the address is reversed once (per URLconf), past the script prefix (which says
    the partnership, governance.middleware), and the number put in per row."""
    key = (settings.ROOT_URLCONF, get_urlconf(), page)
    path = _action_paths.get(key)
    prefix = get_script_prefix()
    if path is None:
        path = reverse(f"actions:{page}", args=[_PLACEHOLDER])[len(prefix) :]
        _action_paths[key] = path
    path = path.replace(str(_PLACEHOLDER), str(int(pk)))
    if partnership:
        return partnership_address(partnership, "/" + path)
    return prefix + path


@register.simple_tag(takes_context=True)
def jinja_include(context, template_name, **values):
    """`{% include %}` of a Jinja2 template (actions.jinja_env): the long tables and charts,
    drawn with the page's context and `values` on top, as `{% include ... with %}` does."""
    template = engines["jinja2"].get_template(template_name)
    # Jinja2 escapes what it draws; the tag's result is that HTML.
    return mark_safe(template.render({**context.flatten(), **values}))
