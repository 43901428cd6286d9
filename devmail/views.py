"""The sent-mail pages: routed only while DEBUG is on (csa/urls.py), and each refuses with a
404 whenever DEBUG is off, so that no link from an email ever shows on a server people use.
No sign-in: a newcomer reads the invitation or password-reset email before having an account.
"""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from . import store


def development_only(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (settings.DEBUG and settings.SENT_MAIL_DIR):
            raise Http404("Sent mail is shown in development only.")
        return view(request, *args, **kwargs)

    return login_not_required(wrapped)


def _message_or_404(name):
    message = store.message(name)
    if message is None:
        raise Http404("No such email.")
    return message


@development_only
def mail_list(request):
    return render(
        request,
        "devmail/list.html",
        {"messages_sent": store.messages(), "folder": store.folder()},
    )


@development_only
def mail_detail(request, name):
    message = _message_or_404(name)
    return render(request, "devmail/message.html", {"message": message})


# The email's own HTML, as a mail program shows it: its inline styles allowed, nothing else
# of the page's policy loosened (no script runs in it).
@development_only
@xframe_options_sameorigin
@csp_override({"default-src": ["'none'"], "style-src": ["'unsafe-inline'"], "img-src": ["data:"]})
def mail_html(request, name):
    message = _message_or_404(name)
    if not message.html:
        raise Http404("This email has no HTML part.")
    return HttpResponse(message.html, content_type="text/html; charset=utf-8")


@development_only
@require_POST
def mail_clear(request):
    removed = store.clear()
    messages.success(request, f"{removed} email{'s' if removed != 1 else ''} removed.")
    return redirect("devmail:list")
