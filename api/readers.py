"""Who asks, for one request: the seam between the login (built beside this) and the read path.

Every route and page that reads records, page images, originals or the index takes its reader from
`request_reader(request)` and hands it to `records.read` / `records.redaction` / `SearchQuery.cleared`, so what
a person may see is decided there. The login sets `request.state.reader` (a `records.read.Reader` with the
logged-in `Principal`), or the app is built with `create_app(..., reader_of=...)`; until then a request reads
as the system (`SYSTEM`: everything, as before access control).
"""

from __future__ import annotations

from typing import Any

from records.read import SYSTEM, Reader


def request_reader(request: Any) -> Reader:
    """The reader of this request: `request.state.reader`, else the app's `reader_of(request)`, else SYSTEM."""
    reader = getattr(request.state, "reader", None)
    if reader is not None:
        return reader
    reader_of = getattr(request.app.state.services, "reader_of", None)
    return reader_of(request) if reader_of is not None else SYSTEM
