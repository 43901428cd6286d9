"""Responses that hold someone's view of the partnerships' business are never cached.

A shared computer's browser cache, or a proxy between the council's network and the server,
must not keep a page or an export that needed a sign-in: every response to a signed-in user,
and every response of a view that needs a sign-in (its redirect to the sign-in page too), is
sent `Cache-Control: private, no-store`. Public views (sign-in, the health check) are left as
they are.
"""

import re
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, get_script_prefix, resolve, reverse, set_script_prefix
from django.utils.cache import patch_cache_control

from .access import access_for, partnership_of_address


class PrivateCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        needs_sign_in = getattr(request, "_view_needs_sign_in", True)
        user = getattr(request, "user", None)
        if needs_sign_in or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_store=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The flag that django.contrib.auth's LoginRequiredMiddleware reads (login_not_required).
        request._view_needs_sign_in = getattr(view_func, "login_required", True)


# /p/<slug>/...: a partnership's pages. The slug is the board's (Body.slug).
PARTNERSHIP_ADDRESS = re.compile(r"^/p/(?P<slug>[-a-zA-Z0-9_]+)(?P<rest>/.*)?$")
# The end of the script prefix the door sets: taken off, it is the prefix outside any.
OWN_PREFIX = re.compile(r"p/[-a-zA-Z0-9_]+/$")
# The URL namespaces of a partnership's pages: the dashboard, lists and actions, its plans,
# its bodies and meetings. Other pages (the account, calendar feeds, invitations, the admin,
# the People pages, which name their partnership by id) are the same in every partnership.
PARTNERSHIP_NAMESPACES = frozenset({"actions", "plans", "meetings"})
PARTNERSHIP_PAGES = frozenset(
    {
        "reminders:round_create",
        "reminders:round_detail",
        "reminders:round_remind",
        "reminders:send_list",
        "people:people",
        "people:invite",
        "people:resend",
        "people:role_change",
        "people:role_end",
        "people:membership_end",
        "people:deactivate",
    }
)

# Pages of the "actions" namespace that look across partnerships, so are outside any
# partnership's address: a group's pages (/groups/<slug>/), read by its overseers.
OUTSIDE_PARTNERSHIPS = frozenset({"actions:group_list", "actions:group_dashboard"})
# Pages of a partnership that a person in several also has outside any partnership's address,
# across all of theirs (access_for holds every partnership of theirs there): My actions.
ACROSS_PARTNERSHIPS = frozenset({"actions:my_actions"})


class PartnershipMiddleware:
    """The one door to a partnership's pages: the partnership is in the address.

    /p/scb/dashboard/ is the SCB's dashboard for everyone who may open it, whatever they did
    before; for anyone else it does not exist (404). The door tells access_for which
    partnership the request is in, and makes every link the page draws (reverse, {% url %})
    an address in the same partnership, by serving the rest of the path under the script
    prefix /p/scb/. A page of a partnership asked for without one (an old link) is served to
    a person in one partnership and to an admin (every partnership's, across them); a person
    in several is asked which, except for a page they also have across all their
    partnerships (ACROSS_PARTNERSHIPS).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = PARTNERSHIP_ADDRESS.match(request.path_info)
        if match is None:
            return self._without_partnership(request)
        slug, rest = match["slug"], match["rest"] or "/"
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        board_id = partnership_of_address(user, slug)
        if board_id is None:
            raise Http404("No partnership of yours has this address.")
        user._csa_partnership_id = board_id
        if hasattr(user, "_csa_access"):
            del user._csa_access
        request.partnership_id = board_id
        request.path_info = rest
        outside = get_script_prefix()
        request.outside_prefix = outside
        set_script_prefix(f"{outside}p/{slug}/")
        try:
            return self.get_response(request)
        finally:
            set_script_prefix(outside)

    def _without_partnership(self, request):
        user = request.user
        request.outside_prefix = get_script_prefix()
        if not user.is_authenticated or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        partnerships = access_for(user).partnerships
        if request.path_info == "/" and not user.is_superuser and len(partnerships) == 1:
            return redirect(partnership_address(partnerships[0][2], "/"))
        if len(partnerships) > 1 and not user.is_superuser and _in_a_partnership(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('people:partnership_choose')}?{query}")
        return self.get_response(request)


def partnership_address(slug: str, rest: str = "/") -> str:
    """The address of `rest` (a path from the site's root) in the partnership `slug`."""
    return f"{_outside_prefix()}p/{slug}{rest}"


def address_in(slug: str, viewname: str, *args) -> str:
    """reverse(viewname, args) in the partnership `slug`, from within a partnership's address
    or outside any."""
    return partnership_address(slug, "/" + reverse(viewname, args=args)[len(get_script_prefix()) :])


def address_outside(viewname: str, *args) -> str:
    """reverse(viewname, args) outside any partnership's address, wherever it is asked from:
    for a page that is the same in every partnership (an invitation, an account page)."""
    return _outside_prefix() + reverse(viewname, args=args)[len(get_script_prefix()) :]


def _outside_prefix() -> str:
    """The script prefix outside any partnership's address."""
    prefix = get_script_prefix()
    return OWN_PREFIX.sub("", prefix)


def _in_a_partnership(request) -> bool:
    if request.path_info == "/":
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    if match.view_name in OUTSIDE_PARTNERSHIPS or match.view_name in ACROSS_PARTNERSHIPS:
        return False
    return match.namespace in PARTNERSHIP_NAMESPACES or match.view_name in PARTNERSHIP_PAGES
