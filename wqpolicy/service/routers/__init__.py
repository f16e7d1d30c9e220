"""One APIRouter per resource: policies, decisions, receipts, health (and status, metrics), and the staff page."""
