"""From counts to scores: the seven values, the index and its band, breakdowns with suppression,
participation against Slovin's minimum, and the values-selection results."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from fractions import Fraction

from akhlak_tui.evaluation.store import EvaluationState, EvaluationStore
from akhlak_tui.merge.database import MergedDatabase
from akhlak_tui.questionnaire.model import MultiItem, Questionnaire, SingleItem, UnitItem, tr
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.response import utc_now
from akhlak_tui.scoring import model as m
from akhlak_tui.scoring.aggregate import ENGAGEMENT, Counts, Part, Plan, Tallies, Votes, count_all, make_plan, unpack
from akhlak_tui.scoring.composite import evaluation_report
from akhlak_tui.scoring.errors import ExclusionError, ScoringError
from akhlak_tui.scoring.disclosure import FixedSums
from akhlak_tui.scoring.hiding import HidingRules
from akhlak_tui.scoring.left_out import REFUSALS, LeftOutHiding
from akhlak_tui.scoring.precision import Precision
from akhlak_tui.scoring.trust_figures import TrustFigures
from akhlak_tui.scoring.indicators import MAX_COUNT, counted, indicator_score
from akhlak_tui.scoring.formulas import (
    band_for,
    culture_hidden,
    culture_size,
    overall_index,
    percent,
    round_half_up,
    slovin_minimum,
    suppressed_groups,
)

WORDS = {
    "everyone": {"id": "Semua responden", "en": "All respondents"},
    "not_answered": {"id": "Tidak dijawab", "en": "Not answered"},
    "engagement": {"id": "Keterikatan kerja", "en": "Engagement"},
}


def _rounded(value: Fraction | None) -> tuple[float | None, float | None]:
    return (None, None) if value is None else (round_half_up(value), float(value))


def measure_score(parts: Sequence[Part], tallies: Sequence[int]) -> tuple[Fraction | None, int]:
    """(score, scored answers): pooled share of favourable answers, or the pooled mean rescaled to 0-100."""
    counts = [(unpack(tallies[p.tally]), p.span) for p in parts]
    valid = sum(n for (_, n), _ in counts)
    if valid == 0:
        return None, 0
    if parts[0].span:  # mean_scaled: points over each scale's span
        return sum((Fraction(value, span) for (value, _), span in counts), Fraction(0)) * 100 / valid, valid
    return percent(sum(value for (value, _), _ in counts), valid), valid


class Scorer(HidingRules, LeftOutHiding, FixedSums):
    """Turns the counts of one merged survey into a ScoreReport in one language."""

    def __init__(self, q: Questionnaire, units: Sequence[Unit], plan: Plan, lang: str) -> None:
        self.q, self.units, self.plan, self.lang = q, list(units), plan, lang
        self.min_size = q.scoring.min_group_size
        self.bands = q.scoring.bands
        self.precision: Precision | None = None
        """Adds 95% intervals to what is shown (scoring/precision.py); None: no intervals."""
        self.hidden_for_everyone: set[str] = set()
        """Figures a breakdown hides for everyone, as it has no other group to hide them with
        (`lost_figures`). It grows as the report is made, so score_counts makes every breakdown,
        the statements per unit and the culture per unit before everyone's figures that read it."""
        self.full: m.ScoreReport | None = None
        """With responses left out: the report counting everyone. Every figure it hides is hidden
        here too, or comparing the two would work out a hidden one."""

    def word(self, key: str) -> str:
        return tr(WORDS[key], self.lang)

    def _dimension(self, dim_id: str, label: str, tallies: Sequence[int]) -> tuple[m.DimensionScore, Fraction | None]:
        """One value's score; suppressed when fewer than min_group_size respondents answered it."""
        value, answers = measure_score(self.plan.measures[dim_id], tallies)
        respondents = unpack(tallies[self.plan.respondents[dim_id]])[1]
        out_id = "engagement" if dim_id == ENGAGEMENT else dim_id
        if value is None:
            return m.DimensionScore(id=out_id, label=label, status="no_data", score=None, exact=None, answers=0, respondents=0), None
        if respondents < self.min_size:
            return m.DimensionScore(id=out_id, label=label, status="suppressed", score=None, exact=None, answers=None), None
        score, exact_value = _rounded(value)
        return m.DimensionScore(id=out_id, label=label, score=score, exact=exact_value, answers=answers, respondents=respondents), value

    def group(self, key: str | None, label: str, counts: Tallies, suppression: str | None = None) -> m.GroupScore:
        n, tallies = counts
        if suppression is None and 0 < n < self.min_size:
            suppression = "small"
        if suppression:
            return m.GroupScore(key=key, label=label, status="suppressed", suppression=suppression, respondents=None)  # type: ignore[arg-type]
        if n == 0:
            return m.GroupScore(key=key, label=label, status="empty", respondents=0)
        dims, exacts = [], []
        for dim in self.q.dimensions:
            score, value = self._dimension(dim.id, tr(dim.label, self.lang), tallies)
            dims.append(score)
            exacts.append(value)
        group = m.GroupScore(key=key, label=label, status="shown", respondents=n, dimensions=dims)
        index = overall_index(exacts)
        if index is not None:
            band = band_for(round_half_up(index), self.bands)
            group.index, group.index_exact = _rounded(index)
            group.category, group.category_label = band.code, tr(band.label, self.lang)
        if ENGAGEMENT in self.plan.measures:
            group.engagement = self._dimension(ENGAGEMENT, self.word("engagement"), tallies)[0]
        return group

    def _group_labels(self, field: str) -> dict[str, str]:
        item = self.q.item_by_id[field]
        if isinstance(item, UnitItem):
            return {u.code: u.name for u in self.units}
        return {o.code: tr(o.label, self.lang) for o in item.options}  # type: ignore[attr-defined]

    def breakdown(self, field: str, rows: list[tuple[str | None, Tallies]]) -> m.Breakdown:
        labels = self._group_labels(field)
        counted = dict(rows)
        keys: list[str | None] = list(labels) + sorted(k for k in counted if k is not None and k not in labels)
        if counted.get(None, (0, []))[0]:
            keys.append(None)
        empty: Tallies = (0, [0] * len(self.plan.tallies))
        sizes = [(k, counted.get(k, empty)[0]) for k in keys]
        hidden = suppressed_groups(sizes, self.min_size)
        if self.plan.left_out is not None:
            hidden = self._hide_left_out(field, hidden, counted, self.plan.left_out.get(field, {}))
        groups = [
            self.group(k, labels.get(k, k) if k is not None else self.word("not_answered"), counted.get(k, empty), hidden.get(k))
            for k in keys
        ]
        self._hide_as_full_report(field, groups)
        self._hide_lost_values(field, groups)
        self._hide_complementary_values(field, groups, [counted.get(k, empty) for k in keys])
        if self.precision is not None:
            for g, k in zip(groups, keys):
                self.precision.group(g, counted.get(k, empty), self.precision.population(field == unit_field(self.q), k))
        return m.Breakdown(field=field, label=tr(self.q.item_by_id[field].label, self.lang), groups=groups)

    def _measures(self) -> list[str]:
        return [d.id for d in self.q.dimensions] + ([ENGAGEMENT] if ENGAGEMENT in self.plan.measures else [])

    def ranking(self, units: m.Breakdown | None) -> list[m.RankedUnit]:
        shown = [g for g in (units.groups if units else []) if g.index is not None and g.key is not None]
        shown.sort(key=lambda g: (-(g.index_exact or 0), g.key))
        ranked: list[m.RankedUnit] = []
        for position, g in enumerate(shown, start=1):
            rank = ranked[-1].rank if ranked and ranked[-1].index == g.index else position
            ranked.append(m.RankedUnit(rank=rank, code=g.key, name=g.label, index=g.index, category=g.category, category_label=g.category_label))  # type: ignore[arg-type]
        return ranked

    def participation(self, rows: list[tuple[str | None, Tallies]]) -> m.Participation:
        margin = self.q.scoring.slovin_margin
        counted = {k: t[0] for k, t in rows}
        # every submitted response, also those --exclude-flagged leaves out: who took part is the
        # same in both reports, so comparing them shows no small unit's flagged responses
        for k, n in ((self.plan.left_out or {}).get(unit_field(self.q) or "", {})).items():
            counted[k] = counted.get(k, 0) + n
        units = []
        listed = {u.code for u in self.units}
        extra = [Unit(code=k, name=k) for k in sorted(k for k in counted if k is not None and k not in listed)]
        for unit in self.units + extra:
            n = counted.get(unit.code, 0)
            rate = minimum = meets = None
            if unit.headcount:
                rate = round_half_up(percent(n, unit.headcount))  # type: ignore[arg-type]
                minimum = slovin_minimum(unit.headcount, margin)
                meets = n >= minimum
            implausible = bool(unit.headcount) and n > unit.headcount  # type: ignore[operator]
            if implausible:
                meets = None  # neither met nor missed: the count or the headcount is wrong
            units.append(
                m.UnitParticipation(
                    code=unit.code, name=unit.name, headcount=unit.headcount, respondents=n, rate=rate, minimum=minimum, meets_minimum=meets, implausible=implausible
                )
            )
        total_n = sum(counted.values())
        total_head = sum(u.headcount for u in self.units) if self.units and all(u.headcount for u in self.units) else None  # type: ignore[misc]
        return m.Participation(
            margin=margin,
            units=units,
            total_headcount=total_head,
            total_respondents=total_n,
            total_rate=round_half_up(percent(total_n, total_head)) if total_head else None,  # type: ignore[arg-type]
            total_minimum=slovin_minimum(total_head, margin) if total_head else None,
            units_below_minimum=sum(1 for u in units if u.meets_minimum is False),
            implausible_units=[u.code for u in units if u.implausible],
            total_implausible=bool(total_head) and total_n > total_head,  # type: ignore[operator]
        )

    def _options(self, item: MultiItem, votes: Counter[str], respondents: int, limit: int | None) -> list[m.OptionVotes]:
        order = {o.code: i for i, o in enumerate(item.options)}
        ranked = sorted(item.options, key=lambda o: (-votes[o.code], order[o.code]))[:limit]
        return [
            m.OptionVotes(
                code=o.code,
                label=tr(o.label, self.lang),
                tag=o.tags[0] if o.tags else None,
                votes=votes[o.code],
                percent=round_half_up(percent(votes[o.code], respondents) or Fraction(0)),
            )
            for o in ranked
        ]

    def _question(self, item_id: str | None, counts: Counts, top_n: int) -> m.QuestionVotes | None:
        item = self.q.item_by_id.get(item_id) if item_id else None
        if not isinstance(item, MultiItem):
            return None
        votes = counts.votes.options.get(item.id, Counter())
        respondents = counts.votes.answered.get(item.id, 0)
        return m.QuestionVotes(
            item=item.id,
            label=tr(item.label, self.lang),
            respondents=respondents,
            votes=sum(votes.values()),
            top=self._options(item, votes, respondents, top_n),
        )

    def values(self, counts: Counts) -> m.ValuesResult | None:
        spec = self.q.scoring.values
        if spec is None:
            return None
        asked = [getattr(spec, k) for k in ("personal", "current", "desired") if getattr(spec, k)]
        few = any(0 < counts.votes.answered.get(i, 0) < self.min_size for i in asked)  # a question few answered gives them away
        hidden_there = self.full is not None and self.full.values is not None and self.full.values.status == "suppressed"
        if counts.overall[0] < self.min_size or few or hidden_there or any(f"v:{i}" in self.lost_everyone() for i in asked):
            return m.ValuesResult(status="suppressed", top_n=spec.top_n)
        personal, current, desired = (self._question(getattr(spec, k), counts, spec.top_n) for k in ("personal", "current", "desired"))
        result = m.ValuesResult(status="shown", top_n=spec.top_n, personal=personal, current=current, desired=desired)
        result.entropy, result.positive_energy = self._entropy(current, counts.votes)
        top = {k: {o.code for o in v.top} for k, v in (("p", personal), ("c", current), ("d", desired)) if v is not None}
        if "p" in top and "c" in top:
            result.alignment_personal_current = len(top["p"] & top["c"])
        if "c" in top and "d" in top:
            result.alignment_current_desired = len(top["c"] & top["d"])
        for dim in self.q.dimensions:
            per_question = {}
            for key, question in (("personal", personal), ("current", current), ("desired", desired)):
                if question is not None:
                    item = self.q.item_by_id[question.item]
                    per_question[key] = sum(counts.votes.options[question.item][o.code] for o in item.options if dim.id in o.tags)  # type: ignore[attr-defined]
            result.votes_by_value.append(m.ValueVotes(value=dim.id, label=tr(dim.label, self.lang), **{k: per_question.get(k) for k in ("personal", "current", "desired")}))
        result.gaps = self._gaps(counts.votes)
        return result

    def _entropy(self, current: m.QuestionVotes | None, votes: Votes) -> tuple[float | None, float | None]:
        """Cultural entropy (share of "organisation now" votes for limiting options) and positive energy."""
        if current is None or not current.votes:
            return None, None
        item = self.q.item_by_id[current.item]
        limiting = sum(votes.options[current.item][o.code] for o in item.options if "limiting" in o.tags)  # type: ignore[attr-defined]
        entropy = round_half_up(Fraction(100 * limiting, current.votes))
        return entropy, round_half_up(100 - Fraction(repr(entropy)))

    def _gaps(self, votes: Votes) -> list[m.ValueGap]:
        """Per value: its share of all votes cast in "organisation now" and in "organisation wanted",
        and the gap wanted - now in points (positive: people want more of it than they see)."""
        spec = self.q.scoring.values
        current = self.q.item_by_id.get(spec.current or "") if spec else None
        desired = self.q.item_by_id.get(spec.desired or "") if spec else None
        if not isinstance(current, MultiItem) or not isinstance(desired, MultiItem):
            return []
        gaps = []
        for dim in self.q.dimensions:
            shares = []
            for item in (current, desired):
                cast = votes.options.get(item.id, Counter())
                shares.append(percent(sum(cast[o.code] for o in item.options if dim.id in o.tags), sum(cast.values())))
            now, wanted = shares
            gap = None if now is None or wanted is None else wanted - now
            gaps.append(
                m.ValueGap(
                    value=dim.id,
                    label=tr(dim.label, self.lang),
                    current=None if now is None else round_half_up(now),
                    desired=None if wanted is None else round_half_up(wanted),
                    gap=None if gap is None else round_half_up(gap) if gap >= 0 else -round_half_up(-gap),
                )
            )
        return gaps

    def culture_units(self, counts: Counts, units: m.Breakdown | None) -> list[m.UnitCulture]:
        """Entropy, top values of now and wanted, and the gap per value, of each unit; a unit hidden in
        the scores, or with fewer than min_group_size answering a values question (`culture_size`), shows none."""
        spec = self.q.scoring.values
        if spec is None or units is None:
            return []
        asked = [i for i in (spec.current, spec.desired) if i]

        def answered(key: str | None) -> list[int]:
            votes = counts.votes.by_unit.get(key, Votes())
            return [votes.answered.get(i, 0) for i in asked]

        out = []
        for g in units.groups:
            if g.key is None:
                continue
            votes = counts.votes.by_unit.get(g.key, Votes())
            if g.status != "shown" or culture_size(answered(g.key)) < self.min_size:
                reason = g.suppression if g.status == "suppressed" else ("small" if g.status == "shown" else None)
                status = "empty" if g.status == "empty" else "suppressed"
                out.append(m.UnitCulture(code=g.key, name=g.label, status=status, suppression=reason))
                continue
            current = self._question(spec.current, Counts((0, []), {}, votes), spec.top_n)
            desired = self._question(spec.desired, Counts((0, []), {}, votes), spec.top_n)
            entropy, positive = self._entropy(current, votes)
            out.append(
                m.UnitCulture(
                    code=g.key, name=g.label, status="shown", respondents=votes.answered.get(spec.current or "", 0), entropy=entropy,
                    positive_energy=positive, top_current=current.top if current else [], top_desired=desired.top if desired else [],
                    gaps=self._gaps(votes),
                )  # fmt: skip
            )
        self._hide_culture_as_full_report(out)
        self._hide_lost_culture(out, units.field)
        # question by question, a unit hidden alone (with those who gave no unit, when few) hides
        # another; leaving responses out, one that lost some of its votes, else everyone's go
        known = {u.code: [self.known_there(units.field, u.code, f"v:{q}") for q in asked] for u in out} if self.full is not None else None
        hidden, everyones = culture_hidden([(u.code, u.status != "shown", answered(u.code)) for u in out], answered(None), self.min_size, known)
        self.hidden_for_everyone.update(f"v:{asked[q]}" for q in everyones)
        for i, u in enumerate(out):
            if u.code in hidden and u.status == "shown":
                out[i] = m.UnitCulture(code=u.code, name=u.name, status="suppressed", suppression="complementary")
        return out

    def join_reasons(self, counts: Counts) -> m.JoinReasons | None:
        item = self.q.item_by_id.get(self.q.scoring.join_reason_item or "")
        if not isinstance(item, MultiItem):
            return None
        label = tr(item.label, self.lang)
        few = 0 < counts.votes.answered.get(item.id, 0) < self.min_size
        hidden_there = self.full is not None and self.full.join_reasons is not None and self.full.join_reasons.status == "suppressed"
        if counts.overall[0] < self.min_size or few or hidden_there or f"v:{item.id}" in self.lost_everyone():
            return m.JoinReasons(status="suppressed", item=item.id, label=label, respondents=None)
        respondents = counts.votes.answered.get(item.id, 0)
        reasons = self._options(item, counts.votes.options.get(item.id, Counter()), respondents, None)
        return m.JoinReasons(status="shown", item=item.id, label=label, respondents=respondents, reasons=reasons)

    def indicator_group(self, key: str | None, label: str, group: m.GroupScore, counts: Tallies) -> m.IndicatorGroup:
        """The statements of one group; a suppressed or empty group shows none."""
        out = m.IndicatorGroup(key=key, label=label, status=group.status, suppression=group.suppression)
        if group.status == "shown":
            n, tallies = counts
            out.indicators = [
                indicator_score(self.q, spec, counted(spec, tallies, n), self.lang, self.min_size) for spec in self.plan.items
            ]
        return out

    def indicators(self, overall: m.GroupScore, counts: Counts, units: m.Breakdown | None, breakdowns: Sequence[m.Breakdown] = ()) -> m.Indicators | None:
        """The statements of everyone and of each unit, with what they and the values hide, so that
        nothing hidden can be worked out (`breakdowns`: every breakdown shown, whose values a value
        hidden for everyone must hide in one group too)."""
        if not self.plan.items:
            return None
        if counts.overall[0] > MAX_COUNT:
            raise ScoringError(f"{counts.overall[0]} responses: behaviour indicators count at most {MAX_COUNT:,}")
        rows = dict(counts.groups.get(units.field, [])) if units else {}
        empty: Tallies = (0, [0] * len(self.plan.tallies))
        groups = [self.indicator_group(g.key, g.label, g, rows.get(g.key, empty)) for g in (units.groups if units else [])]
        everyone = self.indicator_group(None, overall.label, overall, counts.overall)
        self._hide_statements_as_full_report(everyone, groups)
        self._hide_lost_statements(everyone, groups, units.field if units else None)
        scored = [[counted(spec, tallies, n).scored for spec in self.plan.items] for n, tallies in (rows.get(g.key, empty) for g in groups)]
        scored_all = [counted(spec, counts.overall[1], counts.overall[0]).scored for spec in self.plan.items]
        values = [overall, *(units.groups if units else [])]
        unit_counts = [rows.get(g.key, empty) for g in (units.groups if units else [])]
        tables = [*breakdowns, *([units] if units is not None and units not in breakdowns else [])]
        while True:  # each step hides more, so it ends; it ends when no rule finds anything to work out
            while (
                self._hide_statements_beside(everyone, groups, scored)
                | self._hide_statements_within(values, [everyone, *groups], [scored_all, *scored])
                | (self._hide_complementary_values(units.field, units.groups, unit_counts, overall) if units else False)
                | self._hide_beside_everyone(everyone, groups, scored, scored_all, overall, tables, counts)
                | self._hide_everyones_beside_known(everyone, groups, scored, overall, tables, counts)
            ):
                pass
            if not self._hide_fixed(everyone, groups, overall, units, tables, counts, scored, scored_all):
                break  # the whole table solved: nothing hidden is fixed by what is shown
        if self.plan.left_out is not None:  # counts of who said "not applicable" or skipped: not given (docs/scoring.md)
            for g in [everyone, *groups]:
                g.indicators = [i.model_copy(update={"not_applicable": None, "missing": None}) for i in g.indicators]
        if self.precision is not None:  # everyone, then each unit (the group that gave no unit has the key None too)
            units_counted = [(g, rows.get(g.key, empty), self.precision.population(True, g.key)) for g in groups]
            for g, (n, tallies), people in [(everyone, counts.overall, self.precision.total), *units_counted]:
                for spec, score in zip(self.plan.items, g.indicators):
                    codes = self.q.scale_for(spec.item).codes
                    self.precision.indicator(score, counted(spec, tallies, n), codes, spec.item.reverse, self.q.scoring.favourable_min, people)
        return m.Indicators(overall=everyone, units=groups)

    def where_to_act(self, overall: m.GroupScore, indicators: m.Indicators | None, units: m.Breakdown | None) -> m.WhereToAct | None:
        """The three lowest indicators of the values, and each shown unit's weakest value with its indicators."""
        if indicators is None or overall.status != "shown":
            return None
        labels = {d.id: tr(d.label, self.lang) for d in self.q.dimensions}

        def refs(group: m.IndicatorGroup, value: str | None = None) -> list[m.IndicatorRef]:
            shown = [i for i in group.indicators if i.status == "shown" and i.value in labels and value in (None, i.value)]
            shown.sort(key=lambda i: (i.exact, i.item))
            return [m.IndicatorRef(item=i.item, name=i.name, value=i.value, value_label=labels[i.value], score=i.score) for i in shown]  # type: ignore[arg-type]

        actions = []
        by_key = {g.key: g for g in indicators.units}
        for g in units.groups if units else []:
            dims = [d for d in g.dimensions if d.status == "shown"]
            if g.status != "shown" or not dims or g.key is None:
                continue
            weakest = min(dims, key=lambda d: (d.exact, d.id))
            actions.append(
                m.UnitAction(code=g.key, name=g.label, value=weakest.id, value_label=weakest.label, value_score=weakest.score, indicators=refs(by_key[g.key], weakest.id))  # type: ignore[arg-type]
            )
        return m.WhereToAct(lowest=refs(indicators.overall)[:3], units=actions)


def unit_field(q: Questionnaire) -> str | None:
    return next((i.id for i in q.items if isinstance(i, UnitItem)), None)


def breakdown_fields(q: Questionnaire, by: Sequence[str] | None) -> list[str]:
    """The fields to break down by: `by` if given (checked), else the questionnaire's breakdowns."""
    if not by:
        return list(q.scoring.breakdowns)
    choices = [i.id for i in q.items if isinstance(i, (SingleItem, UnitItem))]
    for field in by:
        if field not in choices:
            raise ScoringError(f"cannot break down by {field!r}: choose one of {', '.join(choices)}")
    return list(by)


def score_counts(
    q: Questionnaire, units: Sequence[Unit], survey: m.SurveyInfo, plan: Plan, counts: Counts, fields: Sequence[str], lang: str,
    evaluation: EvaluationState | None = None, precision: Precision | None = None, weight: str | None = None,
    full: m.ScoreReport | None = None,
) -> m.ScoreReport:  # fmt: skip
    """The whole report from counts (pure: no database); with the evaluation and composite index when
    given, the 95% intervals with `precision` (its plan is `plan`), weighted by headcount with `weight`;
    `full`: with responses left out, the report counting everyone, whose hidden figures stay hidden."""
    scorer = Scorer(q, units, plan, lang)
    scorer.precision = precision
    scorer.full = full
    unit_id = unit_field(q)
    unit_rows = counts.groups.get(unit_id, []) if unit_id else []
    breakdowns = [scorer.breakdown(f, counts.groups[f]) for f in fields]
    unit_breakdown = next((b for b in breakdowns if b.field == unit_id), None) or (scorer.breakdown(unit_id, unit_rows) if unit_id else None)
    overall = scorer.group(None, scorer.word("everyone"), counts.overall)
    if full is not None:
        scorer._hide_as_full_groups([overall], [full.overall])
    scorer._hide_lost_values(None, [overall])
    if precision is not None:
        precision.group(overall, counts.overall, precision.total)
    indicators = scorer.indicators(overall, counts, unit_breakdown, breakdowns)
    # before everyone's votes: a unit's culture can hide the values questions for everyone (lost_figures)
    culture = scorer.culture_units(counts, unit_breakdown) if plan.votes and counts.overall[0] >= q.scoring.min_group_size else []
    composite = None
    if evaluation is not None:
        groups = {g.key: g for g in unit_breakdown.groups if g.key is not None} if unit_breakdown else {}
        composite = evaluation_report(evaluation, units, groups, overall, q.scoring.bands, lang)
    report = m.ScoreReport(
        generated_at=utc_now(),
        language=lang,
        survey=survey,
        method=q.scoring.method,
        favourable_min=q.scoring.favourable_min,
        min_group_size=q.scoring.min_group_size,
        bands=[m.BandInfo(code=b.code, min=b.min, label=tr(b.label, lang)) for b in q.scoring.bands],
        respondents=counts.overall[0],
        unit_field=unit_id,
        overall=overall,
        breakdowns=breakdowns,
        ranking=scorer.ranking(unit_breakdown),
        participation=scorer.participation(unit_rows),
        values=scorer.values(counts) if plan.votes else None,
        join_reasons=scorer.join_reasons(counts) if plan.votes else None,
        indicators=indicators,
        where_to_act=scorer.where_to_act(overall, indicators, unit_breakdown),
        culture_units=culture,
        evaluation=composite,
    )
    if precision is not None:
        from akhlak_tui.scoring.precision import report_precision

        report_precision(report, precision, q, units, unit_rows, unit_breakdown, weight)
    elif weight:
        raise ScoringError("weighting needs the intervals' sums: score with intervals")
    return report


def score_merged(
    mdb: MergedDatabase, lang: str = "id", by: Sequence[str] | None = None, votes: bool = True, *,
    intervals: bool = False, weight: str | None = None, trust: bool = True, exclude_flagged: Sequence[str] = (),
) -> m.ScoreReport:  # fmt: skip
    """Score the submitted responses of a merged database (without the values questions' votes
    when `votes` is False: enough for an earlier wave's figures, and quicker); with 95% intervals
    when `intervals` (as `akhlak report`); `weight="headcount"` adds everyone weighted by unit
    headcount (and the intervals). `trust` adds reliability, quality flags and the staff profile
    (scoring/trust_figures.py); `exclude_flagged` leaves the responses with those quality flags
    out of every score."""
    q = mdb.questionnaire
    row = mdb.require_survey()
    fields = breakdown_fields(q, by)
    unit_id = unit_field(q)
    full = None
    if exclude_flagged:  # the report counting everyone shows these: each is checked (and shown) here too
        fields = list(dict.fromkeys([*fields, *q.scoring.breakdowns]))
        # that report itself, scored first: every figure it hides is hidden here too (docs/scoring.md);
        # with the units always (their scores reach the ranking and where to act in any case)
        full = score_merged(mdb, lang, list(dict.fromkeys([*([unit_id] if unit_id else []), *fields])), votes, trust=False)
    keys = list(dict.fromkeys(([unit_id] if unit_id else []) + fields))
    plan = make_plan(q, keys)
    plan.unit, plan.votes = unit_id, votes
    extra = TrustFigures(mdb, plan, exclude_flagged, trust) if trust or exclude_flagged else None
    if 0 < plan.left_out_total < q.scoring.min_group_size:
        if extra is not None:
            extra.close()
        raise ExclusionError(tr(REFUSALS["total"], lang).format(n=plan.left_out_total, k=q.scoring.min_group_size))
    # after TrustFigures: the intervals' scan must leave out the same responses (plan.where)
    precision = Precision.for_plan(q, plan, mdb.units) if intervals or weight else None
    counts = count_all(mdb.db.conn, mdb.path, q, plan)
    first, last = mdb.db.conn.execute("SELECT min(submitted_at), max(submitted_at) FROM responses WHERE status = 'submitted'").fetchone()
    survey = m.SurveyInfo(
        id=row["id"], name=row["name"], questionnaire=q.id, questionnaire_version=q.version, questionnaire_hash=q.content_hash,
        first_submitted=first[:10] if first else None, last_submitted=last[:10] if last else None,
    )  # fmt: skip
    state = EvaluationStore(mdb.db).state() if EvaluationStore.has_evaluation(mdb.db) else None
    try:
        report = score_counts(q, mdb.units, survey, plan, counts, fields, lang, state, precision, weight, full)
    except BaseException:  # no report after all (a group refused, a unit without headcount ...): the quality count's thread goes too
        if extra is not None:
            extra.close()
        raise
    if extra is not None:
        extra.fill(report, counts, lang)
    return report
