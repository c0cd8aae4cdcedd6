"""ExternalSecret (external-secrets.io/v1, v1beta1): the Secret External Secrets Operator creates from it.

external-secrets apis/externalsecrets/v1beta1/externalsecret_types.go: the Secret is
``spec.target.name`` (default: the ExternalSecret's name) in the ExternalSecret's namespace, created
only under ``spec.target.creationPolicy`` Owner (the default) or Orphan.  Its labels
(pkg/controllers/externalsecret mergeMetadata): without ``spec.target.template``, the ExternalSecret's
own labels; with one, ``spec.target.template.metadata.labels``, rendered as templates, and what a
``templateFrom`` entry with ``target: Labels`` adds.  Its data keys are known only without a template
and without ``spec.dataFrom``: then they are the ``secretKey`` of each ``spec.data`` entry.  Its values
come from the provider: only the cluster knows them.  A ClusterExternalSecret is not read: the namespaces it creates ExternalSecrets
in are chosen by namespace label selectors, which only the cluster can answer.
"""
from __future__ import annotations

from kongcheck.facts.kube import CREDENTIAL_LABEL, EXTERNAL_SECRET_CREATES
from kongcheck.index.objects import Obj
from kongcheck.index.records import SecretMaker, Value, loose_map, map_label
from kongcheck.parse.values import LSeq


def _target_name(obj: Obj, target) -> str | None:
    """The Secret's name, or None when the ExternalSecret creates none (or its name is unreadable)."""
    if target is None:
        return obj.ref.name
    policy = target.get("creationPolicy")
    if policy is not None and policy not in EXTERNAL_SECRET_CREATES:
        return None
    name = target.get("name")
    if name is None:
        return obj.ref.name
    return name if isinstance(name, str) and name else None


def _labels(obj: Obj, template) -> tuple[Value | None, bool]:
    """The credential label the Secret gets, and whether its labels are known."""
    metadata, metadata_known = loose_map(template, "metadata")
    labels, labels_known = loose_map(metadata, "labels")
    label, label_known = map_label(obj, labels, CREDENTIAL_LABEL)
    sources = template.get("templateFrom")
    from_elsewhere = not isinstance(sources, (LSeq, type(None))) or any(
        not isinstance(item, dict) or item.get("target") == "Labels" for item in sources or ())
    return label, metadata_known and labels_known and label_known and not from_elsewhere


def _keys(spec, template, template_known: bool) -> frozenset | None:
    if template is not None or not template_known or not isinstance(spec, dict) or spec.get("dataFrom"):
        return None
    items = spec.get("data") or []
    if not isinstance(items, LSeq) and items != []:
        return None
    keys = [item.get("secretKey") if isinstance(item, dict) else None for item in items]
    return frozenset(keys) if all(isinstance(key, str) for key in keys) else None


def parse(obj: Obj) -> SecretMaker:
    spec, spec_known = loose_map(obj.body, "spec")
    target, target_known = loose_map(spec, "target")
    template, template_known = loose_map(target, "template")
    if template is None and template_known:  # no template: the ExternalSecret's own labels
        entry = obj.label_entry(CREDENTIAL_LABEL)
        label, known = (Value(entry[0], obj, entry[1]) if entry else None), True
    else:
        label, known = _labels(obj, template) if template is not None else (None, False)
    name = _target_name(obj, target) if spec_known and target_known else None
    return SecretMaker(obj, target=name, type_label=label, labels_known=known,
                       keys=_keys(spec, template, template_known) if spec_known and target_known else None)
