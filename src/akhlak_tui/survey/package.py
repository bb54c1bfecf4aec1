"""Survey packages: one signed file with the survey id, name, questionnaire, units and coordinator keys.

File format (JSON, UTF-8):

    {"format": "akhlak-survey-package", "format_version": 1,
     "body": "<JSON text of the body>", "signature": "<Ed25519 signature, hex>"}

The signature is over SIGNATURE_CONTEXT + the UTF-8 bytes of `body`, made with the coordinator's
signing key that the body itself names. Whoever installs a package also compares the
coordinator's fingerprint (shown at install) with the one the coordinator gave them.
"""

from __future__ import annotations

import base64
import json
import secrets
from functools import cached_property
from pathlib import Path

import nacl.exceptions
from nacl.signing import VerifyKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from akhlak_tui.active import ActiveSurvey
from akhlak_tui.crypto.coordinator import CoordinatorKeys, CoordinatorPublic
from akhlak_tui.files import read_at_most
from akhlak_tui.questionnaire.loading import QuestionnaireError, parse_questionnaire
from akhlak_tui.questionnaire.model import Questionnaire
from akhlak_tui.questionnaire.units import MAX_UNITS, Unit
from akhlak_tui.response import utc_now

PACKAGE_FORMAT = "akhlak-survey-package"
PACKAGE_VERSION = 1
PACKAGE_SUFFIX = ".akhlak-survey"
SIGNATURE_CONTEXT = b"akhlak-survey-package/1\x00"
MAX_PACKAGE_BYTES = 8 * 1024 * 1024
SURVEY_ID_PATTERN = r"^[a-z2-7]{16}$"


class SurveyPackageError(Exception):
    """A package that cannot be made, read or trusted; the message is one line naming the file."""


class PackageCoordinator(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    signing_key: str = Field(pattern=r"^[0-9a-f]{64}$")
    box_key: str = Field(pattern=r"^[0-9a-f]{64}$")

    @property
    def public(self) -> CoordinatorPublic:
        return CoordinatorPublic(bytes.fromhex(self.signing_key), bytes.fromhex(self.box_key))


class SurveyPackage(BaseModel):
    """The signed body of a survey package (what a laptop installs and the merge checks against)."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    survey_id: str = Field(pattern=SURVEY_ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    created_at: str = Field(max_length=40)
    questionnaire_id: str = Field(max_length=64)
    questionnaire_version: str = Field(max_length=32)
    questionnaire_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    questionnaire_toml: str
    units: list[Unit] = Field(min_length=1, max_length=MAX_UNITS)
    coordinator: PackageCoordinator
    # The evidence-based evaluation's instrument (docs/evaluation-format.md), for the coordinator.
    evaluation_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    evaluation_toml: str | None = None

    @cached_property
    def questionnaire(self) -> Questionnaire:
        return parse_questionnaire(self.questionnaire_toml, f"survey {self.survey_id}")

    @property
    def coordinator_public(self) -> CoordinatorPublic:
        return self.coordinator.public

    def active(self) -> ActiveSurvey:
        """This survey as the laptop runs it (questionnaire, units, the key answers are sealed to)."""
        return ActiveSurvey(
            survey_id=self.survey_id,
            name=self.name,
            questionnaire=self.questionnaire,
            units=tuple(self.units),
            coordinator_box_key=self.coordinator_public.box_key,
        )

    def file_name(self) -> str:
        return f"{self.survey_id}{PACKAGE_SUFFIX}"


def new_survey_id() -> str:
    """A random survey id: 16 lowercase base32 characters (80 bits)."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()


def create_survey_package(
    *,
    coordinator: CoordinatorKeys,
    name: str,
    questionnaire_toml: str,
    units: list[Unit],
    survey_id: str | None = None,
    questionnaire_file: str = "<questionnaire>",
    evaluation_toml: str | None = None,
    evaluation_file: str = "<evaluation>",
) -> tuple[SurveyPackage, bytes]:
    """Build and sign a package; returns the body and the file's bytes.

    The questionnaire text must parse (QuestionnaireError otherwise); its hash is computed here,
    and so is the evaluation instrument's, when one is given (EvaluationError if it does not parse).
    """
    from akhlak_tui.evaluation.loading import parse_instrument

    questionnaire = parse_questionnaire(questionnaire_toml, questionnaire_file)
    evaluation_hash = parse_instrument(evaluation_toml, evaluation_file).content_hash if evaluation_toml is not None else None
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise SurveyPackageError("--name: the survey name must be 1-200 characters")
    package = SurveyPackage(
        survey_id=survey_id or new_survey_id(),
        name=name,
        created_at=utc_now(),
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        questionnaire_hash=questionnaire.content_hash,
        questionnaire_toml=questionnaire_toml,
        units=list(units),
        coordinator=PackageCoordinator(**coordinator.public.to_json()),
        evaluation_hash=evaluation_hash,
        evaluation_toml=evaluation_toml,
    )
    body = package.model_dump_json()
    signature = coordinator.signing_key.sign(SIGNATURE_CONTEXT + body.encode("utf-8")).signature
    envelope = {"format": PACKAGE_FORMAT, "format_version": PACKAGE_VERSION, "body": body, "signature": signature.hex()}
    data = (json.dumps(envelope, ensure_ascii=False) + "\n").encode("utf-8")
    if len(data) > MAX_PACKAGE_BYTES:
        raise SurveyPackageError(f"the package would be {len(data)} bytes; the limit is {MAX_PACKAGE_BYTES}")
    return package, data


def read_package_file(path: str | Path) -> bytes:
    """The bytes of a package file, refusing a missing, unreadable or oversized file (one line)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_PACKAGE_BYTES:
            raise SurveyPackageError(f"{path}: file is {size} bytes; the limit is {MAX_PACKAGE_BYTES}")
        return read_at_most(path, MAX_PACKAGE_BYTES)
    except FileNotFoundError:
        raise SurveyPackageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SurveyPackageError(f"{path}: is a directory, not a survey package") from None
    except OSError as exc:
        raise SurveyPackageError(f"{path}: cannot read: {exc.strerror or exc}") from None


def read_survey_package(
    source: str | Path | bytes, *, expected_coordinator: CoordinatorPublic | None = None, name: str | None = None
) -> SurveyPackage:
    """Read and verify a package (a path or its bytes); SurveyPackageError (one line) if it cannot be trusted.

    Checks, in order: size, envelope format, signature by the coordinator key the body names,
    the expected coordinator (if given), the body's fields, and that the questionnaire parses
    to the stated hash.
    """
    if isinstance(source, bytes):
        label, data = name or "<package>", source
    else:
        label, data = name or str(source), read_package_file(source)
    if len(data) > MAX_PACKAGE_BYTES:
        raise SurveyPackageError(f"{label}: package is {len(data)} bytes; the limit is {MAX_PACKAGE_BYTES}")
    try:
        envelope = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SurveyPackageError(f"{label}: not a survey package (not JSON)") from None
    if not isinstance(envelope, dict) or envelope.get("format") != PACKAGE_FORMAT:
        raise SurveyPackageError(f"{label}: not a survey package (format is not {PACKAGE_FORMAT!r})")
    if envelope.get("format_version") != PACKAGE_VERSION:
        raise SurveyPackageError(
            f"{label}: package format version {envelope.get('format_version')!r} is not supported (this akhlak reads {PACKAGE_VERSION})"
        )
    body, signature_hex = envelope.get("body"), envelope.get("signature")
    if not isinstance(body, str) or not isinstance(signature_hex, str) or set(envelope) != {"format", "format_version", "body", "signature"}:
        raise SurveyPackageError(f"{label}: malformed package (expected exactly format, format_version, body, signature)")
    try:
        claimed = json.loads(body)["coordinator"]
        signer = VerifyKey(bytes.fromhex(claimed["signing_key"]))
        signature = bytes.fromhex(signature_hex)
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, nacl.exceptions.ValueError):
        raise SurveyPackageError(f"{label}: malformed package (no valid coordinator signing key in the body)") from None
    try:
        signer.verify(SIGNATURE_CONTEXT + body.encode("utf-8"), signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError):
        raise SurveyPackageError(f"{label}: the signature does not verify: the package was altered or not signed by its coordinator") from None
    try:
        package = SurveyPackage.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SurveyPackageError(f"{label}: body: {where}: {first['msg']}") from None
    if expected_coordinator is not None and package.coordinator_public != expected_coordinator:
        raise SurveyPackageError(
            f"{label}: signed by coordinator {package.coordinator_public.fingerprint}, "
            f"not the expected coordinator {expected_coordinator.fingerprint}; refused"
        )
    try:
        questionnaire = package.questionnaire
    except QuestionnaireError as exc:
        raise SurveyPackageError(f"{label}: questionnaire: {exc.problems[0]}") from None
    if questionnaire.content_hash != package.questionnaire_hash:
        raise SurveyPackageError(f"{label}: the questionnaire does not match its stated hash")
    if (questionnaire.id, questionnaire.version) != (package.questionnaire_id, package.questionnaire_version):
        raise SurveyPackageError(f"{label}: the questionnaire id/version does not match the package")
    if (package.evaluation_toml is None) != (package.evaluation_hash is None):
        raise SurveyPackageError(f"{label}: the evaluation and its hash must come together")
    if package.evaluation_toml is not None:
        from akhlak_tui.evaluation.loading import EvaluationError, parse_instrument

        try:
            instrument = parse_instrument(package.evaluation_toml, f"survey {package.survey_id} evaluation")
        except EvaluationError as exc:
            raise SurveyPackageError(f"{label}: evaluation: {exc.problems[0]}") from None
        if instrument.content_hash != package.evaluation_hash:
            raise SurveyPackageError(f"{label}: the evaluation does not match its stated hash")
    return package
