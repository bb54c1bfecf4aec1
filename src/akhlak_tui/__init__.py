"""akhlak-tui: the BerAKHLAK work-culture survey, offline."""

__version__ = "0.1.0"
