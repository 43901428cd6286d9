"""Minutes pasted from Word: bullets become lists, not paragraphs of debris."""

import datetime

from django.urls import reverse

from governance.minutes import minutes_blocks, tidy_minutes
from governance.models import Meeting
from governance.services import meeting_create

WORD_PASTE = (
    "Main Discussion Points:\n\n"
    "·\xa0\xa0\xa0\xa0\xa0\xa0\xa0\xa0 the role of local councillors was emphasised.\xa0 Noted.\n\n"
    "Ø\xa0\xa0 a watching brief on the Alliance\n"
    "o\xa0\xa0\xa0 data monitoring\n\n"
    "The Board noted the report."
)


def test_word_bullets_become_items_and_spaces_fold():
    assert tidy_minutes(WORD_PASTE) == (
        "Main Discussion Points:\n\n"
        "- the role of local councillors was emphasised. Noted.\n\n"
        "- a watching brief on the Alliance\n"
        "- data monitoring\n\n"
        "The Board noted the report."
    )
    blocks = minutes_blocks(WORD_PASTE)
    assert [b.kind for b in blocks] == ["paragraph", "list", "paragraph"]
    assert blocks[1].items == [
        "the role of local councillors was emphasised. Noted.",
        "a watching brief on the Alliance",
        "data monitoring",
    ]


def test_ordinary_text_is_left_as_paragraphs():
    text = "One paragraph\nwrapped.\n\nAnother one, about a total of 5 - 3 = 2."
    assert [b.text for b in minutes_blocks(text)] == [
        "One paragraph wrapped.",
        "Another one, about a total of 5 - 3 = 2.",
    ]


def test_saved_and_loaded_minutes_keep_lists(client, scb, coordinator):
    meeting = meeting_create(
        body=scb,
        date=datetime.date(2019, 1, 10),
        title="Board",
        minutes=WORD_PASTE,
        user=coordinator,
    )
    assert "·" not in meeting.minutes and "\xa0" not in meeting.minutes
    client.force_login(coordinator)
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "<li>a watching brief on the Alliance</li>" in page
    assert "·" not in page and "Ø" not in page


def test_the_shipped_meeting_minutes_have_no_word_debris(scb):
    from plans.importer import load_agreement_file
    from tests.conftest import FIXTURES

    load_agreement_file(FIXTURES / "meetings.json")
    minutes = Meeting.objects.get(date=datetime.date(2019, 7, 31)).minutes
    assert "·" not in minutes and "\xa0" not in minutes
    assert "\n- the importance of the role of local councillors" in minutes
