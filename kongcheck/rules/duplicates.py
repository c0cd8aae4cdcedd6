"""duplicate-resource: one object defined in several documents."""
from __future__ import annotations

from kongcheck.index import KongIndex
from kongcheck.model import Participant
from kongcheck.rules.base import Hit, RuleInfo, said

RULES = [
    RuleInfo(
        id="duplicate-resource",
        severity="warning",
        summary="the same kind/namespace/name defined more than once in the input",
        behaviour="`kubectl apply` treats the definitions as one object: the one applied last (lexical path "
        "order, then document order) is what the cluster holds. kongcheck uses that one for every rule; the "
        "others never collide with it, but a reader may edit the wrong copy.",
        example="# a.yaml\nkind: KongConsumer\nmetadata: {name: alice}\nusername: alice\n"
        "# b.yaml\nkind: KongConsumer\nmetadata: {name: alice}\nusername: alice-v2\n",
        fix="Keep one definition per object, or make sure the last one applied is the one you mean.",
    )
]


def check(index: KongIndex) -> list[Hit]:
    findings = []
    for key, earlier in index.shadowed.items():
        record = index.records[key]
        if not index.is_kong_relevant(record):
            continue  # a duplicate TLS Secret is not kongcheck's business
        last = record.obj
        definitions = [obj for obj in earlier + [last] if not obj.is_live]
        if len(definitions) < 2:
            continue  # a manifest replacing a live object is an update, not a duplicate
        ref = last.ref
        participants = [Participant(ref, obj.kind_location) for obj in definitions]
        findings.append(Hit(
            "duplicate-resource", participants=participants,
            **said(f"{ref.id} is defined {len(definitions)} times",
                   f"kubectl applies them in order and the last one ({participants[-1].location}) is what the "
                   "cluster keeps, so kongcheck checks only that one", "; "),
        ))
    return findings
