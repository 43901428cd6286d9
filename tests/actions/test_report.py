"""The board highlight report: printable, as of a day, completed since the last meeting."""

import datetime
import io
import re

import pytest
from django.urls import reverse

from actions.models import Action, Status
from actions.services import progress_update_create
from governance.models import Meeting
from tests.actions.test_dashboard import agreement_of, make_plan, queries_for
from tests.served import served

pytestmark = pytest.mark.django_db

REPORT = reverse("actions:board_report")


@pytest.fixture
def history(officer_wcc_ph):
    """Through 2018-19: A1 completed in January, A8 at risk in March, A5 off track."""
    agreement = agreement_of(2018)

    def update(reference, status, day, **kwargs):
        progress_update_create(
            action=Action.objects.get(agreement=agreement, reference=reference),
            author=officer_wcc_ph,
            status=status,
            date=day,
            **kwargs,
        )

    update("A1", Status.COMPLETED, datetime.date(2019, 1, 20), outcome="Drive is running")
    update("A8", Status.AT_RISK, datetime.date(2019, 3, 1), note="Dovetail guidance is late")
    update("A5", Status.OFF_TRACK, datetime.date(2019, 3, 2), note="Licensing has stalled")
    return agreement


def test_report_lists_overdue_at_risk_and_completed_since(client, chair, history):
    client.force_login(chair)
    response = client.get(
        REPORT, {"agreement": history.pk, "as_of": "2019-04-01", "since": "2019-01-15"}
    )
    assert response.status_code == 200
    page = served(response)
    assert page.headings["overdue"] == "Overdue (10)"  # A1 was completed
    assert len(page.rows("overdue")) == 10 and "A1" not in page.references("overdue")
    assert page.references("at-risk") == ["A8"]  # A5 is overdue: listed there
    assert "A5" in page.references("overdue")
    assert page.references("completed") == ["A1"]
    assert page.headings["completed"] == "Completed since 15 January 2019 (1)"
    html = response.content.decode()
    assert "Dovetail guidance is late" in html and "Licensing has stalled" in html
    assert "css/report.css" in html
    assert html.count("<h1") == 1

    later = served(
        client.get(REPORT, {"agreement": history.pk, "as_of": "2019-04-01", "since": "2019-02-01"})
    )
    assert later.headings["completed"] == "Completed since 1 February 2019 (0)"
    assert later.references("completed") == []


def test_only_overdue_actions_are_said_to_be_days_overdue(client, chair, history):
    client.force_login(chair)
    response = client.get(
        REPORT, {"agreement": history.pk, "as_of": "2019-04-01", "since": "2019-01-15"}
    )
    html = response.content.decode()
    # A1 was due in 2018 and completed late: finished with, it is not overdue.
    completed_row = re.search(r'<tr[^>]*data-reference="A1".*?</tr>', html, re.S).group(0)
    assert "overdue" not in completed_row
    (completed,) = served(response).rows("completed")
    assert completed.reference == "A1" and "overdue" not in str(completed)
    overdue_row = re.search(r'<tr[^>]*data-reference="A5".*?</tr>', html, re.S).group(0)
    assert re.search(r"\d+ days overdue", overdue_row)


def test_since_defaults_to_the_last_meeting_before_the_day(client, chair, history):
    Meeting.objects.create(body=history.board, date=datetime.date(2019, 1, 10), title="January")
    Meeting.objects.create(body=history.board, date=datetime.date(2019, 5, 10), title="May")
    client.force_login(chair)
    page = served(client.get(REPORT, {"agreement": history.pk, "as_of": "2019-04-01"}))
    assert "Completed since 10 January 2019 (last meeting: January)" in page.main
    assert page.headings["completed"] == "Completed since 10 January 2019 (1)"
    assert page.references("completed") == ["A1"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "2019-02-30"}, "Enter the last meeting date as a real date"),
        ({"as_of": "2019-04-01", "since": "2019-05-01"}, "must be on or before the “as of” date"),
        ({"agreement": "31337"}, "Choose an agreement from the list"),
    ],
)
def test_bad_values_give_a_clear_message(client, chair, params, message):
    client.force_login(chair)
    response = client.get(REPORT, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    # Nothing of a report on the page: no figure, no section, no table.
    page = served(response)
    assert page.counts == {} and page.tables == [] and "overdue" not in page.headings
    assert "Correct the problem above to see the report." in page.main


def test_pdf_download(client, chair, history):
    pytest.importorskip("weasyprint")
    client.force_login(chair)
    response = client.get(
        reverse("actions:board_report_pdf"), {"agreement": history.pk, "as_of": "2019-04-01"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "board-report-SCB-2018-19-as-of-2019-04-01.pdf" in response["Content-Disposition"]


def _pdf_pages(client, agreement, as_of="2019-04-01"):
    """The board report's PDF as its pages: (text with whitespace collapsed, page object)."""
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    response = client.get(
        reverse("actions:board_report_pdf"), {"agreement": agreement.pk, "as_of": as_of}
    )
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return [(" ".join(page.extract_text().split()), page) for page in reader.pages]


def _font_sizes(page, words):
    """The size in points at which each of `words` is drawn on the page."""
    sizes = {}

    def visit(text, cm, tm, font, font_size):
        for word in words:
            if word in text:
                sizes.setdefault(word, round(font_size * tm[3] * cm[3], 1))

    page.extract_text(visitor_text=visit)
    return sizes


def test_the_pdf_keeps_headings_with_their_tables(client, chair, history):
    """A chair prints this for the board: the "Overdue" heading was stranded at the foot of
    page 1 with its table on page 2."""
    client.force_login(chair)

    pages = _pdf_pages(client, history)

    overdue = next(text for text, _ in pages if "Overdue (" in text)
    heading_at = overdue.index("Overdue (")
    # Its caption, its header row and its first action are on the same page, after it.
    assert "Overdue actions with their latest notes" in overdue[heading_at:]
    assert "Ref Action Theme Leads Due Status Last update" in overdue[heading_at:]
    assert re.search(r"\d+ days? overdue", overdue[heading_at:])


def test_the_pdf_repeats_table_headers_and_prints_one_title(client):
    agreement, coordinator = make_plan(60)
    client.force_login(coordinator)

    pages = _pdf_pages(client, agreement)

    assert len(pages) > 3
    whole = " ".join(text for text, _ in pages)
    # The board's name once: the site's header no longer prints it above the report's own.
    assert whole.count(agreement.board.name) == 1
    # Every page that continues a table starts with its header row.
    for number, (text, _) in enumerate(pages[1:], start=2):
        if not text.startswith(
            ("At risk", "Completed", "Overdue (", "Exceptions", "Deadlines moved", "The year")
        ):
            assert text.startswith("Ref Action Theme Leads Due Status Last update"), number


def test_the_pdf_prints_status_tags_the_size_of_the_table_text(client, chair, history):
    client.force_login(chair)

    pages = _pdf_pages(client, history)

    page = next(page for text, page in pages if "days overdue" in text)
    # "Not started" is a tag; "No update" the text of the cell beside it.
    sizes = _font_sizes(page, ["started", "update"])
    assert sizes["started"] == sizes["update"], sizes


def test_the_pdf_has_no_shaded_box_on_its_last_page(client, chair, history):
    """GOV.UK Frontend's page background (#f4f8fb, on <html>) filled the rest of the last
    page as a mostly empty shaded box."""
    client.force_login(chair)

    pages = _pdf_pages(client, history)

    page_background = " ".join(f"{channel / 255:.6f}" for channel in (0xF4, 0xF8, 0xFB))
    for _, page in pages:
        assert f"{page_background} rg" not in page.get_contents().get_data().decode("latin-1")


def test_the_report_runs_a_fixed_number_of_queries(client):
    small, small_user = make_plan(5)
    big, big_user = make_plan(60)
    client.force_login(small_user)
    small_queries = queries_for(client, f"{REPORT}?agreement={small.pk}&as_of=2019-04-01")
    client.force_login(big_user)
    big_queries = queries_for(client, f"{REPORT}?agreement={big.pk}&as_of=2019-04-01")
    assert small_queries == big_queries


def test_the_pdf_numbers_its_pages(client, chair, history):
    client.force_login(chair)
    pages = _pdf_pages(client, history)
    total = len(pages)
    for number, (text, _) in enumerate(pages, 1):
        assert f"Page {number} of {total}" in text
