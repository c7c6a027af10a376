"""The API explorer (Swagger UI), served from /static like ECharts: pinned, local, no inline script."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

EXPLORER_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>cbec API</title>
  <link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-url="{openapi_url}"></div>
  <script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/static/explorer.js"></script>
</body>
</html>
"""


def router(openapi_url: str, docs_url: str) -> APIRouter:
    """Return the route of the explorer page at `docs_url`, reading the OpenAPI document at `openapi_url`."""
    explorer = APIRouter(include_in_schema=False)

    @explorer.get(docs_url)
    def docs() -> HTMLResponse:
        """Show the API explorer."""
        return HTMLResponse(EXPLORER_PAGE.format(openapi_url=openapi_url))

    return explorer
