"""One object in many documents never collides with itself; vault winners; ignored consumers' Secrets."""
from __future__ import annotations

import pytest

from kchelp import scan_json

CONSUMER = ("apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: {name}\n"
            "  namespace: {ns}\n  annotations:\n    kubernetes.io/ingress.class: {cls}\nusername: {user}\n"
            "credentials: [{name}-key]\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}-key\n"
            "  namespace: {ns}\n  labels:\n    konghq.com/credential: key-auth\nstringData:\n  key: {key}\n")
VAULT = ("apiVersion: configuration.konghq.com/v1alpha1\nkind: KongVault\nmetadata:\n  name: {name}\n{created}"
         "  annotations:\n    kubernetes.io/ingress.class: kong\nspec:\n  backend: env\n  prefix: p-shared\n")


def test_the_same_object_in_two_files_never_collides_with_itself(tmp_path):
    """KIC's own examples define one KongConsumer in several files."""
    same = CONSUMER.format(name="kim", ns="hr", cls="kong", user="u-kim-same", key="kim-key-same")
    (tmp_path / "a.yaml").write_text(same)
    (tmp_path / "b.yaml").write_text(same)
    run = scan_json(str(tmp_path))
    assert run.code == 0
    assert run.rules() == ["duplicate-resource", "duplicate-resource"]


def test_secrets_of_ignored_consumers_never_collide(tmp_path):
    (tmp_path / "a.yaml").write_text(CONSUMER.format(name="a", ns="x", cls="kong", user="u-a", key="k-same"))
    (tmp_path / "b.yaml").write_text(CONSUMER.format(name="b", ns="x", cls="internal", user="u-b", key="k-same"))
    assert scan_json(str(tmp_path)).findings() == []
    clash = scan_json("--ingress-class", "internal", "--assume-default-class", str(tmp_path)).findings()
    assert clash == []  # 'a' belongs to class kong, so the internal controller sees only 'b'


@pytest.mark.parametrize("stamps,kept,dropped", [
    # no timestamps anywhere: a tie, the smaller name wins
    ({"vb": None, "va": None}, "va", ["vb"]),
    # equal timestamps (1 s resolution): the smaller name wins
    ({"vb": "2024-01-01T00:00:00Z", "va": "2024-01-01T00:00:00Z"}, "va", ["vb"]),
    # a timestamp beats none: the one without counts as created now
    ({"va": None, "vb": "2024-01-01T00:00:00Z"}, "vb", ["va"]),
    # the oldest wins whatever the names and the document order
    ({"va": "2025-03-01T00:00:00Z", "vb": "2024-03-01T00:00:00+02:00", "vc": "2024-03-01T00:00:00Z"},
     "vb", ["vc", "va"]),
])
def test_vault_winner(tmp_path, stamps, kept, dropped):
    docs = [VAULT.format(name=name, created=f"  creationTimestamp: \"{ts}\"\n" if ts else "")
            for name, ts in stamps.items()]
    (tmp_path / "vaults.yaml").write_text("---\n".join(docs))
    (finding,) = scan_json(str(tmp_path)).findings()
    assert (finding["outcome"], finding["kept"], finding["dropped"]) == (
        "losers-skipped", [f"/KongVault/{kept}"], [f"/KongVault/{name}" for name in dropped])
    assert f"KIC keeps KongVault '{kept}'" in finding["message"]
