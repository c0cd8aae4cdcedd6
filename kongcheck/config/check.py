"""Validate a configuration against config_schema with jsonschema, as one line per problem."""
from __future__ import annotations

import re

from kongcheck.config.errors import ConfigError, suggest
from kongcheck.config.schema import VERSION_PATTERN, schema
from kongcheck.facts import versions

VERSION_KEYS = {"kic-version": "KIC", "kong-version": "Kong"}


def _dotted(path) -> str:
    return ".".join(str(part) for part in path) or "the top level"


def _type_name(value) -> str:
    names = ((bool, "a boolean"), (int, "a number"), (float, "a number"), (dict, "a mapping"),
             (list, "a list"), (str, "text"))
    for kind, name in names:
        if isinstance(value, kind):
            return name
    return "null" if value is None else type(value).__name__


def _describe(error, written) -> tuple[list, str]:
    """(path of the offending key, message) for one jsonschema error."""
    path = list(error.absolute_path)
    where = _dotted(path)
    if error.validator == "additionalProperties":
        allowed = error.schema.get("properties", {})
        extra = [key for key in error.instance if key not in allowed]
        what = "rule" if path == ["rules"] else "key"
        key = extra[0] if extra else "?"
        scope = f" in {where}" if path else ""
        return path + [key], f"unknown {what} {key!r}{scope}{suggest(str(key), allowed)}"
    if error.validator == "type":
        hint = _number_hint(error, path, written)
        return path, f"{where}: must be {_want(error.validator_value)}, not {_type_name(error.instance)}{hint}"
    if error.validator == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        return path, f"{where}: must be one of {choices}, not {error.instance!r}"
    if error.validator == "pattern":
        return path, f"{where}: {error.instance!r} is not a version like 3.5"
    return path, f"{where}: {error.message}"


def _number_hint(error, path: list, written) -> str:
    """For a number where text is wanted: quote what the user wrote (``3.10``, not ``3.1``);
    for a version key, also say whether that version is one kongcheck knows."""
    wanted = error.validator_value
    if isinstance(error.instance, bool) or not isinstance(error.instance, (int, float)) \
            or "string" not in ([wanted] if isinstance(wanted, str) else wanted):
        return ""
    text = written(path) or str(error.instance)
    product = VERSION_KEYS.get(path[0]) if len(path) == 1 else None
    if product:
        try:
            versions.parse(text, product)
        except versions.VersionError as exc:
            return f", and {exc}; quote one, e.g. \"{versions.show(versions.newest(product))}\""
    return f" (quote it: \"{text}\")"


def _unknown_versions(data: dict) -> list[tuple[list, str]]:
    """Versions written as text that look right but are releases kongcheck does not know."""
    problems = []
    for key, product in VERSION_KEYS.items():
        value = data.get(key)
        if isinstance(value, str) and re.fullmatch(VERSION_PATTERN, value):
            try:
                versions.parse(value, product)
            except versions.VersionError as exc:
                problems.append(([key], f"{key}: {exc}"))
    return problems


def written_text(lines: list[str], line: int | None, keys: list) -> str | None:
    """The value as written on its line (``3.10`` stays ``3.10``), for hints; None if unsure."""
    key = keys[-1] if keys else None
    if not line or line > len(lines) or not isinstance(key, str):
        return None
    match = re.search(r"""["']?""" + re.escape(key) + r"""["']?\s*[:=]\s*([^\s,#\]}]+)""", lines[line - 1])
    return match.group(1) if match else None


def _want(kind) -> str:
    names = {"string": "text", "array": "a list", "object": "a mapping", "boolean": "true or false"}
    return " or ".join(names.get(k, k) for k in ([kind] if isinstance(kind, str) else kind))


def _unquoted_versions(data: dict, where, lines: list[str]) -> None:
    """An unquoted version that reads as the same number it was written as (``3.4``) is taken as
    that text; ``3.10`` (the number 3.1) and ``3.40`` stay numbers, which the schema refuses."""
    for key in VERSION_KEYS:
        value = data.get(key)
        if not isinstance(value, float):
            continue
        text = written_text(lines, where([key]), [key])
        if text is not None and re.fullmatch(VERSION_PATTERN, text) and str(float(text)) == text == str(value):
            data[key] = text


def validate(data, path: str, where, lines: list[str] | tuple = ()) -> None:
    import jsonschema

    from kongcheck.rules import CATALOG

    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping of settings, not {_type_name(data)}")
    _unquoted_versions(data, where, list(lines))
    validator = jsonschema.Draft7Validator(schema(CATALOG))
    described = [_describe(error, lambda keys: written_text(list(lines), where(keys), keys))
                 for error in validator.iter_errors(data)]
    problems = []
    for keys, message in described + _unknown_versions(data):
        line = where(keys)
        problems.append((line or 0, f"{path}{f':{line}' if line else ''}: {message}"))
    if problems:
        raise ConfigError("\n".join(text for _, text in sorted(problems)))
