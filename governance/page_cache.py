"""The page cache every process and server shares: Django's database cache, in PostgreSQL
(or SQLite), so that a part drawn by one gunicorn worker is served by the others and by the
other servers, with no cache server to run. Whether a part is still true is the key's job
(governance.freshness); this is only where the parts are kept.

Django's DatabaseCache.set counts the whole table, reads the entry, then updates or inserts
it, inside a savepoint: five statements for every part drawn. Here a part is written with
one upsert (INSERT .. ON CONFLICT, which PostgreSQL and SQLite both have), and the first
write of a request also deletes what has expired, and the oldest parts beyond MAX_ENTRIES
(PAGE_CACHE_ENTRIES). So the table holds at most the newest MAX_ENTRIES parts drawn within
the last TIMEOUT seconds (PAGE_CACHE_SECONDS). On PostgreSQL the table is UNLOGGED
(migration governance 0008): nothing in it needs the write-ahead log or surviving a crash.
Reads are Django's (one SELECT), and each is kept until the request ends (Django closes the
caches then), so that the parts of a page read together (governance.freshness.read_parts)
cost one query, not one each.
"""

import base64
import hashlib
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils.timezone import now

_MISSING = object()


class PageCache(DatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        # What this request read or wrote, by full key (a cache object is per thread), and
        # whether it has deleted what expired.
        self._read: dict[str, object] = {}
        self._swept = False

    def make_key(self, key, version=None):
        """Django's key, hashed when longer than the table's column (255) allows: a write of a
        longer key would fail, and abort the request's transaction with it."""
        made = super().make_key(key, version=version)
        if len(made) <= 250:
            return made
        return "h:" + hashlib.sha256(made.encode()).hexdigest()

    def get_many(self, keys, version=None):
        if len(self._read) > 1000:  # no request ends in a long command: keep it small
            self._read.clear()
        found, unread = {}, []
        for key in keys:
            value = self._read.get(self.make_and_validate_key(key, version=version), _MISSING)
            if value is _MISSING:
                unread.append(key)
            elif value is not None:
                found[key] = value
        if unread:
            fetched = super().get_many(unread, version=version)
            for key in unread:
                self._read[self.make_and_validate_key(key, version=version)] = fetched.get(key)
            found.update(fetched)
        return found

    def close(self, **kwargs):
        """The end of a request: what it read is forgotten."""
        self._read.clear()
        self._swept = False
        super().close(**kwargs)

    def delete(self, key, version=None):
        self._read.clear()
        return super().delete(key, version=version)

    def delete_many(self, keys, version=None):
        self._read.clear()
        return super().delete_many(keys, version=version)

    def clear(self):
        self._read.clear()
        return super().clear()

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        connection = connections[router.db_for_write(self.cache_model_class)]
        quote = connection.ops.quote_name
        table = quote(self._table)
        tz = UTC if settings.USE_TZ else None
        expires = datetime.max if timeout is None else datetime.fromtimestamp(timeout, tz=tz)
        current = now().replace(microsecond=0)
        pickled = pickle.dumps(value, self.pickle_protocol)
        adapt = connection.ops.adapt_datetimefield_value
        with connection.cursor() as cursor:
            if not self._swept:
                # What expired, and whatever is beyond the newest MAX_ENTRIES (a bound on the
                # table however many addresses are asked for within the TIMEOUT).
                everything = "LIMIT -1" if connection.vendor == "sqlite" else "LIMIT ALL"
                cursor.execute(
                    f"DELETE FROM {table} WHERE {quote('expires')} < %s OR {quote('cache_key')}"
                    f" IN (SELECT {quote('cache_key')} FROM {table} ORDER BY "
                    f"{quote('expires')} DESC {everything} OFFSET %s)",
                    [adapt(current), self._max_entries],
                )
                self._swept = True
            cursor.execute(
                f"INSERT INTO {table} ({quote('cache_key')}, {quote('value')}, "
                f"{quote('expires')}) VALUES (%s, %s, %s) ON CONFLICT ({quote('cache_key')}) "
                f"DO UPDATE SET {quote('value')} = EXCLUDED.{quote('value')}, "
                f"{quote('expires')} = EXCLUDED.{quote('expires')}",
                [
                    key,
                    base64.b64encode(pickled).decode("latin1"),
                    adapt(expires.replace(microsecond=0)),
                ],
            )
        self._read[key] = value
