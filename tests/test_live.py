"""`make live`: a saved edit of a page shows in the served preview within seconds."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from conftest import FIXTURES, ROOT


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf8")
    except OSError:
        return None


def poll(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_an_edit_shows_in_the_live_preview(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "tabs", docs)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    live = subprocess.Popen(
        [sys.executable, "-m", "autodiff_book.build", "live", "--language", "zh", "--port", str(port),
         "--docs", str(docs), "--out", str(tmp_path / "_build")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/index.html"
    try:
        assert poll(lambda: fetch(url), 300), "the live preview never served the page"
        page = docs / "zh" / "index.md"
        page.write_text(page.read_text(encoding="utf8") + "\n刚刚保存的一句话。\n", encoding="utf8")
        saved = time.monotonic()
        assert poll(lambda: "刚刚保存的一句话" in (fetch(url) or ""), 120), "the edit never reached the preview"
        print(f"edit shown {time.monotonic() - saved:.1f} s after saving")
    finally:
        os.killpg(live.pid, signal.SIGINT)  # the preview and the builds it started
        try:
            live.wait(timeout=20)
        except subprocess.TimeoutExpired:
            live.kill()
