"""Whatever bytes arrive, the reader refuses with a reason or yields records: it never crashes."""

from __future__ import annotations

import io
import warnings
import zipfile

import pytest
from bundle_world import answer_responses, make_world
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.public import PrivateKey

from akhlak_tui.bundle.export import export_bundle
from akhlak_tui.bundle.format import MEMBERS
from akhlak_tui.bundle.reader import BundleRefused, RecordFailure, read_bundle
from akhlak_tui.response import Response

KEY = PrivateKey.generate()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def read_all(path) -> None:
    try:
        opened = read_bundle(path, coordinator=KEY)
    except BundleRefused as refused:
        assert refused.reason and "\n" not in refused.reason
        return
    assert all(isinstance(item, (Response, RecordFailure)) for item in opened)


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_are_refused_cleanly(tmp_path, data):
    path = tmp_path / "x.akhlak-bundle"
    path.write_bytes(b"PK\x03\x04" + data)
    read_all(path)


@SETTINGS
@given(
    entries=st.lists(
        st.tuples(st.sampled_from([*MEMBERS, "../evil", "a/b", "", "manifest.json/"]), st.binary(max_size=300)),
        max_size=5,
    ),
    compress=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]),
)
def test_arbitrary_archives_are_refused_cleanly(tmp_path, entries, compress):
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buffer, "w", compression=compress) as archive:
            for name, data in entries:
                archive.writestr(name or "x", data)
    path = tmp_path / "x.akhlak-bundle"
    path.write_bytes(buffer.getvalue())
    read_all(path)


@pytest.fixture(scope="module")
def genuine(tmp_path_factory):
    """A real exported bundle (5 responses), the coordinator keys, and its records' JSON."""
    world = make_world(tmp_path_factory.mktemp("world"))
    answer_responses(world.laptop, 5)
    path = export_bundle(world.laptop, world.out).path
    return path.read_bytes(), world.keys, [r.canonical_json() for r in read_bundle(path, coordinator=world.keys)]


@SETTINGS
@given(edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1, max_size=4))
def test_random_edits_of_a_real_bundle_are_refused_or_change_nothing(tmp_path, genuine, edits):
    raw, keys, expected = genuine
    changed = bytearray(raw)
    for offset, value in edits:
        changed[offset % len(raw)] = value
    path = tmp_path / "x.akhlak-bundle"
    path.write_bytes(bytes(changed))
    try:
        opened = read_bundle(path, coordinator=keys)
    except BundleRefused:
        return
    assert [r.canonical_json() for r in opened] == expected
