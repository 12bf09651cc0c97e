"""Errors a user can cause and fix: bad input files, bad arguments, result-folder clashes.

Each carries a one-line message meant for the terminal; the CLI prints it and exits with 2.
"""


class InputError(Exception):
    """Base for errors caused by the user's input (files, arguments, folders)."""


class ScenarioError(InputError):
    """A scenario or package file that is missing, unreadable or invalid."""

    def __init__(self, source: str, key_path: str, value: object, allowed: str) -> None:
        self.source = source
        self.key_path = key_path
        self.value = value
        self.allowed = allowed
        location = f"{source}: {key_path}" if key_path else source
        shown = _short_repr(value)
        super().__init__(f"{location}: got {shown}; {allowed}")


def located(error: ScenarioError, source: str) -> ScenarioError:
    """``error`` naming the file ``source`` where it named the scenario only (errors found while building)."""
    if error.source.startswith("scenario '"):
        return ScenarioError(source, error.key_path, error.value, error.allowed)
    return error


class ResultsFolderError(InputError):
    """A results folder that exists already, or is not a valid results folder."""


def _short_repr(value: object, limit: int = 80) -> str:
    """The value as the user wrote it, cut to ``limit`` characters; a huge whole number by its size."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**18:
        digits = str(abs(value))
        sign = "-" if value < 0 else ""
        negative = "negative " if sign else ""
        return f"a {len(digits)}-digit {negative}number ({sign}{digits[0]}.{digits[1:3]}e+{len(digits) - 1})"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
