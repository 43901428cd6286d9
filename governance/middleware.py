"""Responses that hold someone's view of the partnerships' business are never cached.

A shared computer's browser cache, or a proxy between the council's network and the server,
must not keep a page or an export that needed a sign-in: every response to a signed-in user,
and every response of a view that needs a sign-in (its redirect to the sign-in page too), is
sent `Cache-Control: private, no-store`. Public views (sign-in, the health check) are left as
they are.
"""

from django.utils.cache import patch_cache_control


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
