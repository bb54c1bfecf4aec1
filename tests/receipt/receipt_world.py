"""A coordinator and a laptop that answer, export, merge and exchange receipts, through the CLI."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result
from merge_world import PASSPHRASE, Coordinator, make_coordinator

from akhlak_tui import locations
from akhlak_tui.active import active_survey
from akhlak_tui.cli import cli
from akhlak_tui.crypto.device import load_or_create_device
from akhlak_tui.demo.simulate import simulate_responses
from akhlak_tui.store import Store
from akhlak_tui.survey import install_survey


@dataclass
class World:
    coordinator: Coordinator
    laptop: Path
    stick: Path
    package_file: Path

    def run(self, home: Path, *args: str, input: str | None = None) -> Result:
        env = {"AKHLAK_HOME": str(home), "AKHLAK_PASSPHRASE": PASSPHRASE}
        return CliRunner().invoke(cli, list(args), env=env, input=input)

    def on_laptop(self, *args: str, input: str | None = None) -> Result:
        return self.run(self.laptop, *args, input=input)

    def on_coordinator(self, *args: str) -> Result:
        return self.run(self.coordinator.home, *args)

    def answer(self, n: int, seed: int = 1, *, drafts: int = 0) -> list[str]:
        """n responses submitted (sealed) through the Store, then `drafts` started and left unfinished."""
        return answer_on(self.laptop, n, seed, drafts=drafts)

    def export(self, *extra: str) -> Result:
        result = self.on_laptop("export", "--out", str(self.stick), *extra)
        assert result.exit_code == 0, result.output
        return result

    def merge_with_receipts(self) -> dict:
        result = self.on_coordinator("merge", str(self.stick), "--json", "--receipts", str(self.stick))
        assert result.exit_code in (0, 1), result.output
        return json.loads(result.stdout)

    def receipt_file(self) -> Path:
        [found] = self.stick.glob("*.akhlak-receipt")
        return found

    def store(self) -> Store:
        return Store(locations.store_path(self.laptop))

    def rows(self) -> dict[str, tuple]:
        """id -> (status, exported_seq, received_at is set, purged_at is set, sealed is set)."""
        with self.store() as store:
            return {
                rid: (status, seq, received is not None, purged is not None, sealed is not None)
                for rid, status, seq, received, purged, sealed in store.db.execute(
                    "select id, status, exported_seq, received_at, purged_at, sealed from responses"
                )
            }


def answer_on(laptop: Path, n: int, seed: int, *, drafts: int = 0) -> list[str]:
    survey = active_survey(laptop)
    device = load_or_create_device(laptop)
    whole = (r for r in simulate_responses(survey.questionnaire, survey.units, 10 * n + 10, seed, device.id, survey.survey_id) if r.status == "submitted")
    ids = []
    with Store(locations.store_path(laptop)) as store:
        for number in range(n + drafts):
            response = next(whole)
            rid = store.start_response(survey.questionnaire, device_id=device.id, mode="enumerator", language="id", survey_id=survey.survey_id)
            for item_id, value in response.answer_map.items():
                store.save_answer(rid, item_id, value, is_unit=item_id == "unit")
            if number < n:
                store.submit(rid, seal=survey.sealer())
            ids.append(rid)
    return ids


def make_world(tmp_path: Path) -> World:
    coordinator = make_coordinator(tmp_path / "coordinator", tmp_path / "unused")
    package_file = tmp_path / coordinator.survey.file_name()
    package_file.write_bytes((coordinator.home / "coordinator" / "surveys" / coordinator.survey.file_name()).read_bytes())
    laptop, stick = tmp_path / "laptop", tmp_path / "stick"
    laptop.mkdir()
    stick.mkdir()
    install_survey(laptop, package_file)
    coordinator.enrol_laptop(laptop, stick)
    return World(coordinator, laptop, stick, package_file)
