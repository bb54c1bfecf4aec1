"""Scores of a merged survey: the BerAKHLAK index, its seven values, culture measures, participation."""

from akhlak_tui.scoring.compute import ScoringError, score_merged
from akhlak_tui.scoring.model import ScoreReport

__all__ = ["ScoreReport", "ScoringError", "score_merged"]
