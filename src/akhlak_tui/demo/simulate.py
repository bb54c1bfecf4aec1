"""Simulated respondents: realistic, unit-dependent answers to any questionnaire, as Response objects.

Every unit gets a hidden "culture health" and a strength or weakness per dimension (drawn from
the seed and the unit code, so a unit looks the same on every device). A respondent's agreement
with a statement follows the health of their unit and of the statement's dimension, plus personal
noise; reverse-keyed statements are answered consistently (a healthy unit disagrees with them).
Values votes follow the same picture: people describe themselves with positive values, the
current culture of an unhealthy unit collects limiting words, and the desired culture asks for
what the unit lacks. Profile questions follow plausible distributions, with a few "prefer not
to say" answers; some responses are abandoned part way.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from akhlak_tui.questionnaire.flow import Flow, is_empty
from akhlak_tui.questionnaire.model import (
    IntegerItem,
    ItemBase,
    LikertItem,
    MultiItem,
    Questionnaire,
    SingleItem,
    TextItem,
    UnitItem,
)
from akhlak_tui.questionnaire.units import Unit
from akhlak_tui.response import Answer, Event, Response

ABANDON_RATE = 0.02
"""Share of responses left part way (kept for audit, never scored)."""

PREFER_NOT_TO_SAY = "x"

# Plausible profile distributions of a regency's ASN (weights per option code; unknown codes get 1).
PROFILE_WEIGHTS: dict[str, dict[str, float]] = {
    "gender": {"f": 56, "m": 41, "x": 3},
    "employment": {"pns": 56, "pppk": 41, "x": 3},
    "age_band": {"lt25": 6, "25_34": 30, "35_44": 30, "45_54": 22, "ge55": 9, "x": 3},
    "service_years": {"lt5": 28, "5_10": 22, "11_20": 27, "gt20": 20, "x": 3},
    "position": {"struktural": 9, "fungsional": 58, "pelaksana": 30, "x": 3},
}
JOIN_REASON_WEIGHTS = {
    "kontribusi": 30,
    "pengembangan_diri": 14,
    "studi_lanjut": 4,
    "prestise": 6,
    "keinginan_keluarga": 10,
    "jaminan_kerja": 26,
    "beban_ringan": 2,
    "karier_jelas": 9,
    "kesejahteraan": 22,
    "lainnya": 3,
}
COMMENTS = (
    "Perlu pelatihan pelayanan prima untuk semua pegawai.",
    "Pimpinan sebaiknya lebih sering memberi contoh dan apresiasi.",
    "Prosedur layanan perlu disederhanakan dan dibuat digital.",
    "Koordinasi antarbidang masih kurang, perlu rapat rutin.",
    "Beban kerja belum merata antarpegawai.",
    "Sudah baik, pertahankan semangat kerja sama.",
    "Perlu ruang untuk menyampaikan masukan tanpa takut.",
)
ABANDON_REASONS = ("respondent left", "idle timeout", "power cut", "called away")
LIMITING_TAG = "limiting"


def _stable_random(*parts: object) -> random.Random:
    """A generator seeded by `parts` (stable across processes, unlike hash())."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


@dataclass(frozen=True)
class UnitCulture:
    """The hidden culture of one unit: overall health in [-1, 1] and a shift per dimension."""

    health: float
    dimension_shift: dict[str, float] = field(default_factory=dict)

    def level(self, dimension: str | None) -> float:
        return self.health + self.dimension_shift.get(dimension or "", 0.0)


def unit_culture(seed: int, unit_code: str, dimensions: Sequence[str]) -> UnitCulture:
    """The culture of a unit, the same for a seed and code on every device."""
    rng = _stable_random("culture", seed, unit_code)
    health = max(-1.0, min(1.0, rng.gauss(0.25, 0.35)))
    return UnitCulture(health, {d: rng.gauss(0.0, 0.3) for d in dimensions})


class RespondentSimulator:
    """Draws whole responses for one questionnaire and unit list."""

    def __init__(self, questionnaire: Questionnaire, units: Sequence[Unit], seed: int) -> None:
        if not units:
            raise ValueError("a simulated survey needs at least one unit")
        self.questionnaire = questionnaire
        self.units = list(units)
        self.seed = seed
        self.flow = Flow(questionnaire, [u.code for u in units])
        dimensions = [d.id for d in questionnaire.dimensions]
        self.cultures = {u.code: unit_culture(seed, u.code, dimensions) for u in self.units}
        self.unit_weights = [u.headcount or 20 for u in self.units]
        values = questionnaire.scoring.values
        self.unit_item = next((item.id for item in questionnaire.items if isinstance(item, UnitItem)), None)
        self._option_levels: dict[tuple[str, int], list[float | None]] = {}
        self.values_role = {}
        if values is not None:
            for role in ("personal", "current", "desired"):
                if getattr(values, role):
                    self.values_role[getattr(values, role)] = role

    # -- one answer ----------------------------------------------------------------------------
    def likert(self, rng: random.Random, item: LikertItem, level: float) -> int:
        scale = self.questionnaire.scale_for(item)
        if scale.not_applicable is not None and rng.random() < 0.01:
            return scale.not_applicable.code
        middle = (scale.lowest + scale.highest) / 2
        spread = (scale.highest - scale.lowest) / 2
        raw = middle + spread * (0.55 * level + 0.2) + rng.gauss(0.0, 0.75)
        if item.reverse:  # answered consistently: a healthy unit disagrees with a negative statement
            raw = scale.lowest + scale.highest - raw
        return min(scale.codes, key=lambda code: abs(code - raw))

    def single(self, rng: random.Random, item: SingleItem) -> str:
        weights = PROFILE_WEIGHTS.get(item.id, {})
        return _weighted_choice(rng, item.options, [weights.get(o.code, 1.0) for o in item.options]).code

    def multi(self, rng: random.Random, item: MultiItem, culture: UnitCulture, personal_level: float) -> list[str]:
        role = self.values_role.get(item.id)
        if role is None:
            weights = [JOIN_REASON_WEIGHTS.get(o.code, 1.0) for o in item.options]
            low = item.min_picks
            count = rng.randint(low, max(low, min(item.effective_max, 3)))
        else:
            weights = self._vote_weights(role, item, culture, personal_level)
            count = rng.randint(max(item.min_picks, min(item.effective_max, 5)), item.effective_max)
        picks = _weighted_sample(rng, item.options, weights, count)
        exclusive = [o for o in picks if o.exclusive]
        if exclusive:
            picks = exclusive[:1]
        return [o.code for o in picks]

    def _vote_weights(self, role: str, item: MultiItem, culture: UnitCulture, personal_level: float) -> list[float]:
        """Each option's chance of a vote: positive values by how the unit lives them, limiting words by its health."""
        key = (item.id, id(culture))
        levels = self._option_levels.get(key)
        if levels is None:  # an option's level: the mean level of its values in this unit (None: limiting)
            levels = [
                None if LIMITING_TAG in o.tags else sum(culture.level(t) for t in o.tags or [""]) / len(o.tags or [""])
                for o in item.options
            ]
            self._option_levels[key] = levels
        if role == "personal":
            return [0.05 if lv is None else 1.2 + 0.2 * lv for lv in levels]
        if role == "current":
            limiting = max(0.03, 0.45 - 0.8 * (culture.health + personal_level))
            return [limiting if lv is None else max(0.15, 1.0 + 1.2 * lv + personal_level) for lv in levels]
        return [0.05 if lv is None else max(0.2, 1.3 - 0.9 * lv) for lv in levels]  # desired: what the unit lacks

    def answer(self, rng: random.Random, item: ItemBase, culture: UnitCulture, personal_level: float) -> Any:
        """A value for `item` (None: skipped), drawn for a respondent of a unit with `culture`."""
        if isinstance(item, LikertItem):
            return self.likert(rng, item, culture.level(item.dimension) + personal_level)
        if isinstance(item, SingleItem):
            return self.single(rng, item)
        if isinstance(item, MultiItem):
            return self.multi(rng, item, culture, personal_level)
        if isinstance(item, TextItem):
            if rng.random() < 0.12:
                return rng.choice(COMMENTS)[: item.max_length]
            return None if not item.required else "-"
        if isinstance(item, IntegerItem):
            low = item.min if item.min is not None else 0
            high = item.max if item.max is not None else low + 40
            return rng.randint(low, high)
        return None

    # -- one response --------------------------------------------------------------------------
    def response(
        self, rng: random.Random, *, device_id: str, survey_id: str | None, started: datetime
    ) -> Response:
        """One whole response: answers in order, paradata events, submitted or abandoned."""
        unit = _weighted_choice(rng, self.units, self.unit_weights)
        culture = self.cultures[unit.code]
        personal_level = rng.gauss(0.0, 0.35)
        items = self.questionnaire.answerable_items
        stop_at = rng.randrange(len(items)) if rng.random() < ABANDON_RATE else None
        clock = _Clock(started)
        response_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        events = [Event(at=clock.now(), kind="started", detail="kiosk")]
        answers: dict[str, Any] = {}
        answered_at: dict[str, str] = {}
        for index, item in enumerate(items):
            if stop_at is not None and index == stop_at:
                break
            if not self.flow.is_relevant(item, answers):
                continue
            events.append(Event(at=clock.now(), kind="shown", item_id=item.id))
            if isinstance(item, UnitItem):
                value: Any = unit.code
            else:
                value = self.answer(rng, item, culture, personal_level)
            clock.advance(rng, item)
            if is_empty(value) or self.flow.check(item, value, answers, lang="en"):
                continue
            if rng.random() < 0.04 and not isinstance(item, (UnitItem, TextItem)):
                first = self.answer(rng, item, culture, personal_level)
                if not is_empty(first) and first != value and not self.flow.check(item, first, answers, lang="en"):
                    events.append(Event(at=clock.now(), kind="answered", item_id=item.id, new=first))
                    clock.advance(rng, item)
                    events.append(Event(at=clock.now(), kind="changed", item_id=item.id, old=first, new=value))
                    answers[item.id], answered_at[item.id] = value, clock.now()
                    continue
            answers[item.id], answered_at[item.id] = value, clock.now()
            events.append(Event(at=clock.now(), kind="answered", item_id=item.id, new=value))
        abandoned = stop_at is not None
        end = clock.now()
        if abandoned:
            reason = rng.choice(ABANDON_REASONS)
            events.append(Event(at=end, kind="abandoned", detail=reason))
        else:
            events.append(Event(at=end, kind="review"))
            end = clock.advance(rng, None)
            events.append(Event(at=end, kind="submitted"))
        return Response(
            id=response_id,
            survey_id=survey_id,
            questionnaire_id=self.questionnaire.id,
            questionnaire_version=self.questionnaire.version,
            questionnaire_hash=self.questionnaire.content_hash,
            device_id=device_id,
            unit=answers.get(self.unit_item) if self.unit_item else None,  # as a laptop records it: once answered
            mode="kiosk",
            language="en" if rng.random() < 0.08 else "id",
            status="abandoned" if abandoned else "submitted",
            abandon_reason=reason if abandoned else None,
            created_at=events[0].at,
            updated_at=end,
            submitted_at=None if abandoned else end,
            answers=[Answer(item_id=k, value=v, answered_at=answered_at[k]) for k, v in answers.items()],
            events=events,
        )


class _Clock:
    """Simulated time of one respondent: a few seconds per statement, longer for lists."""

    def __init__(self, start: datetime) -> None:
        self.at = start
        self._text = _iso(start)

    def now(self) -> str:
        return self._text

    def advance(self, rng: random.Random, item: ItemBase | None) -> str:
        mean = 25.0 if isinstance(item, (MultiItem, TextItem)) else 7.0
        self.at += timedelta(milliseconds=int(1000 * rng.expovariate(1 / mean)) + 800)
        self._text = _iso(self.at)
        return self._text


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _weighted_choice(rng: random.Random, population: Sequence[Any], weights: Sequence[float]) -> Any:
    return rng.choices(population, weights=weights, k=1)[0]


def _weighted_sample(rng: random.Random, population: Sequence[Any], weights: Sequence[float], k: int) -> list[Any]:
    """`k` distinct members, each drawn with probability proportional to its weight (Efraimidis-Spirakis)."""
    keyed = sorted(
        ((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights) if w > 0),
        reverse=True,
    )
    chosen = sorted(i for _, i in keyed[:k])
    return [population[i] for i in chosen]


DEMO_EPOCH = datetime(2026, 9, 1, 7, 30, tzinfo=timezone.utc)


def simulate_responses(
    questionnaire: Questionnaire,
    units: Sequence[Unit],
    n: int,
    seed: int,
    device_id: str,
    survey_id: str | None,
) -> Iterator[Response]:
    """`n` simulated responses of one device, deterministic for (seed, device_id).

    Units are the same for every device of a seed, so many devices together give one coherent
    picture: some units healthier than others, some values weaker than others.
    """
    simulator = RespondentSimulator(questionnaire, units, seed)
    rng = _stable_random("device", seed, device_id)
    at = DEMO_EPOCH + timedelta(days=rng.randrange(10), minutes=rng.randrange(600))
    for _ in range(n):
        response = simulator.response(rng, device_id=device_id, survey_id=survey_id, started=at)
        yield response
        at += timedelta(minutes=rng.randrange(4, 40))
