from django.conf import settings

from .access import access_for
from .middleware import address_outside


def site(request):
    """The header: the service's name, the partnership shown and, for a person in several
    partnerships, links to the others (each partnership's pages have their own address)."""
    partnership_name = None
    others = []
    manages_people = False
    groups = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        access = access_for(user)
        names = access.board_names
        partnership_name = names[0] if len(names) == 1 else None
        outside = getattr(request, "outside_prefix", "/")
        others = [
            (name, f"{outside}p/{slug}/")
            for pk, name, slug in access.partnerships
            if pk != access.chosen_board_id and len(access.partnerships) > 1
        ]
        manages_people = access.manages_a_partnership
        # An overseer's groups (governance.access): their dashboards, outside any partnership.
        groups = [
            (name, address_outside("actions:group_dashboard", slug)) for name, slug in access.groups
        ]
    return {
        "site_name": settings.SITE_NAME,
        # Django's auth views put the host's name in `site_name`; pages use this one.
        "service_name": settings.SITE_NAME,
        "partnership_name": partnership_name,
        "other_partnerships": others,
        "manages_people": manages_people,
        "overseen_groups": groups,
        # How long a cached part of a page ({% cache %}) is kept at most (governance.freshness).
        "page_cache_seconds": settings.CACHES["default"].get("TIMEOUT", 300),
    }
