"""A year's file uploaded in the browser (issue 13): the preview runs the loader's dry run and
shows what it will create, change and leave alone, and every problem by record and field;
nothing is written until the user confirms; a coordinator loads only their own partnership's
file; a file other than the one previewed is refused."""

import datetime
import hashlib
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from csa.models import Agreement, Theme
from governance.models import Role
from plans.importer import MAX_FILE_BYTES
from plans.models import PendingLoad
from tests.governance.factories import BoardFactory, make_user
from tests.plans.test_importer_merge import _changed_tables, _tables

UPLOAD = reverse("plans:agreement_upload")
CONFIRM = reverse("plans:agreement_upload_confirm")


def year_2019(board="SCB", *, lead="WCC PH", theme_name=None):
    records = [
        {
            "model": "csa.agreement",
            "fields": {
                "board": [board],
                "title": "Community Safety Agreement 2019 to 2020",
                "period_start": "2019-04-01",
                "period_end": "2020-03-31",
                "status": "adopted",
            },
        },
        {
            "model": "actions.action",
            "fields": {
                "agreement": [board, "2019-04-01"],
                "reference": "A1",
                "theme": [board, "domestic-abuse"],
                "description": "Recommission the domestic abuse service",
                "timescale": "March 2020",
                "leads_as_written": lead,
            },
        },
        {
            "model": "actions.actionlead",
            "fields": {
                "action": [board, "2019-04-01", "A1"],
                "position": 1,
                "organisation": [lead],
            },
        },
    ]
    if theme_name:
        theme = {"board": [board], "key": "domestic-abuse", "name": theme_name}
        records.insert(0, {"model": "csa.theme", "fields": theme})
    return json.dumps(records).encode()


def _file(data, name="2019-20.json"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/json")


def _upload(client, data, name="2019-20.json"):
    return client.post(UPLOAD, {"file": _file(data, name)})


def _ours(tables):
    """Every table but the pending uploads, which hold the file between preview and confirm."""
    return {label: rows for label, rows in tables.items() if label != "plans.PendingLoad"}


def _preview(client, data):
    response = _upload(client, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"]), response["Location"]


def test_the_agreements_list_links_to_the_upload_for_coordinators_only(
    client, coordinator, officer_wcc_ph
):
    client.force_login(coordinator)
    assert UPLOAD in client.get(reverse("plans:agreement_list")).content.decode()
    client.force_login(officer_wcc_ph)
    assert UPLOAD not in client.get(reverse("plans:agreement_list")).content.decode()


def test_a_good_file_is_previewed_writing_nothing_then_loaded_as_the_coordinator(
    client, coordinator
):
    client.force_login(coordinator)
    assert client.get(UPLOAD).status_code == 200
    before = _ours(_tables())
    preview, location = _preview(client, year_2019(theme_name="Domestic abuse and stalking"))
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Check what the file will do" in page and "Error:" not in page
    assert 'data-count="created">3<' in page
    assert 'data-count="changed">1<' in page
    # The change, field by field, before and after.
    assert 'data-field="name"' in page
    assert "Domestic Abuse" in page and "Domestic abuse and stalking" in page
    assert _changed_tables(before, _ours(_tables())) == [], "a preview writes nothing"
    sha256 = hashlib.sha256(year_2019(theme_name="Domestic abuse and stalking")).hexdigest()
    assert location.endswith(f"/{sha256}/")
    assert f'value="{sha256}"' in page

    response = client.post(CONFIRM, {"sha256": sha256})

    agreement = Agreement.objects.get(board__short_name="SCB", period_start="2019-04-01")
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:agreement_detail", args=[agreement.pk])
    action = Action.objects.get(agreement=agreement, reference="A1")
    assert action.history.earliest().history_user == coordinator
    assert action.history.earliest().history_change_reason == "loaded from 2019-20.json"
    theme = Theme.objects.get(board__short_name="SCB", key="domestic-abuse")
    assert theme.name == "Domestic abuse and stalking"
    assert theme.history.latest().history_user == coordinator
    assert not PendingLoad.objects.exists(), "a loaded file is not kept"
    plan = client.get(response["Location"]).content.decode()
    assert "Recommission the domestic abuse service" in plan
    assert "2019-20.json loaded: 3 created, 1 changed" in plan


def test_reloading_a_shipped_year_previews_every_record_left_alone(client, admin_user):
    client.force_login(admin_user)
    with open("fixtures/worcestershire/2018-19.json", "rb") as shipped:
        data = shipped.read()
    preview, _ = _preview(client, data)
    page = preview.content.decode()
    assert 'data-count="created">0<' in page and 'data-count="changed">0<' in page
    assert "Left alone: already as the file says (" in page


def test_a_bad_record_is_shown_by_record_and_field_and_nothing_is_loaded(client, coordinator):
    client.force_login(coordinator)
    data = year_2019(lead="Nobody Such")
    before = _ours(_tables())
    preview, _ = _preview(client, data)
    page = preview.content.decode()
    assert preview.status_code == 400
    assert "<title>Error: Check what the file will do" in page
    assert "Record 3 (actions.actionlead SCB 2019-04-01 A1 1)" in page
    assert "no organisation &#x27;Nobody Such&#x27;" in page
    assert ">organisation<" in page
    assert "Load this file" not in page, "a file with a problem cannot be confirmed"

    response = client.post(CONFIRM, {"sha256": hashlib.sha256(data).hexdigest()})

    assert response.status_code == 409
    assert "Nothing was loaded" in response.content.decode()
    assert _changed_tables(before, _ours(_tables())) == []


def test_a_coordinator_cannot_load_another_partnerships_file(client, coordinator):
    other = BoardFactory(short_name="NCSP")
    Theme.objects.create(board=other, key="domestic-abuse", name="Domestic abuse", position=1)
    client.force_login(coordinator)
    data = year_2019(board="NCSP")
    before = _ours(_tables())
    preview, _ = _preview(client, data)
    page = preview.content.decode()
    assert preview.status_code == 400
    assert "this file is for the NCSP&#x27;s partnership" in page
    assert "only for your own partnership (SCB)" in page
    assert "Load this file" not in page

    response = client.post(CONFIRM, {"sha256": hashlib.sha256(data).hexdigest()})

    assert response.status_code == 409
    assert _changed_tables(before, _ours(_tables())) == []
    assert not Agreement.objects.filter(board=other).exists()


def test_an_admin_may_load_any_partnerships_file(client, admin_user):
    other = BoardFactory(short_name="NCSP")
    Theme.objects.create(board=other, key="domestic-abuse", name="Domestic abuse", position=1)
    client.force_login(admin_user)
    data = year_2019(board="NCSP")
    _preview(client, data)
    response = client.post(CONFIRM, {"sha256": hashlib.sha256(data).hexdigest()})
    assert response.status_code == 302
    assert Agreement.objects.filter(board=other, period_start="2019-04-01").exists()


def test_a_file_changed_since_the_preview_is_refused(client, coordinator):
    client.force_login(coordinator)
    previewed = year_2019()
    _preview(client, previewed)
    changed = year_2019(lead="WCC")
    before = _ours(_tables())

    # The confirmation names a file that was never previewed...
    response = client.post(CONFIRM, {"sha256": hashlib.sha256(changed).hexdigest()})
    assert response.status_code == 409
    assert "This is not the file you previewed" in response.content.decode()
    # ...or the stored bytes are no longer those previewed.
    pending = PendingLoad.objects.get()
    pending.data = changed
    pending.save()
    response = client.post(CONFIRM, {"sha256": hashlib.sha256(previewed).hexdigest()})
    assert response.status_code == 409

    assert _changed_tables(before, _ours(_tables())) == []
    assert not Agreement.objects.filter(period_start="2019-04-01").exists()


def test_someone_elses_preview_cannot_be_confirmed(client, coordinator, scb):
    other_coordinator = make_user(username="coordinator-2", board=scb, kind=Role.Kind.COORDINATOR)
    client.force_login(other_coordinator)
    data = year_2019()
    _preview(client, data)
    client.force_login(coordinator)
    response = client.post(CONFIRM, {"sha256": hashlib.sha256(data).hexdigest()})
    assert response.status_code == 409
    assert not Agreement.objects.filter(period_start="2019-04-01").exists()


def test_uploads_left_unconfirmed_for_two_days_are_forgotten(client, coordinator):
    client.force_login(coordinator)
    data = year_2019()
    _preview(client, data)
    PendingLoad.objects.update(uploaded_at=timezone.now() - datetime.timedelta(days=3))
    response = client.post(CONFIRM, {"sha256": hashlib.sha256(data).hexdigest()})
    assert response.status_code == 409
    _upload(client, b"[]", name="other.json")
    assert list(PendingLoad.objects.values_list("filename", flat=True)) == ["other.json"]


def test_a_file_over_the_limit_is_refused_unread(client, coordinator):
    client.force_login(coordinator)
    response = _upload(client, b" " * (MAX_FILE_BYTES + 1))
    assert response.status_code == 400
    assert "The file must be 5 MB or smaller" in response.content.decode()
    assert not PendingLoad.objects.exists()


@pytest.mark.parametrize("garbage", [b"", b"not json", b"[[[[", "é".encode("latin-1")])
def test_garbage_is_refused_with_a_message(client, coordinator, garbage):
    client.force_login(coordinator)
    response = _upload(client, garbage)
    if response.status_code == 400:  # the empty file: refused by the form
        assert "The file is empty" in response.content.decode()
        return
    page = client.get(response["Location"])
    assert page.status_code == 400
    assert "Nothing can be loaded from this file" in page.content.decode()


@pytest.mark.parametrize("who", ["officer_wcc_ph", "chair"])
def test_officers_and_chairs_may_not_upload(client, request, who):
    client.force_login(request.getfixturevalue(who))
    data = year_2019()
    sha256 = hashlib.sha256(data).hexdigest()
    assert client.get(UPLOAD).status_code == 403
    assert _upload(client, data).status_code == 403
    assert client.get(reverse("plans:agreement_upload_preview", args=[sha256])).status_code == 403
    assert client.post(CONFIRM, {"sha256": sha256}).status_code == 403
    assert not PendingLoad.objects.exists()


def test_signed_out_is_sent_to_sign_in(client, db):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_upload_page_speaks_to_a_coordinator_not_in_command_names(client, coordinator):
    # Issue 27: it said "checked as load_agreement --dry-run checks it".
    client.force_login(coordinator)
    html = client.get(UPLOAD).content.decode()
    assert "load_agreement" not in html and "--dry-run" not in html
    assert "Nothing is loaded yet" in html
