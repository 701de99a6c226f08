"""Who may do what: the one policy table that the code and the tests both read.

Roles follow the inspectorate's staff (Circular 05/2021/TT-TTCP; Luật Tố cáo 2018, Law 25/2018/QH14):

- ``intake`` — intake clerk (tiếp công dân): registers and uploads the letters of their unit, enters them in
  the register and answers duplicate proposals;
- ``officer`` — handling officer (chuyên viên xử lý đơn): the letters of their unit, the denouncer's identity
  included (they receive and forward denunciations, Art. 8(3));
- ``leader`` — leader (lãnh đạo): everything of their unit and the units below it, statistics, the audit trail;
  the register of their unit subtree and its decisions (the head of the body decides to accept, thụ lý);
- ``archivist`` — archivist (lưu trữ): bulk ingest and search of archived dossiers, never a denouncer's identity;
- ``verifier`` — verification team (tổ xác minh): only redacted copies (Luật Tố cáo 2018 Art. 56);
- ``admin`` — administrator: users and settings, the audit trail; no letters.

Units form a tree written as a path of slugs, province first (``an-giang/long-xuyen/my-hoa``): a person sees
the records of their unit and of the units below it. This module is pure: no storage, no web; the accounts
live in ``records``, the checks are applied in ``records.read`` and ``api``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    INTAKE = "intake"
    OFFICER = "officer"
    LEADER = "leader"
    ARCHIVIST = "archivist"
    VERIFIER = "verifier"
    ADMIN = "admin"


class Action(StrEnum):
    READ = "read"                        # a record's JSON, card and document page (as the reader may see it)
    READ_IDENTITY = "read_identity"      # a denouncer's name, address, ID, phone, e-mail, signature
    READ_PAGE_IMAGE = "read_page_image"  # page images (redacted unless READ_IDENTITY)
    READ_ORIGINAL = "read_original"      # the uploaded file as received
    READ_REDACTED = "read_redacted"      # the redacted copy of a denunciation (Art. 56)
    SEARCH = "search"
    UPLOAD = "upload"                    # upload, ingest, retry
    CORRECT = "correct"                  # corrections of type, parties, parcels; typed pages
    EXPORT = "export"                    # searchable PDF/A and archival metadata (records.archival)
    READ_RESTRICTED = "read_restricted"  # dossiers whose access level (mức độ tiếp cận) is "restricted"
    EDIT_ARCHIVAL = "edit_archival"      # the archival metadata of dossiers and documents (Circular 05/2025)
    STATISTICS = "statistics"
    READ_AUDIT = "read_audit"
    MANAGE_USERS = "manage_users"
    READ_REGISTER = "read_register"      # the register of letters (sổ xử lý đơn): list, sheet, due list
    REGISTER = "register"                # enter a letter in the register; confirm/reject a duplicate proposal
    DECIDE = "decide"                    # judge a letter, record the decision (accept, forward, …), resolve


A = Action
#: the policy table: what each role may do (within its unit subtree for record actions)
POLICY: dict[Role, frozenset[Action]] = {
    Role.INTAKE: frozenset({A.READ, A.READ_IDENTITY, A.READ_PAGE_IMAGE, A.READ_ORIGINAL, A.SEARCH,
                            A.UPLOAD, A.READ_REGISTER, A.REGISTER}),
    Role.OFFICER: frozenset({A.READ, A.READ_IDENTITY, A.READ_PAGE_IMAGE, A.READ_ORIGINAL, A.READ_REDACTED,
                             A.SEARCH, A.UPLOAD, A.CORRECT, A.EXPORT, A.READ_RESTRICTED, A.READ_REGISTER,
                             A.REGISTER, A.DECIDE}),
    Role.LEADER: frozenset({A.READ, A.READ_IDENTITY, A.READ_PAGE_IMAGE, A.READ_ORIGINAL, A.READ_REDACTED,
                            A.SEARCH, A.CORRECT, A.EXPORT, A.STATISTICS, A.READ_AUDIT, A.READ_RESTRICTED,
                            A.EDIT_ARCHIVAL, A.READ_REGISTER, A.DECIDE}),
    Role.ARCHIVIST: frozenset({A.READ, A.READ_PAGE_IMAGE, A.READ_ORIGINAL, A.SEARCH, A.UPLOAD, A.CORRECT,
                               A.EXPORT, A.READ_RESTRICTED, A.EDIT_ARCHIVAL}),
    # originals of denunciations: refused to the archivist (records.redaction); exports are redacted copies
    Role.VERIFIER: frozenset({A.READ_REDACTED}),
    Role.ADMIN: frozenset({A.READ_AUDIT, A.MANAGE_USERS}),
}
del A

#: actions on records, limited to the reader's unit subtree (the others are about the service itself)
RECORD_ACTIONS = frozenset({Action.READ, Action.READ_IDENTITY, Action.READ_PAGE_IMAGE, Action.READ_ORIGINAL,
                            Action.READ_REDACTED, Action.SEARCH, Action.CORRECT, Action.EXPORT,
                            Action.READ_REGISTER, Action.REGISTER, Action.DECIDE, Action.READ_RESTRICTED,
                            Action.EDIT_ARCHIVAL})

class NotAllowed(Exception):
    """The reader may not have what they asked for — their role, unit, clearance or the access level keeps them
    out (the API answers 403). The one refusal of the records layer (`records.archival`, `records.redaction`,
    `ingest.archive`); `api.auth.NotAllowed` is the same refusal at the HTTP layer (with whether to answer a
    page)."""


#: access levels of archived dossiers (mức độ tiếp cận, Luật Lưu trữ 2024; Circular 05/2025/TT-BNV's dossier
#: data): "open" (mở) for every reader of the unit, "restricted" (hạn chế) only for roles with READ_RESTRICTED
ACCESS_LEVELS = ("open", "restricted")


def normalise_unit(unit: str) -> str:
    """A unit path without empty or surrounding slashes: ``/an-giang//my-hoa/`` → ``an-giang/my-hoa``."""
    return "/".join(part.strip() for part in unit.strip().split("/") if part.strip())


def unit_paths(unit: str) -> list[str]:
    """`a/b/c` → ["", "a", "a/b", "a/b/c"]: the unit and every unit above it, the root first (a search index
    stores them so that a query for any unit above finds the document)."""
    parts = normalise_unit(unit).split("/") if normalise_unit(unit) else []
    return [""] + ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def unit_contains(outer: str, inner: str) -> bool:
    """Is `inner` the unit `outer` or a unit below it? (``an-giang`` contains ``an-giang/long-xuyen``.)"""
    a, b = normalise_unit(outer), normalise_unit(inner)
    if not a:
        return True  # the root: the whole tree
    return b == a or b.startswith(a + "/")


@dataclass(frozen=True)
class Principal:
    """A logged-in person (or a script's token): name, role, unit."""

    username: str
    role: Role
    unit: str

    def may(self, action: Action) -> bool:
        """Does the policy table give this person's role `action` at all?"""
        return action in POLICY[self.role]

    def may_on(self, action: Action, record_unit: str | None) -> bool:
        """`action` on a record of `record_unit` (None: the root, an archived dossier not yet assigned)."""
        if not self.may(action):
            return False
        if action not in RECORD_ACTIONS:
            return True
        return unit_contains(self.unit, record_unit or "")


def may_access_level(principal: "Principal | None", level: str | None) -> bool:
    """May `principal` (None: the system) read a dossier of access level `level` at all? An unknown level
    counts as restricted."""
    if principal is None or level == "open":
        return True
    return principal.may(Action.READ_RESTRICTED)


def allowed(role: Role, action: Action) -> bool:
    """The policy table as a function (the tests' role × action matrix reads it)."""
    return action in POLICY[role]
