"""Kong services and routes whose generated names collide, and the Kong services KIC drops.

KIC names the Kong services and routes it builds (facts/names.py) and keeps them in maps keyed by
those names, so two sources that come out with one name are merged or overwritten without an
event: an Ingress and a TCPIngress on one Service and port (the TCPIngress's Kong service replaces
the Ingress's, routes and all), dotted Ingress names that make two route keys equal (one route for
both, with the older Ingress's Service and host), and several default backends (only the oldest is
used).  KIC drops a Kong service whose Kubernetes Services disagree on a ``konghq.com/*``
annotation (translator/ingressrules.go collectInconsistentAnnotations), with an event.
"""
from __future__ import annotations

from kongcheck.facts import names
from kongcheck.facts import outcomes
from kongcheck.facts.versions import show
from kongcheck.index import KongIndex
from kongcheck.index.gateway_api import backend_services, for_kic
from kongcheck.index.kinds.service import inconsistent_annotations
from kongcheck.model import Participant
from kongcheck.rules.base import Hit, RuleInfo, said

ROUTES_REPLACED = "routes-replaced"
ROUTES_MERGED = "routes-merged"
SERVICE_DROPPED = "service-dropped"

_INGRESS = ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\n  annotations:\n"
            "    kubernetes.io/ingress.class: kong\nspec:\n  rules:\n  - host: {host}\n    http:\n      paths:\n"
            "      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: {svc}\n"
            "            port:\n              number: {port}\n")

RULES = [
    RuleInfo(
        id="ingress-tcpingress-service-conflict",
        severity="error",
        summary="an Ingress and a TCPIngress on the same Service and port number, whose Ingress routes vanish",
        behaviour="KIC names the Kong service of an Ingress backend `<namespace>.<service>.<port>` and that of a "
        "TCPIngress backend the same way for a numeric port. It translates Ingresses first and TCPIngresses "
        "after, and the second Kong service of one name replaces the first: every Ingress route to that "
        "Service and port is gone and the Kong service speaks tcp, with no event.",
        example=_INGRESS.format(name="web", host="app.example.com", svc="app", port=8080)
        + "---\napiVersion: configuration.konghq.com/v1beta1\nkind: TCPIngress\nmetadata:\n  name: app-tcp\n"
        "  annotations:\n    kubernetes.io/ingress.class: kong\nspec:\n  rules:\n  - port: 9000\n    backend:\n"
        "      serviceName: app\n      servicePort: 8080   # the Ingress's Service and port\n",
        fix="Point the TCPIngress (or the Ingress) at another Service, or at another port of the Service.",
        collision=True,
    ),
    RuleInfo(
        id="ingress-route-key-conflict",
        severity="error",
        summary="two Ingresses whose Kong route names come out equal (dots in Ingress names and hosts)",
        behaviour="KIC gathers an Ingress's paths under the key `<namespace>.<ingress>.<service>.<host>.<port>` "
        "(KIC 2.9-3.0: `<namespace>.<ingress>.<host>.<service>.<port>`), and Ingress names and hosts may "
        "hold dots: Ingress `shop` (Service `api`, host `v1.example.com`) and Ingress `shop.api` (Service "
        "`v1`, host `example.com`) give one key. The older Ingress's route is kept with its Service, port "
        "and host; the newer one's paths are added to it, so its requests go to the older one's Service, "
        "its own host gets no route from them, and the route takes the newer Ingress's annotations and "
        "plugins. No event. On KIC 2.9-3.0 two different keys can also give one route name, and Kong "
        "(>= 3.4, DB-less) rejects the whole configuration ('uniqueness violation: 'routes' entity with "
        "name set to ...'). Not predicted before KIC 2.9 (the route names of the legacy translator).",
        example=_INGRESS.format(name="shop", host="v1.example.com", svc="api", port=80) + "---\n"
        + _INGRESS.format(name="shop.api", host="example.com", svc="v1", port=80),
        fix="Rename one of the Ingresses (an Ingress name without dots cannot collide).",
        collision=True,
    ),
    RuleInfo(
        id="ingress-default-backend-conflict",
        severity="error",
        summary="several Ingresses with spec.defaultBackend, of which KIC uses only the oldest",
        behaviour="KIC builds one catch-all Kong route, from the spec.defaultBackend of the oldest Ingress "
        "(creationTimestamp, then namespace/name) among those of its class that have one; the others' "
        "default backends are ignored without an event.",
        example="apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: fallback-a\n  annotations:\n"
        "    kubernetes.io/ingress.class: kong\nspec:\n  defaultBackend:\n    service:\n      name: errors\n"
        "      port:\n        number: 80\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n"
        "  name: fallback-b\n  annotations:\n    kubernetes.io/ingress.class: kong\nspec:\n  defaultBackend:\n"
        "    service:\n      name: maintenance\n      port:\n        number: 80\n",
        fix="Keep one Ingress with spec.defaultBackend per class; route the rest with rules.",
        collision=True,
    ),
    RuleInfo(
        id="multi-backend-annotations-conflict",
        severity="error",
        summary="Services behind one multi-backend route rule whose konghq.com/* annotations differ",
        behaviour="The Services of one HTTPRoute or GRPCRoute rule become one Kong service, which must take "
        "one set of Kong settings, so KIC (>= 2.9) requires every `konghq.com/*` annotation to be on all of "
        "them with one value. Otherwise it skips the Kong service and all its routes, and each Service gets "
        "Warning KongConfigurationTranslationFailed 'Service has inconsistent <annotation> annotation and is "
        "used in multi-Service backend <kong service>. This annotation must have the same value across all "
        "Services in the backend.' A backendRef to another namespace is one of them only with a ReferenceGrant "
        "there (before KIC 3.1 also one that names the route's own namespace): KIC leaves any other out of the "
        "Kong service, with a log line.",
        example="apiVersion: v1\nkind: Service\nmetadata:\n  name: app-v1\n  annotations:\n"
        "    konghq.com/read-timeout: \"60000\"\nspec:\n  ports:\n  - port: 80\n---\napiVersion: v1\n"
        "kind: Service\nmetadata:\n  name: app-v2   # no konghq.com/read-timeout\nspec:\n  ports:\n"
        "  - port: 80\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: app\n"
        "spec:\n  parentRefs:\n  - name: kong\n  rules:\n  - backendRefs:\n    - name: app-v1\n      port: 80\n"
        "    - name: app-v2\n      port: 80\n",
        fix="Give every Service of the rule the same konghq.com/* annotations and values (or none).",
    ),
]


def _timing(possible) -> str:
    if len(possible) < 2:
        return ""
    return (f" All of them are new, so the apply sets their creationTimestamps: {possible[0].obj.ref.id} comes first "
            "when they are created within one second (assumed here), but "
            f"{', '.join(r.obj.ref.id for r in possible[1:])} when a second boundary falls after it.")


def _ingress_backends(ingress):
    """(rule host, path, backend) of each path of an Ingress's rules whose backend is a Service."""
    for rule in ingress.rules:
        host = rule.host.text if rule.host is not None else ""
        for path in rule.paths:
            if path.backend is not None and path.backend.service is not None:
                yield host, path, path.backend


def _backend_location(obj, backend):
    return obj.locate(backend.line, backend.column)


# --- Ingress and TCPIngress on one Kong service -------------------------------------------------

def _tcp_services(index: KongIndex) -> dict[str, list]:
    found: dict[str, list] = {}
    for tcp in index.of("TCPIngress"):
        for rule in tcp.rules:
            if rule.service is not None and rule.service_port is not None:
                name = names.ingress_service(tcp.obj.ref.namespace, rule.service.text, rule.service_port.number)
                found.setdefault(name, []).append((tcp, rule))
    return found


def _service_conflicts(index: KongIndex):
    tcp = _tcp_services(index)
    if not tcp:
        return
    ingress_side: dict[str, list] = {}
    for ingress in index.of("Ingress"):
        for host, _path, backend in _ingress_backends(ingress):
            if backend.port_number:
                name = names.ingress_service(ingress.obj.ref.namespace, backend.service.text, backend.port_number)
                if name in tcp:
                    ingress_side.setdefault(name, []).append((ingress, backend))
    for name, ingresses in ingress_side.items():
        tcps = tcp[name]
        ingress_ids = sorted({ing.obj.ref.id for ing, _ in ingresses})
        tcp_ids = sorted({t.obj.ref.id for t, _ in tcps})
        text = (f"KIC translates TCPIngresses after Ingresses and the Kong service {name!r} of "
                f"{', '.join(tcp_ids)} replaces that of {', '.join(ingress_ids)}: every route of "
                f"{'that Ingress' if len(ingress_ids) == 1 else 'those Ingresses'} to Service "
                f"{name.split('.', 1)[1].rsplit('.', 1)[0]} port {name.rsplit('.', 1)[1]} is gone and the Kong "
                "service speaks tcp, with no event")
        outcome = outcomes.Outcome(ROUTES_REPLACED, text, kept=tcp_ids, dropped=ingress_ids)
        participants = ([Participant(ing.obj.ref, _backend_location(ing.obj, backend)) for ing, backend in ingresses]
                        + [Participant(t.obj.ref, rule.service_port.location) for t, rule in tcps])
        yield Hit("ingress-tcpingress-service-conflict", participants=participants,
                  **said(f"Ingress and TCPIngress share Kong service {name!r}",
                         f"{text}. Point one of them at another Service or port."),
                  entity="services", field="name", value=name, outcome=outcome)


# --- Ingress route keys ---------------------------------------------------------------------------

def _route_entries(index: KongIndex, ordered: list):
    target = index.settings.target
    for ingress in ordered:
        ref = ingress.obj.ref
        for host, path, backend in _ingress_backends(ingress):
            svc, port = backend.service.text, backend.port
            key = names.ingress_route_key(ref.namespace, ref.name, svc, host, port,
                                          host_first=target.ingress_route_keys_host_first)
            yield key, ingress, host, backend


def _route_conflicts(index: KongIndex):
    target = index.settings.target
    if not target.combined_ingress_routes:
        return
    ordered, _ = index.kic_order(index.of("Ingress"))
    by_key: dict[str, list] = {}
    for key, ingress, host, backend in _route_entries(index, ordered):
        by_key.setdefault(key, []).append((ingress, host, backend))
    for key, entries in by_key.items():
        owners = list(dict.fromkeys(ingress.obj.ref.id for ingress, _, _ in entries))
        if len(owners) < 2:
            continue
        first, first_host, first_backend = entries[0]
        others = [e for e in entries if e[0].obj.ref.id != first.obj.ref.id]
        last = entries[-1][0]
        route = names.ingress_route(first.obj.ref.namespace, (last if target.ingress_route_keys_host_first else first)
                                    .obj.ref.name, first_backend.service.text, first_host, first_backend.port)
        where = f"Service {first_backend.service.text} port {names.port_text(first_backend.port)}"
        losers = ", ".join(dict.fromkeys(e[0].obj.ref.id for e in others))
        hosts = sorted({e[1] for e in others if e[1] != first_host})
        text = (f"KIC {show(target.kic)} gathers the paths of {', '.join(owners)} under one Kong route {route!r}: the "
                f"route keeps {first.obj.ref.id}'s {where}" + (f" and host {first_host!r}" if first_host else "")
                + f", so the paths of {losers} go to that Service"
                + (f" and host {', '.join(map(repr, hosts))} gets no route from them" if hosts else "")
                + f"; the route carries the annotations and plugins of {last.obj.ref.id}, with no event")
        involved = list({id(e[0]): e[0] for e in entries}.values())
        _, uncertain = index.kic_order(involved)  # who may come first among these, when apply timing decides
        outcome = outcomes.Outcome(ROUTES_MERGED, text, kept=[first.obj.ref.id] if len(uncertain) < 2 else [],
                                   dropped=list(dict.fromkeys(e[0].obj.ref.id for e in others)) if len(uncertain) < 2
                                   else [])
        participants = [Participant(ingress.obj.ref, _backend_location(ingress.obj, backend))
                        for ingress, _host, backend in entries]
        yield Hit("ingress-route-key-conflict", participants=participants,
                  **said(f"{len(involved)} Ingresses share Kong route {route!r}",
                         f"{text}.{_timing(uncertain)} Rename one of the Ingresses."),
                  entity="routes", field="name", value=route, outcome=outcome)
    if target.ingress_route_keys_host_first:
        yield from _route_name_clashes(index, ordered)


def _route_name_clashes(index: KongIndex, ordered: list):
    """KIC 2.9-3.0: different keys may still give one route name, which Kong refuses twice."""
    target = index.settings.target
    by_name: dict[str, dict] = {}
    for key, ingress, host, backend in _route_entries(index, ordered):
        name = names.ingress_route(ingress.obj.ref.namespace, ingress.obj.ref.name, backend.service.text, host,
                                   backend.port)
        by_name.setdefault(name, {}).setdefault(key, (ingress, backend))
    for name, keys in by_name.items():
        if len(keys) < 2:
            continue
        outcome = outcomes.kong_clash(target, endpoint_key=True)
        error = f"uniqueness violation: 'routes' entity with name set to '{name}' already declared"
        answer = f"Kong {show(target.kong)} answers \"{error}\". " if target.kong_rejects_duplicates else ""
        ids = list(dict.fromkeys(ingress.obj.ref.id for ingress, _ in keys.values()))
        yield Hit("ingress-route-key-conflict",
                  participants=[Participant(ingress.obj.ref, _backend_location(ingress.obj, backend))
                                for ingress, backend in keys.values()],
                  **said(f"KIC {show(target.kic)} builds two Kong routes named {name!r}",
                         f"from {', '.join(ids)}. {answer}{outcome.text}. Rename one of the Ingresses.", ", "),
                  entity="routes", field="name", value=name, outcome=outcome)


# --- default backends -----------------------------------------------------------------------------

def _default_backends(index: KongIndex):
    having = [ingress for ingress in index.of("Ingress") if ingress.default_backend is not None]
    if len(having) < 2:
        return
    ordered, possible = index.kic_order(having)
    winner, losers = ordered[0], ordered[1:]
    target = index.settings.target
    text = (f"KIC {show(target.kic)} uses the spec.defaultBackend of {winner.obj.ref.id} (the oldest: "
            f"creationTimestamp, then namespace/name) and ignores those of "
            f"{', '.join(r.obj.ref.id for r in losers)}, with no event")
    certain = len(possible) < 2
    outcome = outcomes.Outcome(outcomes.LOSERS_SKIPPED, text, kept=[winner.obj.ref.id] if certain else [],
                               dropped=[r.obj.ref.id for r in losers] if certain else [])
    participants = [Participant(r.obj.ref, _backend_location(r.obj, r.default_backend)) for r in ordered]
    yield Hit("ingress-default-backend-conflict", participants=participants,
              **said(f"{len(ordered)} Ingresses have a spec.defaultBackend", f"{text}.{_timing(possible)}", ". "),
              entity="routes", field="name", outcome=outcome)


# --- Services behind one multi-backend rule --------------------------------------------------------

def _annotation_location(service, name: str):
    value = service.annotations.get(name)
    return value.location if value is not None else service.obj.kind_location


def _multi_backend(index: KongIndex):
    target = index.settings.target
    if not target.checks_multi_backend_annotations:
        return
    for kind in ("HTTPRoute", "GRPCRoute"):
        for route in index.all_of(kind):
            if not for_kic(route, index):
                continue
            seen_keys = set()
            for rule, kong_service in _multi_backend_rules(route, kind):
                if rule.backends_key in seen_keys:
                    continue
                seen_keys.add(rule.backends_key)
                services = backend_services(route, rule, index)
                if len(services) < 2:
                    continue
                bad = inconsistent_annotations(services)
                if not bad:
                    continue
                event = (f"Service has inconsistent {bad[0]} annotation and is used in multi-Service backend "
                         f"{kong_service}. This annotation must have the same value across all Services in the "
                         "backend.")
                ids = [s.obj.ref.id for s in services]
                text = (f"KIC {show(target.kic)} skips the Kong service {kong_service!r} and all its routes, and "
                        f"warns on each Service (KongConfigurationTranslationFailed '{event}')")
                outcome = outcomes.Outcome(SERVICE_DROPPED, text, dropped=[route.obj.ref.id])
                participants = [Participant(s.obj.ref, _annotation_location(s, bad[0])) for s in services]
                yield Hit("multi-backend-annotations-conflict", participants=participants,
                          **said(f"multi-Service backend: {bad[0]} differs" + (" (and more)" if len(bad) > 1 else ""),
                                 f"{route.obj.ref.id} rule {rule.index} sends traffic to {', '.join(ids)}, whose "
                                 f"{', '.join(bad)} annotation{'s differ' if len(bad) > 1 else ' differs'}. {text}."),
                          entity="services", outcome=outcome)


def _multi_backend_rules(route, kind: str):
    """(rule, Kong service name) of each rule of a route with more than one backendRef."""
    if kind == "HTTPRoute":
        by_rule = {index: service.name for service in route.kong_services() for index in service.rules}
    else:
        ns, name = route.obj.ref.namespace, route.obj.ref.name
        by_rule = {rule.index: names.grpcroute_service(ns, name, rule.index) for rule in route.rules}
    for rule in route.rules:
        if len(rule.backends) > 1:
            yield rule, by_rule.get(rule.index, "")


def check(index: KongIndex):
    yield from _service_conflicts(index)
    yield from _route_conflicts(index)
    yield from _default_backends(index)
    yield from _multi_backend(index)
