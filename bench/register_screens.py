"""Screenshots of the register pages (issue 17) for docs/screens/: the list, a letter's sheet, the due list.

    python bench/register_screens.py [--out docs/screens]

Makes a fresh temporary data folder with a district leader and a commune officer (`records.accounts`), enters
a generated register of 14 letters of two communes and the district (`corpus.content` letters, received from
10/11 to 07/12/2026; a rescan of one letter with OCR slips and a copy of it sent to the other commune — planted
duplicates; some judged, accepted or resolved), starts `donthu serve` on a free port and shoots with the
headless Chromium the browser tests use (Debian's chromium + chromium-driver): the list and the due list as
the leader (both communes), the sheet of the rescan as the commune's officer (its proposals with the
confirm/reject buttons, the decision forms). PNGs are reduced to a 256-colour palette (each < 200 KB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from screenshots import CHROMIUM, browser, serve, wait  # noqa: E402

PASSWORD = "mat-khau-anh-chup"
DISTRICT = "an-giang/cho-moi"
COMMUNE_A = "an-giang/cho-moi/my-hoi-dong"
COMMUNE_B = "an-giang/cho-moi/long-dien-a"
LEADER, OFFICER = "lanh-dao-cho-moi", "officer-lan"


def _letter(seed: int, type_: str) -> dict:
    from corpus.content.letters import write_letter
    from corpus.content.matter import random_matter

    rng = random.Random(seed)
    m = random_matter(rng, type_, n_petitioners=1 if seed % 3 else 2, n_parcels=1, representative=False)
    doc = write_letter(rng, m, f"s{seed}")
    return {
        "type": type_, "text": "\n".join(ln.text for ln in doc.lines),
        "senders": [{"name": p.name, "id_number": p.id_number, "address": p.address} for p in m.petitioners],
        "parcels": [{"parcel_no": str(x["parcel_no"]), "map_sheet": str(x["map_sheet"]), "commune": x["commune"]}
                    for x in doc.parcels],
    }


def fill(data_dir: Path) -> int:
    """Users and a register; returns the id of the letter whose sheet is shot."""
    from corpus.register import ocr_slips
    from donthu.access import Role
    from donthu.config import Settings
    from records import accounts
    from records.register import book
    from records.store import Store

    store = Store(Settings(data_dir=data_dir, workers=1))
    accounts.create_user(store, LEADER, PASSWORD, Role.LEADER, DISTRICT)
    accounts.create_user(store, OFFICER, PASSWORD, Role.OFFICER, COMMUNE_A)
    engine = store.engine
    D = dt.date
    plan = [  # (seed, type, unit, received, channel, officer)
        (1, "complaint", COMMUNE_A, D(2026, 11, 10), "post", OFFICER),
        (2, "denunciation", COMMUNE_A, D(2026, 11, 19), "in_person", OFFICER),
        (3, "recommendation", COMMUNE_B, D(2026, 11, 20), "online", "officer-hung"),
        (4, "land_dispute", COMMUNE_B, D(2026, 11, 23), "post", None),
        (5, "complaint", DISTRICT, D(2026, 11, 25), "forwarded", "officer-thu"),
        (6, "denunciation", COMMUNE_A, D(2026, 11, 26), "post", None),
        (7, "recommendation", COMMUNE_A, D(2026, 11, 27), "in_person", OFFICER),
        (8, "complaint", COMMUNE_B, D(2026, 11, 30), "post", "officer-hung"),
        (9, "land_dispute", COMMUNE_A, D(2026, 12, 1), "online", None),
        (10, "complaint", DISTRICT, D(2026, 12, 3), "post", "officer-thu"),
        (11, "recommendation", COMMUNE_B, D(2026, 12, 4), "post", None),
    ]
    ids = {}
    for seed, type_, unit, received, channel, officer in plan:
        fields = _letter(seed, type_)
        extra = {"forwarded_by": "Ban Tiếp công dân tỉnh An Giang", "forwarded_number": "412/BTCD",
                 "forwarded_date": "2026-11-20"} if channel == "forwarded" else {}
        entry, _ = book.register(engine, unit=unit, received=received, channel=channel, who="clerk",
                                 officer=officer, **fields, **extra)
        ids[seed] = entry.id
    # planted duplicates of letter 1 (a complaint of commune A): a rescan with OCR slips, a copy to commune B
    first = _letter(1, "complaint")
    rescan = dict(first, text=ocr_slips(first["text"], random.Random(7), 0.02))
    book.register(engine, unit=COMMUNE_B, received=D(2026, 11, 24), channel="post", who="clerk", **first)
    entry, _ = book.register(engine, unit=COMMUNE_A, received=D(2026, 12, 2), channel="post", who="clerk", **rescan)
    sheet_id = entry.id
    # some progress: judged, accepted, resolved
    book.judge(engine, ids[3], processable=True, reason=None, who="officer-hung")
    book.decide(engine, ids[5], decision="accept", on=D(2026, 11, 27), who="officer-thu")
    book.judge(engine, ids[7], processable=False, reason="already_handled", who=OFFICER)
    book.decide(engine, ids[7], decision="file", on=D(2026, 11, 30), who=OFFICER)
    book.decide(engine, ids[8], decision="forward", on=D(2026, 12, 2), who="officer-hung",
                to="Tòa án nhân dân huyện Chợ Mới")
    book.resolve(engine, ids[5], on=D(2026, 12, 4), who="officer-thu")  # only an accepted letter is resolved
    store.close()
    return sheet_id


def small_png(path: Path) -> int:
    """The screenshot as a 256-colour palette PNG; its size in bytes."""
    from PIL import Image

    image = Image.open(path).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    from selenium.webdriver.common.by import By

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="docs/screens")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        print(f"{CHROMIUM} is not installed: apt-get install chromium chromium-driver", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="donthu-register-shots-"))
    sheet_id = fill(work / "data")
    proc, base = serve(work / "data")
    driver = None
    try:
        driver = browser(str(work / "profile"))
        css = By.CSS_SELECTOR

        def log_in(user: str) -> None:
            driver.delete_all_cookies()
            driver.get(base + "/dang-nhap")
            driver.find_element(css, "input[name=username]").send_keys(user)
            driver.find_element(css, "input[name=password]").send_keys(PASSWORD)
            driver.find_element(css, ".login button[type=submit]").click()
            wait(lambda: "/dang-nhap" not in driver.current_url, 30, "the login")

        def shot(name: str, url: str, height: int | None = None) -> None:
            driver.set_window_size(1366, 768)  # measured from a small window: the page's own height
            driver.get(base + url)
            full = height or driver.execute_script("return document.documentElement.scrollHeight")
            outer = driver.get_window_size()
            inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
            driver.set_window_size(1366 + outer["width"] - inner[0],
                                   min(max(full, 768), 2400) + outer["height"] - inner[1])
            time.sleep(0.5)
            path = out / f"{name}.png"
            driver.save_screenshot(str(path))
            print(path, small_png(path), "bytes")

        log_in(LEADER)
        shot("register-list", "/so-don")
        shot("register-due", "/so-don/den-han")
        log_in(OFFICER)
        shot("register-sheet", f"/so-don/{sheet_id}")
        return 0
    finally:
        if driver is not None:
            driver.quit()
        proc.terminate()
        proc.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
