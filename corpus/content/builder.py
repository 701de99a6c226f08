"""DocBuilder: accumulates a document's Lines and its ground truth as the text is written."""

from __future__ import annotations

import datetime as dt
import random

from corpus.model import GeneratedDoc, Line
from donthu.text import nfc


class DocBuilder:
    """One per document: `para()`/`heading()` add lines, `party()`/`parcels()`/`ref()` add truth."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.parties: list[dict] = []
        self.parcel_truth: list[dict] = []
        self.refs: dict[str, dict] = {}
        self.signatures: list[str] = []

    # lines -----------------------------------------------------------------------------------------------
    def add(self, text: str, **kw) -> None:
        self.lines.append(Line(text=nfc(text), **kw))

    def para(self, text: str, indent: float = 1.0, **kw) -> None:
        kw.setdefault("align", "justify")
        self.add(text, indent=indent, **kw)

    def heading(self, text: str, size: float = 1.0, space_before: float = 0.0, **kw) -> None:
        kw.setdefault("align", "center")
        kw.setdefault("bold", True)
        self.add(text, size=size, space_before=space_before, **kw)

    # truth -----------------------------------------------------------------------------------------------
    def party(self, name: str, role: str, id_number: str | None = None, address: str | None = None) -> None:
        name = nfc(name)
        for p in self.parties:
            if p["name"] == name and p["role"] == role:
                p["id_number"] = p["id_number"] or id_number
                p["address"] = p["address"] or (nfc(address) if address else None)
                return
        self.parties.append(
            {"name": name, "role": role, "id_number": id_number, "address": nfc(address) if address else None}
        )

    def parcels(self, truths: list[dict]) -> None:
        for t in truths:
            key = (t["parcel_no"], t["map_sheet"])
            for old in self.parcel_truth:
                if (old["parcel_no"], old["map_sheet"]) == key:
                    for k, v in t.items():
                        if old.get(k) is None and v is not None:
                            old[k] = v
                    break
            else:
                self.parcel_truth.append({k: (nfc(v) if isinstance(v, str) else v) for k, v in t.items()})

    def ref(self, truth: dict) -> None:
        if not truth:
            return
        num = nfc(truth["number"])
        old = self.refs.get(num)
        if old is None:
            self.refs[num] = {"number": num, "date": truth.get("date"), "issuer": nfc(truth["issuer"]) if truth.get("issuer") else None}
        else:
            old["date"] = old["date"] or truth.get("date")
            old["issuer"] = old["issuer"] or (nfc(truth["issuer"]) if truth.get("issuer") else None)

    def cite(self, pair: tuple[str, dict]) -> str:
        """Record the truth of a (text, truth) citation and return its text."""
        text, truth = pair
        self.ref(truth)
        return text

    def build(
        self,
        doc_id: str,
        family: str,
        kind: str,
        type_: str,
        title_names_type: bool,
        date: dt.date | None,
        dossier_id: str | None = None,
    ) -> GeneratedDoc:
        lines = list(self.lines)
        text = "\n".join(ln.text for ln in lines)
        for p in self.parcel_truth:
            # a level the parcel's clause omits comes from the document's location of the land; when the
            # document never writes it, the truth has none
            for key in ("commune", "district", "province"):
                if p.get(key) and p[key] not in text:
                    p[key] = None
        return GeneratedDoc(
            doc_id=doc_id,
            family=family,
            kind=kind,
            type=type_,
            title_names_type=title_names_type,
            lines=lines,
            parties=self.parties,
            parcels=self.parcel_truth,
            references=list(self.refs.values()),
            date=date.isoformat() if date else None,
            dossier_id=dossier_id,
            signature_names=[nfc(s) for s in self.signatures],
        )


def pick(rng: random.Random, options: list):
    """One of several independently written wordings (callables are called with no argument)."""
    choice = rng.choice(options)
    return choice() if callable(choice) else choice
