"""action.yml: its steps parsed and their run: scripts executed as the runner would.

GitHub substitutes ``${{ inputs.x }}`` and ``${{ github.action_path }}`` into each step's
``env`` and runs ``run:`` with ``bash --noprofile --norc -eo pipefail {0}``; the test does the
same with a temporary RUNNER_TEMP and GITHUB_OUTPUT, installing this checkout with pip.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
SARIF_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())
_EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def _substitute(text: str, inputs: dict, steps: dict) -> str:
    def value(match):
        name = match.group(1)
        if name.startswith("inputs."):
            return str(inputs[name[len("inputs."):]])
        if name == "github.action_path":
            return str(ROOT)
        step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", name)
        if step:
            return steps.get(step.group(1), {}).get(step.group(2), "")
        raise AssertionError(f"unexpected expression {name}")
    return _EXPRESSION.sub(value, text)


def _inputs(**given) -> dict:
    inputs = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    for name, value in given.items():
        assert name.replace("_", "-") in inputs, name
        inputs[name.replace("_", "-")] = value
    return inputs


STEP_OUTPUTS: dict = {}  # outputs of the steps run so far, as ${{ steps.ID.outputs.NAME }} reads them


def run_step(step: dict, inputs: dict, workdir: Path, runner_temp: Path,
             summary: Path | None = None) -> tuple[subprocess.CompletedProcess, dict]:
    output = runner_temp / f"output-{step['id']}"
    output.write_text("")
    env = {**os.environ, "RUNNER_TEMP": str(runner_temp), "GITHUB_OUTPUT": str(output),
           "GITHUB_ACTION_PATH": str(ROOT), "RUNNER_TOOL_CACHE": str(runner_temp / "tool-cache")}
    env.pop("PYTHONPATH", None)
    env.pop("GITHUB_STEP_SUMMARY", None)
    if summary is not None:
        env["GITHUB_STEP_SUMMARY"] = str(summary)
    env.update({key: _substitute(str(value), inputs, STEP_OUTPUTS) for key, value in step.get("env", {}).items()})
    script = runner_temp / f"{step['id']}.sh"
    script.write_text(step["run"])
    assert step["shell"] == "bash"
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workdir,
                          env=env, capture_output=True, text=True, timeout=900)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    STEP_OUTPUTS[step["id"]] = outputs
    return done, outputs


def _step(step_id: str) -> dict:
    return next(step for step in ACTION["runs"]["steps"] if step.get("id") == step_id)


def test_action_metadata():
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"paths", "format", "fail-on", "config", "untrusted", "version", "sarif-file",
                                    "job-summary", "extra-args"}
    assert set(ACTION["outputs"]) == {"findings", "sarif-file"}
    ids = {step.get("id") for step in ACTION["runs"]["steps"]}
    for output in ACTION["outputs"].values():
        step_id = re.search(r"steps\.([\w-]+)\.outputs", output["value"]).group(1)
        assert step_id in ids
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step["run"], "inputs must reach scripts through env only"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    runner_temp = tmp_path_factory.mktemp("runner-temp")
    done, outputs = run_step(_step("install"), _inputs(), ROOT, runner_temp)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "kongcheck" in done.stdout and "reusing" not in done.stdout
    assert outputs["venv"].startswith(str(runner_temp / "tool-cache" / "kongcheck"))
    return runner_temp


@pytest.fixture
def workspace(tmp_path):
    shutil.copytree(ROOT / "fixtures" / "example", tmp_path / "k8s")
    return tmp_path


def test_scan_step_fails_on_clashes_and_writes_outputs(installed, workspace):
    done, outputs = run_step(_step("scan"), _inputs(paths="k8s"), workspace, installed)
    assert done.returncode == 1, done.stderr
    assert outputs == {"findings": "4", "sarif-file": "kongcheck.sarif"}
    assert done.stdout.startswith("::error file=k8s/consumers.yaml,line=9,col=11,")
    sarif = json.loads((workspace / "kongcheck.sarif").read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)


def test_scan_step_with_config_fail_on_and_extra_args(installed, workspace):
    (workspace / "ci.yaml").write_text("paths: [k8s]\n")
    done, outputs = run_step(_step("scan"), _inputs(config="ci.yaml", fail_on="never", format="text",
                                                    sarif_file="", extra_args="--exclude vaults.yaml"),
                             workspace, installed)
    assert done.returncode == 0, done.stderr
    assert outputs == {"findings": "3", "sarif-file": ""}
    assert "3 findings" in done.stdout and not (workspace / "kongcheck.sarif").exists()


def test_scan_step_reports_bad_input_with_exit_2(installed, workspace):
    (workspace / "k8s" / "broken.yaml").write_text("kind: KongConsumer\nmetadata: {name: [\n")
    done, outputs = run_step(_step("scan"), _inputs(paths="k8s", sarif_file=""), workspace, installed)
    assert done.returncode == 2
    assert outputs["findings"] == "4"
    assert "::error file=k8s/broken.yaml,line=" in done.stdout


def test_scan_step_of_an_untrusted_change_ignores_its_configuration(installed, workspace):
    (workspace / ".git").mkdir()
    (workspace / ".kongcheck.yaml").write_text("fail-on: never\n")  # what a pull request could commit
    done, _ = run_step(_step("scan"), _inputs(paths="k8s", sarif_file=""), workspace, installed)
    assert done.returncode == 0
    done, outputs = run_step(_step("scan"), _inputs(paths="k8s", sarif_file="", untrusted="true"), workspace,
                             installed)
    assert done.returncode == 1, done.stderr
    assert outputs["findings"] == "4"
    done, _ = run_step(_step("scan"), _inputs(paths="k8s", untrusted="yes"), workspace, installed)
    assert done.returncode == 2 and "::error::the untrusted input must be true or false" in done.stdout


def test_the_documented_pull_request_recipe(installed, tmp_path):
    """docs/ci.md, Pull requests: the base branch's accepted findings, then the change with --untrusted."""
    for tree in ("base", "pr"):
        shutil.copytree(ROOT / "fixtures" / "example", tmp_path / tree / "k8s")
        (tmp_path / tree / ".git").mkdir()
        (tmp_path / tree / ".kongcheck.yaml").write_text("fail-on: error\n")
    (tmp_path / "pr" / ".kongcheck.yaml").write_text("fail-on: never\n")  # the change tries to switch it off
    accepted = installed / "accepted.json"
    done, _ = run_step(_step("scan"), _inputs(paths="base/k8s", config="base/.kongcheck.yaml", fail_on="never",
                                              format="text", sarif_file="",
                                              extra_args=f"--write-baseline {accepted}"), tmp_path, installed)
    assert done.returncode == 0, done.stderr
    change = dict(paths="pr/k8s", untrusted="true", config="base/.kongcheck.yaml", sarif_file="",
                  extra_args=f"--baseline {accepted}")
    done, outputs = run_step(_step("scan"), _inputs(**change), tmp_path, installed)
    assert done.returncode == 0 and outputs["findings"] == "0", done.stdout + done.stderr
    (tmp_path / "pr" / "k8s" / "new.yaml").write_text(
        (ROOT / "fixtures" / "rules" / "consumer-username-conflict.yaml").read_text())
    done, outputs = run_step(_step("scan"), _inputs(**change), tmp_path, installed)
    assert done.returncode == 1 and outputs["findings"] == "1"
    done, _ = run_step(_step("scan"), _inputs(**{**change, "config": "pr/.kongcheck.yaml"}), tmp_path, installed)
    assert done.returncode == 2 and "lies inside" in done.stderr


def _split_clash(root: Path, first: str, second: str) -> None:
    """The two consumers of fixtures/rules/consumer-username-conflict.yaml, one in each folder."""
    one, two = (ROOT / "fixtures" / "rules" / "consumer-username-conflict.yaml").read_text().split("---\n")
    for folder, text in ((first, one), (second, two)):
        (root / folder).mkdir(parents=True)
        (root / folder / "consumer.yaml").write_text(text)


@pytest.mark.parametrize("paths", ["team-a\nteam-b\n", "team-a\nteam-b", "  team-a  \r\n\n  team-b\n", "team-a team-b"],
                         ids=["block", "block-without-last-newline", "blanks-and-crlf", "space-separated"])
def test_scan_step_scans_every_path_of_a_list(installed, tmp_path, paths):
    _split_clash(tmp_path, "team-a", "team-b")
    done, outputs = run_step(_step("scan"), _inputs(paths=paths, sarif_file=""), tmp_path, installed)
    assert done.returncode == 1, done.stdout + done.stderr
    assert outputs["findings"] == "1"
    assert "in 2 files" in done.stdout


def test_scan_step_takes_paths_with_spaces_one_per_line(installed, tmp_path):
    _split_clash(tmp_path, "team a", "team b")
    done, outputs = run_step(_step("scan"), _inputs(paths="team a\nteam b\n", sarif_file=""), tmp_path, installed)
    assert done.returncode == 1, done.stdout + done.stderr
    assert outputs["findings"] == "1"
    assert "::error file=team a/consumer.yaml,line=9" in done.stdout
    done, _ = run_step(_step("scan"), _inputs(paths="team a", sarif_file=""), tmp_path, installed)
    assert done.returncode == 2  # one line: split at blanks, and "team" does not exist


def test_scan_step_takes_extra_args_over_several_lines(installed, tmp_path):
    _split_clash(tmp_path, "team-a", "team-b")
    extra = "--fail-on\nnever\n--exclude team-b\n"
    done, outputs = run_step(_step("scan"), _inputs(paths=".", sarif_file="", extra_args=extra), tmp_path, installed)
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs["findings"] == "0"  # team-b excluded: every line reached kongcheck
    glob = "--exclude *-b"  # not expanded by the shell, even where a file matches
    (tmp_path / "x-b").write_text("")
    done, outputs = run_step(_step("scan"), _inputs(paths=".", sarif_file="", extra_args=glob), tmp_path, installed)
    assert outputs["findings"] == "0", done.stdout + done.stderr


def test_scan_step_writes_the_job_summary(installed, workspace):
    summary = installed / "step-summary.md"
    summary.write_text("earlier content\n")
    done, _ = run_step(_step("scan"), _inputs(paths="k8s", sarif_file=""), workspace, installed, summary=summary)
    assert done.returncode == 1
    text = summary.read_text()
    assert text.startswith("earlier content\n## :x: kongcheck: 4 findings")  # appended, as GitHub expects
    assert text.count("| :x: error |") == 4
    assert not (installed / "kongcheck-summary.md").exists()
    summary.write_text("")
    done, _ = run_step(_step("scan"), _inputs(paths="k8s", sarif_file="", job_summary="false"), workspace, installed,
                       summary=summary)
    assert done.returncode == 1 and summary.read_text() == ""
    done, _ = run_step(_step("scan"), _inputs(paths="k8s", job_summary="yes"), workspace, installed, summary=summary)
    assert done.returncode == 2 and "::error::the job-summary input must be true or false" in done.stdout


def test_install_step_reuses_a_finished_environment(installed):
    done, outputs = run_step(_step("install"), _inputs(), ROOT, installed)
    assert done.returncode == 0, done.stderr
    assert "kongcheck: reusing" in done.stdout
    venv = Path(outputs["venv"])
    (venv / ".kongcheck-key").unlink()  # an install that did not finish is not reused
    done, again = run_step(_step("install"), _inputs(), ROOT, installed)
    assert done.returncode == 0 and "reusing" not in done.stdout and again["venv"] == outputs["venv"]
    assert (venv / ".kongcheck-key").exists()


def test_a_run_that_writes_no_report_leaves_no_earlier_outputs(installed, workspace):
    done, outputs = run_step(_step("scan"), _inputs(paths="k8s"), workspace, installed)
    assert done.returncode == 1 and outputs["findings"] == "4"
    done, outputs = run_step(_step("scan"), _inputs(paths="k8s", extra_args="--kic-version not-a-version"),
                             workspace, installed)
    assert done.returncode == 2, done.stdout + done.stderr
    assert outputs == {"findings": "", "sarif-file": ""}  # not the first run's count and SARIF file
    assert not (workspace / "kongcheck.sarif").exists()
