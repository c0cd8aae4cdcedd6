"""The configuration file: discovery, validation messages, and flags winning over it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kongcheck.config import files as config
from kongcheck.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "example"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLE, tmp_path / "manifests")
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "sub" / "deeper")
    return tmp_path


def scan(*args):
    return CliRunner().invoke(main, ["scan", *args], catch_exceptions=False)


def test_found_walking_up_and_paths_are_relative_to_it(repo):
    (repo / ".kongcheck.yaml").write_text("paths: [manifests]\nfail-on: never\n")
    result = scan()
    assert result.exit_code == 0
    assert "../../manifests/credentials.yaml:10:8" in result.stdout
    assert "4 findings" in result.stdout


def test_flags_win_over_the_file(repo):
    (repo / ".kongcheck.yaml").write_text("paths: [manifests]\nfail-on: never\nnamespace: elsewhere\n")
    assert scan("--fail-on", "error").exit_code == 1
    assert scan(str(repo / "manifests" / "vaults.yaml"), "--fail-on", "error").stdout.count("  vault-prefix-conflict  ") == 1


def test_pyproject_tool_table(repo):
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.kongcheck]\npaths = ["manifests"]\n'
                                         '\n[tool.kongcheck.rules.vault-prefix-conflict]\nenabled = false\n')
    result = scan()
    assert result.exit_code == 1
    assert "vault-prefix-conflict" not in result.stdout and "3 findings" in result.stdout


def test_per_rule_severity_and_enabled(repo):
    (repo / ".kongcheck.yaml").write_text(
        "paths: [manifests]\nrules:\n  jwt-key-conflict: {severity: warning}\n"
        "  key-auth-key-conflict: {enabled: false}\n  consumer-username-conflict: {severity: warning}\n"
        "  vault-prefix-conflict: {severity: info}\n")
    result = scan()
    assert result.exit_code == 0  # nothing left at error
    assert "  warning  jwt-key-conflict  " in result.stdout and "key-auth-key-conflict" not in result.stdout
    assert scan("--fail-on", "warning").exit_code == 1


def test_typo_names_key_file_and_line_and_exits_2(repo):
    (repo / ".kongcheck.yaml").write_text("paths: [manifests]\nfial-on: warning\nrules:\n  jwt-key-conflcit: {}\n")
    result = scan()
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"Error: {repo / '.kongcheck.yaml'}:2: unknown key 'fial-on' (did you mean 'fail-on'?)"
    assert lines[1].endswith(":4: unknown rule 'jwt-key-conflcit' in rules (did you mean 'jwt-key-conflict'?)")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("text, expected", [
    ("kic-version: 2.10\n", ":1: kic-version: must be text, not a number (quote it: \"2.10\")"),
    ("fail-on: sometimes\n", ":1: fail-on: must be one of error, warning, never, not 'sometimes'"),
    ("exclude: vendor\n", ":1: exclude: must be a list, not text"),
    ("rules:\n  jwt-key-conflict:\n    enabled: 'no'\n", ":3: rules.jwt-key-conflict.enabled: must be true or false"),
    ("paths: [a\n", ":2: invalid YAML"),
    ("- a\n- b\n", "must be a mapping of settings, not a list"),
])
def test_bad_values(repo, text, expected):
    (repo / ".kongcheck.yaml").write_text(text)
    result = scan()
    assert result.exit_code == 2
    assert expected in result.stderr


def test_bad_pyproject_names_the_line(repo):
    (repo / "pyproject.toml").write_text('[tool.kongcheck]\npaths = ["manifests"]\nfailon = "error"\n')
    result = scan()
    assert result.exit_code == 2
    assert f"{repo / 'pyproject.toml'}:3: unknown key 'failon' (did you mean 'fail-on'?)" in result.stderr


def test_explicit_config_and_no_config(repo, tmp_path):
    other = tmp_path / "ci.yaml"
    other.write_text("paths: [manifests]\nfail-on: never\n")
    assert scan("--config", str(other)).exit_code == 0
    (repo / ".kongcheck.yaml").write_text("fail-on: never\n")
    assert scan("--no-config", str(repo / "manifests")).exit_code == 1
    missing = scan("--config", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2 and "nope.yaml: cannot read configuration" in missing.stderr


def test_excludes_relative_to_the_file(repo):
    (repo / ".kongcheck.yaml").write_text("paths: [manifests]\nexclude: [manifests/vaults.yaml, 'cred*']\n")
    result = scan()
    assert "vault-prefix-conflict" not in result.stdout
    assert "jwt-key-conflict" not in result.stdout and "credentials.yaml" not in result.stdout
    assert "consumer-username-conflict" in result.stdout


def test_find_prefers_kongcheck_yaml_and_ignores_foreign_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.ruff]\nline-length = 100\n')
    assert config.find(str(tmp_path)) is None or not config.find(str(tmp_path)).startswith(str(tmp_path))
    (tmp_path / ".kongcheck.yaml").write_text("{}\n")
    assert config.find(str(tmp_path)) == str(tmp_path / ".kongcheck.yaml")


def test_documented_configuration_examples_are_valid(tmp_path):
    manual = (Path(__file__).resolve().parents[1] / "docs" / "configuration.md").read_text()
    section = manual[manual.index("## Configuration file"):manual.index("## Suppressions")]
    yaml_block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    toml_block = section.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / ".kongcheck.yaml").write_text(yaml_block)
    loaded = config.load(str(tmp_path / ".kongcheck.yaml"))
    assert loaded.values["rules"]["duplicate-resource"]["enabled"] is False
    (tmp_path / "pyproject.toml").write_text(toml_block)
    assert config.load(str(tmp_path / "pyproject.toml")).values["fail-on"] == "warning"


@pytest.mark.parametrize("text, expected", [
    # the hint quotes what the user wrote, not a fixed example
    ("kic-version: 3.40\n", ':1: kic-version: must be text, not a number (quote it: "3.40")'),
    ("kong-version: 3.10  # pinned\n", ':1: kong-version: must be text, not a number (quote it: "3.10")'),
    ("kic-version: 1.9\n", ':1: kic-version: KIC version 1.9 is not one kongcheck knows (known: 2.0 to 2.12, '
                           '3.0 to 3.5)'),
    ("kic-version: 1.10\n", ':1: kic-version: must be text, not a number, and KIC version 1.10 is not one '
                            'kongcheck knows (known: 2.0 to 2.12, 3.0 to 3.5); quote one, e.g. "3.5"'),
    ("kic-version: 3\n", ":1: kic-version: must be text, not a number, and KIC version '3' is not of the form X.Y; "
                         'quote one, e.g. "3.5"'),
    ("ingress-class: 7\n", ':1: ingress-class: must be text, not a number (quote it: "7")'),
    ("fail-on: never\nkic-version: '2.13'\n",
     ":2: kic-version: KIC version 2.13 is not one kongcheck knows (known: 2.0 to 2.12, 3.0 to 3.5)"),
    ("kong-version: '2.8'\n", ":1: kong-version: Kong version 2.8 is not one kongcheck knows (known: 3.0 to 3.9)"),
])
def test_version_hints_use_the_written_value(repo, text, expected):
    (repo / ".kongcheck.yaml").write_text(text)
    result = scan()
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {repo / '.kongcheck.yaml'}{expected}"


def test_version_hint_in_pyproject(repo):
    (repo / "pyproject.toml").write_text('[tool.kongcheck]\npaths = ["manifests"]\nkic-version = 2.10\n')
    result = scan()
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"Error: {repo / 'pyproject.toml'}:3: kic-version: must be text, "
                                     'not a number (quote it: "2.10")')


def test_unknown_version_flag_lists_the_known_ones(repo):
    result = scan("--no-config", "--kic-version", "1.9", str(repo / "manifests"))
    assert result.exit_code == 2
    assert "KIC version 1.9 is not one kongcheck knows (known: 2.0 to 2.12, 3.0 to 3.5)" in result.stderr


@pytest.mark.parametrize("text", ["kic-version: 3.4\nkong-version: 3.9\n", "kic-version: 3.4  # pinned\n"])
def test_an_unquoted_version_that_reads_as_written_is_accepted(repo, text):
    (repo / ".kongcheck.yaml").write_text("paths: [manifests]\nfail-on: never\n" + text)
    result = scan()
    assert result.exit_code == 0 and result.stderr == ""
    assert config.load(str(repo / ".kongcheck.yaml")).values["kic-version"] == "3.4"


def test_an_unquoted_version_in_pyproject_that_reads_as_written_is_accepted(repo):
    (repo / "pyproject.toml").write_text('[tool.kongcheck]\npaths = ["manifests"]\nkic-version = 3.3\n')
    assert config.load(str(repo / "pyproject.toml")).values["kic-version"] == "3.3"


def test_a_newer_version_in_the_configuration_warns(repo):
    (repo / ".kongcheck.yaml").write_text("paths: [manifests]\nfail-on: never\nkic-version: '3.7'\n")
    result = scan()
    assert result.exit_code == 0
    assert "warning: KIC 3.7 is newer than the releases kongcheck knows; it predicts what KIC 3.5.13 does" \
        in result.stderr


BROKEN_TOOL_TABLE = '[project]\nname = "x"\n\n[tool.kongcheck\npaths = ["manifests"]\n'


def test_broken_pyproject_that_would_be_used_is_an_error(repo):
    (repo / "pyproject.toml").write_text(BROKEN_TOOL_TABLE)
    result = scan(str(repo / "manifests"))
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert line.startswith(f"Error: {repo / 'pyproject.toml'}:4: invalid TOML: ") and "\n" not in line
    assert "Traceback" not in result.output and result.stdout == ""


def test_a_broken_pyproject_that_names_kongcheck_is_an_error(repo):
    # it names kongcheck, so it might hold a table the quick test cannot see: it must parse
    (repo / "sub" / "pyproject.toml").write_text('# kongcheck reads [tool.kongcheck]\n[tool.ruff]\nline-length = = 100\n')
    result = scan(str(repo / "manifests"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {repo / 'sub' / 'pyproject.toml'}:3: invalid TOML: ")
    # a configuration found before it ends the walk; --no-config and --config skip the walk
    (repo / "sub" / "deeper" / ".kongcheck.yaml").write_text("fail-on: never\n")
    assert scan(str(repo / "manifests")).exit_code == 0
    (repo / "sub" / "deeper" / ".kongcheck.yaml").unlink()
    assert scan("--no-config", "--fail-on", "never", str(repo / "manifests")).exit_code == 0
    other = repo / "ci.yaml"
    other.write_text("fail-on: never\n")
    assert scan("--config", str(other), str(repo / "manifests")).exit_code == 0


def test_a_broken_pyproject_that_never_names_kongcheck_is_not_ours_to_parse(repo):
    (repo / "sub" / "pyproject.toml").write_text('[tool.ruff]\nline-length = = 100\n')
    assert scan("--fail-on", "never", str(repo / "manifests")).exit_code == 0


def test_undecodable_pyproject_on_the_walk_up_is_an_error(repo):
    (repo / "pyproject.toml").write_bytes(b'[tool.black]  # and kongcheck\nx = "\xff"\n')
    result = scan(str(repo / "manifests"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {repo / 'pyproject.toml'}: cannot read configuration")


def test_max_locations_from_the_file_and_the_flag_over_it(repo):
    (repo / ".kongcheck.yaml").write_text("paths: [manifests]\nmax-locations: 1\n")
    import json

    findings = json.loads(scan("-f", "json").stdout)["findings"]
    assert all(len(f["resources"]) == 1 and f["truncated"]["resources"] == 1 for f in findings)
    findings = json.loads(scan("-f", "json", "--max-locations", "0").stdout)["findings"]
    assert all(len(f["resources"]) == 2 and "truncated" not in f for f in findings)
    (repo / ".kongcheck.yaml").write_text("paths: [manifests]\nmax-locations: -1\n")
    assert scan().exit_code == 2
