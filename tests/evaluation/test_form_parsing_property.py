"""Any instrument text or returned csv form either loads or is refused with one line: never another exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akhlak_tui.evaluation.loading import EvaluationError, load_instrument, parse_instrument
from akhlak_tui.evaluation.workbook import CSV_HEADER, FormError, read_forms
from akhlak_tui.questionnaire.units import Unit

MINI = Path(__file__).resolve().parents[1] / "data" / "mini-evaluation.toml"
INSTRUMENT = load_instrument(MINI)
UNITS = [Unit(code="U1", name="Unit Satu"), Unit(code="U2", name="Unit Dua")]
TEXT = MINI.read_text("utf-8")


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(TEXT)), st.integers(0, 40), st.text(max_size=40))
def test_a_mangled_instrument_loads_or_gives_one_line_problems(start, length, insert):
    text = TEXT[:start] + insert + TEXT[start + length :]
    try:
        parse_instrument(text, "x.toml")
    except EvaluationError as exc:
        assert exc.problems and all("\n" not in str(p) and str(p).startswith("x.toml") for p in exc.problems)


cells = st.one_of(
    st.sampled_from(["U1", "U2", "U9", "rutin", "pakta", "agen", "inovasi", "nope", "0", "50", "100", "70", "=1+1", "", " ", "a;b"]),
    st.text(max_size=12),
    st.sampled_from(["=a\nb", "x\r\ny", "+1\n"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cells, min_size=0, max_size=6), max_size=10), st.booleans())
def test_any_csv_form_is_read_or_refused_with_one_line(tmp_path, rows, header):
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow(CSV_HEADER)
    writer.writerows(rows)
    path = tmp_path / "form.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    try:
        returns = read_forms([path], INSTRUMENT, UNITS, None)
    except FormError as exc:
        message = str(exc)
        assert "\n" not in message and message.startswith(str(path))
        return
    for ret in returns:  # a form that is read is complete and only has known levels
        assert ret.unit in ("U1", "U2")
        assert sorted(c.criterion for c in ret.claims) == sorted(c.id for c in INSTRUMENT.criteria)
        for claim in ret.claims:
            assert claim.level is None or claim.level in INSTRUMENT.scale_for(INSTRUMENT.criterion_by_id[claim.criterion]).scores
