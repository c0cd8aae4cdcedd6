"""TCPIngress records: rules with host, port and backend, TLS entries, and what the API server refuses."""
from __future__ import annotations

import pytest

from kchelp import documents_of, index_of, settings
from kongcheck.index import build

TCP = """apiVersion: configuration.konghq.com/v1beta1
kind: TCPIngress
metadata:
  name: db
  namespace: data
  annotations:
    kubernetes.io/ingress.class: kong
spec:
  rules:
  - host: db.example.com
    port: 9000
    backend:
      serviceName: pg
      servicePort: 5432
  - port: 9001
    backend: {serviceName: redis, servicePort: 6379}
  tls:
  - hosts: [db.example.com, "*.db.example.com"]
    secretName: db-cert
  - secretName: no-hosts
"""


def test_rules_and_tls_entries_are_read_in_order_and_located():
    [record] = index_of(TCP).of("TCPIngress")
    first, second = record.rules
    assert (first.index, first.host.text, first.port.number, first.service.text, first.service_port.number) == \
        (0, "db.example.com", 9000, "pg", 5432)
    assert (second.host, second.port.number, second.service.text, second.service_port.number) == \
        (None, 9001, "redis", 6379)
    assert (first.service_port.location.line, first.service_port.location.column) == (14, 20)
    entry, hostless = record.tls
    assert [host.text for host in entry.hosts] == ["db.example.com", "*.db.example.com"]
    assert entry.secret.text == "db-cert" and entry.hosts[1].location.line == 18
    assert not hostless.hosts and hostless.secret.text == "no-hosts"


def test_a_tcp_ingress_of_another_class_is_not_processed():
    index = index_of(TCP.replace("ingress.class: kong", "ingress.class: other"))
    assert index.of("TCPIngress") == [] and index.ignored[0].record.obj.ref.name == "db"


@pytest.mark.parametrize("old, new, message", [
    ("port: 9000", 'port: "9000"', "spec.rules[0].port must be an integer, not text"),
    ("servicePort: 5432", "servicePort: 0", "spec.rules[0].backend.servicePort must be between 1 and 65535"),
    ("port: 9000", "port: true", "spec.rules[0].port must be an integer, not a boolean"),
    ("  - port: 9001\n", "  - 7\n  - port: 9001\n", "spec.rules[1] must be a mapping, not a number"),
    ("secretName: db-cert", "secretName: [db-cert]", "spec.tls[0].secretName must be text, not a list"),
])
def test_fields_of_the_wrong_type_make_the_api_server_refuse_it(old, new, message):
    index = build(documents_of(TCP.replace(old, new, 1)), settings())
    assert index.of("TCPIngress") == []
    assert [message in error.message for error in index.errors] == [True], [e.message for e in index.errors]
