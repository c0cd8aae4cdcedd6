"""The plugin instances KIC builds: every ``konghq.com/plugins`` entry and HTTPRoute ExtensionRef
resolved, bound and multiplied out as KIC does it.

KIC (internal/dataplane/kongstate/kongstate.go):
- getPluginRelations binds each entry of an object's plugins annotation to one Kong identifier: a
  Service to the Kong service built for it (once for every Kubernetes Service behind that Kong
  service), an Ingress or Gateway API route to the Kong route, a KongConsumer to its username (or
  custom_id), a KongConsumerGroup to its name.  HTTPRoute ExtensionRefs are appended to the route's
  annotation (subtranslator/httproute.go).  An entry with a ``namespace:`` prefix, even the
  referrer's own namespace, needs a ReferenceGrant, or it is refused with an event.
- buildPlugins resolves each ``namespace:name`` to the KongPlugin of that namespace, else the
  KongClusterPlugin of that name (an event when neither exists), and makes one instance per
  combination (rels.GetCombinations: consumer × each service and route, or the consumer alone;
  else group × ...; else each service and each route), nothing de-duplicated.  An instance_name
  gets ``-<9 hex of sha256(relation)>`` (the whole hash when the same KongPlugin repeats one).
- globalKongClusterPlugins: KongClusterPlugins labelled ``global: "true"``; when two share a type,
  all of that type are dropped with a log line.
Only what reaches Kong is modelled: Kong services and routes that KIC builds from the processed
Ingresses, and from HTTPRoutes and GRPCRoutes whose Gateways belong to KIC (or are not known); the
Services of a route rule are those KIC uses (gateway_api.backend_services: a backendRef to another
namespace without a ReferenceGrant is left out, and its Service's plugins with it).
"""
from __future__ import annotations

from typing import NamedTuple

from kongcheck.facts import names
from kongcheck.facts import plugins as facts
from kongcheck.facts.kube import PLUGINS_ANNOTATION
from kongcheck.index.gateway_api import backend_services, for_kic
from kongcheck.index.kinds.service import inconsistent_annotations
from kongcheck.index.objects import RELEASED
from kongcheck.index.records import Record, Value, plugin_refs


class Reference(NamedTuple):
    """One entry that binds a plugin to a Kong entity."""

    referrer: Record
    namespace: str  # where the plugin is looked up
    name: str
    where: Value  # the name inside the annotation, or the ExtensionRef's name
    explicit: bool  # written with a namespace prefix
    via: str  # "annotation" or "ExtensionRef"


class Relation(NamedTuple):
    identifier: str
    reference: Reference


class Instance(NamedTuple):
    plugin: Record  # the KongPlugin or KongClusterPlugin
    type: str
    service: str | None
    route: str | None
    consumer: str | None
    group: str | None
    references: tuple[Reference, ...]
    instance_name: str | None  # as KIC sends it (suffixed)

    @property
    def key(self) -> tuple:
        return (self.type, self.service, self.route, self.consumer, self.group)

    @property
    def id_text(self) -> str:
        """go-kong Plugin.FillID's input: ``<plugin>[:service/<s>][:route/<r>][:consumer/<c>][:consumer_group/<g>]``."""
        parts = [self.type]
        for label, value in (("service", self.service), ("route", self.route), ("consumer", self.consumer),
                             ("consumer_group", self.group)):
            if value is not None:
                parts.append(f"{label}/{value}")
        return ":".join(parts)


class Generated(NamedTuple):
    type: str
    where: Value | object  # the filter's type or the annotation
    what: str  # e.g. "the RequestHeaderModifier filter"


class PluginState:
    __slots__ = ("instances", "missing", "refused", "global_clashes", "generated")

    def __init__(self, instances: list[Instance] | None = None, missing: list[Reference] | None = None,
                 refused: list[Reference] | None = None, global_clashes: dict[str, list[Record]] | None = None,
                 generated: dict[str, list[Generated]] | None = None) -> None:
        self.instances = [] if instances is None else instances
        self.missing = [] if missing is None else missing  # no such KongPlugin or KongClusterPlugin
        self.refused = [] if refused is None else refused  # a namespace prefix without a ReferenceGrant
        self.global_clashes = {} if global_clashes is None else global_clashes  # type -> every global KCP of it
        self.generated = {} if generated is None else generated  # Kong route name -> plugins KIC adds


def _annotation(record: Record) -> Value | None:
    annotations = getattr(record, "annotations", None)
    if annotations is not None:
        return annotations.get(PLUGINS_ANNOTATION)
    entry = record.obj.annotation_entry(PLUGINS_ANNOTATION)
    return None if entry is None else Value(entry[0], record.obj, entry[1])


def _references(record: Record, value: Value | None) -> list[Reference]:
    namespace = record.obj.ref.namespace
    return [Reference(record, ref.namespace or namespace, ref.name.text, ref.name, ref.namespace is not None,
                      "annotation") for ref in plugin_refs(value)]


class _Builder:
    def __init__(self, index) -> None:
        self.index = index
        self.target = index.settings.target
        self.state = PluginState()
        self.processed_cluster_plugins = {id(record) for record in index.of("KongClusterPlugin")}
        self.relations: dict[tuple[str, str], dict[str, list[Relation]]] = {}

    # --- relations ---------------------------------------------------------------------------
    def allowed(self, reference: Reference) -> bool:
        if not reference.explicit:
            return True
        group, kind = facts.REFERRER_GVK[reference.referrer.obj.ref.kind]
        source = reference.referrer.obj.ref.namespace
        return self.index.granted((group, kind, source), reference.namespace, *facts.PLUGIN_GROUP_KIND, reference.name)

    def add(self, reference: Reference, kind: str, identifier: str) -> None:
        if not self.allowed(reference):
            self.state.refused.append(reference)
            return
        relations = self.relations.setdefault((reference.namespace, reference.name), {})
        relations.setdefault(kind, []).append(Relation(identifier, reference))

    def route(self, name: str, references: list[Reference]) -> None:
        for reference in references:
            self.add(reference, "route", name)

    def service(self, name: str, services: list[Record]) -> None:
        for service in services:
            for reference in _references(service, service.plugins):
                self.add(reference, "service", name)

    def generate(self, route: str, plugin_type: str, where, what: str) -> None:
        self.state.generated.setdefault(route, []).append(Generated(plugin_type, where, what))

    # --- sources of Kong services and routes -------------------------------------------------------
    def ingresses(self) -> None:
        services: dict[str, list[Record]] = {}
        ingresses = self.index.of("Ingress")
        for ingress in ingresses:
            references = _references(ingress, ingress.plugins)
            rewrite = ingress.annotations.get(facts.REWRITE_ANNOTATION)
            for route in ingress.kong_routes():
                self.route(route.name, references)
                services.setdefault(route.service, []).append(
                    (ingress.obj.ref.namespace, route.backend.service.text))
                if rewrite is not None:
                    self.generate(route.name, "request-transformer", rewrite,
                                  f"its {facts.REWRITE_ANNOTATION} annotation (with the RewriteURIs feature gate)")
        with_default = [i for i in ingresses if i.default_backend is not None and i.default_backend.service]
        if with_default:  # only the oldest Ingress's default backend is used
            oldest = self.index.kic_order(with_default)[0][0]
            backend = oldest.default_backend
            ref = oldest.obj.ref
            self.route(names.ingress_default_route(ref.namespace, ref.name), _references(oldest, oldest.plugins))
            services.setdefault(names.ingress_service(ref.namespace, backend.service.text, backend.port), []).append(
                (ref.namespace, backend.service.text))
        for name, backends in services.items():
            records = [self.index.find("Service", ns, svc) for ns, svc in dict.fromkeys(backends)]
            self.service(name, [r for r in records if r is not None])

    def gateway_routes(self, kind: str) -> None:
        for route in self.index.all_of(kind):
            if not for_kic(route, self.index):
                continue
            annotation = _references(route, route.plugins)
            rules = {rule.index: rule for rule in route.rules}
            for kong_service in route.kong_services():
                services = backend_services(route, rules[kong_service.rules[0]], self.index)
                if inconsistent_annotations(services):
                    continue  # inconsistent konghq.com/* annotations: KIC skips this Kong service and its routes
                self.service(kong_service.name, services)
                for (rule_index, _), route_name in sorted(kong_service.routes.items()):
                    if route_name in self.seen_routes:
                        continue
                    self.seen_routes.add(route_name)
                    self.route(route_name, annotation + self.extension_refs(route, rules[rule_index]))
                    self.generated_by_filters(route_name, rules[rule_index])

    def extension_refs(self, route, rule) -> list[Reference]:
        found = []
        for item in rule.filters:
            ref = item.extension
            if item.type != "ExtensionRef" or ref is None or ref.name is None:
                continue
            if (ref.group, ref.kind) != facts.PLUGIN_GROUP_KIND:
                continue
            found.append(Reference(route, route.obj.ref.namespace, ref.name.text, ref.name, False, "ExtensionRef"))
        if found and self.target.extension_ref_repeats_itself:
            found = found + found  # the cached route's annotation grows by its ExtensionRefs at every sync
        return found

    def generated_by_filters(self, route_name: str, rule) -> None:
        for item in rule.filters:
            for plugin_type in facts.generated_by_filter(item.type, self.target):
                self.generate(route_name, plugin_type, item, f"its {item.type} filter")

    def consumers(self) -> None:
        for consumer in self.index.of("KongConsumer"):
            if consumer.obj.metadata is RELEASED:  # its tree released keeping no annotation: it has no plugins annotation
                continue
            identifier = (consumer.username or consumer.custom_id)
            if identifier is None:
                continue
            for reference in _references(consumer, _annotation(consumer)):
                self.add(reference, "consumer", identifier.text)
        for group in self.index.of("KongConsumerGroup"):
            for reference in _references(group, _annotation(group)):
                self.add(reference, "group", group.obj.ref.name)

    # --- instances -------------------------------------------------------------------------------
    def lookup(self, namespace: str, name: str) -> Record | None:
        plugin = self.index.find("KongPlugin", namespace, name)
        if plugin is not None:
            return plugin
        cluster = self.index.find("KongClusterPlugin", "", name)
        return cluster if cluster is not None and id(cluster) in self.processed_cluster_plugins else None

    def instances(self) -> None:
        for (namespace, name), relations in self.relations.items():
            plugin = self.lookup(namespace, name)
            if plugin is None:
                self.state.missing += [r.reference for group in relations.values() for r in group]
                continue
            if plugin.plugin is None or not plugin.plugin.text:
                continue
            used: set[str] = set()
            for combination in _combinations(relations):
                self.state.instances.append(self.instance(plugin, combination, used))

    def instance(self, plugin: Record, combination: dict[str, Relation], used: set[str]) -> Instance:
        parts = {kind: relation.identifier for kind, relation in combination.items()}
        name = plugin.instance_name.text if plugin.instance_name is not None and plugin.instance_name.text else None
        if name is not None and self.target.suffixes_instance_names:
            name = facts.suffixed_instance_name(name, parts, self.target, used)
        return Instance(plugin, plugin.plugin.text, parts.get("service"), parts.get("route"), parts.get("consumer"),
                        parts.get("group"), tuple(r.reference for r in combination.values()), name)

    def globals(self) -> None:
        by_type: dict[str, list[Record]] = {}
        for plugin in self.index.of("KongClusterPlugin"):
            if plugin.is_global and plugin.plugin is not None and plugin.plugin.text:
                by_type.setdefault(plugin.plugin.text, []).append(plugin)
        for plugin_type, members in by_type.items():
            if len(members) > 1:
                self.state.global_clashes[plugin_type] = members
                continue
            plugin = members[0]
            name = plugin.instance_name.text if plugin.instance_name is not None and plugin.instance_name.text else None
            self.state.instances.append(Instance(plugin, plugin_type, None, None, None, None, (), name))

    def build(self) -> PluginState:
        self.seen_routes: set[str] = set()
        self.ingresses()
        self.gateway_routes("HTTPRoute")
        self.gateway_routes("GRPCRoute")
        self.consumers()
        self.instances()
        self.globals()
        return self.state


def _combinations(relations: dict[str, list[Relation]]) -> list[dict[str, Relation]]:
    """rels.GetCombinations: consumers (else groups) times every service and route, or alone."""
    entities = [("service", r) for r in relations.get("service", [])] + [("route", r) for r in relations.get("route", [])]
    for owner in ("consumer", "group"):
        owners = relations.get(owner, [])
        if owners:
            if not entities:
                return [{owner: o} for o in owners]
            return [{kind: entity, owner: o} for o in owners for kind, entity in entities]
    return [{kind: entity} for kind, entity in entities]


def build(index) -> PluginState:
    return _Builder(index).build()
