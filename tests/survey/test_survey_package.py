"""Survey packages: signed by the coordinator, verified at install, one active survey per laptop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from akhlak_tui.active import active_survey
from akhlak_tui.crypto.records import RecordOpener
from akhlak_tui.questionnaire.builtin import builtin_questionnaire
from akhlak_tui.survey import (
    SurveyPackageError,
    activate_survey,
    coordinator_survey,
    coordinator_surveys,
    install_survey,
    installed_surveys,
    keep_created_package,
    read_survey_package,
)
from akhlak_tui.survey.package import SIGNATURE_CONTEXT


def resign(path: Path, keys, mutate) -> Path:
    """Change a package's body and sign it again with `keys` (a coordinator, genuine or not)."""
    envelope = json.loads(path.read_text())
    body = json.loads(envelope["body"])
    mutate(body)
    envelope["body"] = json.dumps(body)
    envelope["signature"] = keys.signing_key.sign(SIGNATURE_CONTEXT + envelope["body"].encode()).signature.hex()
    out = path.with_name("changed-" + path.name)
    out.write_text(json.dumps(envelope))
    return out


def test_package_round_trip_holds_everything_the_laptop_and_merge_need(make_coordinator, make_package):
    _, keys = make_coordinator("coord")
    package = read_survey_package(make_package(keys, "Survei Kabupaten"), expected_coordinator=keys.public)
    assert package.name == "Survei Kabupaten" and len(package.survey_id) == 16
    assert package.questionnaire_hash == builtin_questionnaire().content_hash
    assert package.questionnaire.content_hash == package.questionnaire_hash
    assert [u.code for u in package.units][:2] == ["DINKES", "RSUD"] and package.units[1].headcount == 380
    assert package.coordinator_public == keys.public


def test_a_changed_byte_in_the_body_is_refused(make_coordinator, make_package):
    _, keys = make_coordinator("coord")
    path = make_package(keys)
    envelope = json.loads(path.read_text())
    envelope["body"] = envelope["body"].replace("Survei Uji", "Survei Uj1")
    path.write_text(json.dumps(envelope))
    with pytest.raises(SurveyPackageError, match="the signature does not verify"):
        read_survey_package(path)


def test_package_signed_by_another_coordinator_key_is_refused_at_install(make_coordinator, make_package, tmp_path):
    _, genuine = make_coordinator("genuine")
    _, intruder = make_coordinator("intruder")
    # The intruder swaps the sealing key for its own but cannot sign as the genuine coordinator.
    forged = resign(make_package(genuine), intruder, lambda b: b["coordinator"].update(box_key=bytes(intruder.box_key.public_key).hex()))
    laptop = tmp_path / "laptop"
    with pytest.raises(SurveyPackageError, match="the signature does not verify: the package was altered or not signed by its coordinator"):
        install_survey(laptop, forged)
    assert installed_surveys(laptop) == []


def test_a_laptop_keeps_to_the_coordinator_it_trusts(make_coordinator, make_package, tmp_path):
    _, first = make_coordinator("first")
    _, other = make_coordinator("other")
    laptop = tmp_path / "laptop"
    install_survey(laptop, make_package(first, "Survei Satu"))
    with pytest.raises(SurveyPackageError, match=f"signed by coordinator {other.public.fingerprint}, but this laptop's surveys come from"):
        install_survey(laptop, make_package(other, "Survei Lain"))
    assert install_survey(laptop, make_package(other, "Survei Lain"), allow_new_coordinator=True).package.name == "Survei Lain"
    with pytest.raises(SurveyPackageError, match="not the expected coordinator"):
        read_survey_package(make_package(other), expected_coordinator=first.public)


def test_uninstalling_the_last_survey_keeps_its_coordinator_trusted(make_coordinator, make_package, tmp_path):
    from akhlak_tui.survey.uninstall import uninstall_survey

    _, first = make_coordinator("first")
    _, other = make_coordinator("other")
    laptop = tmp_path / "laptop"
    package = install_survey(laptop, make_package(first, "Survei Satu")).package
    uninstall_survey(laptop, package.survey_id)
    assert installed_surveys(laptop) == []
    with pytest.raises(SurveyPackageError, match=f"signed by coordinator {other.public.fingerprint}, but this laptop's surveys come from {first.public.fingerprint}"):
        install_survey(laptop, make_package(other, "Survei Lain"))
    assert install_survey(laptop, make_package(first, "Survei Dua")).package.name == "Survei Dua"


def test_a_signed_package_whose_questionnaire_does_not_match_its_hash_is_refused(make_coordinator, make_package):
    _, keys = make_coordinator("coord")
    changed = resign(make_package(keys), keys, lambda b: b.update(questionnaire_hash="0" * 64))
    with pytest.raises(SurveyPackageError, match="does not match its stated hash"):
        read_survey_package(changed)


def test_not_a_package_gives_one_line_errors(tmp_path):
    junk = tmp_path / "junk.akhlak-survey"
    junk.write_text("hello")
    with pytest.raises(SurveyPackageError, match=r"junk.akhlak-survey: not a survey package \(not JSON\)"):
        read_survey_package(junk)
    junk.write_text(json.dumps({"format": "akhlak-survey-package", "format_version": 9}))
    with pytest.raises(SurveyPackageError, match="format version 9 is not supported"):
        read_survey_package(junk)
    with pytest.raises(SurveyPackageError, match="no such file"):
        read_survey_package(tmp_path / "missing")


def test_installed_surveys_one_active_and_practice(make_coordinator, make_package, tmp_path):
    _, keys = make_coordinator("coord")
    laptop = tmp_path / "laptop"
    assert active_survey(laptop).is_practice
    one = install_survey(laptop, make_package(keys, "Survei Satu")).package
    two = install_survey(laptop, make_package(keys, "Survei Dua")).package
    assert active_survey(laptop).survey_id == two.survey_id  # the last installed is active
    assert [(s.name, s.active) for s in installed_surveys(laptop)] == [("Survei Satu", False), ("Survei Dua", True)]

    activate_survey(laptop, one.survey_id)
    survey = active_survey(laptop)
    assert (survey.survey_id, survey.name, survey.unit_codes[0]) == (one.survey_id, "Survei Satu", "DINKES")
    sealed = survey.sealer()(b"jawaban")
    assert RecordOpener(keys.box_key).open(sealed).json == b"jawaban" and b"jawaban" not in sealed

    activate_survey(laptop, None)
    assert active_survey(laptop).is_practice and active_survey(laptop).sealer() is None
    with pytest.raises(SurveyPackageError, match="not installed on this laptop"):
        activate_survey(laptop, "aaaaaaaaaaaaaaaa")


def test_reinstalling_is_harmless_but_a_different_package_under_the_same_id_is_refused(make_coordinator, make_package, tmp_path):
    _, keys = make_coordinator("coord")
    laptop = tmp_path / "laptop"
    path = make_package(keys)
    first = install_survey(laptop, path)
    assert install_survey(laptop, path).already_installed
    same_id = resign(make_package(keys, "Survei Lain"), keys, lambda b: b.update(survey_id=first.package.survey_id))
    with pytest.raises(SurveyPackageError, match="already installed with different content"):
        install_survey(laptop, same_id)


def test_coordinator_keeps_the_packages_it_created(make_coordinator, make_package):
    data_dir, keys = make_coordinator("coord")
    paths = [make_package(keys, name) for name in ("Survei Satu", "Survei Dua")]
    packages = [read_survey_package(path) for path in paths]
    for package, path in zip(packages, paths):
        keep_created_package(data_dir, package, path.read_bytes())
    found = coordinator_surveys(data_dir)
    assert set(found) == {p.survey_id for p in packages}
    assert coordinator_survey(data_dir, packages[0].survey_id).name == "Survei Satu"
    with pytest.raises(SurveyPackageError, match="not created by this coordinator"):
        coordinator_survey(data_dir, "aaaaaaaaaaaaaaaa")


def test_sealer_for_any_installed_survey(make_coordinator, make_package, tmp_path):
    from akhlak_tui.active import sealer_for

    _, keys = make_coordinator("coord")
    laptop = tmp_path / "laptop"
    first = install_survey(laptop, make_package(keys, "Survei Satu")).package
    install_survey(laptop, make_package(keys, "Survei Dua"))  # now the active one
    assert RecordOpener(keys.box_key).open(sealer_for(laptop, first.survey_id)(b"draft")).json == b"draft"
    assert sealer_for(laptop, None) is None
    with pytest.raises(SurveyPackageError, match="not installed"):
        sealer_for(laptop, "aaaaaaaaaaaaaaaa")
