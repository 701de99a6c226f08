"""A bounded schemathesis run against the ASGI app (issue 16 item 6): every operation of the OpenAPI
document, a few generated requests each (valid and invalid), deterministic (derandomised Hypothesis), on the
real store, intake, rendering and search; zero 5xx, and every answer as the document describes it (status
code, media type, body schema, headers, Allow of a 405).

One check is left out: `positive_data_acceptance` (a request valid by the schema must not get 400/415/422).
The service judges more than a schema can say — an upload's format from its bytes (415), an empty file
(400), `from` after `to` (422), a typed page number beyond the document's pages (422) — and answers those
with the documented codes; every other check runs.

The requests' headers come from one fixture, `api_headers`: once every endpoint needs a login it returns
the auth header (one line).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from PIL import Image

from accounts import bearer
from api.app import create_app
from donthu.config import Settings

#: generated requests per operation (8 operations; the run takes well under 90 s)
EXAMPLES = 20


@pytest.fixture
def api_headers(api_app) -> dict[str, str]:
    """Headers every generated request carries: a handling officer's API token (a real user,
    tests/accounts.py), so every operation is reached past the login."""
    return api_app.state.test_headers


@pytest.fixture
def api_app(tmp_path: Path):
    """The app on a fresh data folder holding one stored document (id 1), so some ids exist."""
    app = create_app(Settings(data_dir=tmp_path / "data", workers=1), submit=lambda _: None)
    out = io.BytesIO()
    Image.new("L", (120, 80), 230).save(out, format="PNG")
    client = TestClient(app)  # no lifespan here: schemathesis starts the app's own once
    app.state.test_headers = bearer(client, "officer")
    assert client.post("/documents", files={"file": ("don.png", out.getvalue(), "image/png")},
                       headers=app.state.test_headers).status_code == 202
    return app


@pytest.fixture
def api_schema(api_app):
    return schemathesis.openapi.from_asgi("/openapi.json", api_app, headers=api_app.state.test_headers)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(case, api_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=api_headers, excluded_checks=[positive_data_acceptance])
