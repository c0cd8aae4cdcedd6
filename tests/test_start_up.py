"""Start-up: a plain scan imports only the modules its input and flags need (docs/performance.md)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# needed only by some inputs or flags: renders, origins, standard input's render traces, JSON, schemas, the
# cluster client, the terminal display, and the index's TLS and CA-certificate states (only when an object of
# those kinds exists)
NEVER_ON_A_PLAIN_SCAN = (
    "rich", "jsonschema", "ruamel", "kubernetes", "urllib3", "subprocess", "json", "dataclasses", "cryptography",
    "kongcheck.sources.render", "kongcheck.sources.rendered", "kongcheck.sources.origins", "kongcheck.sources.traces",
    "kongcheck.parse.jsonfile", "kongcheck.index.tls", "kongcheck.index.pem", "kongcheck.index.cacerts",
)

CLEAN = """\
apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata:
  name: alice
  namespace: team-a
  annotations:
    kubernetes.io/ingress.class: kong
username: alice
credentials:
  - alice-key
---
apiVersion: v1
kind: Secret
metadata:
  name: alice-key
  namespace: team-a
  labels:
    konghq.com/credential: key-auth
stringData:
  key: a-key-nobody-else-has
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team-a
spec:
  replicas: 2
"""


def imported(path: str, modules: tuple[str, ...]) -> tuple[int, list[str]]:
    """(exit code, those of ``modules`` that a fresh process imported to scan ``path``)."""
    script = ("import sys\nfrom kongcheck.cli import main\n"
              "try:\n    main(['scan', '--no-config', sys.argv[1]])\nexcept SystemExit as exc:\n    code = exc.code\n"
              f"print('MODULES', code, sorted(m for m in {modules!r} if m in sys.modules), file=sys.stderr)\n")
    run = subprocess.run([sys.executable, "-c", script, path], capture_output=True, text=True, cwd=ROOT)
    line = next(line for line in run.stderr.splitlines() if line.startswith("MODULES "))
    code, _, names = line[len("MODULES "):].partition(" ")
    return int(code), ast.literal_eval(names)


def test_a_plain_scan_of_one_kong_file_imports_only_what_it_needs():
    code, found = imported("fixtures/example/consumers.yaml", NEVER_ON_A_PLAIN_SCAN)
    assert code == 1 and found == []


def test_a_clean_scan_of_plain_yaml_needs_neither_pyyaml_nor_openssl(tmp_path):
    """Plain block YAML is read without the libyaml composer, and with nothing to fingerprint or
    hash no digest library is loaded."""
    path = tmp_path / "clean.yaml"
    path.write_text(CLEAN)
    code, found = imported(str(path), NEVER_ON_A_PLAIN_SCAN + ("yaml", "hashlib", "hmac", "_hashlib"))
    assert code == 0 and found == []
