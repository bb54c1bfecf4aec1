"""The evidence-based evaluation (Evaluasi Implementasi BerAKHLAK): instrument, store, workbooks, scores."""
