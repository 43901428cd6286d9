"""Unbounded input (issue 16): absurd dates and huge texts are refused with a message."""

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from governance.models import Body, Meeting
from governance.services import meeting_create
from plans.importer import AgreementFileError, load_agreement_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def psg(scb):
    return Body.objects.get(short_name="PSG")


@pytest.mark.parametrize("day", ["01/01/0001", "31/12/9999", "31/12/1999", "1/1/2101"])
def test_a_meeting_date_outside_2000_to_2100_is_refused_with_a_message(
    client, psg, coordinator, day
):
    client.force_login(coordinator)
    url = reverse("meetings:meeting_create", args=[psg.pk])
    response = client.post(url, {"date": day, "title": "Out of range"})
    assert response.status_code == 200
    assert "must be between 1 January 2000 and 31 December 2100" in response.content.decode()
    assert not Meeting.objects.filter(body=psg).exists()


def test_the_service_refuses_an_out_of_range_meeting_date_too(psg):
    with pytest.raises(ValidationError) as refused:
        meeting_create(body=psg, date=datetime.date(1, 1, 1), title="Year one")
    assert "between 1 January 2000 and 31 December 2100" in str(refused.value)


@pytest.mark.parametrize(
    ("field", "limit"), [("minutes", 100_000), ("papers", 10_000), ("attendees", 10_000)]
)
def test_meeting_texts_have_a_length_limit_with_a_message(client, psg, coordinator, field, limit):
    client.force_login(coordinator)
    url = reverse("meetings:meeting_create", args=[psg.pk])
    data = {"date": "12/10/2018", "title": "Long", field: "x" * (limit + 1)}
    response = client.post(url, data)
    assert response.status_code == 200
    assert f"{limit:,} characters or fewer" in response.content.decode()
    assert not Meeting.objects.filter(body=psg).exists()
    data[field] = "x" * limit
    assert client.post(url, data).status_code == 302


def test_a_request_body_over_the_limit_is_refused(client, psg, coordinator):
    client.force_login(coordinator)
    url = reverse("meetings:meeting_create", args=[psg.pk])
    response = client.post(
        url, {"date": "12/10/2018", "title": "Huge", "minutes": "x" * (3 * 1024 * 1024)}
    )
    assert response.status_code == 400
    assert not Meeting.objects.filter(body=psg).exists()


def test_upload_limits_are_set():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2 * 1024 * 1024


def test_an_agreement_file_over_5_mb_is_refused_unread(db, tmp_path):
    path = tmp_path / "2018-19.json"
    path.write_text(json.dumps([{"model": "csa.section", "fields": {"text": "x" * 6_000_000}}]))
    with pytest.raises(AgreementFileError, match="larger than the limit of 5 MB"):
        load_agreement_file(path)


def test_an_agreement_text_over_100000_characters_is_named(scb, tmp_path):
    records = json.loads(Path("fixtures/worcestershire/2018-19.json").read_text(encoding="utf-8"))
    section = next(r for r in records if r["model"] == "csa.section")
    section["fields"]["text"] = "x" * 100_001
    path = tmp_path / "2018-19.json"
    path.write_text(json.dumps(records))
    with pytest.raises(AgreementFileError, match="field 'text': .*100,000 characters or fewer"):
        load_agreement_file(path)
