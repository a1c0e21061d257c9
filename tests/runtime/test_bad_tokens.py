"""Every way a bearer token can be wrong gets 401 application/problem+json from a real app, never
a 500; good RS256, ES256 (from a JWKS and from static PEM keys, RSA and EC mixed) and HS256 tokens
reach the handler.

The app is the generated idea service over in-memory handlers; its verifier reads a real JWKS
served over loopback HTTP, two static PEM keys and an HS256 secret, all at once."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import jwt
import pytest
from starlette.testclient import TestClient

from contractgen.runtime.jwt import JwtSettings, JwtVerifier
from generated.idea.app import create_app
from tests.runtime.conftest import IDENTITY, InMemoryIdeas
from tests.runtime.idp import JwksServer, Key, b64, claims, unsigned

IDEAS = "/organizations/1/ideas"
SECRET = "an-hs256-secret-of-at-least-32-bytes!"

RSA = Key.rsa("rsa-1")
EC = Key.ec("ec-1")
PEM_RSA = Key.rsa("pem-rsa")  # no kid needed: static keys are tried by type
PEM_EC = Key.ec("pem-ec")
STRANGER = Key.rsa("rsa-1")  # someone else's key under our provider's kid


@pytest.fixture(scope="module")
def jwks() -> Iterator[JwksServer]:
    with JwksServer([RSA, EC]).running() as server:
        yield server


@pytest.fixture(scope="module")
def app(jwks: JwksServer) -> Iterator[tuple[TestClient, InMemoryIdeas]]:
    settings = JwtSettings(
        IDENTITY,
        secret=SECRET,
        public_keys=(PEM_RSA.public_pem, PEM_EC.public_pem),
        jwks_url=jwks.url,
        jwks_min_refresh_seconds=0,  # every unknown kid may look: the worst case for us
    )
    handlers = InMemoryIdeas()
    app = create_app(handlers, verify_token=JwtVerifier(settings), swagger_ui=False)
    with app.test_client() as client:
        yield client, handlers


@pytest.fixture
def app_client(app: tuple[TestClient, InMemoryIdeas]) -> tuple[TestClient, InMemoryIdeas]:
    app[1].calls.clear()
    return app


def hs256(payload: dict[str, Any], secret: bytes, header: dict[str, Any] | None = None) -> str:
    """HS256 by hand, with any bytes as the secret (PyJWT refuses a PEM key as an HMAC secret)."""
    head = b64(json.dumps(header or {"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(payload).encode())
    signature = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(signature)}"


def good() -> dict[str, Any]:
    return claims(IDENTITY)


def tampered() -> str:
    head, _, signature = RSA.sign(good()).split(".")
    return ".".join([head, b64(json.dumps(claims(IDENTITY, tenants=[1, 2])).encode()), signature])


HS_HEADER = b64(b'{"alg":"HS256"}')
# Each case builds its Authorization header value (None: no header).
BAD: dict[str, Callable[[], str | None]] = {
    "no Authorization header": lambda: None,
    "Basic instead of Bearer": lambda: "Basic dXNlcjpwdw==",
    "Bearer with no token": lambda: "Bearer ",
    "malformed: not a JWT": lambda: "Bearer not-a-jwt",
    "malformed: three garbage parts": lambda: "Bearer a.b.c",
    "malformed: header not JSON": lambda: f"Bearer {b64(b'{oops')}.{b64(b'{}')}.{b64(b'x')}",
    "malformed: payload not JSON": lambda: f"Bearer {HS_HEADER}.{b64(b'[')}.x",
    "alg none, unsigned": lambda: f"Bearer {unsigned({'alg': 'none', 'kid': 'rsa-1'}, good())}",
    "alg None (capitalised)": lambda: f"Bearer {unsigned({'alg': 'None'}, good())}",
    "alg missing": lambda: f"Bearer {unsigned({'kid': 'rsa-1'}, good(), b'sig')}",
    "HS256 signed with the RSA public key (key confusion)": lambda: (
        f"Bearer {hs256(good(), RSA.public_pem.encode(), {'alg': 'HS256', 'kid': 'rsa-1'})}"
    ),
    "HS256 signed with the static PEM key (key confusion)": lambda: (
        f"Bearer {hs256(good(), PEM_RSA.public_pem.encode())}"
    ),
    "ES256 token under the RSA key's kid": lambda: f"Bearer {EC.sign(good(), kid='rsa-1')}",
    "RS256 token under the EC key's kid": lambda: f"Bearer {RSA.sign(good(), kid='ec-1')}",
    "RS512 header on an RS256 signature": lambda: (
        f"Bearer {'.'.join([b64(json.dumps({'alg': 'RS512', 'kid': 'rsa-1'}).encode()), *RSA.sign(good()).split('.')[1:]])}"
    ),
    "unknown kid": lambda: f"Bearer {Key.rsa('rsa-unknown').sign(good())}",
    "kid not a string": lambda: f"Bearer {unsigned({'alg': 'RS256', 'kid': 7}, good(), b's')}",
    "signed by another key under a known kid": lambda: f"Bearer {STRANGER.sign(good())}",
    "jku header pointing elsewhere": lambda: (
        f"Bearer {STRANGER.sign(good(), kid='x', jku='http://127.0.0.1:1/evil.json')}"
    ),
    "payload changed after signing": lambda: f"Bearer {tampered()}",
    "signature stripped": lambda: f"Bearer {RSA.sign(good()).rsplit('.', 1)[0]}.",
    "HS256 with a wrong secret": lambda: (
        f"Bearer {jwt.encode(good(), 'a-guessed-secret-of-at-least-32-bytes', algorithm='HS256')}"
    ),
    "expired": lambda: f"Bearer {RSA.sign(claims(IDENTITY, exp=int(time.time()) - 60))}",
    "not yet valid (nbf)": lambda: (
        f"Bearer {EC.sign(claims(IDENTITY, nbf=int(time.time()) + 600))}"
    ),
    "issued in the future (iat)": lambda: (
        f"Bearer {RSA.sign(claims(IDENTITY, iat=int(time.time()) + 600))}"
    ),
    "wrong audience": lambda: f"Bearer {RSA.sign(claims(IDENTITY, aud='another-api'))}",
    "wrong issuer": lambda: f"Bearer {EC.sign(claims(IDENTITY, iss='https://evil.test'))}",
    "missing exp": lambda: f"Bearer {RSA.sign(claims(IDENTITY, exp=None))}",
    "missing sub": lambda: f"Bearer {RSA.sign(claims(IDENTITY, sub=None))}",
    "missing iss": lambda: f"Bearer {RSA.sign(claims(IDENTITY, iss=None))}",
    "missing aud": lambda: f"Bearer {RSA.sign(claims(IDENTITY, aud=None))}",
    "exp not a number": lambda: f"Bearer {RSA.sign(claims(IDENTITY, exp='tomorrow'))}",
    "sub not a string": lambda: f"Bearer {RSA.sign(claims(IDENTITY, sub=42))}",
    "sub empty": lambda: f"Bearer {RSA.sign(claims(IDENTITY, sub=''))}",
    "tenants as strings (integers declared)": lambda: (
        f"Bearer {RSA.sign(claims(IDENTITY, tenants=['1']))}"
    ),
    "tenants as booleans": lambda: f"Bearer {RSA.sign(claims(IDENTITY, tenants=[True]))}",
    "tenants as an object": lambda: f"Bearer {RSA.sign(claims(IDENTITY, tenants={'id': 1}))}",
    "tenants a bare value, not a list": lambda: f"Bearer {RSA.sign(claims(IDENTITY, tenants=1))}",
    "tenants nested lists": lambda: f"Bearer {RSA.sign(claims(IDENTITY, tenants=[[1]]))}",
}


@pytest.mark.parametrize("case", BAD.keys())
def test_a_bad_token_is_a_401_problem(
    app_client: tuple[TestClient, InMemoryIdeas], case: str
) -> None:
    client, handlers = app_client
    authorization = BAD[case]()
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.get(IDEAS, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 401
    assert handlers.calls == []


GOOD: dict[str, Callable[[], str]] = {
    "RS256 from the JWKS": lambda: RSA.sign(good()),
    "ES256 from the JWKS": lambda: EC.sign(good()),
    "RS256 from a static PEM key": lambda: PEM_RSA.sign(good(), kid=None),
    "ES256 from a static PEM key (mixed with RSA)": lambda: PEM_EC.sign(good(), kid=None),
    "HS256 from the secret": lambda: jwt.encode(good(), SECRET, algorithm="HS256"),
    "audience among several": lambda: RSA.sign(claims(IDENTITY, aud=["x", IDENTITY.audience])),
    "no tenant claim at all": lambda: EC.sign(claims(IDENTITY, tenants=None)),
}


@pytest.mark.parametrize("case", GOOD.keys())
def test_a_good_token_reaches_the_handler(
    app_client: tuple[TestClient, InMemoryIdeas], case: str
) -> None:
    client, handlers = app_client
    response = client.get(IDEAS, headers={"Authorization": f"Bearer {GOOD[case]()}"})
    assert response.status_code == 200, response.text
    [(_, arguments)] = handlers.calls
    assert arguments["principal"].subject == "user-1"


def test_no_tenancy_means_no_tenants_whatever_the_token_says(jwks: JwksServer) -> None:
    plain = dataclasses.replace(IDENTITY, tenant_claim=None)
    handlers = InMemoryIdeas()
    verifier = JwtVerifier(JwtSettings(plain, jwks_url=jwks.url))
    with create_app(handlers, verify_token=verifier, swagger_ui=False).test_client() as client:
        token = RSA.sign(claims(plain, tenants="anything at all"))
        response = client.get(IDEAS, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert handlers.calls[0][1]["principal"].tenants == frozenset()
