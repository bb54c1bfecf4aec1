"""Refusal reasons say what is wrong, and a bundle is known by its signed manifest, however it is wrapped."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from pathlib import Path

import pytest
from bundle_world import answer_responses, make_world
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akhlak_tui.bundle.export import export_bundle
from akhlak_tui.bundle.format import MANIFEST_MEMBER, MEMBERS, PAYLOAD_MEMBER, SIGNATURE_MEMBER, human_size, over_limit
from akhlak_tui.bundle.reader import BundleRefused, bundle_identity, read_bundle

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CENTRAL_ENTRY = struct.Struct("<4s6H3L5H2L")


@pytest.fixture(scope="module")
def genuine(tmp_path_factory: pytest.TempPathFactory):
    """A real exported bundle: its members' bytes, its file bytes and the coordinator keys."""
    world = make_world(tmp_path_factory.mktemp("world"))
    answer_responses(world.laptop, 3)
    path = export_bundle(world.laptop, world.out).path
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in MEMBERS}
    return members, path.read_bytes(), world.keys


def zip_of(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, compress_type=compression)
    return buffer.getvalue()


def refusal(tmp_path: Path, data: bytes, keys) -> str:
    path = tmp_path / "x.akhlak-bundle"
    path.write_bytes(data)
    with pytest.raises(BundleRefused) as refused:
        read_bundle(path, coordinator=keys)
    return refused.value.reason


def with_manifest(genuine, manifest: bytes) -> bytes:
    members, _, _ = genuine
    return zip_of([(PAYLOAD_MEMBER, members[PAYLOAD_MEMBER]), (MANIFEST_MEMBER, manifest), (SIGNATURE_MEMBER, members[SIGNATURE_MEMBER])])


# -- reasons -----------------------------------------------------------------------------------
@SETTINGS
@given(depth=st.integers(min_value=1, max_value=5000), kind=st.sampled_from(["[]", "{}"]))
def test_a_deeply_nested_manifest_is_not_called_a_damaged_zip(tmp_path, genuine, depth, kind):
    opening, closing = (b"[", b"]") if kind == "[]" else (b'{"a":', b"}")
    manifest = opening * depth + (b"1" if kind == "{}" else b"") + closing * depth

    reason = refusal(tmp_path, with_manifest(genuine, manifest), genuine[2])

    assert "zip" not in reason
    assert reason.startswith("manifest")
    if depth >= 2000:
        assert reason == "manifest is nested too deeply to be a manifest (its objects are two levels deep)"


@SETTINGS
@given(digits=st.integers(min_value=1, max_value=6000), negative=st.booleans())
def test_a_long_number_in_the_manifest_is_named_as_such(tmp_path, genuine, digits, negative):
    number = ("-" if negative else "") + "9" * digits
    manifest = b'{"format": "akhlak-bundle", "format_version": 1, "sequence": ' + number.encode() + b"}"

    reason = refusal(tmp_path, with_manifest(genuine, manifest), genuine[2])

    assert "zip" not in reason and reason.startswith("manifest")
    if digits > 32:
        assert reason == f"manifest holds a number of {digits:,} digits; its numbers have at most 16"


def test_a_manifest_one_byte_over_the_limit_shows_both_sizes_exactly(tmp_path, genuine):
    reason = refusal(tmp_path, with_manifest(genuine, b" " * 65_537), genuine[2])

    assert reason == "manifest is 65,537 bytes; the limit is 65,536 bytes (64.0 KiB)"


@given(limit=st.integers(min_value=1, max_value=2**40), over=st.integers(min_value=1, max_value=2**40))
def test_a_size_over_its_limit_never_reads_as_the_limit(limit, over):
    text = over_limit(limit + over, limit)
    shown, limit_shown = text.split("; the limit is ")
    assert shown != limit_shown.split(" (")[0]
    if human_size(limit + over) == human_size(limit):
        assert f"{limit + over:,} bytes" == shown


def test_a_stored_member_with_two_sizes_is_not_called_compressed(tmp_path, genuine):
    members, _, keys = genuine
    data = bytearray(zip_of([(name, members[name]) for name in MEMBERS]))
    at = data.find(b"PK\x01\x02")  # the central directory entry of payload.bin, written first
    fields = list(CENTRAL_ENTRY.unpack_from(data, at))
    fields[8] -= 5  # compressed size; the uncompressed size stays
    CENTRAL_ENTRY.pack_into(data, at, *fields)

    reason = refusal(tmp_path, bytes(data), keys)

    size = len(members[PAYLOAD_MEMBER])
    assert reason == f"member 'payload.bin' is stored, but its directory entry gives two sizes ({size - 5} bytes stored, {size} bytes uncompressed)"
    assert "compressed (method" not in reason


def test_a_compressed_member_is_still_named_as_compressed(tmp_path, genuine):
    members, _, keys = genuine
    reason = refusal(tmp_path, zip_of([(name, members[name]) for name in MEMBERS], zipfile.ZIP_DEFLATED), keys)

    assert reason == "member 'payload.bin' is compressed (method 8); bundle members are stored uncompressed"


# -- identity ------------------------------------------------------------------------------------
def test_a_bundles_identity_is_the_hash_of_its_signed_manifest(tmp_path, genuine):
    members, raw, keys = genuine
    path = tmp_path / "x.akhlak-bundle"
    path.write_bytes(raw)

    with read_bundle(path, coordinator=keys) as opened:
        assert opened.bundle_hash == hashlib.sha256(members[MANIFEST_MEMBER]).hexdigest()
    assert bundle_identity(path) == opened.bundle_hash != hashlib.sha256(raw).hexdigest()


@SETTINGS
@given(
    prefix=st.binary(max_size=300),
    order=st.permutations(MEMBERS),
    compression=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]),
)
def test_the_same_signed_content_rewrapped_has_the_same_identity(tmp_path, genuine, prefix, order, compression):
    members, _, _ = genuine
    path = tmp_path / "x.akhlak-bundle"
    path.write_bytes(prefix + zip_of([(name, members[name]) for name in order], compression))

    assert bundle_identity(path) == hashlib.sha256(members[MANIFEST_MEMBER]).hexdigest()


@SETTINGS
@given(data=st.binary(max_size=500))
def test_identity_of_anything_else_is_none_or_a_hash(tmp_path, data):
    path = tmp_path / "x.akhlak-bundle"
    path.write_bytes(data)

    identity = bundle_identity(path)

    assert identity is None or len(identity) == 64
