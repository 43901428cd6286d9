from django.conf import settings


def site(request):
    """The name in the header: the user's partnership when we know it, else the site name."""
    partnership_name = None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        partnership_name = getattr(user, "partnership_name", None)
    return {"site_name": settings.SITE_NAME, "partnership_name": partnership_name}
