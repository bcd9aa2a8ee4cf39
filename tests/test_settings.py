"""Production settings refuse to start half-configured."""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def load_production(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    environment.update(env, DJANGO_SETTINGS_MODULE="portal.settings.production")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.ALLOWED_HOSTS)",
        ],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_production_needs_secret_key_and_hosts():
    missing = load_production()
    assert missing.returncode != 0
    assert "SECRET_KEY" in missing.stderr
    no_hosts = load_production(SECRET_KEY="s3cret")
    assert no_hosts.returncode != 0 and "ALLOWED_HOSTS" in no_hosts.stderr
    ok = load_production(SECRET_KEY="s3cret", ALLOWED_HOSTS="coops.example.org")
    assert ok.returncode == 0, ok.stderr
    assert "coops.example.org" in ok.stdout


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


def test_with_a_shared_cache_the_submission_limit_holds_across_processes():
    """CACHE_URL=redis://... : five submissions counted in five processes reach the limit."""
    if not redis_reachable():
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    ip_hash = f"test-{uuid.uuid4().hex}"
    code = (
        "import django; django.setup(); "
        "from directory.submissions.views import count_submission, over_limit; "
        f"print(over_limit({ip_hash!r})); count_submission({ip_hash!r})"
    )
    environment = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        CACHE_URL="redis://127.0.0.1:6379/15",
        PORTAL_SUBMISSIONS_PER_HOUR="5",
    )
    answers = []
    for _ in range(6):
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, env=environment, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        answers.append(done.stdout.strip())
    assert answers == ["False"] * 5 + ["True"]
