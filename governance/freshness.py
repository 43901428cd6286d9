"""Whether a cached part of a page is still true: the key that changes with the data.

A page part is cached (Django's cache, `{% cache %}`) under `page_key(user, ...)`, which
holds:

- the data stamps (DataStamp rows, read in one small query a request). A new random token is
  written after a transaction that changed the tracker's data commits, so every process, on
  every server, misses at once; but only the stamps of what changed move:
  - `p:<slug>`, a partnership's own: its plans, themes, actions, leads, progress and deadline
    moves (a model that says which partnership it belongs to, `partnership_slug()`);
  - `shared`: everything else (people, organisations, bodies, roles, memberships, meetings);
  - `all`: moved by every change, for pages outside any partnership's address (an admin's
    view across partnerships).
  A page in a partnership's address is keyed by `shared` and its partnership's stamp, so a
  progress update in another partnership does not make it miss. Previews and mail logs show
  on no cached part and move no stamp (UNSHOWN_MODELS);
- this process's own count of changes not yet committed, moved on the moment a change is
  saved: the process that made a change never serves the page it changed from before, even
  inside a transaction (a test, or a request that writes then reads). Once the transaction
  commits and the new stamps are written, the count is dropped, so that every process and
  server asks for the same key and shares the parts (governance.page_cache). A count carries
  a random name of its process, so two processes' uncommitted changes never share a key;
  and a part drawn inside a transaction is written to the cache's table in that same
  transaction, so no other process reads it before the commit moves the stamps on;
- the day (governance.clock.today): overdue, due soon and stale move on at midnight;
- the partnership in the address (governance.middleware.PartnershipMiddleware);
- the viewer's access (governance.access.UserAccess: roles, organisation, memberships,
  hidden bodies, the partnerships and groups in scope): what a person may see, and which
  buttons they get, follow from it alone, so people with the same access (two officers of
  one organisation) share a part, and nobody is served a part drawn for other rights. A
  change of role or membership moves the shared stamp, and with it the access.

Writes that bypass model signals (QuerySet.update, bulk_create, raw SQL) call mark_changed()
themselves (with no partnership: every stamp moves). Cached parts also expire after CACHES'
TIMEOUT, a bound on any change missed.
"""

import hashlib
import itertools
import re
import secrets

from asgiref.local import Local
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.core.exceptions import ObjectDoesNotExist
from django.db import (
    DEFAULT_DB_ALIAS,
    IntegrityError,
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

# Saved often, shown on no cached part: a spreadsheet's or a year file's preview, the log of
# emails sent, a person's reminder settings, invitations, a table's remembered columns.
UNSHOWN_MODELS = frozenset({"actions.pendingupload", "plans.pendingload", "plans.tablemapping",
                            "reminders.remindersend", "reminders.remindersend_actions",
                            "reminders.reminderpreference",
                            "people.invitation"})  # fmt: skip

ALL, SHARED = "all", "shared"

_changes = itertools.count(1)
# Written beside this process's counts in a key: another process's count of its own
# uncommitted changes is never the same key as this one's.
_PROCESS = secrets.token_hex(4)
# This process's own changes not yet committed, by scope: moved at once, before the commit,
# and dropped once the commit's new stamps are written (unless a later change moved it again).
_local_changes: dict[str, int] = {}


def partnership_scope(slug: str) -> str:
    return f"p:{slug}"


class _NewStamps:
    """The on-commit writer of one transaction's new stamps, collecting their scopes and the
    local count each was given."""

    def __init__(self, using: str):
        self.using, self.counts = using, {}

    def __call__(self):
        _write_new_stamps(self.using, set(self.counts))
        for scope, count in self.counts.items():
            # Committed, and now in the stamps every process reads: the local count has done
            # its work, unless a change not yet committed moved it on since.
            if _local_changes.get(scope) == count:
                _local_changes.pop(scope, None)


def mark_changed(using: str = DEFAULT_DB_ALIAS, *, partnership_slug: str | None = None) -> None:
    """Say that the data changed: at once for this process, for every process on commit.
    With a partnership's slug, only that partnership's pages (and `all`) miss; without, all."""
    scope = partnership_scope(partnership_slug) if partnership_slug else SHARED
    count = next(_changes)
    _local_changes[scope] = _local_changes[ALL] = count
    connection = connections[using]
    writer = None
    if connection.in_atomic_block:
        for _, callback, _ in connection.run_on_commit:
            if isinstance(callback, _NewStamps):
                writer = callback  # one writer a transaction, however many rows
                break
    new_writer = writer is None
    if new_writer:
        writer = _NewStamps(using)
    writer.counts[scope] = writer.counts[ALL] = count
    if new_writer:
        # Outside a transaction this runs the writer at once: its scopes are set before.
        transaction.on_commit(writer, using=using)


def _write_new_stamps(using: str, scopes: set[str]) -> None:
    from .models import DataStamp

    tokens = getattr(_request, "tokens", None)
    try:
        for scope in sorted(scopes | {ALL}):
            token = secrets.token_hex(8)
            if tokens is not None:
                tokens[scope] = token  # this request reads its own commit's stamps from now
            if not DataStamp.objects.using(using).filter(scope=scope).update(token=token):
                try:
                    with transaction.atomic(using=using):
                        DataStamp.objects.using(using).create(scope=scope, token=token)
                except IntegrityError:  # another server made it first: move it on
                    DataStamp.objects.using(using).filter(scope=scope).update(token=token)
    except (OperationalError, ProgrammingError):
        # Only while migrating a new database, before the stamp's table exists: nothing can
        # have been cached from it yet.
        if "governance_datastamp" in connections[using].introspection.table_names():
            raise


# The tokens read once per request (FreshnessMiddleware), so that the page, its parts and the
# viewer's access (governance.access) are all cached under one reading of them.
_request = Local()
ADDRESS = re.compile(r"^/p/([^/]+)/")


def _tokens() -> dict[str, str]:
    """The stamps this request's pages can be keyed by, read in one query (a request in a
    partnership's address also reads that partnership's own)."""
    from .models import DataStamp

    tokens = getattr(_request, "tokens", None)
    if tokens is None:
        scopes = [ALL, SHARED]
        slug = getattr(_request, "slug", None)
        if slug:
            scopes.append(partnership_scope(slug))
        tokens = dict(DataStamp.objects.filter(scope__in=scopes).values_list("scope", "token"))
        if getattr(_request, "active", False):
            _request.tokens = tokens
    return tokens


def current_stamp(partnership_slug: str | None = None, *, shared_only: bool = False) -> str:
    """The stamps now, and this process's count of changes: one query a request.

    Inside a partnership's address: `shared` and the partnership's own stamp. Outside: `all`.
    `shared_only` for what depends on shared models alone (a viewer's access, an address)."""
    tokens = _tokens()
    if shared_only:
        scopes = (SHARED,)
    elif partnership_slug:
        scopes = (SHARED, partnership_scope(partnership_slug))
    else:
        scopes = (ALL,)
    return ".".join(f"{tokens.get(scope, '-')}/{_own_changes(scope)}" for scope in scopes)


def _own_changes(scope: str) -> str:
    """This process's count of changes not yet committed, in `scope`: nothing once none are
    left, so that every process asks for the same key."""
    count = _local_changes.get(scope)
    return f"{_PROCESS}-{count}" if count else "0"


class FreshnessMiddleware:
    """Reads the data stamps at most once a request (see current_stamp)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        address = ADDRESS.match(request.path_info)
        _request.active, _request.tokens = True, None
        _request.slug = address.group(1) if address else None
        try:
            return self.get_response(request)
        finally:
            _request.active, _request.tokens, _request.slug = False, None, None


def page_key(user, *parts) -> str:
    """The cache key of a page part for this viewer, now: see the module's docstring. The
    parts (a page's name, its query string) are hashed, so that a key has a bounded length
    whatever the address asked for."""
    from .access import access_key  # access is read by the key, and reads the stamps

    # The partnership in the address: a person in several sees each one's own page.
    partnership = getattr(user, "_csa_partnership_id", "") or ""
    slug = (getattr(_request, "slug", None) or "") if partnership else ""
    return ":".join(
        str(part)
        for part in (
            current_stamp(slug),
            today().isoformat(),
            access_key(user),
            partnership,
            hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest(),
        )
    )


def _on_change(sender, **kwargs):
    meta = sender._meta
    if meta.app_label not in TRACKED_APPS or meta.model_name == "datastamp":
        return
    if meta.model_name.startswith("historical") or meta.label_lower in UNSHOWN_MODELS:
        return  # historical: written because its model was saved, which said so already
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return  # a sign-in: shows on no cached part, and happens all morning
    instance = kwargs.get("instance")
    slug = None
    if kwargs.get("action") is None and hasattr(instance, "partnership_slug"):
        try:
            slug = instance.partnership_slug()
        except ObjectDoesNotExist:  # deleted along with what it belonged to: say "all"
            slug = None
    mark_changed(kwargs.get("using") or DEFAULT_DB_ALIAS, partnership_slug=slug)


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


def read_parts(key: str, fragments=(), remembered_keys=()) -> None:
    """Read a page's cached parts at once (one query with governance.page_cache): the
    `{% cache %}` parts named `fragments`, and `remembered` values, under `key`. What is
    found is then served to the template and to remembered() without asking again."""
    cache.get_many(
        [make_template_fragment_key(fragment, [key]) for fragment in fragments]
        + list(remembered_keys)
    )


def part_is_cached(fragment: str, key: str) -> bool:
    """Whether the `{% cache %}` part named `fragment` is kept under `key` (a page_key). Its
    title, the part named `<fragment>_title`, is read with it."""
    read_parts(key, (f"{fragment}_title", fragment))
    found = cache.get(make_template_fragment_key(fragment, [key])) is not None
    note_cache_lookup(hit=found)
    return found


def lazy_context(worked_out, names) -> dict:
    """The template context `worked_out()[0]` holds, each name worked out on first use: a
    page served from its cached parts reads none of them, so nothing behind them runs."""
    return {name: SimpleLazyObject(lambda name=name: worked_out()[0].get(name)) for name in names}
