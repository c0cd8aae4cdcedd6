"""Plugin collisions: instances KIC builds twice, instance names Kong refuses or sees twice,
consumers a plugin cannot find, global plugins KIC drops, KongPlugins that clash with the plugins
KIC generates itself, and references KIC skips (index/plugins.py models what KIC builds)."""
from __future__ import annotations

from kongcheck.facts import outcomes
from kongcheck.facts import plugins as facts
from kongcheck.facts.versions import show
from kongcheck.index import KongIndex
from kongcheck.index.plugins import Instance, PluginState
from kongcheck.index.records import Value
from kongcheck.index.plugins import build as build_plugins
from kongcheck.model import Participant
from kongcheck.redact import Redactor
from kongcheck.rules.base import Hit, RuleInfo, said

_SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n"
_PLUGIN = ("apiVersion: configuration.konghq.com/v1\nkind: KongPlugin\nmetadata:\n  name: {name}\n"
           "plugin: {type}\n{extra}")
_INGRESS = ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\n{annotations}spec:\n"
            "  ingressClassName: kong\n  rules:\n    - http:\n        paths:\n          - path: /\n"
            "            pathType: Prefix\n            backend: {{service: {{name: api, port: {{number: 80}}}}}}\n")

RULES = [
    RuleInfo(
        id="plugin-instance-conflict",
        severity="error",
        summary="two plugins of one type bound to the same service, route, consumer or group",
        behaviour="KIC makes one Kong plugin per KongPlugin (or KongClusterPlugin) and combination it is bound to "
        "(a Kong service, a Kong route, a consumer or group, or a consumer or group with a service or route), and "
        "de-duplicates nothing: two names of one plugin type in one konghq.com/plugins annotation, the same name "
        "twice, an HTTPRoute annotation plus an ExtensionRef (or two ExtensionRefs), or a multi-backend rule whose "
        "Services all carry the annotation give one combination two plugins of that type. Their id is the same "
        "(KIC 3.4.5 and later set a UUIDv5 of type and combination; before, Kong derives it from the cache key), "
        "so Kong 3.4+ answers \"uniqueness violation: 'plugins' entity with primary key set to '<id>' already "
        "declared\" and rejects the whole configuration. KIC 3.2.0 alone had a webhook check for this. Plugins of "
        "one type bound to different consumers or groups are distinct and fine.",
        example=_SERVICE + "  annotations:\n    konghq.com/plugins: limit-a, limit-b\n---\n"
        + _PLUGIN.format(name="limit-a", type="rate-limiting", extra="config: {minute: 5}\n") + "---\n"
        + _PLUGIN.format(name="limit-b", type="rate-limiting", extra="config: {minute: 50}\n"),
        fix="Bind one plugin of each type to each object; to vary it per consumer, bind the copies to the consumers.",
        collision=True,
    ),
    RuleInfo(
        id="plugin-instance-name-conflict",
        severity="error",
        summary="two plugins that reach Kong with the same instance_name",
        behaviour="Kong keeps plugins.instance_name unique (it is the plugins endpoint key). KIC appends "
        "'-<9 hex of sha256 of the combination>' to a bound plugin's instance_name (2.12.0+), so two KongPlugins "
        "with one instance_name on one combination get the same name; before KIC 3.4.0 the hash covered only the "
        "last part of a combination, so one KongPlugin on three routes with one consumer repeated a name. Global "
        "KongClusterPlugins get no suffix. Kong 3.4+ rejects the whole configuration.",
        example=_SERVICE + "  annotations:\n    konghq.com/plugins: cors, limit\n---\n"
        + _PLUGIN.format(name="cors", type="cors", extra="instance_name: edge\n") + "---\n"
        + _PLUGIN.format(name="limit", type="rate-limiting", extra="instance_name: edge\n"),
        fix="Give each KongPlugin its own instance_name.",
        collision=True,
    ),
    RuleInfo(
        id="plugin-instance-name-invalid",
        severity="error",
        summary="a KongPlugin whose instance_name Kong's schema refuses",
        behaviour="Kong types instance_name as typedefs.utf8_name: ASCII letters, digits, '.', '-', '_' and '~' "
        "(and UTF-8). The CRD has no pattern and KIC's webhook does not send instance_name to Kong, so KIC "
        "translates the plugin and Kong rejects the whole configuration (\"the only accepted ascii characters "
        "are alphanumerics or ., -, _, and ~\").",
        example=_SERVICE + "  annotations:\n    konghq.com/plugins: limit\n---\n"
        + _PLUGIN.format(name="limit", type="rate-limiting", extra="instance_name: edge limit   # a space\n"),
        fix="Use only letters, digits, '.', '-', '_' and '~' in instance_name.",
    ),
    RuleInfo(
        id="plugin-consumer-unresolved",
        severity="error",
        summary="a plugin bound to a KongConsumer that has only a custom_id",
        behaviour="KIC binds a consumer's plugins to its username, or to its custom_id when it has none; Kong "
        "resolves a plugin's consumer by username or id only. With no consumer of that username Kong answers "
        "\"invalid reference 'consumer: <custom_id>' (no such entry in 'consumers')\" and rejects the whole "
        "configuration; with another consumer of that username, the plugin applies to that other consumer.",
        example="apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: partner\n"
        "  annotations:\n    kubernetes.io/ingress.class: kong\n    konghq.com/plugins: limit\n"
        "custom_id: partner-7   # no username\n---\n"
        + _PLUGIN.format(name="limit", type="rate-limiting", extra="config: {minute: 5}\n"),
        fix="Give the consumer a username (or bind the plugin elsewhere).",
        collision=True,
    ),
    RuleInfo(
        id="global-plugin-conflict",
        severity="warning",
        summary="two global KongClusterPlugins of one type: KIC applies none of them",
        behaviour="A KongClusterPlugin labelled global: \"true\" applies to every request. When two of the "
        "controller's class share a plugin type, KIC drops all of them, logging only 'Multiple KongPlugin with "
        "'global' label found, cannot apply' (no event): the gateway runs without that plugin.",
        example="apiVersion: configuration.konghq.com/v1\nkind: KongClusterPlugin\nmetadata:\n  name: prom-a\n"
        "  labels: {global: \"true\"}\n  annotations: {kubernetes.io/ingress.class: kong}\nplugin: prometheus\n---\n"
        "apiVersion: configuration.konghq.com/v1\nkind: KongClusterPlugin\nmetadata:\n  name: prom-b\n"
        "  labels: {global: \"true\"}\n  annotations: {kubernetes.io/ingress.class: kong}\nplugin: prometheus\n",
        fix="Keep one global KongClusterPlugin per plugin type.",
        collision=True,
    ),
    RuleInfo(
        id="plugin-shadows-generated",
        severity="warning",
        summary="a KongPlugin of the same type as a plugin KIC generates on that route",
        behaviour="KIC adds its own plugins to a Kong route: request-transformer for HTTPRoute "
        "RequestHeaderModifier and URLRewrite filters (and konghq.com/rewrite with the RewriteURIs gate), "
        "response-transformer for ResponseHeaderModifier, request-termination and response-transformer for "
        "RequestRedirect (a redirect plugin on Kong 3.9+). These carry no id, so a KongPlugin of the same type on "
        "that route passes Kong's DB-less checks, and at run time Kong keeps one plugin per type and route: one "
        "of the two silently does nothing.",
        example="apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\n  annotations:\n"
        "    konghq.com/plugins: add-header\nspec:\n  parentRefs: [{name: kong}]\n  rules:\n    - filters:\n"
        "        - type: RequestHeaderModifier\n          requestHeaderModifier: {add: [{name: x-a, value: '1'}]}\n"
        "      backendRefs: [{name: api, port: 80}]\n---\n"
        + _PLUGIN.format(name="add-header", type="request-transformer", extra="config: {add: {headers: ['x-b:2']}}\n"),
        fix="Do it in one place: either the filter or the KongPlugin.",
        collision=True,
    ),
    RuleInfo(
        id="plugin-reference-skipped",
        severity="warning",
        summary="a plugin reference KIC skips: no such plugin, or another namespace without a ReferenceGrant",
        behaviour="KIC looks a konghq.com/plugins entry (or an ExtensionRef) up as a KongPlugin of the "
        "referrer's namespace, else a KongClusterPlugin of that name; `namespace:name` (the referrer's own "
        "namespace included) needs a ReferenceGrant from the referrer's kind and namespace to KongPlugins there. "
        "Otherwise KIC emits an event and builds the route without the plugin: an authentication or rate limit "
        "that silently is not there.",
        example=_INGRESS.format(annotations="  annotations:\n    konghq.com/plugins: key-auth   # no such KongPlugin\n"),
        fix="Create the plugin, fix the name, or add a ReferenceGrant for the cross-namespace reference.",
    ),
]


def _participants(references, plugins) -> list[Participant]:
    seen, out = set(), []
    for reference in references:
        location = reference.where.location
        key = (reference.referrer.obj.ref.id, location.line, location.column, reference.via)
        if key not in seen:
            seen.add(key)
            out.append(Participant(reference.referrer.obj.ref, location))
    for plugin in plugins:
        if plugin.obj.ref.id not in seen:
            seen.add(plugin.obj.ref.id)
            out.append(_plugin_field_of(plugin))
    return out


def _plugin_field_of(plugin) -> Participant:
    where = plugin.plugin.location if plugin.plugin is not None else plugin.obj.kind_location
    return Participant(plugin.obj.ref, where)


def _live_only(references, plugins) -> bool:
    return all(r.referrer.obj.is_live for r in references) and all(p.obj.is_live for p in plugins)


def _bound_to(instance: Instance) -> str:
    parts = [f"{label} {value!r}" for label, value in (("Kong service", instance.service), ("Kong route", instance.route),
                                                        ("consumer", instance.consumer), ("consumer group", instance.group))
             if value is not None]
    return " and ".join(parts) or "every request (global)"


def _names(plugins) -> str:
    return ", ".join(f"{p.obj.ref.kind} {p.obj.ref.namespace + '/' if p.obj.ref.namespace else ''}{p.obj.ref.name}"
                     for p in plugins)


def _conflicts(state: PluginState, index: KongIndex) -> list[Hit]:
    target = index.settings.target
    groups: dict[tuple, list[Instance]] = {}
    for instance in state.instances:
        if instance.references:
            groups.setdefault(instance.key, []).append(instance)
    hits = []
    for key, members in groups.items():
        if len(members) < 2:
            continue
        references = [r for m in members for r in m.references]
        plugins = list({id(m.plugin): m.plugin for m in members}.values())
        first = members[0]
        outcome = _webhook_refusal(references, first.type, index) or facts.primary_key_clash(target, first.type,
                                                                                             first.id_text)
        same = len(plugins) == 1
        what = (f"{plugins[0].obj.ref.kind} {plugins[0].obj.ref.name!r} is bound {len(members)} times"
                if same else f"{len(members)} {first.type} plugins ({_names(plugins)}) are bound")
        title = what if same else f"{len(members)} {first.type} plugins share one id"
        message = (f"{what} to {_bound_to(first)}: KIC builds {len(members)} {first.type} plugins with one id. "
                   f"{outcome.text}.")
        hits.append(Hit("plugin-instance-conflict", participants=_participants(references, plugins),
                        **(said(title, message) if not same else {"message": message, "title": title}),
                        entity="plugins", field="id", outcome=outcome))
    return hits


_CHECKED_BY_320 = ("Service", "Ingress", "HTTPRoute", "KongConsumer", "KongConsumerGroup")


def _webhook_refusal(references, plugin_type: str, index: KongIndex) -> outcomes.Outcome | None:
    """KIC 3.2.0's webhook refuses a new Service, Ingress, HTTPRoute, KongConsumer or KongConsumerGroup whose
    annotation names two KongPlugins of one type of its namespace that exist when it is admitted (live, or
    applied before it); plugins applied after it, and the same name twice, pass."""
    if not index.settings.target.webhook_refuses_same_type_plugins:
        return None
    for referrer in {id(r.referrer): r.referrer for r in references if r.via == "annotation"}.values():
        ref = referrer.obj.ref
        if ref.kind not in _CHECKED_BY_320 or referrer.obj.is_live:
            continue
        names = set()
        for reference in references:
            if reference.referrer is not referrer or reference.explicit:
                continue
            plugin = index.find("KongPlugin", ref.namespace, reference.name)
            if (plugin is not None and plugin.plugin is not None and plugin.plugin.text == plugin_type
                    and (plugin.obj.is_live or plugin.obj.doc.order < referrer.obj.doc.order)):
                names.add(reference.name)
        if len(names) > 1:
            listed = ", ".join(sorted(names))
            return outcomes.Outcome(outcomes.APPLY_REFUSED, f"KIC 3.2.0's webhook refuses the {ref.kind} (\"{ref.kind} "
                                    f"has invalid KongPlugin annotation: cannot attach multiple plugins: {listed} of "
                                    f"the same type {plugin_type}\"), so `kubectl apply` fails for it",
                                    dropped=[ref.id])
    return None


def _instance_names(state: PluginState, index: KongIndex) -> list[Hit]:
    target = index.settings.target
    by_name: dict[str, list[Instance]] = {}
    invalid: dict[int, Instance] = {}
    for instance in state.instances:
        if instance.instance_name is None:
            continue
        by_name.setdefault(instance.instance_name, []).append(instance)
        if not facts.valid_instance_name(instance.plugin.instance_name.text):
            invalid.setdefault(id(instance.plugin), instance)
    hits = []
    for name, members in by_name.items():
        if len(members) < 2:
            continue
        plugins = list({id(m.plugin): m.plugin for m in members}.values())
        outcome = facts.instance_name_clash(target, name)
        references = [r for m in members for r in m.references]
        participants = _participants(references, [])
        for plugin in plugins:
            participants.append(Participant(plugin.obj.ref, plugin.instance_name.location))
        hits.append(Hit("plugin-instance-name-conflict", participants=participants,
                        **said(f"{len(members)} plugins reach Kong with instance_name {name!r}",
                               f"({_names(plugins)}, bound to {_bound_to(members[0])}). {outcome.text}.", " "),
                        entity="plugins", field="instance_name", outcome=outcome))
    for instance in invalid.values():
        plugin = instance.plugin
        outcome = outcomes.config_rejected(target)
        hits.append(Hit("plugin-instance-name-invalid",
                        participants=[Participant(plugin.obj.ref, plugin.instance_name.location)],
                        **said(f"{plugin.obj.ref.kind} {plugin.obj.ref.name!r}: instance_name "
                               f"{plugin.instance_name.text!r} is refused by Kong",
                               f"('{facts.UTF8_NAME_MESSAGE}'). {outcome.text}.", " "),
                        entity="plugins", field="instance_name", outcome=outcome))
    return hits


def _unresolved_consumers(state: PluginState, index: KongIndex) -> list[Hit]:
    """A consumer's custom_id is an identity: messages show it as a keyed fingerprint, never as text."""
    hits = []
    bound = {}
    show = Redactor.of(index.settings)
    for instance in state.instances:
        for reference in instance.references:
            if reference.referrer.obj.ref.kind == "KongConsumer" and reference.referrer.username is None:
                bound.setdefault(id(reference.referrer), (reference.referrer, []))[1].append((instance, reference))
    by_username: dict[str, list] = {}  # username -> the processed consumers with it, in order (only when asked for)
    if bound:
        for consumer in index.of("KongConsumer"):
            if consumer.username is not None:
                by_username.setdefault(consumer.username.text, []).append(consumer)
    for consumer, pairs in bound.values():
        custom_id = consumer.custom_id.text
        shown = show(custom_id)
        owners = by_username.get(custom_id, [])
        references = [r for _, r in pairs]
        plugins = list({id(i.plugin): i.plugin for i, _ in pairs}.values())
        participants = [Participant(consumer.obj.ref, consumer.custom_id.location)] + _participants(references, plugins)
        if owners:
            hidden = index.settings.untrusted and owners[0].obj.is_live  # a change names no live identity holder
            who = "a KongConsumer in the cluster" if hidden else f"KongConsumer {owners[0].obj.ref.name!r}"
            outcome = outcomes.Outcome(outcomes.ACCEPTED_SILENTLY, f"Kong resolves 'consumer: {shown}' to {who}, "
                                       "whose username it is, so the plugin applies to that consumer instead")
            if not hidden:
                participants.append(Participant(owners[0].obj.ref, owners[0].username.location))
        else:
            outcome = outcomes.Outcome(outcomes.CONFIG_REJECTED, f"Kong answers \"invalid reference 'consumer: "
                                       f"{shown}' (no such entry in 'consumers')\" and rejects the whole "
                                       "configuration")
        hits.append(Hit("plugin-consumer-unresolved", participants=participants,
                        **said(f"KongConsumer {consumer.obj.ref.name!r} has no username",
                               f"so KIC binds {_names(plugins)} to its custom_id {shown}. {outcome.text}.", ", "),
                        entity="plugins", field="consumer", value=custom_id, outcome=outcome))
    return hits


def _globals(state: PluginState) -> list[Hit]:
    hits = []
    for plugin_type, members in state.global_clashes.items():
        if all(m.obj.is_live for m in members):
            continue
        outcome = outcomes.Outcome(outcomes.OBJECT_SKIPPED, "KIC drops all of them and only logs 'Multiple KongPlugin "
                                   "with 'global' label found, cannot apply' (no event)",
                                   dropped=[m.obj.ref.id for m in members])
        hits.append(Hit("global-plugin-conflict",
                        participants=[Participant(m.obj.ref, m.plugin.location) for m in members],
                        **said(f"{len(members)} global KongClusterPlugins of type {plugin_type!r}",
                               f"({_names(members)}): {outcome.text}; no {plugin_type} plugin runs globally.", " "),
                        entity="plugins", outcome=outcome))
    return hits


def _generated(state: PluginState) -> list[Hit]:
    hits = []
    for instance in state.instances:
        if instance.route is None or instance.consumer is not None or instance.group is not None:
            continue
        clashing = [g for g in state.generated.get(instance.route, []) if g.type == instance.type]
        if not clashing:
            continue
        references = list(instance.references)
        if _live_only(references, [instance.plugin]):
            continue
        made = clashing[0]
        referrer = references[0].referrer
        where = (made.where.location if isinstance(made.where, Value)
                 else referrer.obj.locate(made.where.line, made.where.column))
        outcome = outcomes.Outcome(outcomes.ONE_ENTRY_WINS, "the generated plugin has no id, so Kong's checks pass, "
                                   f"and at run time Kong keeps one {instance.type} plugin per route: one of the two "
                                   "silently does nothing")
        hits.append(Hit("plugin-shadows-generated",
                        participants=_participants(references, [instance.plugin]) + [Participant(referrer.obj.ref, where)],
                        **said(f"{instance.type} plugin both bound and generated",
                               f"{instance.plugin.obj.ref.kind} {instance.plugin.obj.ref.name!r} ({instance.type}) is "
                               f"bound to Kong route {instance.route!r}, where KIC also generates a {instance.type} "
                               f"plugin from {made.what}: {outcome.text}."),
                        entity="plugins", outcome=outcome))
    return hits


def _skipped(state: PluginState) -> list[Hit]:
    hits = []
    seen = set()
    for reference, why in [(r, "missing") for r in state.missing] + [(r, "grant") for r in state.refused]:
        location = reference.where.location
        key = (reference.referrer.obj.ref.id, location.line, location.column, reference.via, why)
        if key in seen or reference.referrer.obj.is_live:
            continue
        seen.add(key)
        ref = reference.referrer.obj.ref
        if why == "missing":
            title = f"{ref.kind} {ref.name!r} names plugin {reference.name!r}"
            text = (f"{title}, but there is no KongPlugin "
                    f"{reference.namespace}/{reference.name} nor a KongClusterPlugin {reference.name!r} of the "
                    "controller's class: KIC skips it with the event 'referenced KongPlugin or KongClusterPlugin "
                    f"\"{reference.name}\" does not exist', and the route runs without it")
        else:
            title = f"{ref.kind} {ref.name!r} names plugin '{reference.namespace}:{reference.name}'"
            text = (f"{title} with a namespace "
                    f"prefix, and no ReferenceGrant in {reference.namespace!r} lets {ref.kind}s of {ref.namespace!r} "
                    "refer to it: KIC skips it ('no grant found to referenced ... plugin'), and the route runs "
                    "without it")
        hits.append(Hit("plugin-reference-skipped", text, [Participant(ref, location)], title=title))
    return hits


def check(index: KongIndex) -> list[Hit]:
    state = build_plugins(index)
    return (_conflicts(state, index) + _instance_names(state, index) + _unresolved_consumers(state, index)
            + _globals(state) + _generated(state) + _skipped(state))
