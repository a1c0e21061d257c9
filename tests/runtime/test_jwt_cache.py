"""A verified token is remembered until it expires, never beyond, and the memory is bounded."""

from __future__ import annotations

import time

import pytest

from contractgen.runtime.jwt import LOCAL_SECRET, JwtSettings, JwtVerifier, mint_token


def test_a_remembered_token_stops_working_when_it_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    verifier = JwtVerifier(JwtSettings(secret=LOCAL_SECRET, leeway_seconds=5))
    token = mint_token("alice", [1], ttl_seconds=60)
    assert verifier(token) is not None
    assert verifier(token) is not None  # from memory now

    later = time.time() + 60 + 6
    monkeypatch.setattr(time, "time", lambda: later)
    checked: list[str] = []
    # The signature library reads its own clock: stand in for it, as it would answer by then.
    monkeypatch.setattr(verifier, "_verify", lambda t: checked.append(t))

    assert verifier(token) is None
    assert checked == [token]  # verified again, not taken from memory


def test_only_valid_tokens_are_remembered_and_at_most_cache_size() -> None:
    verifier = JwtVerifier(JwtSettings(secret=LOCAL_SECRET), cache_size=2)
    wrong = mint_token("mallory", [1], secret="another secret, long enough for HS256 keys")
    assert verifier(wrong) is None
    tokens = [mint_token(f"user{n}", [n]) for n in range(3)]
    principals = [verifier(token) for token in tokens]
    assert [p.subject if p else None for p in principals] == ["user0", "user1", "user2"]
    assert list(verifier._verified) == tokens[1:]
