"""The `donthu` command end to end on generated scans: process, ingest (bad inputs, resume), search, show."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest

from donthu.config import Settings
from donthu.schema import Record
from donthu.text import fold
from records.store import Store
from tests.scans import make_scan

pytestmark = pytest.mark.slow


def donthu(*args: str, data_dir: Path | None = None, check: bool = False, timeout: int = 600):
    cmd = [sys.executable, "-m", "cli"]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    proc = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"donthu {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def test_process_json_prints_the_record_schema(tmp_path):
    scan = tmp_path / "letter.png"
    doc, _ = make_scan(scan, family="land_dispute_letter", seed=11, level="light", dpi=300, fmt="png")
    proc = donthu("process", str(scan), "--json", check=True)
    data = json.loads(proc.stdout)
    assert set(data) >= {"file", "sha256", "mime", "pages", "text", "kind", "type", "type_confidence",
                         "type_evidence", "parties", "parcels", "references", "errors"}
    record = Record.model_validate(data)
    assert record.mime == "image/png" and len(record.sha256) == 64
    assert record.pages[0].source == "ocr" and record.pages[0].confidence > 60
    assert record.kind == "petition"
    assert record.type == "land_dispute"
    assert "tranh chap" in fold(record.text)
    truth_parcels = {(p["parcel_no"], p["map_sheet"]) for p in doc.parcels}
    assert truth_parcels & {(p.parcel_no, p.map_sheet) for p in record.parcels}


def _encrypted_pdf(src: Path, dst: Path) -> None:
    with pikepdf.open(src) as pdf:
        pdf.save(dst, encryption=pikepdf.Encryption(owner="o", user="secret", R=6))


def test_ingest_records_bad_files_and_skips_on_rerun(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "ho-so-1").mkdir(parents=True)
    (inbox / "ho-so-2").mkdir()
    make_scan(inbox / "ho-so-1" / "khieu-nai.pdf", family="complaint_letter", seed=21, level="light", dpi=300)
    make_scan(inbox / "ho-so-1" / "quyet-dinh.tiff", family="land_dispute_ruling", seed=22, level="photocopy",
              dpi=200, fmt="tiff")
    make_scan(inbox / "ho-so-2" / "digital.pdf", family="denunciation_letter", seed=23, fmt="digital", max_pages=9)
    make_scan(inbox / "ho-so-2" / "anh-chup.pdf", family="recommendation_letter", seed=24, level="light",
              dpi=200, fmt="jpeg")  # a JPEG named .pdf
    (inbox / "ho-so-2" / "empty.pdf").write_bytes(b"")
    (inbox / "ho-so-2" / "garbage.pdf").write_bytes(os.urandom(4096))
    _encrypted_pdf(inbox / "ho-so-1" / "khieu-nai.pdf", inbox / "ho-so-2" / "locked.pdf")
    data = tmp_path / "data"

    first = donthu("ingest", str(inbox), "--dossier-per-folder", "--workers", "2", "--quiet", data_dir=data)
    assert first.returncode == 1, first.stdout + first.stderr  # some files failed
    assert "4 done, 0 skipped, 3 failed" in first.stdout, first.stdout
    failed = {line.split(":")[0].split()[-1]: line for line in first.stdout.splitlines() if "FAILED" in line}
    assert set(Path(f).name for f in failed) == {"empty.pdf", "garbage.pdf", "locked.pdf"}
    reasons = " ".join(first.stdout.splitlines()).lower()
    assert "empty" in reasons and "encrypted" in reasons

    store = Store(Settings(data_dir=data))
    done = store.list_documents(status="done", with_records=True)
    assert len(done) == 4
    assert len({d.dossier_id for d in done}) == 2  # one dossier per folder
    by_name = {Path(d.file).name: d for d in done}
    assert by_name["anh-chup.pdf"].mime == "image/jpeg"
    assert by_name["digital.pdf"].record.pages[0].source == "text"
    assert len(by_name["quyet-dinh.tiff"].record.pages) == 1

    again = donthu("ingest", str(inbox), "--quiet", data_dir=data)
    assert "0 done, 4 skipped, 3 failed" in again.stdout, again.stdout
    assert len(store.list_documents(status="done")) == 4

    # search without diacritics, with a filter, and show the hit
    hits = json.loads(donthu("search", "khieu nai", "--json", data_dir=data, check=True).stdout)
    assert hits["total"] >= 1
    top = hits["hits"][0]
    assert top["page"] >= 1 and "<mark>" in top["snippet"]
    shown = donthu("show", str(top["doc_id"]), "--json", data_dir=data, check=True)
    assert json.loads(shown.stdout)["status"] == "done"
    typed = json.loads(donthu("search", "", "--type", "land_dispute", "--json", data_dir=data, check=True).stdout)
    assert {h["file"].split("/")[-1] for h in typed["hits"]} == {"quyet-dinh.tiff"}
    listing = donthu("list", data_dir=data, check=True).stdout
    assert "quyet-dinh.tiff" in listing and "failed" in listing


def test_interrupted_ingest_finishes_only_what_is_missing(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    families = ["complaint_letter", "denunciation_letter", "recommendation_letter", "land_dispute_letter"]
    for i, family in enumerate(families):
        make_scan(inbox / f"{i}.png", family=family, seed=40 + i, level="light", dpi=200, fmt="png")
    data = tmp_path / "data"
    store = Store(Settings(data_dir=data))

    cmd = [sys.executable, "-m", "cli", "--data-dir", str(data), "ingest", str(inbox), "--workers", "1",
           "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        if data.joinpath("donthu.sqlite").exists() and store.list_documents(status="done"):
            break
        time.sleep(0.3)
    assert proc.poll() is None, "ingest finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the whole process group
    proc.communicate(timeout=300)
    done_before = len(store.list_documents(status="done"))
    assert 1 <= done_before < 4

    rerun = donthu("ingest", str(inbox), "--workers", "2", "--quiet", data_dir=data)
    assert f"{4 - done_before} done, {done_before} skipped, 0 failed" in rerun.stdout, rerun.stdout
    docs = store.list_documents()
    assert len(docs) == 4 and all(d.status == "done" for d in docs)
    assert len({d.sha256 for d in docs}) == 4
    # each document indexed once: a search for its own file's words returns it once
    hits = json.loads(donthu("search", "", "--json", "--limit", "50", data_dir=data, check=True).stdout)
    assert sorted(h["doc_id"] for h in hits["hits"]) == sorted(d.id for d in docs)


def _worker_pids(parent: int) -> list[int]:
    """The pool's worker processes (spawned children running spawn_main, not the resource tracker)."""
    pids = []
    for child in subprocess.run(["pgrep", "-P", str(parent)], capture_output=True, text=True).stdout.split():
        cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        if b"spawn_main" in cmdline and b"resource_tracker" not in cmdline:
            pids.append(int(child))
    return pids


def test_a_killed_worker_does_not_lose_its_document(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i, family in enumerate(["complaint_letter", "land_dispute_ruling"]):
        make_scan(inbox / f"{i}.pdf", family=family, seed=60 + i, level="heavy", dpi=300, max_pages=2)
    data = tmp_path / "data"
    store = Store(Settings(data_dir=data))
    cmd = [sys.executable, "-m", "cli", "--data-dir", str(data), "ingest", str(inbox), "--workers", "1",
           "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    killed = False
    while time.time() < deadline and proc.poll() is None and not killed:
        if data.joinpath("donthu.sqlite").exists() and store.list_documents(status="processing"):
            for pid in _worker_pids(proc.pid):
                os.kill(pid, signal.SIGKILL)
                killed = True
        time.sleep(0.2)
    assert killed, "no worker was processing"
    out, err = proc.communicate(timeout=600)
    assert "2 done, 0 skipped, 0 failed" in out, out + err
    docs = store.list_documents()
    assert len(docs) == 2 and all(d.status == "done" for d in docs)


def _counts(out: str) -> tuple[int, int, int]:
    import re

    found = re.search(r"(\d+) done, (\d+) skipped, (\d+) failed", out)
    assert found, out
    return int(found[1]), int(found[2]), int(found[3])


def test_two_ingests_of_one_folder_at_once_process_each_file_once(tmp_path):
    """Two `donthu ingest` runs on the same inbox and data folder, started together: every file is processed
    by exactly one of them (one attempt each), and each run's summary counts a file the other run did as
    skipped, so the two `done` counts add up to the number of files."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    families = ["complaint_letter", "denunciation_letter", "recommendation_letter", "land_dispute_letter"]
    for i, family in enumerate(families):
        make_scan(inbox / f"{i}.png", family=family, seed=80 + i, level="light", dpi=200, fmt="png")
    make_scan(inbox / "4.pdf", family="land_dispute_ruling", seed=84, fmt="digital")
    data = tmp_path / "data"
    cmd = [sys.executable, "-m", "cli", "--data-dir", str(data), "ingest", str(inbox), "--workers", "1",
           "--quiet"]
    runs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (out, err) in zip(runs, outputs):
        assert run.returncode == 0, out + err
    counts = [_counts(out) for out, _ in outputs]
    assert all(done + skipped == 5 and failed == 0 for done, skipped, failed in counts), counts
    assert counts[0][0] + counts[1][0] == 5, counts  # each file done by one run only

    store = Store(Settings(data_dir=data))
    docs = store.list_documents()
    assert len(docs) == 5 and all(d.status == "done" for d in docs)
    with sqlite3.connect(data / "donthu.sqlite") as db:  # nothing was processed twice
        assert [r[0] for r in db.execute("SELECT attempts FROM documents")] == [1] * 5
    # the runs overlapped (otherwise this test proves nothing): the second batch was made before the last
    # document was finished
    batches = sorted(store.batch_summary(b).created_at for b in (1, 2))
    assert batches[1] < max(d.updated_at for d in docs)
    hits = json.loads(donthu("search", "", "--json", "--limit", "50", data_dir=data, check=True).stdout)
    assert sorted(h["doc_id"] for h in hits["hits"]) == sorted(d.id for d in docs)
