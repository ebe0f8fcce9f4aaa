"""In headless Chromium (Debian's package): a link to any comment id reaches it."""

import functools
import subprocess
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import chromium_path

pytestmark = pytest.mark.browser


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    servers = []

    def start(folder):
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def dump_dom(url: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [chromium_path(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom", url],
            capture_output=True, text=True, timeout=90,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_a_comment_id_link_reaches_the_comment_on_page_3(site, serve):
    site.post("t", "The Thread")
    for i in range(7):
        site.comment("t", f"c{i}", f"Words of comment {i}.", date=f"2025-01-02 10:0{i}")
    built = site.build(COMMENTS_PER_PAGE=3)
    base = serve(built.output)
    dom = dump_dom(f"{base}/comment/c6/")
    assert "<title>The Thread: comments page 3 · Holdspace</title>" in dom
    assert 'id="comment-c6"' in dom and "Words of comment 6." in dom


def test_a_thread_page_renders_its_comments_in_the_browser(site, serve):
    site.post("t", "The Thread")
    site.comment("t", "parent", "The parent.")
    site.comment("t", "child", "The child.", reply_to="parent", date="2025-01-03 10:00")
    base = serve(site.build(COMMENT_INTAKE_URL="https://intake.example/c").output)
    dom = dump_dom(f"{base}/t/")
    assert dom.index('id="comment-parent"') < dom.index('id="comment-child"') < dom.index("The child.")
    assert '<form class="comment-form" method="post" action="https://intake.example/c">' in dom
