from __future__ import annotations

import pytest

from assistant.auth import Users, hash_password, verify_password
from assistant.errors import AccessDenied, SessionNotFound, StaleAnswer
from assistant.micromodels.base import Trace
from assistant.store import NewFact, Store, TurnWrite


@pytest.fixture
def store(database_url: str) -> Store:
    s = Store(database_url)
    s.create_schema()
    return s


def _turn(intake_id: str, expected: str | None, nxt: str | None) -> TurnWrite:
    return TurnWrite(
        intake_id=intake_id,
        expected_link_id=expected,
        patient_text="45",
        patient_language="en",
        assistant_text="next?",
        next_link_id=nxt,
        next_status="in_progress",
        facts=[NewFact(kind="answer", key="age", value={"value": 45}, link_id=expected)],
        traces=[Trace("answer_parser", "rules-x", 0.5, 0.95)],
    )


def test_turn_is_written_with_facts_and_traces(store: Store) -> None:
    row, token = store.create_intake("en", "1", "age", "hello", 7)
    seq = store.record_turn(_turn(row.id, "age", "sex"))
    assert seq == 2
    turns = store.turns(row.id)
    assert [t.role for t in turns] == ["assistant", "patient", "assistant"]
    assert store.facts(row.id)[0].value == {"value": 45}
    trace = store.traces(row.id)[0]
    assert (trace.model, trace.version, trace.confidence) == ("answer_parser", "rules-x", 0.95)
    assert store.get_intake(row.id).current_link_id == "sex"
    assert store.find_by_token(token).id == row.id


def test_double_submit_of_the_same_question_is_refused_and_nothing_duplicates(
    store: Store,
) -> None:
    row, _ = store.create_intake("en", "1", "age", "hello", 7)
    store.record_turn(_turn(row.id, "age", "sex"))
    with pytest.raises(StaleAnswer):
        store.record_turn(_turn(row.id, "age", "sex"))
    assert len(store.facts(row.id)) == 1
    assert len(store.turns(row.id)) == 3


def test_unknown_and_expired_tokens_are_not_found(store: Store) -> None:
    with pytest.raises(SessionNotFound):
        store.find_by_token("nope")
    _row, token = store.create_intake("en", "1", "age", "hello", -1)
    with pytest.raises(SessionNotFound):
        store.find_by_token(token)


def test_acknowledged_turn_survives_a_new_connection(database_url: str) -> None:
    url = database_url
    first = Store(url)
    first.create_schema()
    row, _ = first.create_intake("ar", "1", "age", "مرحبا", 7)
    first.record_turn(_turn(row.id, "age", "sex"))
    first.engine.dispose()
    second = Store(url)
    assert second.facts(row.id)[0].key == "age"


def test_passwords_are_hashed_and_verified() -> None:
    stored = hash_password("correct horse battery")
    assert "correct horse" not in stored
    assert verify_password("correct horse battery", stored)
    assert not verify_password("wrong password!!", stored)
    assert not verify_password("x", "garbage")
    assert stored.startswith("$argon2id$")
    assert not verify_password("correct horse battery", stored.replace("$argon2id$", "$argon2x$"))


def test_hashes_from_the_earlier_scrypt_scheme_still_verify() -> None:
    from assistant.auth import _scrypt_hash

    old = _scrypt_hash("correct horse battery")
    assert old.startswith("scrypt$")
    assert verify_password("correct horse battery", old)
    assert not verify_password("wrong password!!", old)


def test_users_login_roles_and_bad_credentials(store: Store) -> None:
    users = Users(store)
    with pytest.raises(ValueError, match="at least"):
        users.add("dr", "short", ["clinician"])
    with pytest.raises(ValueError, match="roles"):
        users.add("dr", "long enough pw", ["surgeon"])
    users.add("dr", "long enough pw", ["clinician"])
    who = users.login("dr", "long enough pw")
    who.require("clinician")
    with pytest.raises(AccessDenied):
        who.require("admin")
    with pytest.raises(AccessDenied):
        users.login("dr", "wrong password")
    with pytest.raises(AccessDenied):
        users.login("nobody", "long enough pw")
    assert [r.action for r in store.audit_log()] == ["login"]
