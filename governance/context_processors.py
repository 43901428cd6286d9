from django.conf import settings

from .access import access_for


def site(request):
    """The name in the header: the user's partnership when they have one, else the site name."""
    partnership_name = None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        names = access_for(user).board_names
        partnership_name = names[0] if len(names) == 1 else None
    return {"site_name": settings.SITE_NAME, "partnership_name": partnership_name}
