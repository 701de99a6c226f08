"""Search latency at archive scale (issue 19): generated Vietnamese pages, each engine side by side.

    python bench/search_latency.py                                  # 2,000 pages, sqlite and tantivy
    python bench/search_latency.py --pages 100000 --engines sqlite,tantivy --rounds 5
    python bench/search_latency.py --pages 1000000 --engines tantivy --rounds 3 --timeout 3600
    python bench/search_latency.py --engines elasticsearch --es-url http://localhost:9200

Each engine runs in its own child process (so its RSS is its own): it builds an index in a temp dir from
generated documents (4 pages each, streamed in batches: the generator's text never sits in memory whole),
then times every query family `--rounds` times after one warm-up round. Printed per engine: build time,
pages/s, index size on disk, RSS of the serving process after the build and after the queries (VmRSS and
peak VmHWM), p50/p95/p99/max wall ms per query family and overall, the search's CPU time (this process, all
threads: what the query costs when the cores are not shared), and the load average (as `uptime`) before and
after (the machines here have 2 cores shared with other sessions: read the wall times with the load).

Generated text (`Generator`, seed fixed): letters, minutes and decisions built from legal phrases
(Luật Đất đai, Nghị định, Quyết định số …/QĐ-UBND), persons' names (surname × middle × given names, ~9,000
combinations), communes and districts of An Giang, parcel and map-sheet numbers, dates, phone numbers,
and lines of free text drawn from a Zipf-distributed lexicon of 4,000 Vietnamese-like syllables (so the vocabulary
has a long tail like real letters). Each document formats its own lines (two legal topics × three variants with
its names, numbers, dates and places; the author's name on page 1); the rest of each page is drawn from a pool of
40,000 filler and free-text lines made once. About 1 page in 12 lost its diacritics (OCR of a poor copy), and 1 document
in 10 is a denunciation whose denouncer's name is masked in the search copy.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from donthu.text import fold  # noqa: E402
from donthu.text import fold_text  # noqa: E402
from search.backend import IndexDocument, IndexPage, SearchBackend, SearchQuery  # noqa: E402

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Vũ", "Phan", "Trương", "Bùi", "Đặng",
            "Đỗ", "Ngô", "Hồ", "Dương", "Đinh", "Lâm", "Thái", "Châu"]
MIDDLES = ["Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thanh", "Quốc", "Kim", "Đức", "Thành", "Xuân", "Hoàng"]
GIVENS = ["Bình", "Hoa", "Phước", "Lan", "Tâm", "Mai", "Hùng", "Dũng", "Cường", "Em", "An", "Trinh", "Sang",
          "Tám", "Ẩn", "Đạt", "Hiếu", "Nghĩa", "Lộc", "Phúc", "Thảo", "Hương", "Tuấn", "Khoa", "Long", "Hải",
          "Yến", "Nhung", "Vinh", "Tài", "Trí", "Nhân", "Lợi", "Phát", "Thắng", "Tú", "Duyên", "Hạnh"]
DISTRICTS = {
    "Chợ Mới": ["Mỹ Hội Đông", "Long Điền A", "Long Điền B", "Hòa Bình", "Hòa An", "Kiến An", "Nhơn Mỹ"],
    "Châu Phú": ["Bình Mỹ", "Bình Long", "Mỹ Đức", "Khánh Hòa", "Ô Long Vỹ"],
    "Thoại Sơn": ["Vọng Thê", "Phú Hòa", "Vĩnh Trạch", "Định Mỹ", "Tây Phú", "Óc Eo"],
    "An Phú": ["Phú Hữu", "Quốc Thái", "Vĩnh Hội Đông", "Đa Phước"],
    "Tri Tôn": ["Ba Chúc", "Lương Phi", "Núi Tô", "Ô Lâm"],
    "Phú Tân": ["Phú Thạnh", "Tân Hòa", "Hiệp Xương", "Phú Lâm"],
    "Tân Châu": ["Long Sơn", "Vĩnh Xương", "Châu Phong"],
    "Long Xuyên": ["Mỹ Bình", "Mỹ Long", "Mỹ Xuyên", "Bình Đức"],
}
PLACES = [(c, d) for d, cs in DISTRICTS.items() for c in cs]
KINDS = [("petition", "complaint"), ("petition", "denunciation"), ("decision", "land_dispute"),
         ("minutes", "land_dispute"), ("petition", "recommendation"), ("conclusion", "denunciation"),
         ("notice", "complaint"), ("report", "recommendation")]
#: legal and administrative phrases (one topic of a document = two of these)
SENTENCES = [
    "Tôi khiếu nại Quyết định số {n}/QĐ-UBND ngày {d} của Ủy ban nhân dân huyện {district} về việc thu hồi đất.",
    "Đề nghị xem xét lại phương án bồi thường, hỗ trợ và tái định cư cho hộ gia đình tôi.",
    "Thửa đất số {n}, tờ bản đồ số {m}, diện tích {n}.{m},5 m², loại đất {landuse}, tọa lạc tại xã {commune}.",
    "Hòa giải ở xã không thành, các bên tranh chấp quyền sử dụng đất đối với thửa số {n} tờ bản đồ {m}.",
    "Cán bộ địa chính xã đã làm sai lệch hồ sơ cấp giấy chứng nhận quyền sử dụng đất cho ông {name}.",
    "Kiến nghị sửa chữa đường giao thông nông thôn bị ngập nước sau mùa lũ tại ấp {hamlet}.",
    "Ông {name} và bà {name2} cùng ngụ ấp {hamlet}, xã {commune}, huyện {district}, tỉnh An Giang.",
    "Căn cứ Luật Đất đai năm 2013 và Nghị định số 43/2014/NĐ-CP ngày 15/5/2014 của Chính phủ.",
    "Căn cứ Luật Khiếu nại năm 2011 và Nghị định số 124/2020/NĐ-CP quy định chi tiết một số điều.",
    "Căn cứ Luật Tố cáo năm 2018; xét đơn tố cáo của công dân đề ngày {d}.",
    "Biên bản làm việc về nội dung đơn tố cáo của công dân được lập thành ba bản có giá trị như nhau.",
    "KET LUAN noi dung to cao doi voi can bo dia chinh xa, tranh chap dat dai keo dai.",
    "Thanh tra huyện {district} đã xác minh, kết luận nội dung khiếu nại là đúng một phần.",
    "Giao Chủ tịch Ủy ban nhân dân xã {commune} tổ chức thực hiện quyết định này.",
    "Yêu cầu thu hồi Giấy chứng nhận quyền sử dụng đất số CH{n}{m} cấp ngày {d}.",
    "Hộ ông {name} lấn chiếm hành lang kênh thủy lợi, xây dựng công trình trái phép.",
    "Đơn trình bày việc bị đòi tiền khi làm thủ tục tách thửa, chuyển mục đích sử dụng đất.",
    "Trả lời đơn kiến nghị của công dân theo Công văn số {n}/UBND-TCD ngày {d}.",
]
FILLER = [
    "Kính gửi Chủ tịch Ủy ban nhân dân và các cơ quan có thẩm quyền.",
    "Nơi nhận như trên, lưu văn thư, hồ sơ.",
    "Thời gian làm việc từ {m} giờ sáng cùng ngày, tại trụ sở ấp {hamlet}.",
    "Các bên đã đọc lại, thống nhất ký tên dưới đây.",
    "Người viết đơn cam đoan những điều trình bày là đúng sự thật.",
    "Trường hợp cần thiết, đề nghị liên hệ số điện thoại 09{n}{m}{n}.",
    "Gia đình có {m} nhân khẩu, sinh sống ổn định từ năm 19{m}.",
    "Ghi chú: bản sao có chứng thực kèm theo gồm {m} trang.",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — Độc lập - Tự do - Hạnh phúc",
]
#: filler and free-text lines made once and drawn by every page (see Generator._pool)
POOL_LINES = 40_000
HAMLETS = ["Mỹ Thạnh", "Long Hòa", "An Thái", "Mỹ Hòa", "Thị 1", "Bình Hòa", "Phú An", "Tân Thuận", "Hòa Long"]
LANDUSE = ["ONT", "LUC", "CLN", "BHK", "NTS", "ODT"]
ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "r",
          "s", "t", "th", "tr", "v", "x"]
RHYMES = ["a", "ai", "am", "an", "ang", "anh", "ao", "au", "ay", "e", "em", "en", "eo", "i", "ia", "im", "in",
          "inh", "it", "o", "oa", "oan", "oi", "om", "on", "ong", "u", "ua", "ui", "um", "un", "ung", "uy", "ươn",
          "ương", "iêt", "ôi", "ơi", "ưa", "ươi"]
TONES = {"a": "aàáảãạ", "e": "eèéẻẽẹ", "i": "iìíỉĩị", "o": "oòóỏõọ", "u": "uùúủũụ", "y": "yỳýỷỹỵ",
         "ô": "ôồốổỗộ", "ơ": "ơờớởỡợ", "ư": "ưừứửữự", "ê": "êềếểễệ"}


def _lexicon(rnd: random.Random, size: int = 4000) -> list[str]:
    """`size` distinct syllables (onset + rhyme with one of six tones on its last tonable vowel), shuffled."""
    out: set[str] = set()
    for onset in ONSETS:
        for rhyme in RHYMES:
            for tone in range(6):
                chars = list(rhyme)
                vowels = [i for i, c in enumerate(chars) if c in TONES]
                # the mark sits on the last vowel, or the one before a closing i/o/u/y (tài, sáo)
                at = vowels[-2] if len(vowels) > 1 and vowels[-1] == len(chars) - 1 and rhyme[-1] in "iouy" \
                    else vowels[-1]
                chars[at] = TONES[chars[at]][tone]
                out.add(onset + "".join(chars))
    words = sorted(out)
    rnd.shuffle(words)
    return words[:size]


class Generator:
    """Deterministic pages (see module docstring). `docs(n_pages)` streams batches of IndexDocuments."""

    def __init__(self, seed: int = 7) -> None:
        self.rnd = random.Random(seed)
        self.lexicon = _lexicon(random.Random(seed + 1))
        weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(self.lexicon))]
        total = sum(weights)
        acc, self.cum = 0.0, []
        for w in weights:
            acc += w / total
            self.cum.append(acc)

    def name(self) -> str:
        r = self.rnd
        return f"{r.choice(SURNAMES)} {r.choice(MIDDLES)} {r.choice(GIVENS)}"

    def free_line(self) -> str:
        words = self.rnd.choices(self.lexicon, cum_weights=self.cum, k=self.rnd.randint(6, 14))
        return " ".join(words).capitalize() + "."

    def _format(self, template: str, year: int, commune: str, district: str) -> str:
        r = self.rnd
        return template.format(
            n=r.randint(1, 2000), m=r.randint(1, 80), d=f"{r.randint(1, 28):02d}/{r.randint(1, 12):02d}/{year}",
            name=self.name(), name2=self.name(), commune=commune, district=district,
            hamlet=r.choice(HAMLETS), landuse=r.choice(LANDUSE))

    def _pool(self) -> list[str]:
        """Filler and free-text lines shared by all documents (made once: formatting every line of a million
        pages would take longer than indexing them)."""
        if not hasattr(self, "_lines"):
            lines = []
            for i in range(POOL_LINES):
                if i % 2:
                    lines.append(self.free_line())
                else:
                    commune, district = self.rnd.choice(PLACES)
                    lines.append(self._format(self.rnd.choice(FILLER), self.rnd.randint(2012, 2026), commune,
                                              district))
            self._lines = lines
        return self._lines

    def doc(self, doc_id: int, per_doc: int) -> IndexDocument:
        r = self.rnd
        pool = self._pool()
        commune, district = r.choice(PLACES)
        kind, type_ = r.choice(KINDS)
        author = self.name()
        denunciation = type_ == "denunciation" and r.random() < 0.5
        year = r.randint(2012, 2026)
        no_accents = r.random() < 1 / 12
        # the document's own lines: two topics (legal phrases with its names, numbers, places), six variants
        topical = [self._format(t, year, commune, district) for t in r.sample(SENTENCES, 2) for _ in range(3)]
        pages = []
        for number in range(1, per_doc + 1):
            n_lines = r.randint(15, 28)
            n_topical = sum(r.random() < 0.35 for _ in range(n_lines))
            lines = r.choices(topical, k=n_topical) + r.choices(pool, k=n_lines - n_topical)
            r.shuffle(lines)
            if number == 1:
                lines.insert(0, f"Tôi tên là {author}, ngụ xã {commune}, huyện {district}.")
            text = "\n".join(lines)
            if no_accents:
                text = fold_text(text).upper() if r.random() < 0.3 else fold_text(text)
            masked = text.replace(author, "[đã ẩn]") if denunciation else None
            pages.append(IndexPage(number, text, masked_text=masked))
        return IndexDocument(
            doc_id=doc_id, file=f"don-{fold(author).replace(' ', '-')}-{doc_id}.pdf", kind=kind, type=type_,
            pages=pages, date=f"{year}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
            communes=[commune], districts=[district],
            parcels=[(str(r.randint(1, 2000)), str(r.randint(1, 80)))], parties=[author],
            masked_file=f"don-[đã ẩn]-{doc_id}.pdf" if denunciation else None,
        )

    def docs(self, pages: int, per_doc: int = 4, batch: int = 500) -> Iterator[list[IndexDocument]]:
        out: list[IndexDocument] = []
        for doc_id in range(1, pages // per_doc + 1):
            out.append(self.doc(doc_id, per_doc))
            if len(out) == batch:
                yield out
                out = []
        if out:
            yield out


QUERIES: dict[str, list[SearchQuery]] = {
    "folded words": [SearchQuery("khieu nai thu hoi dat"), SearchQuery("dia chinh"), SearchQuery("boi thuong ho tro")],
    "exact words": [SearchQuery("khiếu nại"), SearchQuery("quyền sử dụng đất"), SearchQuery("tái định cư")],
    "exact spelling (name)": [SearchQuery("Huỳnh Ngọc Ẩn"), SearchQuery("Đặng Thị Trinh"), SearchQuery("Lâm Đức Lộc")],
    "folded name": [SearchQuery("nguyen van binh"), SearchQuery("chau kim yen")],
    "phrase": [SearchQuery('"tranh chấp quyền sử dụng đất"'), SearchQuery('"giao thong nong thon"'),
               SearchQuery('"Nghị định số 43/2014/NĐ-CP"')],
    "reference/parcel no.": [SearchQuery("1234/QĐ-UBND"), SearchQuery("thửa đất số 1534"), SearchQuery("CH17742")],
    "text+filters": [SearchQuery("đất", district="cho moi", year_from=2019),
                     SearchQuery("to cao", type="denunciation", commune="binh my"),
                     SearchQuery("thửa đất", parcel="45/12"),
                     SearchQuery("khiếu nại", kind="petition", year_from=2020, year_to=2022)],
    "browse (filters only)": [SearchQuery(district="Thoại Sơn"), SearchQuery(year_from=2020, year_to=2022, kind="petition"),
                              SearchQuery(parcel="45")],
    "facets only (limit 0)": [SearchQuery("bồi thường", limit=0), SearchQuery(limit=0)],
    "snippets x50": [SearchQuery("ủy ban nhân dân xã", limit=50)],
    "very common": [SearchQuery("ky ten"), SearchQuery("ủy ban"), SearchQuery("đất")],
    "deep page (offset 80, 480)": [SearchQuery("đất", offset=80), SearchQuery("khieu nai", offset=480)],
    "not cleared (masked)": [SearchQuery("tố cáo", cleared=False), SearchQuery("Nguyễn Văn Bình", cleared=False)],
    "no match": [SearchQuery("xyzzy"), SearchQuery("khiếu nại", commune="không có")],
}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _status(key: str) -> float:
    """VmRSS / VmHWM of this process, MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _du(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def open_engine(name: str, directory: Path, es_url: str | None) -> SearchBackend:
    if name == "sqlite":
        from search.sqlite_fts import SqliteFtsBackend

        return SqliteFtsBackend(directory / "bench.sqlite")
    if name == "tantivy":
        from search.tantivy_index import TantivyBackend

        return TantivyBackend(directory / "tantivy")
    if name == "elasticsearch":
        from search.elastic import ElasticBackend

        return ElasticBackend(es_url or "http://localhost:9200", index="donthu-bench")
    raise SystemExit(f"unknown engine {name}")


def _build(backend: SearchBackend, pages: int, deadline: float, out: dict) -> None:
    """Index `pages` generated pages into `backend`; the build's numbers into `out`."""
    gen = Generator()
    started = time.perf_counter()
    gen_s = 0.0
    n_docs = n_pages = 0
    batches = gen.docs(pages, batch=2000)
    while True:
        g0 = time.perf_counter()
        batch = next(batches, None)
        gen_s += time.perf_counter() - g0
        if batch is None:
            break
        backend.index_many(batch)
        n_docs += len(batch)
        n_pages += sum(len(d.pages) for d in batch)
        if time.perf_counter() > deadline:
            out["build_cut_short"] = True
            break
    for finish in ("refresh", "optimize"):
        if hasattr(backend, finish):
            getattr(backend, finish)()
    build = time.perf_counter() - started - gen_s
    out.update(docs=n_docs, indexed_pages=n_pages, build_s=round(build, 1), generate_s=round(gen_s, 1),
               pages_per_s=round(n_pages / build),
               rss_after_build_mb=round(_status("VmRSS")), load_after_build=_load())


def run_engine(name: str, pages: int, rounds: int, es_url: str | None, deadline: float,
               keep: str | None = None) -> dict:
    """One engine in this process: build, then time the query families; a dict of the numbers. With `keep`, the
    index is built in `keep/ENGINE-PAGES` and left there, and a later run with the same `keep` reuses it (with
    the build numbers of the run that built it) instead of building again."""
    out: dict = {"engine": name, "pages": pages, "load_before": _load()}
    if not keep:
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
            backend = open_engine(name, Path(tmp), es_url)
            _build(backend, pages, deadline, out)
            backend.close()
            _serve(name, Path(tmp), es_url, rounds, out)
        return out
    directory = Path(keep) / f"{name}-{pages}"
    built = directory / "build.json"
    if built.exists():
        out.update(json.loads(built.read_text()), reused_index=str(directory))
    else:
        directory.mkdir(parents=True, exist_ok=True)
        backend = open_engine(name, directory, es_url)
        _build(backend, pages, deadline, out)
        backend.close()
        if not out.get("build_cut_short"):
            built.write_text(json.dumps({k: out[k] for k in (
                "docs", "indexed_pages", "build_s", "generate_s", "pages_per_s", "rss_after_build_mb",
                "load_before", "load_after_build")}))
    _serve(name, directory, es_url, rounds, out)
    return out


def _serve(name: str, directory: Path, es_url: str | None, rounds: int, out: dict) -> None:
    """Open the built (and closed) index as a serving process would and time every query family."""
    out["index_mb"] = round(sum(f.stat().st_size for f in directory.rglob("*")
                                if f.is_file() and f.name != "build.json") / 2**20, 1)
    rss_open0 = _status("VmRSS")
    backend = open_engine(name, directory, es_url)
    out["load_before_queries"] = _load()
    families: dict[str, dict] = {}
    overall: list[float] = []
    overall_cpu: list[float] = []
    for q in [q for qs in QUERIES.values() for q in qs]:  # warm-up round (page cache, JIT-less caches)
        backend.search(q)
    for family, queries in QUERIES.items():
        times: list[float] = []
        cpu: list[float] = []
        total = 0
        for _ in range(rounds):
            for q in queries:
                t0, c0 = time.perf_counter(), time.process_time()
                results = backend.search(q)
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
                total = results.total
        overall += times
        overall_cpu += cpu
        families[family] = {"n": len(times), "p50": round(statistics.median(times), 1),
                            "p95": round(percentile(times, 95), 1), "p99": round(percentile(times, 99), 1),
                            "max": round(max(times), 1), "cpu_p50": round(statistics.median(cpu), 1),
                            "cpu_p95": round(percentile(cpu, 95), 1), "last_total": total}
    out["families"] = families
    out["overall"] = {"n": len(overall), "p50": round(statistics.median(overall), 1),
                      "p95": round(percentile(overall, 95), 1), "p99": round(percentile(overall, 99), 1),
                      "cpu_p50": round(statistics.median(overall_cpu), 1),
                      "cpu_p95": round(percentile(overall_cpu, 95), 1)}
    if name == "sqlite":  # the floor of any exact total in FTS5: visiting every match, nothing else
        floor = {}
        for word in ("dat", "ky", "khieu"):
            t0 = time.perf_counter()
            n = backend._db.execute(  # type: ignore[attr-defined]
                "SELECT count(*) FROM pages_fts WHERE pages_fts MATCH ?", (f'folded : "{word}"',)).fetchone()[0]
            floor[word] = {"matches": n, "ms": round((time.perf_counter() - t0) * 1000, 1)}
        out["fts5_count_floor"] = floor
    out["rss_serving_mb"] = round(_status("VmRSS"))
    out["rss_serving_growth_mb"] = round(_status("VmRSS") - rss_open0)
    out["peak_rss_mb"] = round(_status("VmHWM"))
    out["load_after"] = _load()
    backend.close()


def print_table(results: list[dict]) -> None:
    for r in results:
        print(f"\n## {r['engine']} — {r['indexed_pages']:,} pages ({r['docs']:,} documents)"
              + (" BUILD CUT SHORT BY --timeout" if r.get("build_cut_short") else ""))
        if r.get("reused_index"):
            print(f"(index reused from {r['reused_index']}: the build numbers are those of the run that built it)")
        print(f"build {r['build_s']} s ({r['pages_per_s']:,} pages/s; generating the text {r['generate_s']} s "
              f"more), index {r['index_mb']} MB, RSS after build {r['rss_after_build_mb']} MB, serving "
              f"{r['rss_serving_mb']} MB (peak {r['peak_rss_mb']} MB); load {r['load_before']} → "
              f"{r['load_after_build']} → {r.get('load_before_queries', '')} → {r['load_after']}")
        print("| family | n | p50 ms | p95 ms | p99 ms | max ms | CPU p50 / p95 ms | total (last query) |")
        print("|---|---|---|---|---|---|---|---|")
        for family, f in r["families"].items():
            print(f"| {family} | {f['n']} | {f['p50']} | {f['p95']} | {f['p99']} | {f['max']} | "
                  f"{f['cpu_p50']} / {f['cpu_p95']} | {f['last_total']:,} |")
        o = r["overall"]
        print(f"| **overall** | {o['n']} | {o['p50']} | {o['p95']} | {o['p99']} | | {o['cpu_p50']} / {o['cpu_p95']} | |")
        if "fts5_count_floor" in r:
            print("FTS5 `SELECT count(*) … MATCH` alone (the floor of an exact total): " + ", ".join(
                f"{w} {f['matches']:,} pages {f['ms']} ms" for w, f in r["fts5_count_floor"].items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--engines", default="sqlite,tantivy", help="comma-separated: sqlite, tantivy, elasticsearch")
    parser.add_argument("--es-url", help="Elasticsearch URL (engine elasticsearch; index donthu-bench)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per engine for the build (then cut)")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--keep", help="build each index in KEEP/ENGINE-PAGES and keep it; reuse it when there")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_engine(args.child, args.pages, args.rounds, args.es_url,
                                    time.perf_counter() + args.timeout, args.keep)))
        return
    results = []
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
          f"{Path('/proc/cpuinfo').read_text().split('model name')[1].split(':')[1].splitlines()[0].strip()}")
    for engine in args.engines.split(","):
        cmd = [sys.executable, __file__, "--child", engine, "--pages", str(args.pages), "--rounds",
               str(args.rounds), "--timeout", str(args.timeout)] + (["--keep", args.keep] if args.keep else []) \
            + (["--es-url", args.es_url] if args.es_url else [])
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{engine}: failed\n{done.stderr[-3000:]}")
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print_table(results[-1:])
        sys.stdout.flush()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
