"""The JSON Schema of kongcheck's configuration file (.kongcheck.yaml or [tool.kongcheck])."""
from __future__ import annotations

from kongcheck.facts.webhook import INSTALLS
from kongcheck.model import SEVERITIES

VERSION_PATTERN = r"^\d+\.\d+(\.\d+)?$"


def _text_list(description: str) -> dict:
    return {"type": "array", "items": {"type": "string"}, "description": description}


def schema(rule_ids) -> dict:
    rule = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "enabled": {"type": "boolean"},
            "severity": {"enum": list(SEVERITIES)},
        },
    }
    version = {"type": "string", "pattern": VERSION_PATTERN}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "paths": _text_list("files and folders to scan when none are given"),
            "exclude": _text_list("globs of files and folders to skip"),
            "ingress-class": {"type": "string", "minLength": 1},
            "namespace": {"type": "string", "minLength": 1},
            "assume-default-class": {"type": "boolean"},
            "allow-other-classes": {"type": "boolean"},
            "fail-on": {"enum": ["error", "warning", "never"]},
            "kic-version": version,
            "kong-version": version,
            "webhook": {"enum": list(INSTALLS)},
            "parse-all": {"type": "boolean"},
            "max-locations": {"type": "integer", "minimum": 0},
            "baseline": {"type": "string", "minLength": 1},
            "render-roots": {"enum": ["fail", "render", "files"]},
            "kustomize-enable-helm": {"type": "boolean"},
            "helm-api-versions": _text_list("helm template --api-versions, for every chart rendered"),
            "helm-kube-version": {"type": "string", "minLength": 1},
            "rules": {"type": "object", "additionalProperties": False,
                      "properties": {rule_id: rule for rule_id in rule_ids}},
        },
    }
