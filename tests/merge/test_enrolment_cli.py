"""Enrolment through the commands: 40 laptops in one pass of the stick, approve, pick up, merge, list, revoke, accept a copy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner, Result
from merge_world import PASSPHRASE, Coordinator, make_coordinator
from test_merge_from_laptops import answer_on_laptop

from akhlak_tui.cli import cli

LAPTOPS = 40


def akhlak(home: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"AKHLAK_HOME": str(home), "AKHLAK_PASSPHRASE": PASSPHRASE}, catch_exceptions=False)


def stick_with_package(coordinator: Coordinator, tmp_path: Path) -> tuple[Path, Path]:
    stick = tmp_path / "stick"
    stick.mkdir()
    package = stick / coordinator.survey.file_name()
    shutil.copyfile(coordinator.home / "coordinator" / "surveys" / coordinator.survey.file_name(), package)
    return stick, package


def test_forty_laptops_are_enrolled_in_one_pass_of_the_stick_and_one_approval(tmp_path: Path) -> None:
    coordinator = make_coordinator(tmp_path / "coordinator", tmp_path / "unused")
    stick, package = stick_with_package(coordinator, tmp_path)
    laptops = [tmp_path / f"laptop-{n:02d}" for n in range(1, LAPTOPS + 1)]
    for number, laptop in enumerate(laptops, start=1):
        installed = akhlak(laptop, "survey", "install", str(package), "--name", f"Puskesmas {number}")
        assert installed.exit_code == 0, installed.output
        assert "Enrolment:   request written to" in installed.output
    assert len(list(stick.glob("*.akhlak-request"))) == LAPTOPS

    approved = akhlak(coordinator.home, "device", "approve", str(stick), "--yes")

    assert approved.exit_code == 0, approved.output
    assert f"Approved {LAPTOPS} of {LAPTOPS} requests" in approved.output
    assert "'Puskesmas 7'" in approved.output
    assert len(list(stick.glob("*.akhlak-enrolment"))) == LAPTOPS
    for laptop in laptops:  # the stick's second round: each laptop picks up its own
        again = akhlak(laptop, "survey", "install", str(package))
        assert "Enrolment:   installed from" in again.output, again.output
        assert "Enrolled:    survey" in akhlak(laptop, "device").output
    listed = akhlak(coordinator.home, "device", "list")
    assert f"Total: {LAPTOPS} enrolments, 0 revoked" in listed.output

    answer_on_laptop(laptops[0], 2, seed=1)
    exported = akhlak(laptops[0], "export", "--out", str(stick))
    assert exported.exit_code == 0 and "note:" not in exported.output
    merged = akhlak(coordinator.home, "merge", str(stick), "--json")
    assert merged.exit_code == 0, merged.output
    assert json.loads(merged.output)["totals"]["accepted"] == 2


def test_an_unenrolled_laptops_bundle_is_refused_with_how_to_enrol_then_merges_once_approved(tmp_path: Path) -> None:
    coordinator = make_coordinator(tmp_path / "coordinator", tmp_path / "unused")
    stick, package = stick_with_package(coordinator, tmp_path)
    laptop = tmp_path / "laptop"
    assert akhlak(laptop, "survey", "install", str(package), "--name", "Front desk").exit_code == 0
    answer_on_laptop(laptop, 2, seed=3)
    exported = akhlak(laptop, "export", "--out", str(stick))
    assert "note: this laptop holds no enrolment" in exported.output

    refused = akhlak(coordinator.home, "merge", str(stick))
    assert refused.exit_code == 1
    words = " ".join(refused.output.split())
    assert "is not enrolled for survey" in words and "approve it here with `akhlak device approve DIR`" in words

    assert akhlak(coordinator.home, "device", "approve", str(stick), "--yes").exit_code == 0
    merged = akhlak(coordinator.home, "merge", str(stick), "--json")
    assert merged.exit_code == 0, merged.output
    assert json.loads(merged.output)["totals"]["accepted"] == 2


def test_approve_refuses_requests_it_cannot_trust_and_asks_only_in_a_terminal(tmp_path: Path) -> None:
    coordinator = make_coordinator(tmp_path / "coordinator", tmp_path / "unused")
    stick, package = stick_with_package(coordinator, tmp_path)
    assert akhlak(tmp_path / "laptop", "survey", "install", str(package), "--name", "A").exit_code == 0
    [request] = stick.glob("*.akhlak-request")
    text = request.read_text(encoding="utf-8")
    request.write_text(text.replace('\\"name\\":\\"A\\"', '\\"name\\":\\"B\\"'), encoding="utf-8")

    no_terminal = akhlak(coordinator.home, "device", "approve", str(stick))
    tampered = akhlak(coordinator.home, "device", "approve", str(stick), "--yes")

    assert no_terminal.exit_code == 2 and "give --yes" in no_terminal.output
    assert tampered.exit_code == 1
    assert f"error: {request}: the signature does not verify" in tampered.output
    assert not list(stick.glob("*.akhlak-enrolment"))


def test_revoke_and_list_on_the_coordinators_machine(tmp_path: Path) -> None:
    coordinator = make_coordinator(tmp_path / "coordinator", tmp_path / "unused")
    from akhlak_tui.demo.generate import demo_device

    device = demo_device(99, 1)
    akhlak_home = coordinator.home
    assert akhlak(akhlak_home, "merge", str(coordinator.bundle(device, 1, coordinator.responses(device, 3)))).exit_code == 0
    later = coordinator.bundle(device, 2, coordinator.responses(device, 2, seed=4))

    revoked = akhlak(akhlak_home, "device", "revoke", device.id.lower())
    refused = akhlak(akhlak_home, "merge", str(later))
    listed = akhlak(akhlak_home, "device", "list")
    twice = akhlak(akhlak_home, "device", "revoke", device.id)
    unknown = akhlak(akhlak_home, "device", "revoke", "AAAAAAAA")

    assert revoked.exit_code == 0 and f"Revoked {device.id}" in revoked.output
    assert refused.exit_code == 1 and "was revoked on" in refused.output
    [row] = [line for line in listed.output.splitlines() if line.startswith(device.id)]
    assert row.split()[-2] == "revoked" and " 1 " in row and " 3 " in row  # one bundle, 3 responses merged before
    assert twice.exit_code == 1 and "already revoked" in twice.output
    assert unknown.exit_code == 1 and "is not enrolled" in unknown.output


def test_accept_copied_merges_the_held_bundles(tmp_path: Path) -> None:
    coordinator = make_coordinator(tmp_path / "coordinator", tmp_path / "out")
    from akhlak_tui.demo.generate import demo_device

    device = demo_device(99, 1)
    a, b = coordinator.responses(device, 2)
    files = [coordinator.bundle(device, 1, [a], out=tmp_path / "a"), coordinator.bundle(device, 1, [b], out=tmp_path / "b")]

    held = akhlak(coordinator.home, "merge", *map(str, files), "--json")
    listed = akhlak(coordinator.home, "merge", "--list")
    accepted = akhlak(coordinator.home, "merge", "--accept-copied", device.id)
    nothing = akhlak(coordinator.home, "merge", "--accept-copied", device.id)

    report = json.loads(held.output)
    assert held.exit_code == 1 and report["possible_copied_devices"][0]["device_id"] == device.id
    assert "POSSIBLE COPIED DEVICE" in listed.output
    assert accepted.exit_code == 0 and "2 held bundle(s) now merged" in accepted.output
    assert nothing.exit_code == 2 and "is not flagged" in nothing.output
