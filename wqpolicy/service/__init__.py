"""The decision service (`wqpolicy serve`): FastAPI on uvicorn, in FastAPI's "bigger applications" layout — the app
factory (app.py) taking its Settings (settings.py), an APIRouter per resource (routers/), the policy set serving
handed in as a dependency (deps.py, policyset.py), models mirroring the published JSON Schemas (models.py,
openapi.py), errors as problem+json (problems.py), the decision log written with group commits (logwriter.py),
metrics (metrics.py) and the staff page (form.py, templates/). Needs the extra ``wqpolicy[serve]``."""

from __future__ import annotations

EXTRA_HINT = 'pip install "wqpolicy[serve]"'
