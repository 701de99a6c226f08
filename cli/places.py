"""`donthu place TEXT [--date YYYY-MM-DD] [--json]`: a written place resolved across the 1 July 2025
reorganisation (classify.gazetteer) — the old unit (commune, district, province) and the new one (commune,
province), or the candidates of a split commune or an ambiguous name."""

from __future__ import annotations

import sys

from classify.gazetteer import new_label, old_label, resolve_place


def cmd_place(args, settings) -> int:
    place = resolve_place(args.text, on=args.date)
    if args.json:
        sys.stdout.write(place.model_dump_json(indent=2) + "\n")
        return 0 if place.status != "unknown" else 1
    print(f"{place.written}: {place.status}" + (f" ({place.era} system)" if place.era else "")
          + (f" — {place.note}" if place.note else ""))
    if place.old:
        print(f"  before 1 July 2025: {old_label(place.old)} (province code {place.old.province_code})")
    if place.new:
        print(f"  since 1 July 2025:  {new_label(place.new)} (code {place.new.commune_code})")
    for unit in place.formerly:
        print(f"  formerly: {old_label(unit)}")
    for c in place.candidates:
        old = old_label(c.old) if c.old else "(a new unit)"
        print(f"  candidate: {old} → {new_label(c.new) if c.new else '?'}")
    return 0 if place.status != "unknown" else 1


def add_commands(sub) -> None:
    """Register `place` on the `donthu` sub-command parser."""
    p = sub.add_parser("place", help="resolve a written place to its units before and after 1 July 2025")
    p.add_argument("text", help="e.g. 'xã Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang' or 'X. Nhơn Mỹ, An Giang'")
    p.add_argument("--date", help="the document's date, YYYY-MM-DD (decides how a place without district reads)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_place)
