"""Screenshots of every clerk page at 1366×768, for a human to look at (not committed).

    python bench/screenshots.py [--out screenshots] [--url http://127.0.0.1:8000]

Without --url it makes a handling officer (`donthu user add`) in a fresh temporary data dir, starts `donthu
serve` on a free port, logs in (the login page is shot first), uploads a small
generated dossier (documents sharing parties and parcels) and a corrupt file through the intake page, and
shoots: intake (empty, processing, cards, correction form), search (empty state, hits typed without
diacritics, no hits), the document view with the matched words boxed on the page image, the archive and
the 404 page. With --url it logs in as DONTHU_SHOT_USER / DONTHU_SHOT_PASSWORD. Needs Debian's chromium + chromium-driver; no browser is downloaded.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SIZE = (1366, 768)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(predicate, timeout: float, what: str):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise TimeoutError(f"timed out waiting for {what}")


#: the account the screenshots are taken as (made with `donthu user add` in the server's fresh data folder)
USER, PASSWORD = "officer", "mat-khau-anh-chup"


def add_user(data_dir: Path, name: str = USER, password: str = PASSWORD, role: str = "officer",
             unit: str = "") -> None:
    """`donthu user add` in `data_dir` (the password from standard input)."""
    subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(data_dir), "user", "add", name, "--role", role,
                    "--unit", unit, "--password-stdin"], input=password + "\n", text=True, check=True, cwd=ROOT,
                   env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL)


def serve(data_dir: Path) -> tuple[subprocess.Popen, str]:
    """`donthu serve` on a free port of this machine, once it answers /health: (process, base URL)."""
    import httpx

    port = free_port()
    env = {**os.environ, "DONTHU_WORKERS": os.environ.get("DONTHU_WORKERS", "1"), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "--data-dir", str(data_dir), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, cwd=ROOT, env=env,
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if proc.poll() is not None:
            raise RuntimeError("donthu serve exited")
        try:
            return httpx.get(base + "/health", timeout=5).status_code in (200, 503)
        except httpx.TransportError:
            return False

    wait(up, 120, "donthu serve")
    return proc, base


def start_server(data_dir: Path) -> tuple[subprocess.Popen, str]:
    """The screenshot account (an officer of the whole tree) and the service."""
    add_user(data_dir)
    return serve(data_dir)


def browser(profile: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={profile}", "--lang=vi",
                f"--window-size={SIZE[0]},{SIZE[1]}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    # the window size includes no browser chrome in headless mode, but make sure the viewport is 1366×768
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    if tuple(inner) != SIZE:
        driver.set_window_size(SIZE[0] + SIZE[0] - inner[0], SIZE[1] + SIZE[1] - inner[1])
    return driver


def make_files(folder: Path) -> list[Path]:
    """A dossier of generated scans (one page each, 200 dpi) and one file that is not a scan."""
    import numpy as np

    from corpus.content import generate_dossier
    from corpus.degrade import degrade_page
    from corpus.render import render
    from corpus.writers import write_png

    rng = random.Random(11)
    docs = generate_dossier(rng, dossier_id="h-demo")[:3]
    paths = []
    names = {"petition": "Đơn", "notice": "Thông báo thụ lý", "minutes": "Biên bản",
             "decision": "Quyết định", "conclusion": "Kết luận"}
    for i, doc in enumerate(docs):
        rendered = render(doc, font="termes", size_pt=13, dpi=200, rng=rng)
        page = degrade_page(rendered.pages[0], "light", np.random.default_rng(i), dpi=200)
        path = folder / f"{i + 1:02d} {names.get(doc.kind, 'Văn bản')} {doc.date or ''}.png"
        write_png(page, path, 200)
        paths.append(path)
    bad = folder / "bien-nhan.pdf"
    bad.write_bytes(b"Bien nhan ho so (day la tep chu, khong phai ban quet)\n")
    paths.append(bad)
    broken = folder / "anh-chup-hong.png"  # accepted (PNG signature and end chunk), fails when decoded
    broken.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR" + bytes(range(256)) * 3 + b"\x00\x00\x00\x00IEND\xaeB`\x82")
    paths.append(broken)
    return paths


def main(argv: list[str] | None = None) -> int:
    from selenium.webdriver.common.by import By

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="screenshots", help="folder for the PNGs (default ./screenshots)")
    parser.add_argument("--url", help="use this running service instead of starting one (uploads nothing)")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        print(f"{CHROMIUM} is not installed: apt-get install chromium chromium-driver", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="donthu-shots-"))
    proc = None
    driver = None
    try:
        if args.url:
            base = args.url.rstrip("/")
        else:
            proc, base = start_server(work / "data")
        driver = browser(str(work / "profile"))

        def shot(name: str) -> None:
            time.sleep(0.3)
            driver.save_screenshot(str(out / f"{name}.png"))
            print(out / f"{name}.png")

        css = By.CSS_SELECTOR
        driver.get(base + "/dang-nhap")
        shot("00-dang-nhap")
        driver.find_element(css, "input[name=username]").send_keys(os.environ.get("DONTHU_SHOT_USER", USER))
        driver.find_element(css, "input[name=password]").send_keys(os.environ.get("DONTHU_SHOT_PASSWORD", PASSWORD))
        driver.find_element(css, ".login button[type=submit]").click()
        wait(lambda: "/dang-nhap" not in driver.current_url, 30, "the login")
        driver.get(base + "/")
        shot("01-tiep-nhan")
        if not args.url:
            files = make_files(work)
            driver.find_element(css, "#files").send_keys("\n".join(str(p) for p in files))
            wait(lambda: driver.find_elements(css, "#cards .card[data-status=rejected]"), 30, "the rejected file")
            time.sleep(1.5)
            shot("02-tiep-nhan-dang-xu-ly")
            wait(lambda: len(driver.find_elements(css, "#cards .card[data-status=done], #cards .card[data-status=failed]"))
                 == len(files) - 1, 400, "every accepted file processed")
            driver.execute_script("window.scrollTo(0, 0)")
            shot("03-tiep-nhan-the")
            first = driver.find_elements(css, "#cards .card[data-status=done]")[-1]
            first.find_element(css, "details.edit summary").click()
            driver.execute_script("arguments[0].scrollIntoView()", first.find_element(css, "details.edit"))
            shot("04-tiep-nhan-sua")
        driver.get(base + "/tra-cuu")
        shot("05-tra-cuu")
        driver.get(base + "/tra-cuu?q=thua+dat")
        shot("06-tra-cuu-ket-qua")
        driver.get(base + "/tra-cuu?q=chua+co+tu+nay&type=denunciation")
        shot("07-tra-cuu-khong-co")
        driver.get(base + "/tra-cuu?q=thua+dat")
        links = driver.find_elements(css, "a.hit-link")
        if links:
            links[0].click()
            wait(lambda: driver.execute_script(
                "var i=document.getElementById('page-img'); return i && i.complete && i.naturalWidth"), 30, "page image")
            shot("08-van-ban")
            driver.execute_script("document.querySelector('.fields-pane').scrollTop = 10000")
            shot("09-van-ban-thong-tin")
        driver.get(base + "/luu-tru")
        shot("10-luu-tru")
        driver.get(base + "/van-ban/99999")
        shot("11-khong-tim-thay")
        return 0
    finally:
        if driver is not None:
            driver.quit()
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
