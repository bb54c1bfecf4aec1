"""The laptop's local SQLite store: responses, answers committed one by one, paradata events."""

from akhlak_tui.store.store import DraftInfo, Store, StoreError

__all__ = ["DraftInfo", "Store", "StoreError"]
