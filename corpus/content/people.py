"""How a text introduces a person: name, birth year, identity document, address (with the truth it yields)."""

from __future__ import annotations

import random

from corpus.content.builder import DocBuilder
from corpus.content.dates import fmt_short, fmt_long
from corpus.content.names import Person


def id_phrase(rng: random.Random, p: Person) -> str:
    kind_long = "Căn cước công dân" if p.id_kind == "CCCD" else "Chứng minh nhân dân"
    d = fmt_short(p.id_date, zero_month=rng.random() < 0.5)
    return rng.choice([
        f"{p.id_kind} số {p.id_number} do {p.id_place} cấp ngày {d}",
        f"số {p.id_kind}: {p.id_number}, cấp ngày {d} tại {p.id_place}",
        f"{kind_long} số {p.id_number} cấp ngày {d}",
        f"{p.id_kind} số: {p.id_number}",
        f"số {kind_long.lower()} {p.id_number}, cấp {fmt_long(p.id_date)}, nơi cấp {p.id_place}",
    ])


def mention(rng: random.Random, b: DocBuilder, p: Person, role: str, detail: float = 0.7,
            honorific: bool = True, addr: bool = True) -> str:
    """Third-person `ông Nguyễn Văn A, sinh năm 1960, CCCD số …, trú tại <address>` (address last, no end
    punctuation: the caller ends the clause). Records the party with what was written."""
    text = f"{p.hon} {p.name}" if honorific else p.name
    with_id = with_addr = False
    if rng.random() < detail:
        text += rng.choice([f", sinh năm {p.birth_year}", f" (sinh năm {p.birth_year})", f", năm sinh {p.birth_year}"])
    if rng.random() < detail * 0.7:
        text += ", " + id_phrase(rng, p)
        with_id = True
    if addr and rng.random() < detail:
        text += ", " + rng.choice(["trú tại", "thường trú tại", "địa chỉ:", "địa chỉ thường trú:", "hiện trú tại"]) + " " + p.address
        with_addr = True
    b.party(p.name, role, p.id_number if with_id else None, p.address if with_addr else None)
    return text


def intro_self(rng: random.Random, b: DocBuilder, p: Person, role: str, role_word: str) -> None:
    """A petitioner introducing themself, in one of five styles (one paragraph or a small form)."""
    style = rng.randrange(5)
    idp = id_phrase(rng, p)
    if style == 0:
        b.para(f"Tôi tên là {p.name}, sinh năm {p.birth_year}, {idp}; thường trú tại {p.address}.")
    elif style == 1:
        b.para(f"Tôi là {p.name}, sinh năm {p.birth_year}; {idp}; địa chỉ: {p.address}.")
    elif style == 2:
        b.para(f"Họ và tên người {role_word}: {p.name}", indent=0.5, align="left")
        b.para(f"Năm sinh: {p.birth_year}", indent=0.5, align="left")
        b.para(f"Số {p.id_kind}: {p.id_number}; ngày cấp: {fmt_short(p.id_date)}; nơi cấp: {p.id_place}",
               indent=0.5, align="left")
        b.para(f"Địa chỉ thường trú: {p.address}", indent=0.5, align="left")
    elif style == 3:
        b.para(f"Người {role_word}: {p.Hon} {p.name}, sinh năm {p.birth_year}, trú tại {p.address}.")
        b.party(p.name, role, None, p.address)
        return
    else:
        b.para(f"Tôi tên {p.name}, năm sinh {p.birth_year}, {idp}, hiện trú tại {p.address}. "
               + rng.choice(["Điện thoại liên hệ: 09" + "".join(str(rng.randint(0, 9)) for _ in range(8)) + ".",
                             "", "Nghề nghiệp: làm ruộng.", "Nghề nghiệp: buôn bán."]).strip())
    b.party(p.name, role, p.id_number, p.address)


def intro_group(rng: random.Random, b: DocBuilder, people: list[Person], role: str, role_word: str) -> None:
    """Several petitioners: a numbered list, or `Chúng tôi gồm: ông A, bà B … cùng trú tại …`."""
    style = rng.randrange(3)
    if style == 0:
        b.para(rng.choice(["Chúng tôi gồm:", "Chúng tôi gồm có:", f"Những người {role_word} gồm:",
                           "Chúng tôi là các hộ dân có tên sau đây:"]))
        for i, p in enumerate(people):
            end = "." if i == len(people) - 1 else ";"
            b.para(f"{i + 1}. " + cap(mention(rng, b, p, role, detail=0.9)) + end, indent=0.5)
    elif style == 1:
        addr = people[0].address
        names = ", ".join(f"{p.hon} {p.name}" for p in people[:-1]) + f" và {people[-1].hon} {people[-1].name}"
        b.para(f"Chúng tôi gồm: {names}, cùng trú tại {addr}.")
        for p in people:
            b.party(p.name, role, None, addr)
    else:
        b.para(f"Chúng tôi là {len(people)} hộ dân đang sinh sống và canh tác tại {people[0].place.hamlet_full}, "
               f"{people[0].place.commune_full}, gồm:")
        for i, p in enumerate(people):
            end = "." if i == len(people) - 1 else ";"
            b.para(f"- Hộ {p.hon} {p.name}, sinh năm {p.birth_year}, {p.id_kind} số {p.id_number}{end}", indent=0.5)
            b.party(p.name, role, p.id_number, None)


def intro_representative(rng: random.Random, b: DocBuilder, rep: Person, principals: list[Person],
                         role_word: str, d_text: str) -> None:
    """The person who writes on behalf of the petitioners (đại diện / người được ủy quyền)."""
    who = "các hộ dân nêu trên" if len(principals) > 1 else f"{principals[0].hon} {principals[0].name}"
    style = rng.randrange(3)
    if style == 0:
        b.para(f"Người đại diện theo ủy quyền: {mention(rng, b, rep, 'representative', detail=0.9)}.")
        b.para(f"(Theo Giấy ủy quyền {d_text} được Ủy ban nhân dân {principals[0].place.commune_full} chứng thực.)")
    elif style == 1:
        b.para(f"Tôi là {rep.name}, sinh năm {rep.birth_year}, {id_phrase(rng, rep)}, trú tại {rep.address}. "
               f"Tôi là người được {who} ủy quyền theo Giấy ủy quyền lập {d_text} để thay mặt {role_word} và "
               "liên hệ với cơ quan có thẩm quyền.")
        b.party(rep.name, "representative", rep.id_number, rep.address)
    else:
        b.para(f"Đại diện cho {who}: {mention(rng, b, rep, 'representative', detail=0.6)}.")


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]
