"""Receipts: the coordinator signs which responses of a device arrived; the laptop verifies, marks and purges them."""

from akhlak_tui.receipt.document import RECEIPT_SUFFIX, Receipt, ReceiptError, ReceivedBundle

__all__ = ["RECEIPT_SUFFIX", "Receipt", "ReceiptError", "ReceivedBundle"]
