"""TCPIngress (configuration.konghq.com/v1beta1): spec.rules (host, port, backend) and spec.tls.

KIC: pkg/apis/configuration/v1beta1/tcpingress_types.go and ingress_rules.go (the CRD: port and
servicePort are integers 1-65535, serviceName is required text), translate_kong_l4.go
(ingressRulesFromTCPIngressV1beta1: one Kong route ``<ns>.<name>.<rule index>`` per rule, one Kong
service ``<ns>.<serviceName>.<servicePort>`` per backend, and spec.tls read like an Ingress's:
an entry without hosts or without secretName is skipped).  A number written as text (``port:
"80"``) is refused by the API server, so such an object takes no part in the scan.
"""
from __future__ import annotations

from kongcheck.index.objects import FieldError, Obj
from kongcheck.index.records import Classed, Value, text_list, text_value
from kongcheck.parse.values import LMap, LSeq, type_name


class Number:
    """An integer field and where it is written."""

    __slots__ = ("number", "obj", "line", "column")

    def __init__(self, number: int, obj: Obj, line: int, column: int | None) -> None:
        self.number = number
        self.obj = obj
        self.line = line
        self.column = column

    @property
    def location(self):
        return self.obj.locate(self.line, self.column)


class TLSEntry:
    """One spec.tls entry: the hosts it claims and the Secret (in the object's namespace) serving them."""

    __slots__ = ("index", "hosts", "secret", "line")

    def __init__(self, index: int, hosts: list[Value], secret: Value | None, line: int) -> None:
        self.index = index
        self.hosts = hosts
        self.secret = secret  # secretName
        self.line = line  # where the entry starts


class TCPRule:
    __slots__ = ("index", "host", "port", "service", "service_port", "line")

    def __init__(self, index: int, host: Value | None, port: Number | None, service: Value | None,
                 service_port: Number | None, line: int) -> None:
        self.index = index
        self.host = host
        self.port = port
        self.service = service  # backend.serviceName
        self.service_port = service_port  # backend.servicePort
        self.line = line  # where the rule starts


class TCPIngress(Classed):
    __slots__ = ("rules", "tls")

    def __init__(self, obj: Obj, *, rules: list[TCPRule] | None = None, tls: list[TLSEntry] | None = None) -> None:
        Classed.__init__(self, obj)
        self.rules = [] if rules is None else rules
        self.tls = [] if tls is None else tls


def _number(obj: Obj, parent: LMap, key: str, path: str) -> Number | None:
    value = parent.get(key)
    if value is None:
        return None
    line, column = parent.where(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(f"{obj.ref.kind} {obj.ref.name!r}: {path} must be an integer, not {type_name(value)}", line)
    if not 1 <= value <= 65535:
        raise FieldError(f"{obj.ref.kind} {obj.ref.name!r}: {path} must be between 1 and 65535", line)
    return Number(value, obj, line, column)


def _maps(obj: Obj, parent: LMap, key: str, path: str):
    """(index, mapping) of each item of the list ``parent[key]``; FieldError for an item that is not one."""
    items = obj.get(parent, key, LSeq, path) or []
    for index, item in enumerate(items):
        if not isinstance(item, LMap):
            raise FieldError(f"{obj.ref.kind} {obj.ref.name!r}: {path}[{index}] must be a mapping, not "
                             f"{type_name(item)}", items.where(index)[0])
        yield index, item


def tls_entries(obj: Obj, spec: LMap | None) -> list[TLSEntry]:
    """spec.tls of an Ingress-like object: hosts and secretName of each entry."""
    entries = []
    for index, item in _maps(obj, spec, "tls", "spec.tls") if spec else ():
        entries.append(TLSEntry(index, text_list(obj, item, "hosts"),
                                text_value(obj, item, "secretName", f"spec.tls[{index}].secretName"), item.line))
    return entries


def parse(obj: Obj) -> TCPIngress:
    spec = obj.get(obj.body, "spec", LMap, "spec")
    rules = []
    for index, item in _maps(obj, spec, "rules", "spec.rules") if spec else ():
        path = f"spec.rules[{index}]"
        backend = obj.get(item, "backend", LMap, f"{path}.backend")
        rules.append(TCPRule(
            index,
            host=text_value(obj, item, "host", f"{path}.host"),
            port=_number(obj, item, "port", f"{path}.port"),
            service=text_value(obj, backend, "serviceName", f"{path}.backend.serviceName") if backend else None,
            service_port=_number(obj, backend, "servicePort", f"{path}.backend.servicePort") if backend else None,
            line=item.line,
        ))
    return TCPIngress(obj, rules=rules, tls=tls_entries(obj, spec))
