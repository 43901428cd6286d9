"""Production refuses to start without a secret key of its own."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _start(env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "csa.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env",
    [
        {"DEBUG": "0"},
        {"DEBUG": "0", "SECRET_KEY": "django-insecure-development-only-never-use-in-production"},
    ],
)
def test_without_debug_a_missing_or_development_key_refuses_to_start(env):
    result = _start(env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_with_a_real_key_it_starts():
    result = _start(
        {
            "DEBUG": "0",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "example.org",
            "EMAIL_HOST": "localhost",
        }
    )
    assert result.returncode == 0, result.stderr


def _with_postgresql(expression: str, **env) -> tuple[str, str]:
    """What `expression` prints in a process whose DATABASE_URL is PostgreSQL's (no database
    is reached: settings only), and its error output."""
    result = subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; print({expression})"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "csa.settings",
            "DEBUG": "1",
            "DATABASE_URL": "postgres://u@localhost:5432/csa",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout.strip(), result.stderr


def test_database_url_selects_postgresql():
    engine = "settings.DATABASES['default']['ENGINE']"
    assert _with_postgresql(engine)[0] == "django.db.backends.postgresql"


def _postgresql_options(**env):
    return _with_postgresql(
        "settings.DATABASES['default'].get('OPTIONS', {}).get('options')", **env
    )


def test_postgresql_plans_for_fast_random_reads_unless_told_otherwise():
    assert _postgresql_options()[0] == "-c random_page_cost=1.1"
    assert _postgresql_options(DATABASE_RANDOM_PAGE_COST="2")[0] == "-c random_page_cost=2.0"
    assert _postgresql_options(DATABASE_RANDOM_PAGE_COST="")[0] == "None"
    assert "could not convert" in _postgresql_options(DATABASE_RANDOM_PAGE_COST="fast")[1]


@pytest.mark.django_db
def test_each_postgresql_connection_uses_the_cost():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


def _manage(*arguments):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env={**clean, "DEBUG": "0"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_one_off_command_runs_without_a_key_but_serving_refuses():
    assert _manage("makemigrations", "--check", "--dry-run").returncode == 0
    served = _manage("runserver", "127.0.0.1:8765", "--noreload")
    assert served.returncode != 0
    assert "SECRET_KEY is not set" in served.stderr


def test_a_django_log_line_is_written_once():
    """A "Forbidden" line was printed twice: by Django's handler and again by the root's."""
    import logging.config

    from django.conf import settings
    from django.utils.log import DEFAULT_LOGGING

    # As Django sets logging up at start: its defaults, then ours.
    logging.config.dictConfig(DEFAULT_LOGGING)
    logging.config.dictConfig(settings.LOGGING)
    logger = logging.getLogger("django.request")
    handlers = []
    while logger is not None:
        # pytest's own capture handlers are not the server's.
        handlers += [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]
        logger = logger.parent if logger.propagate else None
    assert len(handlers) == 1


def _run(arguments, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"SECRET_KEY", "DEBUG", "EMAIL_HOST", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "csa.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings_and_a_mail_server():
    import secrets

    key = secrets.token_urlsafe(50)[:50]
    result = _run(
        ["manage.py", "check", "--deploy"],
        {
            "DEBUG": "0",
            "SECRET_KEY": key,
            "ALLOWED_HOSTS": "example.org",
            "EMAIL_HOST": "localhost",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_serving_without_a_mail_server_refuses_to_start():
    served = _run(
        ["manage.py", "runserver", "127.0.0.1:8766", "--noreload"],
        {"DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "example.org"},
    )
    assert served.returncode != 0
    assert "EMAIL_HOST is not set" in served.stderr


def test_mail_settings_come_from_the_environment():
    result = _run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.MAILERS['default']); print(settings.DEFAULT_FROM_EMAIL)",
        ],
        {
            "DEBUG": "0",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "example.org",
            "EMAIL_HOST": "smtp.example.org",
            "EMAIL_PORT": "587",
            "EMAIL_HOST_USER": "tracker",
            "EMAIL_HOST_PASSWORD": "pw",
            "EMAIL_USE_TLS": "1",
            "DEFAULT_FROM_EMAIL": "Tracker <tracker@example.org>",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "'host': 'smtp.example.org', 'port': 587" in result.stdout
    assert "'username': 'tracker', 'password': 'pw', 'use_tls': True" in result.stdout
    assert "smtp.EmailBackend" in result.stdout
    assert "Tracker <tracker@example.org>" in result.stdout


def test_console_mail_only_with_debug():
    """In development mail goes to the console and to the folder that /dev/mail/ shows
    (devmail); with DEBUG off there is no folder, so the sent-mail pages are not routed."""
    show = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.MAILERS['default']['BACKEND'], settings.SENT_MAIL_DIR)"
    )
    result = _run(["-c", show], {"DEBUG": "1", "SENT_MAIL_DIR": "/tmp/sent"})
    assert result.stdout.strip() == "devmail.backends.FolderEmailBackend /tmp/sent"
    result = _run(["manage.py", "shell", "-c", show], {"DEBUG": "0"})
    assert result.stdout.strip().endswith("governance.mail.NoMailConfiguredBackend None")
