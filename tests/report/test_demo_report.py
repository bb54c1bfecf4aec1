"""`akhlak demo`, `akhlak merge` and `akhlak report --format html` give a sensible report in one go."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from akhlak_tui.cli import cli


def test_demo_then_merge_then_html_report(tmp_path, isolated_home, monkeypatch):
    monkeypatch.setenv("AKHLAK_PASSPHRASE", "a demo passphrase for tests")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in (["demo", "--devices", "2", "--responses", "60", "--workers", "1"], ["merge", "demo-bundles"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["report", "--format", "html", "-o", "laporan.html"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "laporan.html").read_text("utf-8")
    data = json.loads(runner.invoke(cli, ["report", "--format", "json"]).output)
    assert 100 <= data["respondents"] <= 120  # a few of the 120 are abandoned
    assert data["overall"]["status"] == "shown" and data["overall"]["category"] in "ABCD"
    index = re.search(r'data-key="overall.index">([\d,]+)<', page).group(1)
    assert index == f"{data['overall']['index']:.1f}".replace(".", ",")
    assert len(data["participation"]["units"]) == 16 and "Tujuh nilai dasar" in page
    assert data["participation"]["implausible_units"] == [] and not data["participation"]["total_implausible"]


def test_demo_respondents_fit_the_headcounts_of_its_units():
    """The default demo (5 laptops x 200) once gave more respondents than employees in most units."""
    from collections import Counter

    from akhlak_tui.demo.simulate import simulate_responses
    from akhlak_tui.demo.units import demo_units
    from akhlak_tui.questionnaire.builtin import builtin_questionnaire

    units = demo_units(5 * 200)
    counts: Counter[str] = Counter()
    for device in range(1, 6):
        counts.update(r.unit for r in simulate_responses(builtin_questionnaire(), units, 200, 1, f"DEV{device}", "s"))
    assert all(counts[u.code] <= u.headcount for u in units), {u.code: (counts[u.code], u.headcount) for u in units}
    assert demo_units() == demo_units(100)  # small demos keep the regency's real-looking headcounts
