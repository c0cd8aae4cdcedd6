"""SealedSecret (bitnami.com/v1alpha1): the Secret that the sealed-secrets controller unseals from it.

sealed-secrets pkg/apis/sealedsecrets/v1alpha1 (SealedSecret.Unseal): the Secret takes the labels,
annotations and type of ``spec.template``, but its name and namespace are always the SealedSecret's
own (a name or namespace written in ``spec.template.metadata`` is overwritten).  Its values are
encrypted (``spec.encryptedData``), so only the cluster knows them.
"""
from __future__ import annotations

from kongcheck.facts.kube import CREDENTIAL_LABEL
from kongcheck.index.objects import Obj
from kongcheck.index.records import SecretMaker, loose_map, map_label


def parse(obj: Obj) -> SecretMaker:
    spec, known = loose_map(obj.body, "spec")
    template, template_known = loose_map(spec, "template")
    metadata, metadata_known = loose_map(template, "metadata")
    labels, labels_known = loose_map(metadata, "labels")
    label, label_known = map_label(obj, labels, CREDENTIAL_LABEL)
    return SecretMaker(obj, target=obj.ref.name, type_label=label,
                       labels_known=known and template_known and metadata_known and labels_known and label_known)
