"""Item 4: no credential value from the input reaches stdout, stderr or an output file, in any
format (kongcheck.report.FORMATS, so formats added later are covered too) and on every error
path, unless --show-values is given."""
from __future__ import annotations

import base64
import sys

import pytest

from hostilekit import cli, write
from kongcheck.report import FORMATS


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


SHARED = "leak-shared-key-7f3a9c"  # a key-auth key two consumers share: a finding carries it
VALUES = {  # every credential value in the input below
    "shared": SHARED, "basic-user": "leak-basic-user-51", "basic-pass": "leak-basic-pass-52",
    "jwt-key": "leak-jwt-key-53", "jwt-secret": "leak-jwt-secret-54", "hmac-secret": "leak-hmac-secret-55",
    "oauth-id": "leak-oauth-id-56", "oauth-secret": "leak-oauth-secret-57", "padded": " leak-padded-58\n",
    "yaml-error": "leak-in-broken-yaml-59", "dup": "leak-duplicate-60", "dup2": "leak-duplicate-61",
    "tab": "leak-tab-62", "b64-bad": "leak-not-base64-63!!", "json-error": "leak-json-64",
    "alias": "leak-alias-65", "number": "6606606606",
}


def _consumer(name: str, secrets: list[str]) -> str:
    return (f"apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: {name}\n"
            f"  namespace: ns\n  annotations: {{kubernetes.io/ingress.class: kong}}\nusername: {name}\n"
            f"credentials: [{', '.join(secrets)}]\n---\n")


def _secret(name: str, cred_type: str, body: str) -> str:
    return (f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  namespace: ns\n"
            f"  labels: {{konghq.com/credential: {cred_type}}}\n{body}---\n")


def _tree(folder):
    v = VALUES
    write(folder, "good.yaml", _consumer("ann", ["a-key", "a-basic", "a-jwt"]) + _consumer("ben", ["b-key"])
          + _consumer("cy", ["c-hmac", "c-oauth", "c-pad"])
          + _secret("a-key", "key-auth", f"stringData: {{key: {v['shared']}}}\n")
          + _secret("b-key", "key-auth", f"data: {{key: {_b64(v['shared'])}}}\n")
          + _secret("a-basic", "basic-auth", f"data:\n  username: {_b64(v['basic-user'])}\n"
                                             f"  password: {_b64(v['basic-pass'])}\n")
          + _secret("a-jwt", "jwt", f"stringData: {{algorithm: HS256, key: {v['jwt-key']}, "
                                    f"secret: {v['jwt-secret']}}}\n")
          + _secret("c-hmac", "hmac-auth", f"stringData: {{username: cy, secret: {v['hmac-secret']}}}\n")
          + _secret("c-oauth", "oauth2", f"stringData: {{name: app, client_id: {v['oauth-id']}, "
                                         f"client_secret: {v['oauth-secret']}, redirect_uris: 'https://x'}}\n")
          + _secret("c-pad", "key-auth", f"stringData: {{key: {v['padded']!r}}}\n".replace("'", '"')))
    write(folder, "e1-yaml.yaml", _secret("e1", "key-auth", f"stringData:\n  key: {v['yaml-error']}: \"\n"))
    write(folder, "e2-dup.yaml", _secret("e2", "key-auth", f"stringData:\n  key: {v['dup']}\n  key: {v['dup2']}\n"))
    write(folder, "e3-tab.yaml", _secret("e3", "key-auth", f"stringData:\n\tkey: {v['tab']}\n"))
    write(folder, "e4-b64.yaml", _secret("e4", "key-auth", f"data:\n  key: {v['b64-bad']}\n"))
    write(folder, "e5-json.json", '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "e5", "labels": '
          f'{{"konghq.com/credential": "key-auth"}}}}, "stringData": {{"key": "{v["json-error"]}" "x"}}}}\n')
    write(folder, "e6-alias.yaml", _secret("e6", "key-auth", f"stringData: {{key: *{v['alias']}}}\n"))
    write(folder, "e7-number.yaml", _secret("e7", "key-auth", f"stringData: {{key: {v['number']}}}\n"))
    write(folder, "e8-bytes.yaml", _secret("e8", "key-auth", "stringData: {key: leak-\xe9}\n").encode("latin-1"))


def _needles() -> list[str]:
    found = [value.strip() for value in VALUES.values()]
    return found + [_b64(value) for value in VALUES.values()] + ["leak-\xe9"]


def _leaks(text: str) -> list[str]:
    return [needle for needle in _needles() if needle in text]


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    folder = tmp_path_factory.mktemp("leaky") / "manifests"
    _tree(folder)
    return folder


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("extra", [[], ["--verbose"], ["--parse-all", "--verbose"]])
def test_no_value_in_any_format_or_error(tree, tmp_path, fmt, extra):
    out = tmp_path / f"report.{fmt}"
    to_file = cli("scan", "--no-config", *extra, "--format", fmt, "--output", str(out), str(tree))
    to_stdout = cli("scan", "--no-config", *extra, "--format", fmt, str(tree))
    assert to_file.code == to_stdout.code == 2  # the broken files are errors...
    assert to_file.exception is None and to_stdout.exception is None
    assert out.stat().st_size > 0
    assert _leaks(to_file.output + out.read_text(encoding="utf-8", errors="replace")) == []
    assert _leaks(to_stdout.output) == []


def test_the_errors_are_there_and_say_where(tree):
    run = cli("scan", "--no-config", "--format", "json", str(tree))
    files = sorted(error["file"].rsplit("/", 1)[-1] for error in run.json["errors"])
    assert files == ["e1-yaml.yaml", "e2-dup.yaml", "e3-tab.yaml", "e4-b64.yaml", "e5-json.json",
                     "e6-alias.yaml", "e7-number.yaml", "e8-bytes.yaml"]
    rules = {finding["rule"] for finding in run.json["findings"]}
    assert {"key-auth-key-conflict", "credential-value-whitespace"} <= rules


def test_show_values_does_show_them(tree):
    """The check above can see a leak: with --show-values the shared key is printed."""
    run = cli("scan", "--no-config", "--show-values", str(tree))
    assert SHARED in run.stdout


def test_the_crash_handler_prints_no_message(tree, monkeypatch, capsys):
    import kongcheck.pipeline
    from kongcheck import cli as cli_module

    def explode(*args, **kwargs):
        raise ValueError(f"cannot use {SHARED}")  # a bug whose message holds a value

    monkeypatch.setattr(kongcheck.pipeline, "run", explode)
    monkeypatch.setattr(sys, "argv", ["kongcheck", "scan", "--no-config", str(tree)])
    with pytest.raises(SystemExit) as exited:
        cli_module.run()
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert "internal error (ValueError at test_no_leaks.py:" in captured.err
    assert _leaks(captured.out + captured.err) == []


def test_parser_messages_drop_quoted_input_text():
    from kongcheck.parse.tree import parser_problem

    # the pure-Python parser (used when libyaml is missing) quotes input in some messages
    assert parser_problem("found undefined tag handle '!leak-tag-66!'") == "found undefined tag handle '...'"
    assert parser_problem('expected a comment, but found "leak-67"') == "expected a comment, but found '...'"
    # the parser's own words stay
    assert parser_problem("did not find expected ',' or '}'") == "did not find expected ',' or '}'"
    assert parser_problem("found character '\\t' that cannot start any token").endswith("cannot start any token")


RENDER_VALUES = ["LEAKVALFILE-71", "leak nested 72", "LEAKNOEQUALS73", "LEAKCOLON74"]


@pytest.fixture
def failing_renders(tmp_path):
    """A chart whose `fail` prints values-file values, and overlays whose generator literals are typos."""
    v = RENDER_VALUES
    chart = write(tmp_path / "badchart", "Chart.yaml", "apiVersion: v2\nname: bad\nversion: 0.1.0\n").parent
    write(chart / "templates", "s.yaml", '{{ fail (printf "boom %s / %s" .Values.key (index .Values.nested 0)) }}\n')
    values = write(tmp_path, "vals.yaml", f"key: {v[0]}\nnested: ['{v[1]}']\n")
    overlays = [write(tmp_path / f"kz{i}", "kustomization.yaml",
                      f"secretGenerator:\n- name: s\n  literals:\n  - {literal}\n").parent
                for i, literal in enumerate([v[2], f"key:{v[3]}"])]
    return chart, values, overlays


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_no_value_from_a_failed_render(k8s_env, failing_renders, tmp_path, fmt):
    chart, values, overlays = failing_renders
    run = cli("scan", "--no-config", "--format", fmt, "--helm", str(chart), "--helm-values", str(values),
              *(arg for kz in overlays for arg in ("--kustomize", str(kz))))
    assert run.code == 2 and run.exception is None
    assert [value for value in RENDER_VALUES if value in run.output] == []
    if fmt == "json":
        messages = sorted(error["message"] for error in run.json["errors"])
        assert len(messages) == 3
        assert "boom <hidden> / <hidden>" in messages[0]  # helm sorts first: "`helm template"
        assert all("invalid literal source <redacted>, expected key=value" in m for m in messages[1:])
