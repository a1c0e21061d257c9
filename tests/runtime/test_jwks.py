"""Keys from a JWKS URL: fetched once at start-up, chosen by `kid`, refreshed when a rotation
brings a new one (rate-limited, bounded by a timeout), kept when the provider is down."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from contractgen.runtime.jwks import JwksError, JwksKeySet, parse_jwks
from contractgen.runtime.jwt import JwtSettings, JwtVerifier
from generated.idea.app import create_app
from tests.runtime.conftest import IDENTITY, InMemoryIdeas
from tests.runtime.idp import JwksServer, Key, claims

IDEAS = "/organizations/1/ideas"
OLD = Key.rsa("2026-01")
NEW = Key.ec("2026-02")


def status(client: TestClient, key: Key) -> int:
    token = key.sign(claims(IDENTITY))
    return client.get(IDEAS, headers={"Authorization": f"Bearer {token}"}).status_code


def app_on(url: str, *, min_refresh: float, timeout: float = 3.0) -> TestClient:
    settings = JwtSettings(
        IDENTITY,
        jwks_url=url,
        jwks_min_refresh_seconds=min_refresh,
        jwks_timeout_seconds=timeout,
    )
    app = create_app(InMemoryIdeas(), verify_token=JwtVerifier(settings), swagger_ui=False)
    client: TestClient = app.test_client()
    return client


@pytest.fixture
def provider() -> Iterator[JwksServer]:
    with JwksServer([OLD]).running() as server:
        yield server


def test_keys_are_fetched_once_at_start_up_and_then_served_from_memory(
    provider: JwksServer,
) -> None:
    client = app_on(provider.url, min_refresh=0)
    assert provider.hits == 1  # before any request
    for _ in range(20):
        assert status(client, OLD) == 200
    assert provider.hits == 1


def test_a_rotation_is_followed_new_kid_in_old_kid_out(provider: JwksServer) -> None:
    client = app_on(provider.url, min_refresh=0)
    provider.keys = [OLD, NEW]  # the provider publishes the next key
    assert status(client, NEW) == 200  # unknown kid: one refresh, then accepted
    assert provider.hits == 2
    assert status(client, OLD) == 200  # both are valid during the overlap

    provider.keys = [NEW]  # the old key is withdrawn
    assert status(client, Key.rsa("2026-03")) == 401  # a refresh
    assert provider.hits == 3
    assert status(client, OLD) == 401  # a fresh token signed with the withdrawn key
    assert status(client, NEW) == 200


def test_a_rotation_is_followed_even_beside_static_keys_of_the_same_type(
    provider: JwksServer,
) -> None:
    """A static RSA key that cannot verify the token must not stop the look-up of a new kid."""
    static = Key.rsa("static")
    settings = JwtSettings(
        IDENTITY,
        public_keys=(static.public_pem,),
        jwks_url=provider.url,
        jwks_min_refresh_seconds=0,
    )
    verifier = JwtVerifier(settings)
    client: TestClient = create_app(
        InMemoryIdeas(), verify_token=verifier, swagger_ui=False
    ).test_client()
    rotated = Key.rsa("2026-02-rsa")
    provider.keys = [OLD, rotated]
    assert status(client, rotated) == 200
    assert status(client, Key(None, static.private, "RS256")) == 200


def test_callers_that_arrive_during_a_refresh_share_it(provider: JwksServer) -> None:
    keys = JwksKeySet(provider.url, min_refresh_seconds=0)

    async def many() -> None:
        await asyncio.gather(*(keys.refresh() for _ in range(20)))

    asyncio.run(many())
    assert provider.hits == 1
    assert [key.kid for key in keys.keys_for("2026-01")] == ["2026-01"]


def test_unknown_kids_cannot_make_us_hammer_the_provider(provider: JwksServer) -> None:
    client = app_on(provider.url, min_refresh=30)
    stranger = Key.rsa("nobody")
    for _ in range(25):
        assert status(client, stranger) == 401
    assert provider.hits == 1  # the start-up fetch; refreshes wait 30 s after it


def test_a_provider_that_hangs_delays_one_request_by_the_timeout_at_most(
    provider: JwksServer,
) -> None:
    client = app_on(provider.url, min_refresh=30, timeout=0.5)
    provider.hang = True
    client_keyset = JwksKeySet(provider.url, timeout_seconds=0.5, min_refresh_seconds=30)
    started = time.monotonic()
    assert client_keyset.load() is False  # start-up: logged, not fatal
    assert time.monotonic() - started < 2.0

    # The app's own keys were loaded before the hang: known kids keep working meanwhile.
    assert status(client, OLD) == 200
    started = time.monotonic()
    assert status(client, NEW) == 401  # unknown kid: the one refresh attempt times out
    first = time.monotonic() - started
    started = time.monotonic()
    for _ in range(10):
        assert status(client, NEW) == 401  # no further attempt within 30 s: immediate
    rest = time.monotonic() - started
    assert first < 2.5 and rest < 2.0, (first, rest)
    assert status(client, OLD) == 200  # a failed refresh keeps the keys we had


def test_a_provider_down_at_start_up_is_retried_later(provider: JwksServer) -> None:
    url = provider.url
    provider.hang = True
    client = app_on(url, min_refresh=0, timeout=0.3)  # starts, without keys
    assert status(client, OLD) == 401
    provider.hang = False
    provider._release.set()
    assert status(client, OLD) == 200


def test_nothing_listens() -> None:
    keys = JwksKeySet("http://127.0.0.1:9/jwks.json", timeout_seconds=0.5)
    started = time.monotonic()
    assert keys.load() is False
    assert time.monotonic() - started < 2.0
    assert keys.keys == []


@pytest.mark.parametrize(
    "document",
    [[], {}, {"keys": "x"}, {"keys": []}, {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]},
     {"keys": [{"kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB"}]}],
)  # fmt: skip
def test_a_document_without_signature_keys_is_refused(document: object) -> None:
    with pytest.raises(JwksError):
        parse_jwks(document)


def test_keys_take_their_algorithm_from_the_document_or_their_type() -> None:
    rsa_entry = {k: v for k, v in OLD.jwk().items() if k != "alg"}
    keys = parse_jwks({"keys": [rsa_entry, NEW.jwk(), {"kty": "unknown"}]})
    assert [(key.kid, key.algorithms) for key in keys] == [
        ("2026-01", ("RS256",)),
        ("2026-02", ("ES256",)),
    ]


def test_only_http_urls() -> None:
    with pytest.raises(ValueError, match="http"):
        JwksKeySet("file:///etc/passwd")
