"""Bundles: the signed, encrypted files that carry a laptop's responses to the coordinator."""
