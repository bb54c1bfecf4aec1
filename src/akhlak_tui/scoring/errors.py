"""Why scores cannot be made as asked: ScoringError, and ExclusionError for --exclude-flagged."""

from __future__ import annotations


class ScoringError(ValueError):
    """The scores cannot be computed as asked (e.g. a breakdown field that is not a single item)."""


class ExclusionError(ScoringError):
    """Leaving the flagged responses out would let a comparison with the full report give them away."""
