"""Whether a cached part of a page is still true: the key that changes with the data.

A page part is cached (Django's cache, `{% cache %}`) under `page_key(user, ...)`, which
holds:

- the data stamp (DataStamp.token), one small query a request: a new random token is written
  after every transaction that changed the tracker's data (any model of its apps, people's
  accounts included) commits, so every process, on every server, misses at once;
- this process's own count of changes, moved on the moment a change is saved, before its
  transaction commits: the process that made a change never serves the page it changed from
  before, even inside a transaction (a test, or a request that writes then reads);
- the day (governance.clock.today): overdue, due soon and stale move on at midnight;
- the partnership in the address (governance.middleware.PartnershipMiddleware);
- the viewer: what a person may see, and which buttons they get, follow from who they are and
  the data (memberships and roles are data too), so one person's part is never served to
  another, and a change of membership changes the stamp.

Writes that bypass model signals (QuerySet.update, bulk_create, raw SQL) call mark_changed()
themselves. Cached parts also expire after CACHES' TIMEOUT, a bound on any change missed.
"""

import itertools
import secrets

from asgiref.local import Local
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.db import (
    DEFAULT_DB_ALIAS,
    OperationalError,
    ProgrammingError,
    connections,
    transaction,
)
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.functional import SimpleLazyObject

from .clock import today
from .timing import note_cache_lookup

# The apps whose data pages show. Not sessions, admin's log, sign-in attempts (axes), or
# content types: those change on every sign-in and show on none of the cached parts.
TRACKED_APPS = frozenset({"auth", "governance", "csa", "actions", "plans", "meetings", "people",
                          "reminders"})  # fmt: skip

_changes = itertools.count(1)
_local_changes = 0


def mark_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Say that the data changed: at once for this process, for every process on commit."""
    global _local_changes
    _local_changes = next(_changes)
    connection = connections[using]
    if connection.in_atomic_block and any(
        callback is _write_new_stamp for _, callback, _ in connection.run_on_commit
    ):
        return  # one new stamp a transaction, however many rows it wrote
    transaction.on_commit(_write_new_stamp, using=using)


def _write_new_stamp(using: str = DEFAULT_DB_ALIAS) -> None:
    from .models import DataStamp

    token = secrets.token_hex(8)
    try:
        if not DataStamp.objects.using(using).filter(pk=1).update(token=token):
            DataStamp.objects.using(using).update_or_create(pk=1, defaults={"token": token})
    except (OperationalError, ProgrammingError):
        # Only while migrating a new database, before the stamp's table exists: nothing can
        # have been cached from it yet.
        if "governance_datastamp" in connections[using].introspection.table_names():
            raise


# The token read once per request (FreshnessMiddleware), so that the page, its parts and the
# viewer's access (governance.access) are all cached under one reading of it.
_request = Local()


def current_stamp() -> str:
    """The data stamp now, and this process's count of changes: one query a request."""
    from .models import DataStamp

    token = getattr(_request, "token", None)
    if token is None:
        token = DataStamp.objects.filter(pk=1).values_list("token", flat=True).first() or "-"
        if getattr(_request, "active", False):
            _request.token = token
    return f"{token}.{_local_changes}"


class FreshnessMiddleware:
    """Reads the data stamp at most once a request (see current_stamp)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _request.active, _request.token = True, None
        try:
            return self.get_response(request)
        finally:
            _request.active, _request.token = False, None


def page_key(user, *parts) -> str:
    """The cache key of a page part for this viewer, now: see the module's docstring."""
    # The partnership in the address: a person in several sees each one's own page.
    partnership = getattr(user, "_csa_partnership_id", "") or ""
    return ":".join(
        str(part) for part in (current_stamp(), today().isoformat(), user.pk, partnership, *parts)
    )


def _on_change(sender, **kwargs):
    meta = sender._meta
    if meta.app_label not in TRACKED_APPS or meta.model_name == "datastamp":
        return
    if meta.model_name.startswith("historical"):
        return  # written because its model was saved, which said so already
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return  # a sign-in: shows on no cached part, and happens all morning
    mark_changed(kwargs.get("using") or DEFAULT_DB_ALIAS)


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_change, dispatch_uid=f"freshness-{id(signal)}")


# A page whose parts are cached works out its context only when a part is missing. What must
# be known before anything is drawn (its status code, say) is kept beside the parts.


def remembered(key: str, work_out):
    """`work_out()`, kept in the cache under `key` (a page_key): worked out once per key."""
    value = cache.get(key)
    note_cache_lookup(hit=value is not None)
    if value is None:
        value = work_out()
        cache.set(key, value)
    return value


def part_is_cached(fragment: str, key: str) -> bool:
    """Whether the `{% cache %}` part named `fragment` is kept under `key` (a page_key)."""
    found = cache.get(make_template_fragment_key(fragment, [key])) is not None
    note_cache_lookup(hit=found)
    return found


def lazy_context(worked_out, names) -> dict:
    """The template context `worked_out()[0]` holds, each name worked out on first use: a
    page served from its cached parts reads none of them, so nothing behind them runs."""
    return {name: SimpleLazyObject(lambda name=name: worked_out()[0].get(name)) for name in names}
