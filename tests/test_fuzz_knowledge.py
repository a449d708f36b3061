"""Fuzzing the knowledge parsers: any bytes as an upload, any structure as a protocol pack.
Each input either parses or is refused with a KnowledgeRejected (a message for the admin);
nothing else escapes and nothing hangs (hypothesis' deadline)."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import timedelta
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.ingest import KnowledgeRejected, Limits, chunk_document, parse_document
from assistant.protocols import InvalidProtocolPack, parse_pack, validate_pack
from tests.conftest import KNOWLEDGE

LIMITS = Limits(max_upload_bytes=200_000, max_unpacked_bytes=400_000, max_pdf_pages=20)
# INTAKE_HYPOTHESIS=explore INTAKE_FUZZ_EXAMPLES=5000 explores further by hand (tests/conftest.py).
FUZZ = settings(
    max_examples=int(os.environ.get("INTAKE_FUZZ_EXAMPLES", "150")),
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow],
)
EXTENSIONS = st.sampled_from([".pdf", ".docx", ".md", ".txt", ".csv", ".yaml", ".exe", ""])
CHEST_PAIN = yaml.safe_load((KNOWLEDGE / "protocols" / "chest_pain.yaml").read_text())


def _parse_upload(name: str, data: bytes) -> None:
    try:
        doc = parse_document(name, data, LIMITS)
        chunk_document(doc, LIMITS)
    except KnowledgeRejected as exc:
        assert str(exc)  # a message the admin can read


@FUZZ
@given(data=st.binary(max_size=4096), ext=EXTENSIONS)
def test_any_bytes_under_any_name_parse_or_are_refused(data: bytes, ext: str) -> None:
    _parse_upload(f"upload{ext}", data)


@FUZZ
@given(prefix=st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04", b"\xef\xbb\xbf#"]), tail=st.binary())
def test_files_that_start_like_a_pdf_or_a_zip_parse_or_are_refused(
    prefix: bytes, tail: bytes
) -> None:
    for ext in (".pdf", ".docx", ".md"):
        _parse_upload(f"upload{ext}", prefix + tail)


@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")
@FUZZ
@given(
    members=st.lists(
        st.tuples(
            st.one_of(
                st.just("word/document.xml"),
                st.just("[Content_Types].xml"),
                st.from_regex(r"[A-Za-z0-9_./]{1,30}", fullmatch=True),
            ),
            st.binary(max_size=2048),
        ),
        max_size=4,
    )
)
def test_any_zip_named_docx_parses_or_is_refused(members: list[tuple[str, bytes]]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    _parse_upload("leaflet.docx", buffer.getvalue())


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20)
)
_TREES = st.recursive(
    _SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=30,
)


@FUZZ
@given(raw=_TREES)
def test_any_structure_is_a_valid_pack_or_a_clear_refusal(raw: Any) -> None:
    try:
        validate_pack(raw, "fuzz.yaml", "0" * 64)
    except InvalidProtocolPack as exc:
        assert str(exc).startswith("fuzz.yaml")


def _mutate(tree: Any, path: list[Any], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(tree, dict) and tree:
        key = list(tree)[head % len(tree)]
        return {**tree, key: _mutate(tree[key], rest, value)}
    if isinstance(tree, list) and tree:
        index = head % len(tree)
        return [*tree[:index], _mutate(tree[index], rest, value), *tree[index + 1 :]]
    return value


@FUZZ
@given(path=st.lists(st.integers(min_value=0, max_value=50), max_size=6), value=_TREES)
def test_a_real_pack_with_one_part_replaced_validates_or_is_refused(
    path: list[int], value: Any
) -> None:
    mutated = _mutate(CHEST_PAIN, path, value)
    try:
        validate_pack(mutated, "chest_pain.yaml", "0" * 64)
    except InvalidProtocolPack as exc:
        assert str(exc).startswith("chest_pain.yaml")


@FUZZ
@given(text=st.text(max_size=400), ext=st.sampled_from([".yaml", ".yml", ".json"]))
def test_any_text_as_a_pack_file_parses_or_is_refused(text: str, ext: str) -> None:
    try:
        parse_pack(f"pack{ext}", text.encode("utf-8", "surrogatepass"))
    except KnowledgeRejected as exc:
        assert str(exc)


def _paths(tree: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(tree, dict):
        for i, key in enumerate(tree):
            out += _paths(tree[key], (*prefix, i))
    elif isinstance(tree, list):
        for i, child in enumerate(tree):
            out += _paths(child, (*prefix, i))
    return out


ODD_VALUES: list[Any] = [None, 1, -3, 2.5, True, "", "x", [], [1], {}, {"x": 1}, ["x"]]


@pytest.mark.parametrize("pack_file", sorted((KNOWLEDGE / "protocols").glob("*.yaml")))
def test_every_part_of_every_real_pack_replaced_by_an_odd_value_is_refused_clearly(
    pack_file: Any,
) -> None:
    """Exhaustive, not sampled: every node of every shipped pack, each odd value."""
    pack = yaml.safe_load(pack_file.read_text(encoding="utf-8"))
    tried = 0
    for path in _paths(pack)[1:]:
        for value in ODD_VALUES:
            mutated = _mutate(pack, list(path), value)
            try:
                validate_pack(mutated, pack_file.name, "0" * 64)
            except InvalidProtocolPack as exc:
                assert str(exc).startswith(pack_file.name)
            tried += 1
    assert tried > 500
