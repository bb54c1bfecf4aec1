"""The laptop's local SQLite store: responses, answers committed one by one, paradata events."""

from akhlak_tui.store.errors import DAMAGED, FULL, OTHER, READ_ONLY, StoreError
from akhlak_tui.store.store import DraftInfo, Store

__all__ = ["DAMAGED", "FULL", "OTHER", "READ_ONLY", "DraftInfo", "Store", "StoreError"]
