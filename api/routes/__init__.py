"""The service's routes, one module per area (each an APIRouter that `api.app.create_app` includes):
`documents` (upload, records, page images, originals), `search`, `service` (health), `login` (login and
logout pages), `audit` (the audit trail, leaders and administrators). The clerks' other pages are `api.web`."""
