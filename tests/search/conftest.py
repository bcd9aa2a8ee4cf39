"""Stand-in search servers for the engine tests, started on 127.0.0.1 with a free port.

- noida-db (Elasticsearch 8 API): its bundled binary, run in the foreground with only the
  Elasticsearch service, a throwaway data folder and a free port.
- osmem-server (OpenSearch API): its own launcher (`OsmemServer.start`), which also
  stops the server when this process goes away. This overrides the `osmem_server`
  fixture of its pytest plugin, to skip or fail with a reason rather than error.

A server that cannot start fails the run when the environment variable CI is set, and
skips the tests that need it elsewhere.
"""

from __future__ import annotations

import importlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from importlib.resources import files

import pytest

START_TIMEOUT = 30.0


def unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str, timeout: float, process: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def noida_url():
    """The address of a noida-db Elasticsearch API, for the whole session."""
    try:
        binary = files("noida_db").joinpath("noida-db")
    except ModuleNotFoundError:
        unavailable("noida-db is not installed (pip install noida-db==0.2.3)")
    if not binary.is_file():
        unavailable(f"noida-db binary not found at {binary}")
    os.chmod(str(binary), 0o755)
    data_dir = tempfile.mkdtemp(prefix="noida-test-")
    log = open(os.path.join(data_dir, "server.log"), "wb")  # closed at teardown
    process = None
    url = None
    for _attempt in range(2):  # another program may take the free port first
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [str(binary), "start", "--data-dir", data_dir, "--host", "127.0.0.1"]
        command += ["--only", "elasticsearch", "--elasticsearch-port", str(port)]
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        if answers(url, START_TIMEOUT, process):
            break
        stop(process)
        process = None
    if process is None:
        log.close()
        with open(os.path.join(data_dir, "server.log"), errors="replace") as saved:
            output = saved.read()[-2000:]
        shutil.rmtree(data_dir, ignore_errors=True)
        unavailable(f"noida-db did not answer on {url} within {START_TIMEOUT:.0f} s: {output}")
    yield url
    from search.connections import close_clients

    close_clients()
    stop(process)
    log.close()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def osmem_server():
    """A running osmem-server (OpenSearch API) for the whole session."""
    try:
        from osmem_server import OsmemError, OsmemServer
    except ModuleNotFoundError:
        unavailable("osmem-server is not installed (pip install osmem-server==0.1.6)")
    try:
        server = OsmemServer.start(addr="127.0.0.1:0", japanese=False, startup_timeout=START_TIMEOUT)
    except (OsmemError, OSError) as error:
        unavailable(f"osmem-server did not start: {error}")
    if not answers(server.url, START_TIMEOUT):
        server.close()
        unavailable(f"osmem-server did not answer on {server.url}")
    yield server
    from search.connections import close_clients

    close_clients()
    server.close()


@pytest.fixture(scope="session")
def osmem_url(osmem_server) -> str:
    return osmem_server.url


ENGINES = {
    "elasticsearch": ("search.engines.elastic.ElasticsearchEngine", "noida_url"),
    "opensearch": ("search.engines.elastic.OpenSearchEngine", "osmem_url"),
}


CLIENTS = {"elasticsearch": "elasticsearch", "opensearch": "opensearchpy"}


@pytest.fixture(scope="session", params=sorted(ENGINES))
def server(request):
    """(engine name, engine dotted path, server URL) for each stand-in."""
    try:
        importlib.import_module(CLIENTS[request.param])
    except ModuleNotFoundError as error:
        unavailable(f"the {request.param} client is not installed: {error}")
    path, url_fixture = ENGINES[request.param]
    return request.param, path, request.getfixturevalue(url_fixture)
