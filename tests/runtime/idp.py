"""A small identity provider for tests: real RSA/EC keys, tokens signed with them, and a JWKS
document served over loopback HTTP from a thread (what Entra ID, Auth0, Keycloak and Okta publish
at their `jwks_uri`)."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from contractgen.identity import Identity

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass
class Key:
    kid: str | None
    private: PrivateKey
    algorithm: str

    @classmethod
    def rsa(cls, kid: str) -> Key:
        return cls(kid, rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS256")

    @classmethod
    def ec(cls, kid: str) -> Key:
        return cls(kid, ec.generate_private_key(ec.SECP256R1()), "ES256")

    @property
    def public_pem(self) -> str:
        return (
            self.private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    def jwk(self) -> dict[str, Any]:
        converter = RSAAlgorithm if isinstance(self.private, rsa.RSAPrivateKey) else ECAlgorithm
        entry: dict[str, Any] = converter.to_jwk(self.private.public_key(), as_dict=True)
        return {**entry, "kid": self.kid, "use": "sig", "alg": self.algorithm}

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        headers = {name: value for name, value in {"kid": self.kid, **header}.items() if value}
        algorithm = headers.pop("alg", self.algorithm)
        return jwt.encode(claims, self.private, algorithm=algorithm, headers=headers)


def claims(identity: Identity, **overrides: Any) -> dict[str, Any]:
    """Valid claims for `identity`, an hour to live; an override of None removes the claim."""
    now = int(time.time())
    base: dict[str, Any] = {
        "sub": "user-1",
        "iss": identity.issuer,
        "aud": identity.audience,
        "iat": now,
        "exp": now + 3600,
        "jti": uuid.uuid4().hex,  # every token new: none is answered from the verifier's memory
    }
    if identity.tenant_claim:
        base[identity.tenant_claim] = [1]
    merged = {**base, **overrides}
    return {name: value for name, value in merged.items() if value is not None}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict[str, Any], payload: dict[str, Any], signature: bytes = b"") -> str:
    """A token put together by hand (what an attacker sends; no library would sign it)."""
    parts = [json.dumps(header).encode(), json.dumps(payload).encode()]
    return ".".join([*(b64(part) for part in parts), b64(signature)])


@dataclass
class JwksServer:
    """Serves `keys` as a JWKS document; counts the fetches; `hang` makes it answer nothing."""

    keys: list[Key] = field(default_factory=list)
    hits: int = 0
    hang: bool = False
    url: str = ""
    _release: threading.Event = field(default_factory=threading.Event)

    def document(self) -> bytes:
        return json.dumps({"keys": [key.jwk() for key in self.keys]}).encode()

    @contextmanager
    def running(self) -> Iterator[JwksServer]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits += 1
                if server.hang:
                    server._release.wait(timeout=10)  # bounded: a test never waits forever
                    return
                body = server.document()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        self.url = f"http://127.0.0.1:{httpd.server_address[1]}/.well-known/jwks.json"
        try:
            yield self
        finally:
            self._release.set()
            httpd.shutdown()
            httpd.server_close()
            thread.join(timeout=5)
