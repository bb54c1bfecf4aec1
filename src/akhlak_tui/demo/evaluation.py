"""The demo's evaluation: each unit's returned form and the evaluator's verified levels, in the merged database."""

from __future__ import annotations

import random
from pathlib import Path

from akhlak_tui import locations
from akhlak_tui.evaluation.loading import builtin_instrument, builtin_instrument_text
from akhlak_tui.evaluation.store import Claim, EvaluationStore, UnitReturn
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.survey.package import SurveyPackage

NOTES = ("bukti lengkap", "dokumen ada, pelaksanaan belum rutin", "belum ada bukti pelaksanaan", "laporan kegiatan belum dilampirkan")


def fill_demo_evaluation(data_dir: Path, package: SurveyPackage, seed: int) -> str:
    """Bind the merged database to the demo survey and store a verified evaluation of every unit.

    Levels follow from the seed and the unit; now and then the evaluator verifies a level below
    the one claimed. Leaves a database that already holds another survey, or an evaluation,
    as it is. Returns what was done, in one line.
    """
    path = locations.merged_path(data_dir)
    ins = builtin_instrument()
    with MergedDatabase(path) as mdb:
        row = mdb.survey_row()
        if row is not None and row["id"] != package.survey_id:
            return f"Evaluation: left out ({path} holds another survey)"
        mdb.set_survey(package.survey_id, package.name, package.questionnaire_toml, package.units, package.created_at)
        store = EvaluationStore(mdb.db)
        if EvaluationStore.has_evaluation(mdb.db):
            return f"Evaluation: already in {path}"
        returns, verified = [], []
        for unit in package.units:
            rng = random.Random(f"akhlak demo evaluation {seed} {unit.code}")
            strength = rng.random()
            claims = []
            for criterion in ins.criteria:
                scores = ins.scale_for(criterion).scores
                claimed = scores[min(len(scores) - 1, int((strength * 0.6 + rng.random() * 0.6) * len(scores)))]
                checked = claimed if rng.random() < 0.75 else scores[max(0, scores.index(claimed) - 1)]
                claims.append(Claim(criterion.id, claimed, f"{criterion.id}-{unit.code}.pdf", "", "demo"))
                verified.append((unit.code, criterion.id, checked, NOTES[0] if checked == claimed == scores[-1] else rng.choice(NOTES[1:])))
            returns.append(UnitReturn(unit.code, "demo", unit.code, "", claims))
        store.store_returns(returns, builtin_instrument_text(), ins)
        for unit, criterion, level, note in verified:
            store.verify(unit, criterion, level, note)
    return f"Evaluation: {len(package.units)} units returned and verified, in {path}"
