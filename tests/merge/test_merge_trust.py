"""The --trusted-devices allowlist: its format, its one-line errors, and what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from akhlak_tui.demo.generate import demo_device
from akhlak_tui.merge.trust import TrustedDevices, TrustedDevicesError


def test_ids_fingerprints_comments_and_blank_lines() -> None:
    one, two, three = demo_device(3, 1), demo_device(3, 2), demo_device(3, 3)
    text = f"\ufeff# front desk\n{one.id}  {one.fingerprint}   # with its fingerprint\n\n{two.id.lower()}\n"

    trusted = TrustedDevices.parse(text, "devices.txt")

    assert trusted.problem(one.id, one.public_key) is None
    assert trusted.problem(two.id, two.public_key) is None
    assert trusted.problem(three.id, three.public_key) == f"device {three.id} is not on the trusted devices list devices.txt"
    assert "not the fingerprint listed" in (trusted.problem(one.id, two.public_key) or "")


@pytest.mark.parametrize(
    "text, message",
    [
        ("7KQ2\n", "devices.txt:1: '7KQ2' is not a device id (8 characters A-Z, 2-7)"),
        ("# ok\nABCDEFGH 1234\n", "devices.txt:2: '1234' is not a device fingerprint (7 groups of 4)"),
        ("ABCDEFGH\nABCDEFGH\n", "devices.txt:2: device ABCDEFGH is listed twice"),
    ],
)
def test_malformed_lines_are_one_line_errors_naming_the_line(text: str, message: str) -> None:
    with pytest.raises(TrustedDevicesError) as caught:
        TrustedDevices.parse(text, "devices.txt")
    assert str(caught.value) == message


def test_unreadable_files_are_one_line_errors(tmp_path: Path) -> None:
    binary = tmp_path / "devices.bin"
    binary.write_bytes(b"\xff\xfe\x00bad")
    for path, message in ((tmp_path / "missing.txt", "no such file"), (binary, "not UTF-8 text")):
        with pytest.raises(TrustedDevicesError) as caught:
            TrustedDevices.load(path)
        assert str(caught.value) == f"{path}: {message}"
