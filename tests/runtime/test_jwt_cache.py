"""A verified token is remembered until it expires, never beyond, and the memory is bounded."""

from __future__ import annotations

import asyncio
import time

import pytest

from contractgen.runtime.jwt import LOCAL_SECRET, JwtSettings, JwtVerifier, mint_token
from contractgen.runtime.principal import Principal
from tests.runtime.conftest import IDENTITY


def verify(verifier: JwtVerifier, token: str) -> Principal | None:
    return asyncio.run(verifier(token))


def test_a_remembered_token_stops_working_when_it_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    verifier = JwtVerifier(JwtSettings(IDENTITY, secret=LOCAL_SECRET, leeway_seconds=0))
    token = mint_token(IDENTITY, "alice", [1], secret=LOCAL_SECRET, ttl_seconds=2)
    checked: list[str] = []
    real_verify = verifier._verify

    async def counting(t: str) -> Principal | None:
        checked.append(t)
        return await real_verify(t)

    monkeypatch.setattr(verifier, "_verify", counting)
    assert verify(verifier, token) is not None
    assert verify(verifier, token) is not None
    assert checked == [token]  # the second answer came from memory

    # Really past exp (PyJWT reads its own clock): the real check refuses it, not the memory.
    principal = verify(verifier, token)
    assert principal is not None
    time.sleep(max(0.0, principal.claims["exp"] - time.time() + 0.2))
    assert verify(verifier, token) is None
    assert checked == [token, token]  # verified again, not taken from memory
    assert token not in verifier._verified


def test_a_remembered_token_is_checked_again_after_cache_seconds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A key the provider withdrew must stop working within `cache_seconds`, not at `exp`."""
    verifier = JwtVerifier(JwtSettings(IDENTITY, secret=LOCAL_SECRET), cache_seconds=60)
    token = mint_token(IDENTITY, "alice", [1], secret=LOCAL_SECRET, ttl_seconds=3600)
    assert verify(verifier, token) is not None
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    checked: list[str] = []

    async def refusing(t: str) -> Principal | None:
        checked.append(t)
        return None

    monkeypatch.setattr(verifier, "_verify", refusing)
    assert verify(verifier, token) is None
    assert checked == [token]


def test_only_valid_tokens_are_remembered_and_at_most_cache_size() -> None:
    verifier = JwtVerifier(JwtSettings(IDENTITY, secret=LOCAL_SECRET), cache_size=2)
    wrong = mint_token(
        IDENTITY, "mallory", [1], secret="another secret, long enough for HS256 keys"
    )
    assert verify(verifier, wrong) is None
    tokens = [mint_token(IDENTITY, f"user{n}", [n], secret=LOCAL_SECRET) for n in range(3)]
    principals = [verify(verifier, token) for token in tokens]
    assert [p.subject if p else None for p in principals] == ["user0", "user1", "user2"]
    assert list(verifier._verified) == tokens[1:]
