"""Probes of the hardening items (docs/hardening.md) against create_app: TestClient, recording submit, fresh data folder; prints what each probe got. Run from a checkout: `.venv/bin/python bench/hardening_probe.py`."""
import io, sys, tempfile, time
from pathlib import Path
from fastapi.testclient import TestClient
from PIL import Image
from api.app import create_app
from donthu.config import Settings

tmp = Path(tempfile.mkdtemp())
s = Settings(data_dir=tmp / "data", workers=1)
sub = []
def png(color=200, size=(50, 50)):
    b = io.BytesIO(); Image.new("L", size, color).save(b, "PNG"); return b.getvalue()
with TestClient(create_app(s, submit=sub.append), raise_server_exceptions=False) as c:
    def show(label, r):
        print(f"{label}: {r.status_code} {r.headers.get('content-type')} {r.text[:150]!r}")
    show("Host evil.example", c.get("/health", headers={"host": "evil.example"}))
    r = c.get("/")
    print("headers of /:", {k: v for k, v in r.headers.items() if k.lower() in ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy", "cache-control")})
    show("cross-origin POST /documents", c.post("/documents", files={"file": ("a.png", png(), "image/png")}, headers={"origin": "http://evil.example"}))
    show("cross-origin POST correction", c.post("/van-ban/1/sua", data={"who": "x", "type": "complaint"}, headers={"origin": "http://evil.example"}, follow_redirects=False))
    for url in ["/documents?page=99999999999999999999", "/documents?batch=99999999999999999999", "/documents/99999999999999999999",
                "/documents/99999999999999999999/pages/1/image", "/documents/1/pages/99999999999999999999/image",
                "/search?q=a&page=99999999999999999999", "/documents?page=9223372036854775807"]:
        show(url, c.get(url))
    q = " ".join(f"từ{i}" for i in range(1000))
    show("search 1000 words", c.get("/search", params={"q": q}))
    show("tra-cuu 1000 words", c.get("/tra-cuu", params={"q": q}))
    files = [("file", (f"f{i}.png", png(10 * i + 50), "image/png")) for i in range(5)]
    r = c.post("/documents", files=files); show("5 files in one upload", r)
    print("  documents stored:", c.get("/documents").json()["total"])
    rlo = "don\u202egnp.exe"
    r = c.post("/documents", files={"file": (rlo + ".png", png(77), "image/png")}); show("RLO name", r)
    d = c.get(f"/documents/{r.json()['id']}").json(); print("  stored name:", ascii(d["file"]))
    page = c.get(f"/van-ban/{r.json()['id']}").text; print("  RLO in page:", "\u202e" in page)
    show("422 body", c.get("/documents?page=0"))
    spec = c.get("/openapi.json").json()
    print("openapi 422 of GET /documents:", spec["paths"]["/documents"]["get"]["responses"].get("422"))
    print("openapi original 200:", spec["paths"]["/documents/{document_id}/original"]["get"]["responses"]["200"])
    orig = c.get(f"/documents/{r.json()['id']}/original"); print("original served as", orig.headers.get("content-type"))
    print("originals/ after 415 upload:", end=" ")
    before = len(list((tmp / "data" / "originals").rglob("*")))
    c.post("/documents", files={"file": ("x.bin", b"garbage" * 100, "application/octet-stream")})
    print(before, "->", len(list((tmp / "data" / "originals").rglob("*"))))
