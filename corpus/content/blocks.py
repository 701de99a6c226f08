"""Parts every document shares: the national motto, headers, place-date lines, signature blocks."""

from __future__ import annotations

import datetime as dt
import random

from corpus.content.agencies import Agency
from corpus.content.builder import DocBuilder
from corpus.content.dates import place_date

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO2 = "Độc lập - Tự do - Hạnh phúc"


def letter_motto(b: DocBuilder, rng: random.Random) -> None:
    b.heading(MOTTO)
    b.heading(MOTTO2, underline=rng.random() < 0.4)
    if rng.random() < 0.4:
        b.heading(rng.choice(["---oOo---", "-------------", "***", "—————"]), bold=False)


def place_date_line(b: DocBuilder, rng: random.Random, place_name: str, d: dt.date, **kw) -> None:
    kw.setdefault("align", "right")
    kw.setdefault("italic", True)
    b.add(place_date(rng, place_name, d), **kw)


def official_header(b: DocBuilder, rng: random.Random, agency: Agency, number: str, d: dt.date) -> None:
    """Agency and number on the left; motto and place-date on the right."""
    for i, text in enumerate(agency.header):
        b.add(text, align="center", bold=i > 0 or rng.random() < 0.5, column="left")
    b.add("-------", align="center", column="left")
    b.add(f"Số: {number}", align="center", column="left")
    b.add(MOTTO, align="center", bold=True, column="right", size=0.95)
    b.add(MOTTO2, align="center", bold=True, column="right", underline=rng.random() < 0.5)
    b.add("---------------", align="center", column="right")
    place_date_line(b, rng, agency.place_name, d, align="center", column="right")


def letter_signature(b: DocBuilder, rng: random.Random, label: str, names: list[str]) -> None:
    """`Người khiếu nại` / `(Ký, ghi rõ họ tên)` / names, in the right half."""
    b.add(label, align="center", bold=True, column="right", space_before=1.0)
    b.add(rng.choice(["(Ký, ghi rõ họ tên)", "(ký và ghi rõ họ tên)", "(Ký tên)", "(Ký, ghi rõ họ, tên)"]),
          align="center", italic=True, column="right")
    for i, name in enumerate(names):
        prefix = f"{i + 1}. " if len(names) > 1 else ""
        b.add(prefix + name, align="center", bold=True, column="right", space_before=2.5 if i == 0 else 1.5)
        b.signatures.append(name)


def official_signature(
    b: DocBuilder, rng: random.Random, agency: Agency, signer: str, recipients: list[str]
) -> None:
    """`Nơi nhận:` on the left, `KT. CHỦ TỊCH / PHÓ CHỦ TỊCH` and the signer on the right."""
    b.add("Nơi nhận:", align="left", bold=True, italic=True, column="left", space_before=1.0)
    for i, r in enumerate(recipients):
        end = "." if i == len(recipients) - 1 else ";"
        b.add(f"- {r}{end}", align="left", column="left", size=0.85)
    deputy = rng.random() < 0.4
    if deputy:
        b.add(f"KT. {agency.signer}", align="center", bold=True, column="right", space_before=1.0)
        b.add(agency.deputy, align="center", bold=True, column="right")
    else:
        b.add(agency.signer, align="center", bold=True, column="right", space_before=1.0)
    b.add(signer, align="center", bold=True, column="right", space_before=3.0)
    b.signatures.append(signer)
