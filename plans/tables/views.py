"""A year's plan from the council's own table: upload the Word or Excel file, say how its table
reads (proposed, and remembered from the partnership's last file), check the preview of the
year's file it makes (the year-file upload's preview), and load it.

Who may: the same rule as the year-file upload (governance.access), for the partnership in
the address.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from csa.models import Agreement, Theme
from governance.access import access_for, agreement_file_boards, can_load_agreement_files
from governance.models import Body

from .. import services as plan_services
from ..importer import AgreementFileError
from . import mapping, services
from .forms import TableFileForm, TableMappingForm, columns_signature
from .reading import TableFileError, read_tables

SIGNED_MAPPING = "plans.tables.mapping"
OUTCOME_HEADINGS = [
    ("created", "To create"),
    ("changed", "To change"),
    ("kept", "Not applied: changed in the tracker since it was loaded"),
    ("unchanged", "Left alone: already as the table says"),
]


def _board_for_tables(request) -> Body | None:
    """The partnership in the address, if the user may load its plan; None for an admin
    outside any (who is asked which); 403 for anyone else."""
    if not can_load_agreement_files(request.user):
        raise PermissionDenied(
            "Only a partnership's coordinator, or an administrator, can load a year's plan."
        )
    access = access_for(request.user)
    board_id = getattr(request, "partnership_id", None) or access.chosen_board_id
    board = Body.objects.filter(pk=board_id, partnership__isnull=True).first()
    if board is None and access.spans_every_partnership:
        return None
    boards = agreement_file_boards(request.user)
    if board is None or (boards is not None and board.short_name not in boards):
        raise PermissionDenied("Only the partnership's coordinator can load its plan.")
    return board


def _choose_partnership(request):
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('people:partnership_choose')}?{query}")


@require_http_methods(["GET", "POST"])
def table_upload(request):
    board = _board_for_tables(request)
    if board is None:
        return _choose_partnership(request)
    form = TableFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            read_tables(data, filename=upload.name)
        except TableFileError as refused:
            form.add_error("file", str(refused))
        else:
            pending = plan_services.agreement_file_store(
                user=request.user, data=data, filename=upload.name
            )
            return redirect("plans:table_mapping", sha256=pending.sha256)
    return render(
        request,
        "plans/tables/upload.html",
        {"form": form, "board": board},
        status=400 if form.errors else 200,
    )


def _pending_tables(request, sha256):
    pending = plan_services.pending_load_for(user=request.user, sha256=sha256)
    tables = read_tables(bytes(pending.data), filename=pending.filename)
    return pending, tables


def _mapping_form(board, tables, pending, data=None):
    """The form for the columns in effect: as posted, else remembered or guessed."""
    remembered = services.remembered_for(board)
    columns = mapping.proposed_columns(tables, remembered["columns"])
    if data is not None:
        probe = TableMappingForm(
            data, tables=tables, columns=columns, themes=[], leads=[], parties=[]
        )
        columns = probe.chosen_columns() or columns
    rows = mapping.plan_rows(tables, columns)
    themes = list(Theme.objects.filter(board=board).select_related("parent"))
    theme_choices = [
        (t.key, f"{t.name} (under {t.parent.name})" if t.parent_id else t.name)
        for t in sorted(themes, key=lambda t: (t.position, t.name))
    ]
    texts = mapping.theme_texts(rows)
    proposed_themes = mapping.proposed_themes(texts, themes, remembered["themes"])
    parties = mapping.parties_of(board, rows)
    asked, matched = mapping.proposed_leads(mapping.lead_texts(rows), parties, remembered["leads"])
    lead_texts = {mapping.normal(t): t for t in mapping.lead_texts(rows)}
    year = mapping.year_in(pending.filename, *(t.heading for t in tables))
    form = TableMappingForm(
        data,
        tables=tables,
        columns=columns,
        themes=[(t, proposed_themes[mapping.normal(t)], theme_choices) for t in texts],
        leads=[(lead_texts[key], said) for key, said in asked.items()],
        parties=parties,
        matched=[(lead_texts[key], party) for key, party in matched.items()],
        initial={"year": year} if year else None,
    )
    context = {
        "board": board,
        "pending": pending,
        "tables": tables,
        "used": {t.number for t in mapping.used_tables(tables, columns)},
        "rows": rows,
        "form": form,
        "matched": [(lead_texts[key], party) for key, party in matched.items()],
    }
    return form, columns, context


@require_http_methods(["GET", "POST"])
def table_mapping(request, sha256):
    board = _board_for_tables(request)
    if board is None:
        return _choose_partnership(request)
    try:
        pending, tables = _pending_tables(request, sha256)
    except (plan_services.PendingLoadChangedError, TableFileError) as gone:
        return _upload_again(request, board, str(gone))
    data = request.POST.copy() if request.method == "POST" else None
    form, columns, context = _mapping_form(board, tables, pending, data)
    if data is None:
        return render(request, "plans/tables/mapping.html", context)
    if data.get("seen") != columns_signature(columns):
        # The columns changed: the themes and leads to ask about are those of the new ones,
        # each with what is proposed for it; what was chosen for the others stays.
        for name, field in form.fields.items():
            if name.startswith(("theme-", "lead-")) and name not in data:
                initial = field.initial
                data.setlist(name, initial if isinstance(initial, list) else [initial])
        data["seen"] = columns_signature(columns)
        context["redrawn"] = True
        return render(request, "plans/tables/mapping.html", context)
    if not form.is_valid():
        return render(request, "plans/tables/mapping.html", context, status=400)
    choices = form.choices()
    preview = services.table_plan_preview(
        user=request.user, board=board, tables=tables, choices=choices, filename=pending.filename
    )
    return _preview_page(request, context, preview, choices, table_sha256=sha256)


def _preview_page(request, context, preview, choices, *, table_sha256, error="", status=None):
    sources = preview.plan.sources
    groups = []
    if preview.report is not None and not preview.problems:
        for outcome, heading in OUTCOME_HEADINGS:
            records = [
                {"place": sources[r.number].place if r.number in sources else "", "record": r}
                for r in preview.report.outcomes(outcome)
            ]
            groups.append({"outcome": outcome, "heading": heading, "records": records})
    context.update(
        {
            "preview": preview,
            "report": preview.report if not preview.problems else None,
            "problems": preview.problems,
            "groups": groups,
            "year_label": f"{choices.year} to {choices.year + 1}",
            "table_sha256": table_sha256,
            "signed_mapping": signing.dumps(
                {"year": choices.year, "remembered": choices.remembered()}, salt=SIGNED_MAPPING
            ),
            "error": error,
        }
    )
    if status is None:
        status = 400 if preview.problems else 200
    return render(request, "plans/tables/preview.html", context, status=status)


def _upload_again(request, board, error):
    return render(
        request,
        "plans/tables/upload.html",
        {"form": TableFileForm(), "board": board, "error": error},
        status=404,
    )


@require_POST
def table_confirm(request):
    board = _board_for_tables(request)
    if board is None:
        return _choose_partnership(request)
    sha256 = request.POST.get("sha256", "")
    table_sha256 = request.POST.get("table", "")
    try:
        signed = signing.loads(request.POST.get("mapping", ""), salt=SIGNED_MAPPING)
        year, remembered = int(signed["year"]), dict(signed["remembered"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return _upload_again(
            request, board, "The page was changed before it was sent: upload the plan again."
        )
    try:
        report = services.table_plan_load(
            user=request.user,
            board=board,
            sha256=sha256,
            table_sha256=table_sha256,
            remembered=remembered,
        )
    except plan_services.PendingLoadChangedError as gone:
        return _upload_again(request, board, str(gone))
    except AgreementFileError:
        messages.error(
            request,
            "Nothing was loaded: the plan no longer passes the checks (the tracker changed "
            "since the preview). Check the table below and preview it again.",
        )
        return redirect("plans:table_mapping", sha256=table_sha256)
    messages.success(
        request,
        f"{report.path.rsplit('/', 1)[-1]} loaded: {report.created} created, "
        f"{report.changed} changed, {report.unchanged} already up to date"
        + (f", {report.kept} not applied" if report.kept else "")
        + ".",
    )
    start, _ = mapping.period_of(year)
    agreement = Agreement.objects.filter(board=board, period_start=start).first()
    if agreement is not None:
        return redirect("plans:agreement_detail", pk=agreement.pk)
    return redirect("plans:agreement_list")
