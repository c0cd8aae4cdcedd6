"""Validate a configuration against config_schema with jsonschema, as one line per problem."""
from __future__ import annotations

from kongcheck.config import ConfigError, suggest
from kongcheck.config_schema import schema


def _dotted(path) -> str:
    return ".".join(str(part) for part in path) or "the top level"


def _type_name(value) -> str:
    names = ((bool, "a boolean"), (int, "a number"), (float, "a number"), (dict, "a mapping"),
             (list, "a list"), (str, "text"))
    for kind, name in names:
        if isinstance(value, kind):
            return name
    return "null" if value is None else type(value).__name__


def _describe(error) -> tuple[list, str]:
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
        hint = " (quote it: \"3.10\")" if isinstance(error.instance, float) else ""
        return path, f"{where}: must be {_want(error.validator_value)}, not {_type_name(error.instance)}{hint}"
    if error.validator == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        return path, f"{where}: must be one of {choices}, not {error.instance!r}"
    if error.validator == "pattern":
        return path, f"{where}: {error.instance!r} is not a version like 3.5"
    return path, f"{where}: {error.message}"


def _want(kind) -> str:
    names = {"string": "text", "array": "a list", "object": "a mapping", "boolean": "true or false"}
    return " or ".join(names.get(k, k) for k in ([kind] if isinstance(kind, str) else kind))


def validate(data, path: str, where) -> None:
    import jsonschema

    from kongcheck.rules import CATALOG

    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping of settings, not {_type_name(data)}")
    validator = jsonschema.Draft7Validator(schema(CATALOG))
    problems = []
    for error in validator.iter_errors(data):
        keys, message = _describe(error)
        line = where(keys)
        problems.append((line or 0, f"{path}{f':{line}' if line else ''}: {message}"))
    if problems:
        raise ConfigError("\n".join(text for _, text in sorted(problems)))
