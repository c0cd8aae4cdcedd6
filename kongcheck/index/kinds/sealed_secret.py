"""SealedSecret (bitnami.com/v1alpha1): the Secret that the sealed-secrets controller unseals from it.

sealed-secrets pkg/apis/sealedsecrets/v1alpha1 (SealedSecret.Unseal): the Secret takes the labels,
annotations and type of ``spec.template``, but its name and namespace are always the SealedSecret's
own (a name or namespace written in ``spec.template.metadata`` is overwritten).  Its data keys are
those of ``spec.encryptedData`` and of ``spec.template.data`` (a null there removes the key); its
values are encrypted or templates of them, so only the cluster knows them.
"""
from __future__ import annotations

from kongcheck.facts.kube import CREDENTIAL_LABEL
from kongcheck.index.objects import Obj
from kongcheck.index.records import SecretMaker, loose_map, map_label


def _keys(spec, template) -> frozenset | None:
    """The Secret's data keys, or None when they cannot be known (the deprecated whole-Secret ``data``)."""
    encrypted, known = loose_map(spec, "encryptedData")
    templated, templated_known = loose_map(template, "data")
    if not known or not templated_known or (isinstance(spec, dict) and spec.get("data") is not None):
        return None
    keys = set(encrypted or ())
    for key, value in (templated or {}).items():
        (keys.add if value is not None else keys.discard)(key)
    return frozenset(keys)


def parse(obj: Obj) -> SecretMaker:
    spec, known = loose_map(obj.body, "spec")
    template, template_known = loose_map(spec, "template")
    metadata, metadata_known = loose_map(template, "metadata")
    labels, labels_known = loose_map(metadata, "labels")
    label, label_known = map_label(obj, labels, CREDENTIAL_LABEL)
    return SecretMaker(obj, target=obj.ref.name, type_label=label,
                       labels_known=known and template_known and metadata_known and labels_known and label_known,
                       keys=_keys(spec, template))
