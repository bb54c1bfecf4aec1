"""`akhlak export` and `akhlak device` run as a user would (CliRunner)."""

from __future__ import annotations

from click.testing import CliRunner

from akhlak_tui.bundle.reader import read_bundle
from akhlak_tui.cli import cli
from akhlak_tui.crypto.device import load_or_create_device


def test_export_command_writes_a_bundle_and_then_has_nothing_new(world, answer):
    answer(2)
    answer(1, status="abandoned")
    runner = CliRunner()
    laptop = ["--data-dir", str(world.laptop)]
    result = runner.invoke(cli, [*laptop, "export", "--out", str(world.out)])
    assert result.exit_code == 0, result.output
    assert "3 responses (2 submitted, 1 abandoned)" in result.output
    (bundle,) = world.out.glob("*.akhlak-bundle")
    assert str(bundle) in result.output
    assert read_bundle(bundle, coordinator=world.keys).manifest.counts.records == 3

    again = runner.invoke(cli, [*laptop, "export", "--out", str(world.out)])
    assert again.exit_code == 1 and again.output.startswith("error: nothing to export")
    everything = runner.invoke(cli, [*laptop, "export", "--out", str(world.out), "--all"])
    assert everything.exit_code == 0 and "Bundle 2:" in everything.output


def test_export_to_a_missing_directory_is_one_line(world, answer):
    answer(1)
    result = CliRunner().invoke(cli, ["--data-dir", str(world.laptop), "export", "--out", str(world.out / "nope")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"error: {world.out / 'nope'}: no such directory (is the USB stick mounted?)"]


def test_device_command_shows_id_and_fingerprint(world):
    device = load_or_create_device(world.laptop)
    result = CliRunner().invoke(cli, ["--data-dir", str(world.laptop), "device"])
    assert result.exit_code == 0
    assert f"Device id:   {device.id}" in result.output and device.fingerprint in result.output
