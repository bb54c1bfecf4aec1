"""The built-in BerAKHLAK questionnaire and sample unit list, from the wheel or the source tree."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from akhlak_tui.questionnaire.loading import load_questionnaire
from akhlak_tui.questionnaire.model import Questionnaire
from akhlak_tui.questionnaire.units import Unit, load_units_csv

BUILTIN_QUESTIONNAIRE = "berakhlak.toml"
SAMPLE_UNITS = "sample-units.csv"


def builtin_file(name: str) -> Path:
    """Path of a built-in file: packaged in the wheel, or `questionnaires/` of a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "builtin" / name
    if packaged.is_file():
        return packaged
    source = Path(__file__).resolve().parents[3] / "questionnaires" / name
    if source.is_file():
        return source
    raise FileNotFoundError(f"built-in file {name} is missing from this installation")


@lru_cache(maxsize=1)
def builtin_questionnaire() -> Questionnaire:
    """The built-in BerAKHLAK questionnaire (parsed once per process)."""
    return load_questionnaire(builtin_file(BUILTIN_QUESTIONNAIRE))


@lru_cache(maxsize=1)
def sample_units() -> tuple[Unit, ...]:
    """The example unit list used when no survey is installed."""
    return tuple(load_units_csv(builtin_file(SAMPLE_UNITS)))
