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

from .templatetags import action_rows


def environment(**options) -> Environment:
    env = Environment(**options)
    env.filters.update(date=date, pluralize=pluralize, urlencode=urlencode)
    env.globals.update(
        action_url=action_rows.action_url,
        flags=action_rows.flags,
        latest_update=action_rows.latest_update,
        overdue_days=action_rows.overdue_days,
        rag_tag=action_rows.rag_tag,
        status_tag=action_rows.status_tag,
    )
    return env
