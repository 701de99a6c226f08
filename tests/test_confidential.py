"""A denouncer's identity is masked for every reader not cleared to see it (Luật Tố cáo 2018 Art. 8(3), 56):
record JSON, page texts, search (hits, snippets, facets, counts), page images, originals, the redacted copy.

Input: denunciation letters from the corpus generator, written as a clean scan with the writer's signature
drawn in (200 dpi), a lightly degraded two-page scan, and a born-digital PDF, plus a complaint letter;
all ingested by the real pipeline (OCR, understanding, SQLite store and FTS5 index). Expected values are the
generator's truth: the denouncer's name, address, ID number as written, a phone number and an e-mail added
to one letter, and the pixel boxes of the name's words from the renderer's layout (where its ink was drawn),
not what the code under test found. The pure functions are tested on hand-written texts first.
"""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from accounts import bearer
from donthu.access import Principal, Role
from donthu.config import Settings
from donthu.schema import PageText, Party, Record
from donthu.text import fold
from records.confidential import (MASK, Identity, identity_of, identity_spans, identity_word_indices, mask_record,
                                  mask_text)

REPO = Path(__file__).resolve().parents[1]
ARCHIVIST = Principal("luu-tru", Role.ARCHIVIST, "an-giang")
OFFICER = Principal("chuyen-vien", Role.OFFICER, "an-giang")
VERIFIER = Principal("to-xac-minh", Role.VERIFIER, "an-giang")
PHONE = "0912 345 678"
EMAIL = "nguoi.to.cao@example.vn"


# ------------------------------------------------------------------------------------------ pure functions
def _record(text: str, parties: list[Party], type_: str = "denunciation", file: str = "don.pdf") -> Record:
    return Record(file=file, sha256="0" * 64, mime="application/pdf", type=type_, kind="petition",
                  pages=[PageText(number=1, source="ocr", confidence=90.0, text=text)], text=text,
                  parties=parties)


WRITER = Party(name="Nguyễn Thị Trinh", role="denouncer", id_number="089068001234",
               address="khóm Mỹ Thọ, phường Vĩnh Ngươn, thành phố Châu Đốc, tỉnh An Giang")
ACCUSED = Party(name="Nguyễn Minh Đực", role="subject")
LETTER = ("ĐƠN TỐ CÁO\nTôi tên là NGUYEN THI\nTRINH, sinh năm 1968, CCCD số 089 068 001 234, trú tại khóm Mỹ Thọ, "
          "phường Vĩnh Ngươn, thành phố Châu Đốc, tỉnh An Giang. Điện thoại: 0912.345.678, thư điện tử "
          "trinh68@gmail.com.\nTôi tố cáo ông Nguyễn Minh Đực, công chức địa chính phường Vĩnh Ngươn, trú tại "
          "khóm Châu Long 3.\nBà Trinh xin giữ bí mật.\nNgười tố cáo\n(Ký, ghi rõ họ tên)\nNguyễn Thị Trình")


def test_identity_is_found_across_case_diacritics_lines_and_an_ocr_slip() -> None:
    masked = mask_text(LETTER, identity_of(_record(LETTER, [WRITER, ACCUSED])))
    folded = fold(masked)
    for secret in ("trinh", "089", "001 234", "my tho", "0912", "gmail"):
        assert secret not in folded, (secret, masked)
    # what is not the writer's stays: the accused, his address, the commune in the accusation, the title
    for kept in ("Nguyễn Minh Đực", "khóm Châu Long 3", "công chức địa chính phường Vĩnh Ngươn", "ĐƠN TỐ CÁO",
                 "sinh năm 1968"):
        assert kept in masked, (kept, masked)
    assert masked.count(MASK) >= 6


def test_what_the_extraction_missed_is_found_by_its_labels() -> None:
    text = ("Họ và tên người tố cáo: Lê Văn Tám\nĐịa chỉ thường trú: ấp Hòa Long, xã Hòa Bình\n"
            "Số điện thoại 0987654321. Tôi tố cáo bà Trần Thị Hoa, trú tại ấp Một.")
    masked = mask_text(text, identity_of(_record(text, [Party(name="Trần Thị Hoa", role="subject")])))
    assert "Tám" not in masked and "Hòa Long" not in masked and "0987654321" not in masked, masked
    assert "Trần Thị Hoa, trú tại ấp Một" in masked


def test_words_of_the_identity_spread_over_ocr_words() -> None:
    words = ["Tôi", "tên", "là", "Nguyễn", "Thị", "Trinh,", "sinh", "năm", "1968,", "CCCD", "số", "089068001234"]
    identity = identity_of(_record(" ".join(words), [WRITER]))
    assert identity_word_indices(words, identity) == {3, 4, 5, 11}
    # a form: the address label's value ends with its line, not at the next full stop of the letter
    form = [("Địa", 0), ("chỉ:", 0), ("số", 0), ("12,", 0), ("ấp", 0), ("Mỹ", 0), ("Thạnh", 0),
            ("Nội", 1), ("dung", 1), ("sự", 1), ("việc", 1), ("như", 1), ("sau:", 1), ("Ông", 2), ("Lê", 2),
            ("Văn", 2), ("Sang", 2), ("nhận", 2), ("tiền.", 2)]
    texts, lines = [w for w, _ in form], [line for _, line in form]
    writer = _record(" ".join(texts), [Party(name="Lê Văn Tám", role="denouncer")])
    assert identity_word_indices(["Tôi", "là", "Lê", "Văn", "Tám,"] + texts, identity_of(writer),
                                 [9, 9, 9, 9, 9] + lines) == {2, 3, 4, 7, 8, 9, 10, 11}


def test_who_sees_what() -> None:
    record = _record(LETTER, [WRITER, ACCUSED], file="to-cao-nguyen-thi-trinh.pdf")
    assert mask_record(record, None) == record  # the system (indexers)
    assert mask_record(record, OFFICER) == record  # cleared: READ_IDENTITY
    seen = mask_record(record, ARCHIVIST)
    dumped = json.dumps(seen.model_dump(), ensure_ascii=False)
    assert "Trinh" not in dumped and "089068001234" not in dumped and "Mỹ Thọ" not in dumped
    assert seen.parties[0].name == MASK and seen.parties[1] == ACCUSED
    assert seen.file == f"to-cao-{MASK}.pdf"
    complaint = _record(LETTER, [WRITER.model_copy(update={"role": "complainant"})], type_="complaint")
    assert mask_record(complaint, ARCHIVIST) == complaint  # only denunciations are confidential
    assert identity_spans("", Identity(denunciation=True)) == []


# ------------------------------------------------------------------------------------------ generated letters
def _word_boxes(layout, page: int, words: list[str]) -> list[tuple[int, int, int, int]]:
    """Ink boxes (renderer pixels) of every place on `page` where `words` were drawn one after another in a
    line: the truth of where they are on the page."""
    from corpus.render import _Fonts

    fonts = _Fonts(layout.font)
    want = [fold(w).strip(",.;:") for w in words]
    out = []
    for run in layout.pages[page].runs:
        drawn = [fold(w).strip(",.;:()") for w, _ in run.words]
        for i in range(len(drawn) - len(want) + 1):
            if drawn[i:i + len(want)] == want:
                font = fonts.get(run.style, run.size_px)
                for word, x in run.words[i:i + len(want)]:
                    x0, y0, x1, y1 = font.getbbox(word, anchor="ls")
                    out.append((int(x + x0), int(run.baseline + y0), int(x + x1) + 1, int(run.baseline + y1) + 1))
    return out


def _letter(path: Path, seed: int, how: str, contact: bool = False) -> dict:
    """A generated denunciation letter written as `how` ("clean" scan with a signature, "light" scan, "digital")
    at 200 dpi; returns its truth: the denouncers, the layout and the clean page images."""
    from corpus.content import generate_doc
    from corpus.degrade import degrade_page
    from corpus.model import Line
    from corpus.render import find_line_boxes, layout_doc, raster, write_layout_pdf
    from corpus.writers import write_scanned_pdf

    rng = random.Random(seed)
    doc = generate_doc(rng, "denunciation_letter", doc_id=f"c{seed}")
    writers = [p for p in doc.parties if p["role"] in ("denouncer", "representative")]
    if contact:  # a phone and an e-mail under the writer's introduction
        at = next(i for i, line in enumerate(doc.lines) if writers[0]["name"] in line.text)
        doc.lines.insert(at + 1, Line(f"Điện thoại liên hệ: {PHONE}; thư điện tử: {EMAIL}."))
    layout = layout_doc(doc, font="freeserif", size_pt=13, dpi=200, rng=rng)
    clean = raster(layout, rng)
    pages = clean
    if how == "digital":
        write_layout_pdf(layout, path)
    else:
        nrng = np.random.default_rng(seed)
        last = len(clean) - 1
        name_box = find_line_boxes(layout, last, doc.signature_names[-1])[-1]
        pages = [degrade_page(p, how, nrng, dpi=200, signature=i == last, name_box=name_box if i == last else None)
                 for i, p in enumerate(clean)]
        write_scanned_pdf(pages, path, 200, quality=92)
    return {"doc": doc, "writers": writers, "layout": layout, "clean": clean, "pages": pages, "how": how,
            "contact": contact}


def _street(truth: dict, writer: dict) -> str | None:
    """The first part of a writer's address (house, street or hamlet) when the letter writes it only there (a
    letter may also place the land it is about in the writer's hamlet: that is the matter, not the identity)."""
    first = (writer.get("address") or "").split(",")[0].strip()
    text = fold(" ".join(line.text for line in truth["doc"].lines))
    return first if first and text.count(fold(first)) == 1 else None


def _secrets(truth: dict) -> list[str]:
    """The writers' names, ID numbers, addresses and the addresses' first part (`_street`), the phone and e-mail
    when added."""
    out = []
    for p in truth["writers"]:
        out += [p["name"], *(v for v in (p.get("address"), p.get("id_number"), _street(truth, p)) if v)]
    if truth["contact"]:
        out += [PHONE, EMAIL]
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """(settings, {name: (document id, truth)}): three denunciations and a complaint, ingested."""
    from ingest.batch import ingest_paths
    from scans import make_scan

    tmp = tmp_path_factory.mktemp("confidential")
    (tmp / "in").mkdir()
    truths = {
        "clean": _letter(tmp / "in" / "clean.pdf", 4, "clean", contact=True),
        "light": _letter(tmp / "in" / "light.pdf", 1, "light"),
        "digital": _letter(tmp / "in" / "digital.pdf", 9, "digital"),
    }
    complaint, _ = make_scan(tmp / "in" / "complaint.pdf", family="complaint_letter", seed=2, fmt="digital")
    settings = Settings(data_dir=tmp / "data", workers=1)
    report = ingest_paths([tmp / "in"], settings, progress=False, workers=1)
    assert report.count("done") == 4, report.items
    ids = {Path(item.file).stem: item.document_id for item in report.items}
    docs = {name: (ids[name], truth) for name, truth in truths.items()}
    docs["complaint"] = (ids["complaint"], {"doc": complaint})
    return settings, docs


@pytest.fixture(scope="module")
def client(corpus):
    from api.app import create_app

    settings, _ = corpus
    with TestClient(create_app(settings, submit=lambda _id: None, resume=False)) as c:
        for who in ("archivist", "officer", "verifier"):  # real users with real API tokens (tests/accounts.py)
            _HEADERS[who] = bearer(c, who)
        yield c


_HEADERS: dict[str, dict[str, str]] = {}


def _as(who: str) -> dict[str, str]:
    """The Authorization header of a logged-in user of role `who` (whole tree)."""
    return _HEADERS[who]


def _strings(value) -> str:
    """Every string in a decoded JSON value, joined by spaces."""
    if isinstance(value, dict):
        return " ".join(_strings(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(_strings(v) for v in value)
    return value if isinstance(value, str) else ""


def _contains(haystack: str, secret: str) -> bool:
    """Is `secret` in `haystack`, ignoring case, diacritics, spacing and punctuation?"""
    squash = lambda s: "".join(ch for ch in fold(s) if ch.isalnum())  # noqa: E731
    return squash(secret) in squash(haystack)


def test_the_pipeline_read_the_denunciations(corpus) -> None:
    from records.read import read_document
    from records.store import Store

    settings, docs = corpus
    store = Store(settings)
    try:
        for name in ("clean", "light", "digital"):
            doc_id, truth = docs[name]
            record = read_document(store, doc_id).record
            assert record.type == "denunciation", name
            for secret in _secrets(truth):  # the system (and so the index) has the identity
                assert _contains(record.text, secret), (name, secret)
    finally:
        store.close()


@pytest.mark.parametrize("name", ["clean", "light", "digital"])
def test_record_json_masks_the_identity_for_an_archivist(corpus, client, name: str) -> None:
    doc_id, truth = corpus[1][name]
    hidden = client.get(f"/documents/{doc_id}", headers=_as("archivist"))
    shown = client.get(f"/documents/{doc_id}", headers=_as("officer"))
    assert hidden.status_code == shown.status_code == 200
    hidden_text, shown_text = _strings(hidden.json()), _strings(shown.json())
    for secret in _secrets(truth):
        assert not _contains(hidden_text, secret), secret
        assert _contains(shown_text, secret), secret
    record = hidden.json()["record"]
    assert MASK in record["text"] and all(MASK in p["text"] for p in record["pages"][:1])
    assert {p["name"] for p in record["parties"] if p["role"] == "denouncer"} == {MASK}
    subject = [p["name"] for p in truth["doc"].parties if p["role"] == "subject"]
    assert subject and all(_contains(hidden_text, s) for s in subject)  # the accused is not masked


def test_search_by_the_denouncers_name_finds_nothing_without_clearance(corpus, client) -> None:
    _, docs = corpus
    for name in ("clean", "light", "digital"):
        doc_id, truth = docs[name]
        writer = truth["writers"][0]
        for query in (writer["name"], fold(writer["name"]), f'"{writer["name"]}"'):
            hidden = client.get("/search", params={"q": query}, headers=_as("archivist")).json()
            assert hidden["total"] == 0 and hidden["hits"] == [], (query, hidden)
            assert all(not counts for counts in hidden["facets"].values()), hidden["facets"]
            shown = client.get("/search", params={"q": query}, headers=_as("officer")).json()
            assert doc_id in [h["doc_id"] for h in shown["hits"]], query
        if writer.get("id_number"):
            assert client.get("/search", params={"q": writer["id_number"]},
                              headers=_as("archivist")).json()["total"] == 0
    assert client.get("/search", params={"q": PHONE}, headers=_as("archivist")).json()["total"] == 0
    assert client.get("/search", params={"q": "example"}, headers=_as("archivist")).json()["total"] == 0


def test_search_finds_denunciations_by_their_content_with_masked_snippets(corpus, client) -> None:
    _, docs = corpus
    denunciations = {docs[n][0] for n in ("clean", "light", "digital")}
    for who in ("archivist", "officer"):
        results = client.get("/search", params={"q": "tố cáo", "per_page": 50}, headers=_as(who)).json()
        assert denunciations <= {h["doc_id"] for h in results["hits"]}, who
        assert results["facets"]["type"].get("denunciation", 0) >= 3
    hits = client.get("/search", params={"q": "tôi tên là người tố cáo họ và tên", "per_page": 50},
                      headers=_as("archivist")).json()["hits"]
    browse = client.get("/search", params={"type": "denunciation", "per_page": 50}, headers=_as("archivist")).json()
    for name in ("clean", "light", "digital"):
        doc_id, truth = docs[name]
        for hit in hits + browse["hits"]:
            for secret in _secrets(truth):
                assert not _contains(hit["snippet"], secret), (secret, hit["snippet"])
    # the complaint (not confidential) is searched by its writer's name as before
    complaint_id, complaint = docs["complaint"]
    writer = next(p["name"] for p in complaint["doc"].parties if p["role"] == "complainant")
    found = client.get("/search", params={"q": writer}, headers=_as("archivist")).json()
    assert complaint_id in [h["doc_id"] for h in found["hits"]]


def _served(client: TestClient, doc_id: int, number: int, who: str) -> np.ndarray:
    response = client.get(f"/documents/{doc_id}/pages/{number}/image", headers=_as(who))
    assert response.status_code == 200, response.text
    return np.asarray(Image.open(io.BytesIO(response.content)).convert("L"))


def _ink_blacked(image: np.ndarray, clean: np.ndarray, boxes, scale: float) -> tuple[float, float]:
    """Share of the truth boxes' ink pixels (dark in the clean render) that are black (< 30) in `image`,
    and share of their paper pixels that are black (a box drawn over the word blackens those too)."""
    ink = paper = ink_black = paper_black = 0
    for x0, y0, x1, y1 in boxes:
        src = clean[y0:y1, x0:x1]
        ys, xs = np.mgrid[y0:y1, x0:x1]
        ty = np.clip((ys * scale).astype(int), 0, image.shape[0] - 1)
        tx = np.clip((xs * scale).astype(int), 0, image.shape[1] - 1)
        dst = image[ty, tx]
        dark = src < 128
        ink += int(dark.sum())
        paper += int((~dark).sum())
        ink_black += int((dst[dark] < 30).sum())
        paper_black += int((dst[~dark] < 30).sum())
    return ink_black / max(1, ink), paper_black / max(1, paper)


@pytest.mark.parametrize("name", ["clean", "digital"])
def test_page_image_has_black_boxes_over_the_name_for_an_archivist(corpus, client, name: str) -> None:
    settings, docs = corpus
    doc_id, truth = docs[name]
    layout = truth["layout"]
    writer = truth["writers"][0]
    checked = 0
    for page in range(len(layout.pages)):
        if _street(truth, writer):  # the first part of the address
            street = _word_boxes(layout, page, _street(truth, writer).split())
            if street:
                hidden = _served(client, doc_id, page + 1, "archivist")
                scale = hidden.shape[1] / layout.width
                assert _ink_blacked(hidden, truth["clean"][page], street, scale)[1] > 0.9
        boxes = _word_boxes(layout, page, writer["name"].split())
        if not boxes:
            continue
        hidden = _served(client, doc_id, page + 1, "archivist")
        shown = _served(client, doc_id, page + 1, "officer")
        scale = hidden.shape[1] / layout.width  # born-digital pages are served at the preview resolution
        black, paper_black = _ink_blacked(hidden, truth["clean"][page], boxes, scale)
        assert black > 0.97 and paper_black > 0.9, (name, page, black, paper_black)
        black, paper_black = _ink_blacked(shown, truth["clean"][page], boxes, scale)
        assert paper_black < 0.05, (name, page, paper_black)  # the cleared reader sees the name
        title = _word_boxes(layout, page, ["ĐƠN", "TỐ", "CÁO"])
        if title:  # the rest of the letter is left as it is
            assert _ink_blacked(hidden, truth["clean"][page], title, scale)[1] < 0.05
        for subject in (p["name"] for p in truth["doc"].parties if p["role"] == "subject"):
            accused = _word_boxes(layout, page, subject.split())
            if accused:  # the accused is named in the body: not masked
                assert _ink_blacked(hidden, truth["clean"][page], accused, scale)[1] < 0.05, subject
        checked += len(boxes)
    assert checked >= 2 * len(writer["name"].split())  # the introduction and the signature, at least


def test_signature_ink_is_blacked_out(corpus, client) -> None:
    _, docs = corpus
    doc_id, truth = docs["clean"]
    last = len(truth["pages"]) - 1
    signed = truth["pages"][last]
    signed_gray = np.asarray(Image.fromarray(signed[:, :, ::-1]).convert("L")) if signed.ndim == 3 else signed
    ink = np.abs(signed_gray.astype(int) - truth["clean"][last].astype(int)) > 40  # the signature's strokes
    assert ink.sum() > 500
    hidden = _served(client, doc_id, last + 1, "archivist")
    assert hidden.shape == signed_gray.shape
    assert (hidden[ink] < 30).mean() > 0.99
    shown = _served(client, doc_id, last + 1, "officer")
    assert (shown[ink] < 30).mean() < 0.5


def test_originals_are_refused_without_clearance(corpus, client) -> None:
    _, docs = corpus
    doc_id, _ = docs["clean"]
    assert client.get(f"/documents/{doc_id}/original", headers=_as("archivist")).status_code == 403
    assert client.get(f"/documents/{doc_id}/original", headers=_as("officer")).status_code == 200
    complaint_id, _ = docs["complaint"]
    assert client.get(f"/documents/{complaint_id}/original", headers=_as("archivist")).status_code == 200


def _pdf_text_and_pages(data: bytes) -> tuple[str, list[np.ndarray]]:
    import pdfplumber
    import pypdfium2 as pdfium

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    doc = pdfium.PdfDocument(data)
    images = [np.asarray(doc[i].render(scale=150 / 72).to_pil().convert("L")) for i in range(len(doc))]
    return text, images


def test_redacted_copy_for_the_verification_team(corpus, client) -> None:
    _, docs = corpus
    doc_id, truth = docs["clean"]
    assert client.get(f"/documents/{doc_id}/redacted.pdf", headers=_as("archivist")).status_code == 403
    response = client.get(f"/documents/{doc_id}/redacted.pdf", headers=_as("verifier"))
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text, images = _pdf_text_and_pages(response.content)
    assert MASK in text and "tố cáo" in text.lower()
    for secret in _secrets(truth):
        assert not _contains(text, secret), secret
    layout = truth["layout"]
    boxes = _word_boxes(layout, 0, truth["writers"][0]["name"].split())
    first = images[0]
    scale = first.shape[1] / layout.width
    black, paper_black = _ink_blacked(first, truth["clean"][0], boxes, scale)
    assert black > 0.95 and paper_black > 0.85, (black, paper_black)
    assert len(images) == len(layout.pages) + 1  # the page images, then the masked text


def test_cli_redact_writes_the_copy(corpus, tmp_path: Path) -> None:
    import os

    settings, docs = corpus
    doc_id, truth = docs["digital"]
    out = tmp_path / "ban-sao.pdf"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DONTHU_")}
    done = subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(settings.data_dir), "redact",
                           str(doc_id), "--out", str(out)], cwd=REPO, env={**env, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    text, images = _pdf_text_and_pages(out.read_bytes())
    for secret in _secrets(truth):
        assert not _contains(text, secret), secret
    Image.fromarray(images[0]).save(tmp_path / "page1.png")


def test_restore_masked_parties() -> None:
    from records.confidential import restore_masked_parties

    stored = _record(LETTER, [WRITER, ACCUSED])
    shown = [p.model_dump() for p in mask_record(stored, ARCHIVIST).parties]
    shown[1]["address"] = "khóm Châu Long 3"  # the clerk adds the accused's address
    restored = restore_masked_parties(shown, stored)
    assert restored[0] == WRITER.model_dump() and restored[1]["address"] == "khóm Châu Long 3"
    assert restore_masked_parties([{"name": MASK, "role": "denouncer"}], _record(LETTER, [ACCUSED])) == []


def test_web_pages_mask_the_identity(corpus, client) -> None:
    _, docs = corpus
    doc_id, truth = docs["clean"]
    writer = truth["writers"][0]
    page = client.get(f"/van-ban/{doc_id}", params={"q": writer["name"]}, headers=_as("archivist"))
    assert page.status_code == 200
    html = page.text.replace(f'value="{writer["name"]}"', "")  # the search box shows what was typed
    for secret in _secrets(truth):
        assert not _contains(html, secret), secret
    name_words = {w.lower() for w in writer["name"].split()}

    def boxed(html: str) -> set[str]:  # the words the page boxes on the image as matches
        return {t.lower().strip(",.;:") for t in re.findall(r'class="hit-box"[^>]*title="([^"]*)"', html)}

    assert not boxed(page.text) & name_words  # no box shows where the name is (words like it may match)
    shown = client.get(f"/van-ban/{doc_id}", params={"q": writer["name"]}, headers=_as("officer"))
    assert _contains(shown.text, writer["name"]) and boxed(shown.text) >= name_words
    found = client.get("/tra-cuu", params={"q": writer["name"]}, headers=_as("archivist"))
    assert found.status_code == 200 and f"/van-ban/{doc_id}" not in found.text
    assert f"/van-ban/{doc_id}" in client.get("/tra-cuu", params={"q": writer["name"]},
                                              headers=_as("officer")).text
    home = client.get("/", params={"docs": str(doc_id)}, headers=_as("archivist"))
    for secret in _secrets(truth):
        assert not _contains(home.text, secret), secret


def test_a_correction_from_a_masked_form_keeps_the_identity(corpus, client) -> None:
    from records.read import read_document
    from records.store import Store

    settings, docs = corpus
    doc_id, truth = docs["light"]
    record = client.get(f"/documents/{doc_id}", headers=_as("archivist")).json()["record"]
    parties = record["parties"]
    assert any(p["name"] == MASK for p in parties)
    subject = next(p for p in parties if p["role"] == "subject")
    subject["address"] = "ấp Phú Hạ"  # what the archivist changes
    form = {"who": "Lưu Trữ", "next": f"/van-ban/{doc_id}", "type": record["type"],
            "party_name": [p["name"] for p in parties], "party_role": [p["role"] for p in parties],
            "party_id_number": [p["id_number"] or "" for p in parties],
            "party_address": [p["address"] or "" for p in parties]}
    answer = client.post(f"/van-ban/{doc_id}/sua", data=form, headers=_as("archivist"), follow_redirects=False)
    assert answer.status_code == 303
    store = Store(settings)
    try:
        stored = read_document(store, doc_id).record
    finally:
        store.close()
    assert next(p for p in stored.parties if p.role == "subject").address == "ấp Phú Hạ"
    names = {p.name for p in stored.parties}
    assert MASK not in names and truth["writers"][0]["name"] in names
    assert all(MASK not in (p.address or "") + (p.id_number or "") for p in stored.parties)


def test_page_boxes_cover_handwriting_and_a_signature_without_a_label() -> None:
    from donthu.types import Word
    from records.redaction import draw_boxes, page_boxes

    record = _record(LETTER, [WRITER, ACCUSED])
    record.pages[0].handwritten = True
    assert page_boxes(record, 1, [], 1000, 1400) == [(0, 0, 1000, 1400)]  # the writer's hand identifies them
    record.pages[0].handwritten = False
    words = [Word("Tôi", 100, 100, 40, 20, line=0), Word("tên", 150, 100, 40, 20, line=0),
             Word("là", 200, 100, 20, 20, line=0), Word("Nguyễn", 230, 100, 80, 20, line=0),
             Word("Thị", 320, 100, 40, 20, line=0), Word("Trinh", 370, 100, 60, 20, line=0)]
    boxes = page_boxes(record, 1, words, 1000, 1400)
    assert len(boxes) == 4 and boxes[0][0] < 230 and boxes[2][2] > 430  # the name's three words
    assert boxes[-1] == (450, 868, 1000, 1400)  # no signature label read: the bottom right of the last page
    image = draw_boxes(np.full((1400, 1000), 255, np.uint8), boxes)
    assert image[110, 250] == 0 and image[110, 120] == 255 and image[1300, 900] == 0 and image[1300, 100] == 255
    complaint = _record(LETTER, [WRITER.model_copy(update={"role": "complainant"})], type_="complaint")
    assert page_boxes(complaint, 1, words, 1000, 1400) == []


def test_form_fields_of_the_writer_are_boxed_even_when_ocr_read_nothing_of_them() -> None:
    """A printed form filled in by hand (bút tích, Luật Tố cáo 2018 Art. 8(3)): OCR reads the printed labels and
    nothing of the handwritten values; the rest of each of the writer's field lines is boxed, the accused's
    fields are not, and a letter's prose line is not taken for a field."""
    from donthu.types import Word
    from records.redaction import page_boxes

    def line(y: int, *texts: str, x: int = 100) -> list[Word]:
        out = []
        for t in texts:
            out.append(Word(t, x, y, 14 * len(t), 30, line=y, block=0))
            x += 14 * len(t) + 12
        return out

    words = (line(100, "ĐƠN", "TỐ", "CÁO", x=400)
             + line(200, "Họ", "và", "tên", "người", "tố", "cáo:")  # the handwritten name: not read
             + line(260, "Địa", "chỉ:", "ấp")  # one stray word read from the handwriting
             + line(320, "Số", "điện", "thoại:")
             + line(380, "Người", "bị", "tố", "cáo:", "Trần", "Văn", "Bảy")
             + line(440, "Địa", "chỉ:", "ấp", "Một")  # the accused's address
             + line(700, "Nội", "dung:", "tôi", "tố", "cáo", "việc", "lấn", "chiếm", "đất"))
    record = _record("ĐƠN TỐ CÁO\nHọ và tên người tố cáo:\nĐịa chỉ: ấp\nSố điện thoại:\nNgười bị tố cáo: Trần "
                     "Văn Bảy\nĐịa chỉ: ấp Một\nNội dung: tôi tố cáo việc lấn chiếm đất",
                     [Party(name="Lê Thị Hồng", role="denouncer"), Party(name="Trần Văn Bảy", role="subject")])
    record.kind = "other"  # no signature area here: only the fields
    boxes = page_boxes(record, 1, words, 1240, 1754)
    fields = [b for b in boxes if b[2] >= int(0.9 * 1240)]  # (identity_boxes adds word boxes of what OCR read)
    rows = sorted((b[1], b[3]) for b in fields)
    # three fields of the writer, each from the label's end to the right of the text, the line's height ± half
    assert rows == [(185, 245), (245, 305), (305, 365)], boxes
    assert all(b[1] < 380 for b in boxes)  # nothing from the accused's lines down
    name_label_end = words[8].left + words[8].width
    assert any(b[0] == name_label_end + 4 for b in fields)
    complaint = _record(record.text, [Party(name="Lê Thị Hồng", role="complainant")], type_="complaint")
    assert page_boxes(complaint, 1, words, 1240, 1754) == []  # only denunciations
