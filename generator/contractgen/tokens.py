"""`contractgen token`: mint a local bearer token for calling the services by hand.

The issuer, audience and tenant claim are the project's: given one by one, from the environment
the services read (`JWT_ISSUER`, `JWT_AUDIENCE`), or all at once from the project's `Identity`
(`--identity package.module:NAME`). The secret is never implied: `--secret`/`JWT_SECRET`, or
`--dev-secret` for the embedded stack's local development secret.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import sys
from pathlib import Path

import click

from contractgen.config import ConfigError, load_config
from contractgen.identity import Identity
from contractgen.runtime.jwt import LOCAL_SECRET, mint_token
from contractgen.runtime.principal import Tenant


def load_identity(reference: str) -> Identity:
    """`package.module:NAME` -> that `Identity`, importable from the current directory."""
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise click.BadParameter(f"{reference!r} is not MODULE:NAME", param_hint="--identity")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        identity = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise click.BadParameter(f"{reference}: {error}", param_hint="--identity") from error
    if not isinstance(identity, Identity):
        raise click.BadParameter(f"{reference} is not an Identity", param_hint="--identity")
    return identity


def _project_identity() -> Identity | None:
    """The identity the project in the current folder declares in its contractgen.toml."""
    try:
        return load_config(Path.cwd()).identity
    except ConfigError:
        return None


def _tenant(value: str, tenant_type: str) -> Tenant:
    if tenant_type == "string":
        return value
    try:
        return int(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an integer", param_hint="--tenant") from None


@click.command("token")
@click.option(
    "--sub",
    default="local-developer",
    show_default=True,
    help="The caller the token stands for (the `sub` claim).",
)
@click.option(
    "--tenant",
    "tenants",
    multiple=True,
    help="A tenant the caller belongs to (into the project's tenant claim). Repeat for several.",
)
@click.option(
    "--identity",
    "identity_ref",
    envvar="CONTRACTGEN_IDENTITY",
    show_envvar=True,
    help="The project's Identity as MODULE:NAME: issuer, audience and tenant claim in one.",
)
@click.option("--issuer", envvar="JWT_ISSUER", show_envvar=True, help="The `iss` claim.")
@click.option("--audience", envvar="JWT_AUDIENCE", show_envvar=True, help="The `aud` claim.")
@click.option("--tenant-claim", help="The claim that lists the tenants (e.g. `tenants`).")
@click.option(
    "--tenant-type",
    type=click.Choice(["integer", "string"]),
    help="The type of each tenant id (default: the identity's, else integer).",
)
@click.option(
    "--ttl",
    type=click.IntRange(min=1),
    default=86400,
    show_default=True,
    help="Seconds until the token expires.",
)
@click.option(
    "--secret",
    envvar="JWT_SECRET",
    show_envvar=True,
    help="HS256 signing secret; must be the services' JWT_SECRET.",
)
@click.option(
    "--dev-secret",
    is_flag=True,
    help="Sign with the local development secret (what `contractgen stack up` gives the apps).",
)
def token_command(
    sub: str,
    tenants: tuple[str, ...],
    identity_ref: str | None,
    issuer: str | None,
    audience: str | None,
    tenant_claim: str | None,
    tenant_type: str | None,
    ttl: int,
    secret: str | None,
    dev_secret: bool,
) -> None:
    """Mint an HS256 bearer token for local use and print only the token. For example:

    \b
        curl -H "Authorization: Bearer $(contractgen token --dev-secret --tenant 1)" \\
            http://localhost:8000/things

    Issuer, audience and tenant claim come from the project's contractgen.toml ([identity]),
    else from --identity, or --issuer/--audience/--tenant-claim.
    """
    if dev_secret:
        secret = LOCAL_SECRET
    if not secret:
        raise click.UsageError(
            "no signing secret: pass --secret (or set JWT_SECRET) to the services' JWT_SECRET, "
            "or --dev-secret for the embedded stack's local development secret"
        )
    base = load_identity(identity_ref) if identity_ref else _project_identity()
    issuer = issuer or (base.issuer if base else None)
    audience = audience or (base.audience if base else None)
    if not issuer or not audience:
        raise click.UsageError(
            "no issuer/audience: run it in a project whose contractgen.toml has [identity], or "
            "pass --identity MODULE:NAME, or --issuer and --audience (or set JWT_ISSUER and "
            "JWT_AUDIENCE)"
        )
    identity = Identity(issuer, audience, base.tenant_claim if base else None)
    if tenant_claim:
        identity = dataclasses.replace(identity, tenant_claim=tenant_claim)
    kind = tenant_type or (base.tenant_type if base else "integer")
    if tenants and identity.tenant_claim is None:
        raise click.UsageError("--tenant needs a tenant claim: --tenant-claim or --identity")
    click.echo(
        mint_token(
            identity,
            sub,
            [_tenant(tenant, kind) for tenant in tenants],
            secret=secret,
            ttl_seconds=ttl,
        )
    )
