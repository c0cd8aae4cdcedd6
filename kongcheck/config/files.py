"""kongcheck's configuration file: found, read with positions, validated, merged under the flags.

Looked for from the working directory upwards: ``.kongcheck.yaml`` (or ``.yml``), else a
``pyproject.toml`` with a ``[tool.kongcheck]`` table; ``--config FILE`` names one directly.
Finding the file costs a few ``stat`` calls; ruamel.yaml and jsonschema are imported only
when there is a file to read.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from kongcheck.config.errors import ConfigError

NAMES = (".kongcheck.yaml", ".kongcheck.yml")
_TOOL_TABLE = re.compile(rb"^\s*\[tool\.kongcheck(\.[\w\-\"]+)*\]", re.M)


class Config:
    __slots__ = ("path", "values")

    def __init__(self, path: str, values: dict | None = None) -> None:
        self.path = path
        self.values = {} if values is None else values

    @property
    def folder(self) -> str:
        return os.path.dirname(os.path.abspath(self.path))


def find(start: str | None = None) -> str | None:
    """The nearest configuration file from ``start`` (default: the working directory) upwards.

    A ``pyproject.toml`` whose text names kongcheck but that cannot be parsed is a
    ConfigError (a broken ``[tool.kongcheck`` header would not match the quick test); one that
    never names kongcheck cannot hold our table and is not parsed at all."""
    folder = Path(start or os.getcwd()).resolve()
    for candidate in (folder, *folder.parents):
        for name in NAMES:
            if (candidate / name).is_file():
                return str(candidate / name)
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            text = _read_bytes(pyproject)
            if _TOOL_TABLE.search(text):
                return str(pyproject)
            if b"kongcheck" in text:
                _parse_toml(str(pyproject))
    return None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def load(path: str) -> Config:
    from kongcheck.config.check import validate

    try:
        if path.endswith(".toml"):
            data, where, lines = _read_toml(path)
        else:
            data, where, lines = _read_yaml(path)
        _check_size(data, path)
        validate(data, path, where, lines)
    except RecursionError:  # a hostile file nested thousands of levels deep
        raise ConfigError(f"{path}: configuration nested too deeply to read") from None
    return Config(path, data)


MAX_CONFIG_VALUES = 100_000


def _check_size(data, path: str) -> None:
    """Refuse a configuration whose aliases expand to a huge tree (an alias bomb would keep
    schema validation busy for hours); counted without recursion, stopping at the limit."""
    stack, seen = [data], 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > MAX_CONFIG_VALUES:
            raise ConfigError(f"{path}: configuration too large: over {MAX_CONFIG_VALUES} values once aliases "
                              "are expanded")
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _read_yaml(path: str):
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        _check_depth(text, path)
        data = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ConfigError(f"{path}{f':{line}' if line else ''}: invalid YAML: {exc.problem}") from None
    except YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from None
    data = {} if data is None else data
    return data, lambda keys: _yaml_line(data, keys), text.splitlines()


MAX_CONFIG_DEPTH = 64  # a real configuration is three or four levels deep


def _check_depth(text: str, path: str) -> None:
    """Refuse deep nesting from libyaml's event stream (flat, fast) before the round-trip
    loader, which recurses and would take seconds to hit Python's recursion limit."""
    import yaml

    depth = 0
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_CONFIG_DEPTH:
                    raise ConfigError(f"{path}: configuration nested too deeply to read")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        if "nesting depth" in str(getattr(exc, "problem", "")):  # libyaml 0.2.5+ stops at its own limit
            raise ConfigError(f"{path}: configuration nested too deeply to read") from None
        return  # the round-trip loader reports it, with its line


def _yaml_line(data, keys) -> int | None:
    """1-based line of the value at ``keys`` (or of its last key), for error messages."""
    node, line = data, None
    for key in keys:
        lc = getattr(node, "lc", None)
        try:
            if lc is not None:
                line = (lc.item(key) if isinstance(key, int) else lc.key(key))[0] + 1
            node = node[key]
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    return line


def _parse_toml(path: str) -> tuple[dict, list[str]]:
    """(document, lines) of a TOML file; a one-line ConfigError with the line if it is broken."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        text = Path(path).read_bytes().decode("utf-8")
        return tomllib.loads(text), text.splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {getattr(exc, 'strerror', None) or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        problem, line = _toml_problem(str(exc), text)
        raise ConfigError(f"{path}{f':{line}' if line else ''}: invalid TOML: {problem}") from None
    except RecursionError:  # found on the walk up, before load() could catch it
        raise ConfigError(f"{path}: configuration nested too deeply to read") from None


def _toml_problem(message: str, text: str) -> tuple[str, int | None]:
    """tomllib's message without its ``(at line N, column M)`` tail, and N."""
    at = re.search(r"\s*\(at (?:line (\d+), column \d+|end of document)\)$", message)
    if not at:
        return message, None
    line = int(at.group(1)) if at.group(1) else max(1, len(text.splitlines()))
    return message[:at.start()], line


def _read_toml(path: str):
    document, lines = _parse_toml(path)
    data = document.get("tool", {}).get("kongcheck", {})
    return data, lambda keys: _toml_line(lines, keys), lines


def _toml_line(lines: list[str], keys) -> int | None:
    """Best effort: the first line in [tool.kongcheck...] that sets the last key named."""
    names = [k for k in keys if isinstance(k, str)]
    if not names:
        return None
    wanted = re.compile(r'^\s*(?:[\w.\-"]+\.)?"?' + re.escape(names[-1]) + r'"?\s*[=.]')
    inside = False
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith("["):
            inside = line.strip().startswith("[tool.kongcheck")
            if inside and names[-1] in line:
                return number
        elif inside and wanted.match(line):
            return number
    return None


# Keys that are not a flag of the same name (``ingress-class`` is ``--ingress-class``).
_NOT_FLAGS = ("paths", "exclude", "baseline", "rules")


def _from_folder(config: Config, path: str) -> str:
    """A path written in the file, relative to the file's folder, as seen from the working directory."""
    if os.path.isabs(path):
        return path
    return os.path.relpath(os.path.join(config.folder, path))


def defaults(config: Config) -> dict:
    """The file's settings as defaults for `kongcheck scan` (flags given on the command line win)."""
    values = config.values
    out = {key.replace("-", "_"): value for key, value in values.items() if key not in _NOT_FLAGS}
    if "paths" in values:
        out["paths"] = tuple(_from_folder(config, p) for p in values["paths"])
    if "exclude" in values:
        out["exclude"] = tuple(p if "/" not in p else _from_folder(config, p) for p in values["exclude"])
    if "baseline" in values:
        out["baseline"] = _from_folder(config, values["baseline"])
    return out


def rule_settings(config: Config | None) -> dict:
    """``disabled_rules``, ``enabled_rules`` and ``rule_severity`` for Settings, from the file's ``rules`` table."""
    rules = config.values.get("rules", {}) if config else {}
    return {
        "disabled_rules": frozenset(r for r, v in rules.items() if v.get("enabled") is False),
        "enabled_rules": frozenset(r for r, v in rules.items() if v.get("enabled") is True),
        "rule_severity": {r: str(v["severity"]) for r, v in rules.items() if "severity" in v},
    }

