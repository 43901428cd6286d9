"""Pages and exports that need a sign-in are never kept by a browser or proxy cache."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.mark.parametrize(
    "url",
    [
        reverse("actions:my_actions"),
        reverse("actions:dashboard"),
        reverse("actions:action_list"),
        reverse("actions:action_export", args=["csv"]),
        reverse("actions:action_export", args=["xlsx"]),
        reverse("actions:board_report"),
        "/governance/",
        "/admin/",
    ],
)
def test_every_signed_in_page_and_export_is_private_and_not_stored(client, coordinator, url):
    client.force_login(coordinator)
    coordinator.is_staff = True
    coordinator.save()
    response = client.get(url)
    assert response.status_code == 200, url
    assert no_store(response), (url, response.get("Cache-Control"))


def test_a_page_needing_a_sign_in_is_not_stored_even_when_it_redirects(client):
    response = client.get(reverse("actions:dashboard"))
    assert response.status_code == 302
    assert no_store(response)
