"""Response times of the register's pages and API at a given register size (issue 17; docs/register.md).

    python bench/register_pages.py --n 2000
    python bench/register_pages.py --n 20000 --data /tmp/reg20k --code /work/main   # an older checkout

A generated register (`corpus.content` letters as in bench/register_screens.py: four types, three units of Chợ
Mới, received evenly from 02/01/2026 over 340 days, none decided) entered with one kept duplicate index, then
each page and API call made `--repeat` times by a provincial leader (sees every letter) through FastAPI's
TestClient; prints median and max. `--data`: keep the data directory, and reuse the letters already in it
(building 20,000 letters takes minutes); `--code`: measure the code of another checkout on the same data (the
"before" of docs/register.md; opening the data with newer code migrates it, the migration's time is printed).
"""
import argparse
import datetime as dt
import pathlib
import statistics
import sys
import tempfile
import time

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--n", type=int, default=2000)
parser.add_argument("--data", type=pathlib.Path, default=None)
parser.add_argument("--code", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parents[1])
parser.add_argument("--repeat", type=int, default=5)
args = parser.parse_args()
ROOT = args.code.resolve()
HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT), str(HERE), str(ROOT / "tests")]
# an editable install's import hook would load the installed checkout's packages whatever sys.path says
sys.meta_path[:] = [f for f in sys.meta_path
                    if not (getattr(f, "__module__", None) or type(f).__module__ or "").startswith("__editable__")]
from donthu.config import Settings  # noqa: E402
from api.app import create_app  # noqa: E402
from records.register import book  # noqa: E402
from records.register.duplicates import DuplicateIndex  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from records.tables import register_letters  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from accounts import bearer  # noqa: E402
import corpus.content.letters, corpus.content.matter, corpus.register  # noqa: E402,F401  (before register_screens,
from register_screens import _letter, COMMUNE_A, COMMUNE_B, DISTRICT  # noqa: E402  which puts its checkout first)
import records  # noqa: E402

sys.path.insert(0, str(ROOT))
assert pathlib.Path(records.__file__).resolve().parents[1] == ROOT, records.__file__

N = args.n
data = args.data or pathlib.Path(tempfile.mkdtemp()) / "d"
t = time.time()
app = create_app(Settings(data_dir=data, workers=1), submit=lambda i: None)
print(f"code {ROOT}; opened {data} in {time.time() - t:.1f} s (migrations included)")
engine = app.state.services.store.engine
with engine.connect() as conn:
    have = conn.execute(select(func.count()).select_from(register_letters)).scalar_one()
if have < N:
    index = DuplicateIndex()
    types = ["complaint", "denunciation", "recommendation", "land_dispute"]
    units = [COMMUNE_A, COMMUNE_B, DISTRICT]
    t = time.time()
    for i in range(have, N):
        f = _letter(i + 1, types[i % 4])
        book.register(engine, unit=units[i % 3], received=dt.date(2026, 1, 2) + dt.timedelta(days=i * 340 // N),
                      channel="post", who="bench", index=index, **f)
    print(f"registered {N - have} letters in {time.time() - t:.0f} s")
print(f"{max(have, N)} letters")
with TestClient(app) as c:
    h = bearer(c, "leader", "an-giang")
    for url in ("/register/letters?limit=100", "/so-don", "/so-don/den-han", "/register/due",
                f"/register/letters/{N // 2}"):
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter(); r = c.get(url, headers=h); times.append(time.perf_counter() - t)
            assert r.status_code == 200, (url, r.status_code)
        print(f"{url}: median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")
