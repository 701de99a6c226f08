"""Search latency on a synthetic index of ~2,000 Vietnamese pages.

    python bench/search_latency.py                      # SQLite FTS5 in a temp dir
    python bench/search_latency.py --pages 20000
    python bench/search_latency.py --es-url http://localhost:9200

Prints indexing time and p50/p95/max query latency (ms) per query family and overall.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from search.backend import IndexDocument, IndexPage, SearchBackend, SearchQuery

SENTENCES = [
    "Tôi khiếu nại Quyết định số {n}/QĐ-UBND về việc thu hồi đất của gia đình tôi.",
    "Đề nghị xem xét lại phương án bồi thường, hỗ trợ và tái định cư.",
    "Thửa đất số {n}, tờ bản đồ số {m}, diện tích {n}.{m},5 m², loại đất ONT.",
    "Hòa giải ở xã không thành, các bên tranh chấp quyền sử dụng đất.",
    "Cán bộ địa chính xã đã làm sai lệch hồ sơ cấp giấy chứng nhận quyền sử dụng đất.",
    "Kiến nghị sửa chữa đường giao thông nông thôn bị ngập nước sau mùa lũ.",
    "Ông {name} và bà {name2} cùng ngụ ấp Mỹ Thạnh, xã {commune}, huyện {district}.",
    "Căn cứ Luật Đất đai năm 2013 và Nghị định số 43/2014/NĐ-CP của Chính phủ.",
    "Biên bản làm việc về nội dung đơn tố cáo của công dân được lập thành ba bản.",
    "KET LUAN noi dung to cao doi voi can bo dia chinh xa, tranh chap dat dai keo dai.",
]
FILLER = [
    "Kính gửi Chủ tịch Ủy ban nhân dân và các cơ quan có thẩm quyền.",
    "Nơi nhận như trên, lưu văn thư, hồ sơ.",
    "Thời gian làm việc từ {n} giờ sáng cùng ngày, tại trụ sở ấp.",
    "Các bên đã đọc lại, thống nhất ký tên dưới đây.",
    "Người viết đơn cam đoan những điều trình bày là đúng sự thật.",
    "Trường hợp cần thiết, đề nghị liên hệ số điện thoại 09{n}{m}.",
    "Gia đình có {m} nhân khẩu, sinh sống ổn định từ năm 19{m}.",
    "Ghi chú: bản sao có chứng thực kèm theo gồm {m} trang.",
]
NAMES = ["Nguyễn Văn Bình", "Trần Thị Hoa", "Lê Hữu Phước", "Phạm Ngọc Lan", "Huỳnh Văn Tâm", "Võ Thị Mai"]
PLACES = [("Mỹ Hội Đông", "Chợ Mới"), ("Long Điền A", "Chợ Mới"), ("Bình Mỹ", "Châu Phú"),
          ("Vọng Thê", "Thoại Sơn"), ("Phú Hòa", "Thoại Sơn"), ("Vĩnh Trạch", "Thoại Sơn")]
KINDS = [("petition", "complaint"), ("petition", "denunciation"), ("decision", "land_dispute"),
         ("minutes", "land_dispute"), ("petition", "recommendation"), ("conclusion", "denunciation")]
QUERIES: dict[str, list[SearchQuery]] = {
    "folded words": [SearchQuery("khieu nai thu hoi dat"), SearchQuery("dia chinh"), SearchQuery("boi thuong")],
    "exact words": [SearchQuery("khiếu nại"), SearchQuery("đất"), SearchQuery("quyền sử dụng đất")],
    "phrase": [SearchQuery('"tranh chấp đất đai"'), SearchQuery('"giao thong nong thon"')],
    "text+filters": [SearchQuery("đất", district="cho moi", year_from=2019),
                     SearchQuery("to cao", type="denunciation", commune="binh my"),
                     SearchQuery("thửa đất", parcel="45/12")],
    "browse": [SearchQuery(district="Thoại Sơn"), SearchQuery(year_from=2020, year_to=2022, kind="petition")],
    "very common": [SearchQuery("ky ten"), SearchQuery("ủy ban")],
    "page 5": [SearchQuery("đất", limit=20, offset=80)],
    "no match": [SearchQuery("xyzzy"), SearchQuery("khiếu nại", commune="không có")],
}


def make_docs(pages: int, per_doc: int = 4, seed: int = 7) -> list[IndexDocument]:
    rnd = random.Random(seed)
    docs = []
    for doc_id in range(1, pages // per_doc + 1):
        commune, district = rnd.choice(PLACES)
        kind, type_ = rnd.choice(KINDS)
        topical = rnd.sample(SENTENCES, 2)  # each document is about a few things
        page_texts = []
        for number in range(1, per_doc + 1):
            pool = topical + FILLER
            lines = [rnd.choice(pool).format(
                n=rnd.randint(1, 300), m=rnd.randint(1, 40), name=rnd.choice(NAMES), name2=rnd.choice(NAMES),
                commune=commune, district=district) for _ in range(rnd.randint(15, 30))]
            page_texts.append(IndexPage(number, "\n".join(lines)))
        docs.append(IndexDocument(
            doc_id=doc_id, file=f"doc-{doc_id}.pdf", kind=kind, type=type_, pages=page_texts,
            date=f"{rnd.randint(2012, 2025)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            communes=[commune], districts=[district],
            parcels=[(str(rnd.randint(1, 300)), str(rnd.randint(1, 40)))], parties=[rnd.choice(NAMES)],
        ))
    return docs


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(backend: SearchBackend, pages: int, rounds: int) -> None:
    docs = make_docs(pages)
    started = time.perf_counter()
    backend.index_many(docs)
    if hasattr(backend, "refresh"):
        backend.refresh()  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - started
    print(f"indexed {len(docs)} documents / {sum(len(d.pages) for d in docs)} pages in {elapsed:.2f} s")
    overall: list[float] = []
    overall_cpu: list[float] = []
    for family, queries in QUERIES.items():
        times, cpu = [], []
        for _ in range(rounds):
            for q in queries:
                t0, c0 = time.perf_counter(), time.process_time()
                results = backend.search(q)
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
        overall += times
        overall_cpu += cpu
        print(f"{family:14s} n={len(times):4d} p50={statistics.median(times):7.2f} ms "
              f"p95={percentile(times, 95):7.2f} ms max={max(times):7.2f} ms  "
              f"cpu p50={statistics.median(cpu):6.2f} ms  (total={results.total})")
    print(f"{'overall':14s} n={len(overall):4d} p50={statistics.median(overall):7.2f} ms "
          f"p95={percentile(overall, 95):7.2f} ms  cpu p50={statistics.median(overall_cpu):6.2f} ms "
          f"p95={percentile(overall_cpu, 95):6.2f} ms")
    print("(wall times include waiting for a shared CPU; cpu = this process's CPU time; for Elasticsearch"
          " the server's time shows only in wall time)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--es-url", help="benchmark Elasticsearch at this URL (index donthu-bench)")
    args = parser.parse_args()
    if args.es_url:
        from search.elastic import ElasticBackend

        backend: SearchBackend = ElasticBackend(args.es_url, index="donthu-bench")
        try:
            run(backend, args.pages, args.rounds)
        finally:
            backend.close()
        return
    from search.sqlite_fts import SqliteFtsBackend

    with tempfile.TemporaryDirectory() as tmp:
        backend = SqliteFtsBackend(Path(tmp) / "bench.sqlite")
        try:
            run(backend, args.pages, args.rounds)
        finally:
            backend.close()


if __name__ == "__main__":
    main()
