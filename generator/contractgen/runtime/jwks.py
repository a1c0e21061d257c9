"""The signing keys an identity provider publishes as a JWKS document (Entra ID, Auth0, Keycloak,
Okta), fetched once at start-up, looked up by `kid`, and refreshed within bounds.

PyJWT's `PyJWKClient` is not used: it fetches under a lock on the request path, forgets the
whole key set when its cache expires, and retries a failed fetch on every request, so an identity
provider that is down or slow makes every request wait for its timeout. Here:

* a lookup never does network I/O; it answers from the keys it has, stale or not;
* a refresh is single-flight, bounded by a timeout, and attempted at most once per
  `min_refresh_seconds` whatever its outcome (unknown `kid`s cannot make us hammer the provider);
* a failed refresh keeps the keys we had (an outage of the provider is not an outage of ours);
* keys older than `max_age_seconds` are refreshed in the background while the old ones serve.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
from jwt import PyJWK, PyJWKSet, PyJWTError

log = logging.getLogger("contractgen.jwks")


class JwksError(RuntimeError):
    """The JWKS endpoint could not be read or held no usable signing key."""


@dataclass(frozen=True)
class SigningKey:
    """A key and the algorithms it may verify: a published key exactly one (its `alg`, else its
    type's default), so that a token cannot choose an algorithm the key was not meant for."""

    kid: str | None
    key: Any
    algorithms: tuple[str, ...]


def parse_jwks(document: object) -> list[SigningKey]:
    """The signature keys of a JWKS document; encryption and symmetric keys are left out (a
    public document must not hand out a key that could also sign)."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise JwksError("not a JWKS document (a JSON object with a `keys` list)")
    usable = [
        entry
        for entry in document["keys"]
        if isinstance(entry, dict)
        and entry.get("use", "sig") == "sig"
        and entry.get("kty") != "oct"
    ]
    try:
        # PyJWKSet skips keys it cannot read (unknown kty or curve) and fails when none is left.
        keys: list[PyJWK] = PyJWKSet.from_dict({"keys": usable}).keys
    except PyJWTError as error:
        raise JwksError(f"no usable signing key: {error}") from error
    return [SigningKey(key.key_id, key.key, (key.algorithm_name,)) for key in keys]


class JwksKeySet:
    """The keys behind one JWKS URL. `keys_for(kid)` is cheap; `refresh()` is the only I/O."""

    def __init__(
        self,
        url: str,
        *,
        timeout_seconds: float = 3.0,
        min_refresh_seconds: float = 30.0,
        max_age_seconds: float = 600.0,
    ) -> None:
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"JWKS URL must be http(s): {url!r}")
        self.url = url
        self._timeout = timeout_seconds
        self._min_refresh = min_refresh_seconds
        self._max_age = max_age_seconds
        self._keys: list[SigningKey] = []
        self._fetched_at = float("-inf")
        self._attempted_at = float("-inf")
        self._lock = threading.Lock()  # guards the attempt bookkeeping; fetches run unlocked
        self._in_flight: asyncio.Future[None] | None = None
        self._background: set[asyncio.Task[None]] = set()

    @property
    def keys(self) -> list[SigningKey]:
        return list(self._keys)

    def load(self) -> bool:
        """Fetch now, blocking (at start-up, before serving). False, logged, when it fails: the
        service still starts, refuses tokens until a refresh succeeds, and tries again."""
        self._claim_attempt(force=True)
        try:
            self._store(self._fetch())
        except JwksError as error:
            log.warning("JWKS not loaded at start-up: %s", error, extra={"jwks_url": self.url})
            return False
        return True

    def keys_for(self, kid: str | None) -> list[SigningKey]:
        """The keys a token with this `kid` may be signed with (all of them without a `kid`)."""
        return [key for key in self._keys if kid is None or key.kid == kid]

    @property
    def stale(self) -> bool:
        return time.monotonic() - self._fetched_at > self._max_age

    def refresh_in_background(self) -> None:
        """Start a refresh that no request waits for (stale keys keep serving meanwhile)."""
        if self._in_flight is None and time.monotonic() - self._attempted_at >= self._min_refresh:
            task = asyncio.get_running_loop().create_task(self.refresh())
            self._background.add(task)  # a task nobody references may be collected mid-flight
            task.add_done_callback(self._background.discard)

    async def refresh(self) -> None:
        """Fetch the keys again unless an attempt was made within `min_refresh_seconds`; callers
        that arrive while one is under way wait for that one. Never raises, never takes longer
        than the timeout."""
        if self._in_flight is not None:
            await asyncio.shield(self._in_flight)
            return
        if not self._claim_attempt(force=False):
            return
        self._in_flight = asyncio.get_running_loop().create_future()
        try:
            # The thread may outlive the wait (a hung socket); the request does not wait for it.
            keys = await asyncio.wait_for(asyncio.to_thread(self._fetch), self._timeout + 1)
            self._store(keys)
        except (JwksError, TimeoutError) as error:
            log.warning("JWKS refresh failed, keeping the keys we had: %s", error or "timed out")
        except Exception:  # a refresh must never turn a token check into a 500
            log.exception("JWKS refresh failed, keeping the keys we had")
        finally:
            self._in_flight.set_result(None)
            self._in_flight = None

    def _claim_attempt(self, *, force: bool) -> bool:
        with self._lock:
            now = time.monotonic()
            if not force and now - self._attempted_at < self._min_refresh:
                return False
            self._attempted_at = now
            return True

    def _fetch(self) -> list[SigningKey]:
        try:
            response = httpx.get(self.url, timeout=self._timeout, follow_redirects=False)
            response.raise_for_status()
            return parse_jwks(response.json())
        except (httpx.HTTPError, ValueError) as error:
            raise JwksError(f"{self.url}: {error}") from error

    def _store(self, keys: list[SigningKey]) -> None:
        kids = sorted(str(key.kid) for key in keys)
        log.info("JWKS keys loaded", extra={"jwks_url": self.url, "kids": kids})
        self._keys = keys
        self._fetched_at = time.monotonic()
