"""A lexicon of personal-name syllables of An Giang, and the repairs of OCR damage it makes certain.

Vietnamese surnames, middle names and given-name syllables, with the Khmer (Chau, Néang, Thạch …) and
Chinese-origin (Quách, Khưu, Diệp …) names of the province. A name read by OCR is repaired word by word
only where the lexicon leaves one reading (`repair_name`), never inventing a name:

- a doubled letter or vowel that no syllable has (`Nguyệtt` → `Nguyệt`, `Tuyếêt` → `Tuyết`) when exactly one
  way of undoing it gives a lexicon syllable and the word as read is not one;
- one slipped letter in a surname or middle name (`Nguễn` → `Nguyễn`, `Nzọc` → `Ngọc`: words of four letters
  or more, exactly one lexicon word at one edit, and the word as read is no syllable of the lexicon even
  without its marks);
- lost diacritics (`Nguyen` → `Nguyễn`) in a surname or middle name when the word carries no mark, is not
  itself a syllable of the lexicon, and the lexicon has exactly one spelling for it there (given names are an
  open set: `Tuan` may be Tuấn or Tuân, so they are left alone).

Each repair's precision on OCR output is measured in docs/quality.md (issue 14).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from donthu.text import fold, nfc

SURNAMES = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trương Lâm Mai Tô Châu Đoàn Cao "
    "Lương Tạ Thái Quách Lưu Kiều Trịnh Tăng La Hà Diệp Thạch Sơn Danh Kim Lữ Từ Phùng Triệu Tiêu Mạc Khưu Trang "
    "Giang Đào Âu Lục Hứa Quan Tôn Thân Nông Bạch Cù Doãn Đàm Lạc Vương Mã Ninh Chung Nghiêm Biện Tất Khổng Hầu "
    "Hàn Chiêm Ung Cái Đồng Lai Kha Nhan Lã Tiết Chế Văng Chau Néang Lò Ông Văn Lữ Thiều Trình Viên Vi Bành Mạch "
    "Thới Tạ Phí Đường Hàng Yên Khúc Lỗ Giáp Ngũ Âu Dư Ôn Quang Trà Khương Lạc Đới Thân Huỳnh Trịnh Tiền Triệu"
).split()
MIDDLES = (
    "Văn Thị Hữu Minh Thanh Ngọc Quốc Công Hoàng Tấn Phước Kim Mỹ Bích Thu Hồng Tuyết Đức Xuân Hoài Thành "
    "Trọng Đình Duy Gia Bảo Nhật Anh Thái Việt Như Thùy Diệu Cẩm Kiều Phương Tường Tuấn Hải Trung Vĩnh Chí "
    "Khánh Quang Bá Tiến Tú Lệ Hoa Ánh Yến Huyền Hương Mai Diễm Thúy Bửu Phú Quý Lâm Hòa Thiện Nguyên Trí Sơn "
    "Thế Mạnh Hiếu Hùng Tâm Thảo Vân Vy Uyên Trúc Ngân Song Cát Hạnh"
).split()
GIVEN = (
    "An Ân Anh Ánh Bảo Bé Bích Bình Bửu Cảnh Châu Chi Chí Chiến Cúc Cường Danh Diễm Diệp Diệu Dung Dũng Duy "
    "Duyên Dương Đạt Điền Định Đông Đức Đực Em Giang Hà Hạnh Hải Hằng Hân Hạo Hậu Hiền Hiển Hiệp Hiếu Hòa Hoa "
    "Hoài Hoàng Học Hồng Huệ Hùng Hưng Hương Hường Huy Huyền Khá Khải Khang Khánh Khoa Kiệt Kim Kiều Lài Lam Lâm "
    "Lan Lành Lệ Liên Liễu Linh Loan Lộc Lợi Long Luân Lực Lụa Lương Ly Lý Mai Mạnh Mến Minh Mơ Mỹ Mười Nam Nga "
    "Ngân Nghĩa Ngọc Nguyên Nguyệt Nhàn Nhân Nhạn Nhi Nhung Nhựt Nhật Như Ninh Oanh Phát Phong Phú Phúc Phụng "
    "Phước Phương Phượng Quân Quang Quế Quốc Quới Quý Quyên Sang Sáu Sen Sơn Sương Tài Tâm Tân Tấn Thạch Thái "
    "Thắm Thắng Thanh Thành Thảo Thi Thiện Thịnh Thoa Thông Thu Thuận Thủy Thúy Thư Thương Tiên Tiến Tín Toàn "
    "Trang Trâm Trí Trinh Trọng Trúc Trung Tú Tuấn Tuyến Tuyết Tùng Tư Tươi Út Uyên Vàng Vân Văn Vinh Vĩnh Vũ "
    "Vy Xuân Yến Bảy Tám Chín Mừng Nhị Ba Hai Năm Đen Trắng Lùn Mập Hên Tốt Đẹp Thơm Rớt Đậm Cưng Hoàng "
    "Bông Điệp Hoàn Hợp Khoa Lẹ Lượm Nhỏ Nở Sỹ Tín Triều Vui Xinh Thơ Mận Na Nhãn Quyền Đào Đạo Giàu Sách"
).split()
# Khmer names of An Giang (Tri Tôn, Tịnh Biên) as Vietnamese papers write them; Chinese-origin syllables
KHMER = (
    "Chau Néang Sóc Khanh Pho Thol Ty Sa Rinh Phal Thi Chanh Đa Sô Phol Thươl Ly Ren Sam Bô Thu Sà Quel Ton "
    "Ri Phi Kha Ni Vên Da Phia Khum Srây Nich Rây Sóc Sên Sa Ưl Pheap Sary Sóc Khonl Sơ Phâl Rết Kim Ngọl "
    "Chanh Đa Mol Thêm Sôl Dêl Nhênh Xươl Khêl Len Som Bo Suôl"
).split()
CHINESE = "Quách Khưu Diệp Tăng Lâm Lưu Huỳnh Mạch Hứa Tạ Lục Châu Hồng Quan Triệu Tiêu Dư Ông".split()

POSITIONS = ("surname", "middle", "given")
# the two repairs, each measured on its own (corpus/repairs.py); given names are an open set, so lost
# diacritics are restored only in surnames and middle names (closed sets)
UNDO_DOUBLING = True
RESTORE_DIACRITICS = True
ONE_SLIP = True  # a surname or middle name one letter away from exactly one in the lexicon: "Nguễn", "Nzọc"


@lru_cache(maxsize=None)
def _lexicon(position: str) -> frozenset[str]:
    base = {"surname": SURNAMES + CHINESE, "middle": MIDDLES + KHMER, "given": GIVEN + MIDDLES + KHMER}[position]
    return frozenset(nfc(w) for w in base)


@lru_cache(maxsize=None)
def _by_fold(position: str) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for w in _lexicon(position):
        out.setdefault(fold(w), set()).add(w)
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=None)
def _surname_folds() -> frozenset[str]:
    return frozenset(fold(s) for s in _lexicon("surname"))


@lru_cache(maxsize=None)
def _all_folds() -> frozenset[str]:
    return frozenset(fold(w) for w in _all())


@lru_cache(maxsize=None)
def _all() -> frozenset[str]:
    return frozenset().union(*(_lexicon(p) for p in POSITIONS))


def _has_mark(word: str) -> bool:
    return any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", word)) or "đ" in word.lower()


def _undo_doubling(word: str) -> set[str]:
    """Every way of dropping one of two neighbouring letters with the same base letter (`tt`, `ếê`)."""
    out = set()
    for i in range(len(word) - 1):
        a, b = word[i], word[i + 1]
        if a.isalpha() and fold(a) == fold(b):
            out.add(word[:i] + word[i + 1:])
            out.add(word[:i + 1] + word[i + 2:])
    return out


def repair_word(word: str, position: str) -> str:
    """One name word as written, given its place in the name (surname, middle, given)."""
    if not word or not word[0].isupper():
        return word
    if word.isupper() and len(word) > 1:  # a name in capitals: repaired as its title-case spelling
        fixed = repair_word(word[0] + word[1:].lower(), position)
        return fixed.upper() if fixed != word[0] + word[1:].lower() else word
    lex = _lexicon(position)
    if word in lex or word in _all():
        return word
    candidates = {c for c in _undo_doubling(word) if c in lex} if UNDO_DOUBLING else set()
    if len(candidates) == 1:
        return candidates.pop()
    if ONE_SLIP and position != "given" and len(word) >= 4:
        near = [w for w in lex if len(w) >= 4 and Levenshtein.distance(word, w) == 1]
        if len(near) == 1 and fold(word) not in _all_folds():
            return near[0]
    if RESTORE_DIACRITICS and position != "given" and not _has_mark(word) and word.isalpha():
        spellings = _by_fold(position).get(fold(word))
        if spellings and len(spellings) == 1:
            restored = next(iter(spellings))
            return restored
    return word


def repair_name(name: str) -> str:
    """A person's name (surname first) with OCR slips repaired where the lexicon leaves one reading.

    A name whose first word is not a known surname is left as it is (a foreign or unusual name)."""
    words = name.split()
    if len(words) < 2:
        return name
    first = repair_word(words[0], "surname")
    if fold(first) not in _surname_folds():
        return name
    out = [first]
    for w in words[1:-1]:
        out.append(repair_word(w, "middle"))
    out.append(repair_word(words[-1], "given"))
    return " ".join(out)
