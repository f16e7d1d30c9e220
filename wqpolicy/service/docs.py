"""`/docs`: Swagger UI 5 (it reads OpenAPI 3.1, which FastAPI writes) served from the static files the package
`fastapi-offline` carries (in the `serve` extra), never from a CDN, so the API's documentation page works on a bureau
network with no way out; without the package, a page that says where the OpenAPI document is."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"


def install(app: FastAPI, openapi_url: str = "/openapi.json") -> None:
    """Add `/docs` (and its assets under ``ASSETS``) to ``app``, which must be made with ``docs_url=None``."""
    swagger_ui_path = _static_folder()
    if swagger_ui_path is not None:
        app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        if swagger_ui_path is None:
            return HTMLResponse(
                "<!doctype html><meta charset=utf-8><title>wqpolicy API</title>"
                f'<p>接口说明见 <a href="{openapi_url}">{openapi_url}</a>（交互式页面需安装 fastapi-offline）。'
                f'<p>The API is described at <a href="{openapi_url}">{openapi_url}</a> (the interactive page needs '
                'the package fastapi-offline: <code>pip install "wqpolicy[serve]"</code>).',
                status_code=200,
            )
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} — docs",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
        )


def _static_folder() -> Path | None:
    """The folder of Swagger UI's files in the installed `fastapi-offline`, or None (only its files are used)."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "static"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None
