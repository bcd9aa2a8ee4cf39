"""Production settings refuse to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

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
