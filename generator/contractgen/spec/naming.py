"""Python names for spec names, exactly as Connexion derives them (`pythonic_params=True`)."""

from __future__ import annotations

import builtins
import keyword
import re

import inflection


def pythonic(name: str) -> str:
    """camelCase to snake_case; a name that shadows a builtin or keyword gets a trailing `_`.

    Mirrors `connexion.decorators.parameter.pythonic` (a test keeps the two in step) without
    importing Connexion, which would triple the generator's start-up time.
    """
    snake = inflection.underscore(name)
    if snake in builtins.__dict__ or keyword.iskeyword(snake):
        snake += "_"
    return re.sub("^[^a-zA-Z_]+", "", re.sub("[^0-9a-zA-Z_]", "", re.sub(r"\[(?!])", "_", snake)))
