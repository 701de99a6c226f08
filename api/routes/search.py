"""`GET /search`: full-text search with filters, limited to the caller's units (hits, totals and facets never
count a document they may not read); the terms are written to the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from api.auth import Caller, audit_event, need
from api.models import MAX_PAGE, MAX_QUERY_CHARS, SearchHitModel, SearchResponse
from api.routes.common import errors, services
from donthu.access import Action
from donthu.schema import DocType, Kind
from donthu.text import nfc
from records.confidential import cleared
from records.read import reader_unit

router = APIRouter(tags=["search"])


def search_terms(**params: object) -> str:
    """The audit trail's target of a search: its non-empty parameters, `name=value` joined by spaces."""
    return " ".join(f"{k}={v}" for k, v in params.items() if v not in (None, ""))


@router.get("/search", response_model=SearchResponse, responses=errors(401, 403, 422),
            summary="Full-text search with filters")
def search(
    request: Request,
    caller: Annotated[Caller, Depends(need(Action.SEARCH))],
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS,
                            description='words and "quoted phrases", with or without diacritics')] = "",
    type: Annotated[DocType | None, Query(description="complaint, denunciation, recommendation, land_dispute")] = None,
    kind: Annotated[Kind | None, Query(description="petition, decision, conclusion, notice, minutes, other")] = None,
    commune: Annotated[str | None, Query(max_length=200, description="xã / phường / thị trấn")] = None,
    district: Annotated[str | None, Query(max_length=200, description="huyện / thị xã / thành phố")] = None,
    parcel: Annotated[str | None, Query(max_length=100,
                                        description='"45/12" = parcel 45 on map sheet 12; "45" = any sheet')] = None,
    year_from: Annotated[int | None, Query(alias="from", ge=1900, le=2100, description="from this year")] = None,
    year_to: Annotated[int | None, Query(alias="to", ge=1900, le=2100, description="up to this year")] = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-based page of results")] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchResponse:
    if year_from is not None and year_to is not None and year_from > year_to:
        raise HTTPException(422, f"'from' ({year_from}) must not be after 'to' ({year_to})")
    settings = services(request).settings
    words = len(q.split())
    if words > settings.max_query_words:
        raise HTTPException(422, f"q: too many words ({words}, at most {settings.max_query_words})")
    from search.backend import SearchQuery

    query = SearchQuery(
        text=nfc(q),
        type=type,
        kind=kind,
        commune=nfc(commune) if commune else None,
        district=nfc(district) if district else None,
        parcel=parcel,
        year_from=year_from,
        year_to=year_to,
        limit=per_page,
        offset=(page - 1) * per_page,
        unit=reader_unit(caller.reader),
        cleared=cleared(caller.principal),
    )
    audit_event(request, "search", search_terms(q=query.text, type=type, kind=kind, commune=query.commune,
                                                district=query.district, parcel=parcel, year_from=year_from,
                                                year_to=year_to, page=page if page > 1 else None))
    results = services(request).backend().search(query)
    return SearchResponse(
        total=results.total,
        page=page,
        per_page=per_page,
        hits=[
            SearchHitModel(
                doc_id=h.doc_id,
                file=h.file,
                kind=h.kind,
                type=h.type,
                score=h.score,
                page=h.page,
                snippet=h.snippet,
                matched_pages=list(h.matched_pages),
                date=h.date,
                document_url=f"/documents/{h.doc_id}",
                page_image_url=f"/documents/{h.doc_id}/pages/{h.page}/image",
            )
            for h in results.hits
        ],
        facets=results.facets,
        approximate=results.approximate,
    )
