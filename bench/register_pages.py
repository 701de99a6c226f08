"""Response times of the register's pages and API at a given register size (issue 17; docs/register.md).

    python bench/register_pages.py --n 2000

A generated register (`corpus.content` letters as in bench/register_screens.py: four types, three units of Chợ
Mới, received through 2026) entered with one kept duplicate index, then each page and API call made 5 times
by a provincial leader (sees every letter) through FastAPI's TestClient; prints median and max.
"""
import datetime as dt
import pathlib
import statistics
import sys
import tempfile
import time
ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT)); sys.path.insert(0, str(ROOT / 'bench')); sys.path.insert(0, str(ROOT / 'tests'))
from register_screens import _letter, COMMUNE_A, COMMUNE_B, DISTRICT
from donthu.config import Settings
from api.app import create_app
from records.register import book
from records.register.duplicates import DuplicateIndex
from fastapi.testclient import TestClient
from accounts import bearer
import argparse
parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--n", type=int, default=2000)
N = parser.parse_args().n
app = create_app(Settings(data_dir=pathlib.Path(tempfile.mkdtemp())/'d', workers=1), submit=lambda i: None)
engine = app.state.services.store.engine
index = DuplicateIndex()
types = ["complaint", "denunciation", "recommendation", "land_dispute"]
units = [COMMUNE_A, COMMUNE_B, DISTRICT]
t = time.time()
for i in range(N):
    f = _letter(i + 1, types[i % 4])
    book.register(engine, unit=units[i % 3], received=dt.date(2026, 1, 2) + dt.timedelta(days=i * 340 // N),
                  channel="post", who="bench", index=index, **f)
print(f"registered {N} letters in {time.time()-t:.0f} s")
with TestClient(app) as c:
    h = bearer(c, "leader", "an-giang")
    for url in ("/register/letters?limit=100", "/so-don", "/so-don/den-han", "/register/due", f"/register/letters/{N//2}"):
        times = []
        for _ in range(5):
            t = time.perf_counter(); r = c.get(url, headers=h); times.append(time.perf_counter() - t)
            assert r.status_code == 200, (url, r.status_code)
        print(f"{url}: median {statistics.median(times)*1000:.0f} ms, max {max(times)*1000:.0f} ms")
