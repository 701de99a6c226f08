"""Writes classify/places_2025.json — the rows of old An Giang (89), old Kiên Giang (91) and the new An Giang
(91) and their old → new conversion — from the files of the pinned `vietnamadminunits` package (MIT; its
copyright notice is copied into the JSON), without running its code (its converter calls an online geocoder).

    .venv/bin/python bench/build_gazetteer.py          # rewrite the file
    .venv/bin/python bench/build_gazetteer.py --check  # exit 1 if the file differs from the package's rows

The package is a test dependency (pyproject `[test]`), not a run-time one: donthu ships the extracted rows, so
an installation carries neither the package nor its dependencies (geopy, shapely, and unidecode, which is
GPL-2.0+). tests/test_gazetteer.py checks the shipped file equals what this script extracts.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import sqlite3
import sys
from pathlib import Path

PACKAGE = "vietnamadminunits"
OLD_PROVINCE_KEYS = ("tinhangiang", "tinhkiengiang")
NEW_PROVINCE_KEY = "tinhangiang"
OUT = Path(__file__).resolve().parent.parent / "classify" / "places_2025.json"


def data_dir() -> Path:
    """The installed package's data folder, found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{PACKAGE} is not installed: pip install -e '.[test]'")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def tables_from_package(folder: Path | None = None) -> dict:
    folder = folder or data_dir()
    db = sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True)
    try:
        old = [list(r) for r in db.execute(
            "SELECT provinceCode, provinceShort, provinceKey, districtCode, districtShort, districtType, districtKey,"
            " districtAlias, wardCode, ward, wardType, wardKey, wardAlias FROM admin_units_legacy"
            " WHERE provinceKey IN (?, ?) ORDER BY wardCode", OLD_PROVINCE_KEYS)]
        new = [list(r) for r in db.execute(
            "SELECT wardCode, provinceShort, provinceCode, ward, wardType, wardKey, wardAlias FROM admin_units"
            " WHERE provinceKey = ? ORDER BY wardCode", (NEW_PROVINCE_KEY,))]
    finally:
        db.close()
    converter = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))
    licence = (folder.parent.parent / f"{PACKAGE}-{importlib.metadata.version(PACKAGE)}.dist-info" / "licenses"
               / "LICENSE")
    return {
        "source": f"{PACKAGE} {importlib.metadata.version(PACKAGE)} (https://github.com/tranngocminhhieu/"
                  "vietnamadminunits): data/dataset.db tables admin_units_legacy (old) and admin_units (new), "
                  "data/converter_2025.json; written by bench/build_gazetteer.py",
        "licence": licence.read_text(encoding="utf-8") if licence.exists() else "MIT",
        "old_columns": ["provinceCode", "provinceShort", "provinceKey", "districtCode", "districtShort",
                        "districtType", "districtKey", "districtAlias", "wardCode", "ward", "wardType", "wardKey",
                        "wardAlias"],
        "old": old,
        "new_columns": ["wardCode", "provinceShort", "provinceCode", "ward", "wardType", "wardKey", "wardAlias"],
        "new": new,
        "undivided": converter["DICT_PROVINCE_WARD_NO_DIVIDED"][NEW_PROVINCE_KEY],
        "divided": converter["DICT_PROVINCE_WARD_DIVIDED"].get(NEW_PROVINCE_KEY, {}),
    }


def render(tables: dict) -> str:
    return json.dumps(tables, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = render(tables_from_package())
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("same" if same else f"{OUT} differs from the package's rows")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
