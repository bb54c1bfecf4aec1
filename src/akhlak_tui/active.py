"""The survey this laptop runs now: an installed survey, or practice on the built-in questionnaire."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from akhlak_tui.questionnaire.model import Questionnaire
from akhlak_tui.questionnaire.units import Unit

if TYPE_CHECKING:
    from akhlak_tui.store import Store


@dataclass(frozen=True)
class ActiveSurvey:
    """What the TUI and `status` run: the questionnaire, its units and (for a real survey) its id."""

    survey_id: str | None
    name: str
    questionnaire: Questionnaire
    units: tuple[Unit, ...]
    coordinator_box_key: bytes | None = None
    """The coordinator's X25519 public key that submitted responses are sealed to (None: practice)."""

    @property
    def is_practice(self) -> bool:
        return self.survey_id is None

    @property
    def unit_codes(self) -> list[str]:
        return [u.code for u in self.units]

    def sealer(self) -> Callable[[bytes], bytes] | None:
        """Seals a response's JSON to the coordinator (a sealed record); None for practice (kept in clear)."""
        if self.coordinator_box_key is None:
            return None
        from akhlak_tui.crypto.records import record_sealer

        return record_sealer(self.coordinator_box_key)

    def unit_name(self, code: str | None) -> str:
        for unit in self.units:
            if unit.code == code:
                return unit.name
        return code or "-"


def practice_survey() -> ActiveSurvey:
    """Practice on the built-in BerAKHLAK questionnaire with the sample units; never exported."""
    from akhlak_tui.questionnaire.builtin import builtin_questionnaire, sample_units

    return ActiveSurvey(
        survey_id=None,
        name="Latihan / practice (BerAKHLAK bawaan)",
        questionnaire=builtin_questionnaire(),
        units=sample_units(),
    )


def active_survey(data_dir: Path) -> ActiveSurvey:
    """The active installed survey of a data dir, else practice on the built-in questionnaire.

    Raises SurveyPackageError if the active survey's stored package no longer verifies.
    """
    from akhlak_tui import locations
    from akhlak_tui.store import Store

    with Store(locations.store_path(Path(data_dir))) as store:
        return active_survey_in(store)


def active_survey_in(store: Store) -> ActiveSurvey:
    """`active_survey` from the laptop's store already open (it is not opened and checked again)."""
    from akhlak_tui.survey.install import active_package_in

    package = active_package_in(store)
    return practice_survey() if package is None else package.active()


def sealer_for(data_dir: Path, survey_id: str | None) -> Callable[[bytes], bytes] | None:
    """The sealer of any installed survey (e.g. to abandon a draft of a survey that is not active).

    None for practice (survey_id None). Raises SurveyPackageError if the survey is not installed.
    """
    if survey_id is None:
        return None
    from akhlak_tui import locations
    from akhlak_tui.store import Store
    from akhlak_tui.survey.install import installed_package

    with Store(locations.store_path(Path(data_dir))) as store:
        return installed_package(store, survey_id).active().sealer()
