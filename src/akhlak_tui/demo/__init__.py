"""Demo data: simulated respondents, a demo coordinator and survey, and their signed, sealed bundles."""
