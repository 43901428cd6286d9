import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from governance.models import Role
from people.demo import DEMO_PASSWORD


@override_settings(DEBUG=True)
def test_demo_accounts_one_officer_per_lead_organisation(worcestershire, capsys):
    call_command("seed_demo_users")
    output = capsys.readouterr().out
    assert DEMO_PASSWORD in output
    User = get_user_model()
    officer = User.objects.get(username="officer-wcc-ph")
    assert officer.person.organisation.short_name == "WCC PH"
    assert officer.check_password(DEMO_PASSWORD)
    assert Role.objects.filter(user__username="chair", kind=Role.Kind.CHAIR).exists()
    assert Role.objects.filter(user__username="coordinator", kind=Role.Kind.COORDINATOR).exists()
    assert User.objects.get(username="admin").is_superuser
    for short in ["swanswell", "pcc", "wm-police", "wcc"]:
        assert User.objects.filter(username=f"officer-{short}").exists()
    users = User.objects.count()
    call_command("seed_demo_users")  # a second `make run` must not fail or duplicate
    assert User.objects.count() == users


@override_settings(DEBUG=True)
def test_a_demo_account_is_named_one_way_everywhere(worcestershire):
    """The account's name and its person's name are the same, so that a page that names the
    account and one that names the person agree."""
    User = get_user_model()
    # Seeded by an earlier version, with the other spelling.
    call_command("seed_demo_users")
    User.objects.filter(username="officer-wcc-ph").update(last_name="WCC PH")

    call_command("seed_demo_users")

    officer = User.objects.get(username="officer-wcc-ph")
    assert officer.get_full_name() == officer.person.name == "Demo officer (WCC PH)"
    assert User.objects.get(username="admin").get_short_name() == "Demo administrator"


@override_settings(DEBUG=False)
def test_demo_accounts_refused_without_debug(worcestershire):
    with pytest.raises(CommandError, match="only created when DEBUG is on"):
        call_command("seed_demo_users")
    assert not get_user_model().objects.exists()


@override_settings(DEBUG=True)
def test_every_demo_account_has_an_address_so_that_mail_can_be_tried(worcestershire):
    """Reminders, update rounds and password reset need an address; example.org reaches
    nobody. An account seeded before addresses were given gets one."""
    call_command("seed_demo_users")
    User = get_user_model()
    User.objects.filter(username="officer-wcc-ph").update(email="")

    call_command("seed_demo_users")

    accounts = User.objects.filter(groups__name="Demo accounts")
    assert accounts.count() >= 9
    assert {u.username: u.email for u in accounts if u.email != f"{u.username}@example.org"} == {}
