"""A screenshot of the statistics page (/thong-ke) on a generated register, for a human to look at.

    python bench/stats_screenshot.py [--out docs/screens/thong-ke.png] [--letters 60]

Makes a fresh temporary data folder with a register of `--letters` letters (seeded: 2025-2026, three units,
every channel and type, old addresses with their district before 1 July 2025 and new addresses after, one
in six a confirmed duplicate of an earlier letter, decisions on some, deadlines judged on the day of the
run), a leader of the province (`donthu user add`), starts `donthu serve`, logs in with headless Chromium
(Debian's chromium + chromium-driver; nothing downloaded) and shoots the whole page at 1366 px wide; the PNG
is reduced to a 256-colour palette to stay small.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

USER, PASSWORD = "lanh-dao", "mat-khau-anh-chup"
UNITS = ("an-giang/cho-moi", "an-giang/rach-gia", "an-giang/thanh-tra-tinh")
FIRST_NAMES = ("Nguyễn Văn", "Trần Thị", "Lê Văn", "Phạm Thị", "Huỳnh Văn", "Võ Thị")
LAST = ("An", "Bình", "Cường", "Dung", "Em", "Giang", "Hạnh", "Khoa", "Lộc", "Mai")


def make_register(data_dir: Path, letters: int, seed: int = 18) -> None:
    from classify.gazetteer import REORGANISED, new_label, new_units, old_label, old_units
    from donthu.config import Settings
    from records.register import book
    from records.store import Store

    rng = random.Random(seed)
    olds = [u for u in old_units() if u.commune][:120]
    news = new_units()
    store = Store(Settings(data_dir=data_dir, workers=1))
    index = book.load_index(store.engine)
    entries = []
    for i in range(letters):
        received = dt.date(2025, 1, 6) + dt.timedelta(days=rng.randrange(0, 640))
        place = old_label(rng.choice(olds)) if received < REORGANISED else new_label(rng.choice(news))
        type_ = rng.choices(["complaint", "denunciation", "recommendation", "land_dispute"], [5, 2, 3, 3])[0]
        channel = rng.choices(["post", "in_person", "forwarded", "online"], [5, 3, 2, 1])[0]
        senders = [{"name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST)}", "id_number": None,
                    "address": f"ấp {rng.randint(1, 9)}, {place}"} for _ in range(rng.choice([1, 1, 1, 2, 3]))]
        entry, _ = book.register(
            store.engine, unit=rng.choice(UNITS), received=received, channel=channel, type=type_,
            text=f"Kính gửi: Thanh tra tỉnh An Giang. Đơn {type_} số {i} về thửa đất số {i} tờ bản đồ {i % 30}.",
            senders=senders, parcels=[{"parcel_no": str(i), "map_sheet": str(i % 30), "commune": place}]
            if type_ in ("complaint", "land_dispute") else [], who="demo", index=index,
            forwarded_by="UBND tỉnh" if channel == "forwarded" else None)
        if entries and rng.random() < 1 / 6:
            book.answer(store.engine, entry.id, rng.choice(entries).id, confirm=True, who="demo")
        roll = rng.random()
        if roll < 0.7:
            book.judge(store.engine, entry.id, processable=roll < 0.55, reason=None if roll < 0.55 else "not_competent",
                       who="demo")
        if roll < 0.6:
            late = rng.random() < 0.25
            decision = "accept" if roll < 0.4 else rng.choice(["forward", "guide", "file"])
            book.decide(store.engine, entry.id, decision=decision,
                        on=received + dt.timedelta(days=rng.randint(12, 30) if late else rng.randint(1, 7)),
                        to="Cơ quan có thẩm quyền" if decision == "forward" else None, who="demo")
            if decision == "accept" and rng.random() < 0.6:
                book.resolve(store.engine, entry.id, on=received + dt.timedelta(days=40), who="demo")
        entries.append(entry)
    _archive(store, rng)
    store.close()


def _archive(store, rng: random.Random, count: int = 14) -> None:
    """Archived dossiers' documents that are not register letters: decisions and conclusions, 2019-2024."""
    import hashlib

    from donthu.schema import PageText, Record

    for i in range(count):
        kind = rng.choice(["decision", "conclusion", "notice"])
        day = dt.date(2019, 1, 7) + dt.timedelta(days=rng.randrange(0, 2100))
        text = f"{kind} {i} {day.isoformat()}"
        sha = hashlib.sha256(text.encode()).hexdigest()
        store.put_original(text.encode())
        doc = store.add_document(f"{kind}-{i}.pdf", sha, len(text), mime="application/pdf", unit=rng.choice(UNITS))
        store.save_result(doc, Record(file=f"{kind}-{i}.pdf", sha256=sha, mime="application/pdf", text=text,
                                      type=rng.choice(["complaint", "denunciation", "land_dispute"]), kind=kind,
                                      date=day.isoformat(),
                                      pages=[PageText(number=1, source="text", confidence=None, text=text)]), [])


def main(argv: list[str] | None = None) -> int:
    from selenium.webdriver.common.by import By

    from screenshots import CHROMIUM, add_user, browser, serve, wait

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="docs/screens/thong-ke.png")
    parser.add_argument("--letters", type=int, default=60)
    parser.add_argument("--query", default="period=year&by=type&by=deadline&by=new_commune")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        print(f"{CHROMIUM} is not installed: apt-get install chromium chromium-driver", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="donthu-stats-shot-"))
    data = work / "data"
    make_register(data, args.letters)
    add_user(data, USER, PASSWORD, role="leader", unit="an-giang")
    proc, base = serve(data)
    driver = None
    try:
        driver = browser(str(work / "profile"))
        css = By.CSS_SELECTOR
        driver.get(base + "/dang-nhap")
        driver.find_element(css, "input[name=username]").send_keys(USER)
        driver.find_element(css, "input[name=password]").send_keys(PASSWORD)
        driver.find_element(css, "form button[type=submit]").click()
        wait(lambda: "/dang-nhap" not in driver.current_url, 30, "login")
        driver.get(f"{base}/thong-ke?{args.query}")
        time.sleep(0.5)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1366, min(height + 20, 6000))
        time.sleep(0.3)
        raw = work / "raw.png"
        driver.save_screenshot(str(raw))
        from PIL import Image

        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        Image.open(raw).convert("RGB").quantize(colors=256).save(out, optimize=True)
        print(out, out.stat().st_size, "bytes", Image.open(out).size)
    finally:
        if driver is not None:
            driver.quit()
        proc.terminate()
        proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
