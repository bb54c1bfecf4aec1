"""The central merge: verify bundles, combine and de-duplicate their responses into one database."""
