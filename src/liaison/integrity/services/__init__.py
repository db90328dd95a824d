"""Every write of integrity screening: importing watchlists, screening parties, deciding hits, recording
owners and directors. Each validates, checks permission, writes and audits in one transaction.

``party_clearance`` — the question other modules must ask before any commitment, payment, contract or data
sharing — is a read; it lives in :mod:`liaison.integrity.clearance` and is re-exported here so callers import
everything integrity offers from one place.
"""

from liaison.integrity.clearance import Clearance, party_clearance
from liaison.integrity.services.decisions import hit_decide
from liaison.integrity.services.relations import relation_delete, relation_save
from liaison.integrity.services.screening import (
    ScreenResult,
    on_registry_party_changed,
    party_screen,
    screening_run_execute,
    screening_run_start,
)
from liaison.integrity.services.watchlists import (
    ImportResult,
    WatchlistImportError,
    watchlist_import,
    watchlist_import_enqueue,
    watchlist_import_is_large,
)

__all__ = [
    "Clearance",
    "ImportResult",
    "ScreenResult",
    "WatchlistImportError",
    "hit_decide",
    "on_registry_party_changed",
    "party_clearance",
    "party_screen",
    "relation_delete",
    "relation_save",
    "screening_run_execute",
    "screening_run_start",
    "watchlist_import",
    "watchlist_import_enqueue",
    "watchlist_import_is_large",
]
