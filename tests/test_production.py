"""Production: `check --deploy` is clean, and the documented steps serve pages with DEBUG off.

Both run the real commands in subprocesses with production settings from the environment,
as `make serve` does: DEBUG off, a random SECRET_KEY, ALLOWED_HOSTS, static files collected
into an empty STATIC_ROOT (a clean checkout has none), and gunicorn with WhiteNoise.
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def production_env(**extra) -> dict:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "TRUST_", "DJANGO_")
        )
    }
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "csa.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "example.org",
        "EMAIL_HOST": "localhost",  # mail is configured in production (MAILERS)
        **extra,
    }


def manage(*arguments, env):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_check_deploy_reports_nothing_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=production_env())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout, result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def test_the_documented_steps_serve_pages_and_static_files_with_debug_off(tmp_path):
    port = free_port()
    env = production_env(
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",  # plain HTTP here: no proxy terminating TLS in front
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
    )
    # No migrate: the health check and the sign-in page need no tables, and migrating would
    # double the test's time. The step that was missing from the README is collectstatic.
    result = manage("collectstatic", "--noinput", env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()

    server = subprocess.Popen(
        [str(GUNICORN), "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = fetch(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn died"
                time.sleep(0.3)
        assert (status, body) == (200, "ok")

        status, page = fetch(f"{base}/accounts/login/")
        assert status == 200, page
        assert "Sign in" in page
        stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "no hashed (collected) stylesheet in the page"
        status, css = fetch(base + stylesheet.group(1))
        assert status == 200 and css
    finally:
        server.send_signal(signal.SIGTERM)
        log, _ = server.communicate(timeout=30)
    access = [line for line in log.splitlines() if '"GET /' in line]
    assert any('"GET /healthz HTTP/1.1" 200' in line for line in access), log
    assert any('"GET /accounts/login/ HTTP/1.1" 200' in line for line in access), log


# --- /healthz in process ----------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_ok_without_a_sign_in(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.content == b"database unavailable"


def test_the_server_process_collects_garbage_rarely_and_never_walks_what_it_loaded():
    """csa.wsgi, what gunicorn and runserver load: the start-up's objects frozen out of every
    collection, and a collection every 20,000 objects, not 700 (measured in csa/wsgi.py)."""
    probe = (
        "import gc, csa.wsgi, django.urls;"
        "print(gc.get_threshold(), gc.get_freeze_count(), gc.isenabled())"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    threshold, frozen, enabled = re.fullmatch(
        r"(\(\d+, \d+, \d+\)) (\d+) (True|False)\n", result.stdout
    ).groups()
    assert threshold == "(20000, 10, 10)"
    assert enabled == "True"  # cycles are still freed
    assert int(frozen) > 10_000  # Django and the apps, loaded before the first request
