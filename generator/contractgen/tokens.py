"""`contractgen token`: mint a local bearer token for calling the services by hand."""

from __future__ import annotations

import click

from contractgen.runtime.jwt import LOCAL_SECRET, JwtSettings, mint_token


@click.command("token")
@click.option(
    "--sub",
    default="local-developer",
    show_default=True,
    help="The caller the token stands for (the `sub` claim).",
)
@click.option(
    "--org",
    "organizations",
    type=int,
    multiple=True,
    required=True,
    help="Id of an organization the caller belongs to (the `orgs` claim). Repeat for several.",
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
    default=LOCAL_SECRET,
    show_default="the local development secret",
    help="HS256 signing secret; must be the services' JWT_SECRET.",
)
def token_command(sub: str, organizations: tuple[int, ...], ttl: int, secret: str) -> None:
    """Mint an HS256 bearer token for local use and print only the token.

    The issuer and audience come from JWT_ISSUER and JWT_AUDIENCE like the services' own, so a
    service started with the same environment accepts the token. For example:

    \b
        curl -H "Authorization: Bearer $(contractgen token --org 1)" \\
            http://localhost:8000/organizations/1/ideas
    """
    settings = JwtSettings.from_env()
    click.echo(
        mint_token(
            sub,
            list(organizations),
            secret=secret,
            ttl_seconds=ttl,
            issuer=settings.issuer,
            audience=settings.audience,
        )
    )
