"""Progress by spreadsheet: download the actions shown, upload the edited file, check the
preview, confirm. The file is read in actions.spreadsheet.workbook; the rows are checked and
recorded in actions.spreadsheet.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from csa.models import Agreement

from ..exports import XLSX_CONTENT_TYPE
from ..forms import ProgressFileForm
from ..models import PendingUpload, today
from ..reporting import agreements_visible_to
from . import services as upload_services
from .services import MY_ACTIONS, UploadChangedError
from .workbook import MAX_UPLOAD_BYTES, SpreadsheetError, write_workbook


def _scope_from(request, value) -> str:
    """The scope named by the request, checked: My actions, or a plan the user coordinates."""
    if value in (None, "", MY_ACTIONS):
        return MY_ACTIONS
    kind, _, pk = str(value).partition(":")
    if kind != "agreement" or not pk.isdigit():
        raise Http404("No such page to upload to.")
    try:
        agreement = agreements_visible_to(request.user).get(pk=int(pk))
    except Agreement.DoesNotExist:
        raise Http404("No such agreement.") from None
    if not upload_services.may_use_plan_spreadsheet(request.user, agreement):
        raise PermissionDenied("Only the partnership coordinator can update a whole plan at once.")
    return upload_services.agreement_scope(agreement)


def back_url(scope: str) -> str:
    if scope == MY_ACTIONS:
        return reverse("actions:my_actions")
    return f"{reverse('actions:action_list')}?agreement={scope.partition(':')[2]}"


@require_GET
def progress_download(request):
    agreement = request.GET.get("agreement")
    scope = _scope_from(request, f"agreement:{agreement}" if agreement else MY_ACTIONS)
    rows = upload_services.download_rows(request.user, scope)
    content = write_workbook(rows, scope=scope, scope_label=upload_services.scope_label(scope))
    name = "my-actions" if scope == MY_ACTIONS else scope.replace(":", "-")
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="progress-{name}-{today():%Y-%m-%d}.xlsx"'
    )
    return response


@require_POST
def progress_upload(request):
    scope = _scope_from(request, request.POST.get("scope"))
    form = ProgressFileForm(request.POST, request.FILES, initial={"scope": scope})
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_UPLOAD_BYTES:
                raise SpreadsheetError(
                    "The file is larger than 10 MB. Upload the spreadsheet downloaded from this "
                    "page, with only your updates added."
                )
            pending = upload_services.progress_upload_store(
                user=request.user, scope=scope, data=upload.read(), filename=upload.name
            )
        except SpreadsheetError as error:
            form.add_error("file", str(error))
        else:
            return redirect("actions:progress_preview", key=pending.key)
    return render(
        request,
        "actions/progress_upload.html",
        {"form": form, "back_url": back_url(scope)},
        status=400,
    )


def _pending(request, key):
    try:
        return upload_services.pending_for(request.user, key)
    except PendingUpload.DoesNotExist:
        raise Http404(
            "This upload is not waiting to be confirmed: it was confirmed already, or is too old."
        ) from None


def _preview_page(request, pending, *, error: str = "", status: int = 200):
    preview = upload_services.progress_upload_preview(user=request.user, pending=pending)
    form = ProgressFileForm(initial={"scope": pending.scope})
    return render(
        request,
        "actions/progress_preview.html",
        {
            "preview": preview,
            "form": form,
            "error": error,
            "back_url": back_url(pending.scope),
            "scope_label": upload_services.scope_label(pending.scope),
        },
        status=status,
    )


@require_GET
def progress_preview(request, key):
    return _preview_page(request, _pending(request, key))


@require_POST
def progress_confirm(request, key):
    pending = _pending(request, key)
    scope = pending.scope
    try:
        created = upload_services.progress_upload_confirm(user=request.user, pending=pending)
    except UploadChangedError as error:
        return _preview_page(request, pending, error=error.messages[0], status=409)
    except ValidationError as error:
        return _preview_page(request, pending, error=error.messages[0], status=400)
    references = ", ".join(update.action.reference for update in created)
    messages.success(
        request,
        f"{len(created)} progress update{'s' if len(created) != 1 else ''} recorded from the "
        f"spreadsheet: {references}.",
    )
    return redirect(back_url(scope))
