"""The Jinja2 environment of the long tables and charts of the chair's pages (issue 25).

The dashboard, the list of actions and the board report draw hundreds of rows. In the Django
template language each variable of each row is looked up, localised and escaped through
several layers of Python, which was most of a page worked out afresh. Jinja2 compiles a
template to Python once, and escapes with MarkupSafe's C code, so the same rows draw several
times faster. The pages themselves, their layout and their forms stay in the Django template
language; a table is drawn by `{% jinja_include %}` (actions.templatetags.action_rows), with
the page's context.

The pieces every row draws (a status tag, the flags, the latest update, the action's address)
are the same functions the Django templates use through `{% load action_rows %}`, so that
each is written once. Django's `date`, `pluralize` and `urlencode` filters keep the house's
formats. MarkupSafe writes an apostrophe as &#39; where Django writes &#x27;: the same
character to a browser.
"""

from django.template.defaultfilters import date, pluralize, urlencode
from jinja2 import Environment
from markupsafe import Markup, escape

from .templatetags import action_rows

# Written as functions, not Jinja2 macros (a macro call costs tens of microseconds, and a
# dashboard draws a few hundred of these cells), and with escape() and an f-string rather than
# Markup.format, which goes through string.Formatter in Python.


def action_reference(pk, reference, plan="", link=True) -> Markup:
    """An action's reference, a link to its page with its plan in words a screen reader hears
    after it (`plan`); the bare reference when there is no page to link to, or when `link` is
    false (the board report's PDF, where a link goes nowhere)."""
    url = action_rows.action_url(pk) if link else ""
    if not url:
        return escape(reference)
    hidden = f'<span class="govuk-visually-hidden"> ({escape(plan)})</span>' if plan else ""
    return Markup(f'<a class="govuk-link" href="{escape(url)}">{escape(reference)}{hidden}</a>')


def figure(count, href, hidden, *, also="", strong=False) -> Markup:
    """A figure, a link to the list of the actions it counts (`href`, then `also` after "&":
    one more filter) with the words a screen reader hears after it (`hidden`); the bare
    figure when it is 0 or there is no list to link to. `strong`: in bold when linked."""
    if not (count and href):
        return escape(count)
    shown = f"<strong>{escape(count)}</strong>" if strong else escape(count)
    more = f"&amp;{escape(also)}" if also else ""
    return Markup(
        f'<a class="govuk-link" href="{escape(href)}{more}">{shown}'
        f'<span class="govuk-visually-hidden"> {escape(hidden)}</span></a>'
    )


def environment(**options) -> Environment:
    env = Environment(**options)
    env.filters.update(date=date, pluralize=pluralize, urlencode=urlencode)
    env.globals.update(
        action_reference=action_reference,
        action_url=action_rows.action_url,
        figure=figure,
        flags=action_rows.flags,
        latest_update=action_rows.latest_update,
        overdue_days=action_rows.overdue_days,
        rag_tag=action_rows.rag_tag,
        status_tag=action_rows.status_tag,
    )
    return env
