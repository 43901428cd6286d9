"""The shared page cache's table (governance.page_cache) and the stamps' writer outside a
transaction (governance.freshness), as a real database runs them."""

import datetime

import pytest
from django.db import connection, transaction
from django.urls import reverse

from governance import freshness
from governance.models import DataStamp, PageCacheEntry
from governance.page_cache import PageCache


def _cache(**options):
    return PageCache("page_cache", {"TIMEOUT": 600, "OPTIONS": options})


def test_a_key_longer_than_the_column_is_hashed_and_still_found(db):
    cache = _cache()
    key = "dashboard-status:" + "x" * 400
    cache.set(key, 200)
    cache.close()  # a new request: nothing remembered in the process
    assert cache.get(key) == 200
    assert all(len(k) <= 255 for k in PageCacheEntry.objects.values_list("cache_key", flat=True))


def test_the_table_keeps_the_newest_entries_up_to_its_bound(db):
    cache = _cache(MAX_ENTRIES=3)
    for n in range(6):
        cache.set(f"part-{n}", n, timeout=600 + n)  # later parts expire later
        cache.close()  # each a request of its own: each sweeps once
    kept = set(PageCacheEntry.objects.values_list("cache_key", flat=True))
    assert len(kept) <= 4  # the bound, and the part the last request wrote
    cache.close()
    assert cache.get("part-5") == 5 and cache.get("part-0") is None


def test_an_expired_part_is_not_served_and_is_deleted_by_the_next_write(db):
    cache = _cache()
    cache.set("old", "stale", timeout=-1)
    cache.close()
    assert cache.get("old") is None
    cache.close()
    cache.set("new", "fresh")
    assert not PageCacheEntry.objects.filter(cache_key__endswith="old").exists()


def test_a_list_asked_for_with_a_very_long_address_is_served(client, chair):
    """A key holds the query string hashed: a long one (a link with tracking parameters, a
    long search) cannot overflow the cache's column (on PostgreSQL that was a 500, and an
    aborted transaction)."""
    client.force_login(chair)
    long_address = reverse("actions:action_list") + "?flag=overdue&utm_source=" + "x" * 400
    for search in (long_address, reverse("actions:action_list") + "?q=" + "kestrel " * 60):
        response = client.get(search)
        assert response.status_code in (200, 400)  # a search too long is refused, by name
        assert "<h1" in response.content.decode()
    assert client.get(long_address).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_change_outside_any_transaction_moves_its_partnerships_stamp(worcestershire):
    """Outside a transaction the stamps' writer runs at once, when the change is marked: it
    must know the change's scopes by then (it wrote `all` alone once)."""
    assert not connection.in_atomic_block
    before = dict(DataStamp.objects.values_list("scope", "token"))
    freshness.mark_changed(partnership_slug=worcestershire.slug)
    after = dict(DataStamp.objects.values_list("scope", "token"))
    scope = f"p:{worcestershire.slug}"
    assert after[scope] != before.get(scope) and after["all"] != before.get("all")
    assert scope not in freshness._local_changes and "all" not in freshness._local_changes

    with transaction.atomic():
        freshness.mark_changed()
        assert "shared" in freshness._local_changes  # before its commit: this process only
    assert "shared" not in freshness._local_changes
    assert DataStamp.objects.get(scope="shared").token != before.get("shared")


def test_the_expiry_is_written_as_the_database_reads_it(db):
    cache = _cache()
    cache.set("soon", 1, timeout=60)
    expires = PageCacheEntry.objects.get(cache_key__endswith="soon").expires
    now = datetime.datetime.now(datetime.UTC)
    assert now < expires <= now + datetime.timedelta(seconds=61)
