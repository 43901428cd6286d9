"""X-Forwarded-Proto is trusted only when TRUST_X_FORWARDED_PROTO says a proxy sets it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# A request to a production-configured app (DEBUG off, HTTPS redirect on) that claims to have
# come over HTTPS. Nothing here touches the database: the redirect or the sign-in redirect
# happens before it would.
REQUEST = """
import django
django.setup()
from django.test import Client
response = Client().get("/", headers={"X-Forwarded-Proto": "https"}, HTTP_HOST="example.org")
print(response.status_code, response.get("Location", ""))
"""


def request_claiming_https(**env) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "TRUST_"))}
    result = subprocess.run(
        [sys.executable, "-c", REQUEST],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "csa.settings",
            "DEBUG": "0",
            "SECRET_KEY": "k" * 60,
            "EMAIL_HOST": "localhost",  # serving with DEBUG off needs a mail server
            "ALLOWED_HOSTS": "example.org",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("setting", [{}, {"TRUST_X_FORWARDED_PROTO": "0"}])
def test_reached_directly_the_header_does_not_bypass_the_https_redirect(setting):
    assert request_claiming_https(**setting) == "301 https://example.org/"


def test_behind_a_proxy_that_is_trusted_the_header_marks_the_request_secure():
    status, location = request_claiming_https(TRUST_X_FORWARDED_PROTO="1").split()
    assert status == "302" and location.startswith("/accounts/login/")
