"""Writes of the table upload: the file kept between its pages, the plan it makes loaded through
the year-file importer, and the mapping remembered for the partnership's next file.

The plan is loaded only as previewed: the preview keeps the made year's file (a PendingLoad,
as an uploaded year's file is kept) and the confirmation loads those bytes, by their hash.
"""

import json
from dataclasses import dataclass, field

from django.db import transaction

from governance.access import agreement_file_boards
from governance.history import save_recorded
from governance.models import Body

from .. import services as plan_services
from ..importer import AgreementFileError, LoadReport, load_agreement_data
from ..models import PendingLoad, TableMapping
from . import mapping
from .mapping import Choices, Plan


def remembered_for(board: Body) -> dict:
    found = TableMapping.objects.filter(board=board).first()
    if found is None:
        return {"columns": {}, "themes": {}, "leads": {}}
    return {"columns": found.columns, "themes": found.themes, "leads": found.leads}


def table_mapping_remember(
    *, board: Body, remembered: dict, user, filename: str = "a plan's table"
) -> TableMapping:
    """Keep how the partnership's table reads, merged over what was kept before (a theme of
    last year's file that this year's does not have is still known next year)."""
    with transaction.atomic():
        found = TableMapping.objects.select_for_update().filter(board=board).first()
        changed = found is None
        found = found or TableMapping(board=board)
        for name in ("columns", "themes", "leads"):
            given = remembered.get(name)
            merged = {**getattr(found, name), **(given if isinstance(given, dict) else {})}
            if merged != getattr(found, name):
                setattr(found, name, merged)
                changed = True
        if changed:
            save_recorded(found, reason=f"remembered from {filename}", user=user)
    return found


@dataclass
class Preview:
    """What loading the table would do: the importer's report, or the problems by place."""

    plan: Plan
    report: LoadReport | None = None
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    pending: PendingLoad | None = None


def made_file(plan: Plan) -> bytes:
    return json.dumps(plan.records, ensure_ascii=False, indent=1).encode()


def table_plan_preview(*, user, board: Body, tables, choices: Choices, filename: str) -> Preview:
    """The importer's dry run of the plan the tables make; writes nothing but the made file,
    kept for the confirmation when there is no problem."""
    parties = mapping.parties_of(board, mapping.plan_rows(tables, choices.columns))
    plan = mapping.build_plan(tables, choices, board, parties)
    preview = Preview(plan=plan, problems=list(plan.problems))
    data = made_file(plan)
    try:
        preview.report = load_agreement_data(
            data, name=filename, dry_run=True, user=user, boards=agreement_file_boards(user)
        )
    except AgreementFileError as refused:
        preview.problems += mapping.problems_by_place(refused.problems, plan.sources)
    if not preview.problems:
        preview.pending = plan_services.agreement_file_store(
            user=user, data=data, filename=filename
        )
    return preview


def table_plan_load(
    *, user, board: Body, sha256: str, table_sha256: str, remembered: dict
) -> LoadReport:
    """Load the made file the user previewed (the importer checks it again), remember the
    mapping for the partnership's next file and forget the uploaded table, in one
    transaction."""
    with transaction.atomic():
        report = plan_services.agreement_file_load(user=user, sha256=sha256)
        filename = report.path.rsplit("/", 1)[-1]
        table_mapping_remember(board=board, remembered=remembered, user=user, filename=filename)
        PendingLoad.objects.filter(user=user, sha256=table_sha256).delete()
    return report
