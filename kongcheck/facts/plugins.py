"""What KIC and Kong do with the plugin instances KIC builds.

Sources: KIC internal/dataplane/kongstate/kongstate.go (getPluginRelations, buildPlugins,
globalKongClusterPlugins), kongstate/plugin.go (getKongPluginOrKongClusterPlugin: a KongPlugin of
the referrer's namespace, else the KongClusterPlugin of that name), internal/util/rels/relations.go
(GetCombinations), internal/dataplane/translator/subtranslator/httproute.go (the plugins generated
from HTTPRoute filters), internal/admission/validation/kongplugin/kongplugin.go (3.2.0); Kong
kong/db/schema/entities/plugins.lua (instance_name is the endpoint key, typedefs.utf8_name),
kong/db/schema/others/declarative_config.lua (uniqueness checks), kong/runloop/plugins_iterator.lua
(one plugin per name and route/service/consumer at run time).
"""
from __future__ import annotations

import re

from kongcheck.facts.outcomes import CONFIG_REJECTED, ONE_ENTRY_WINS, Outcome
from kongcheck.facts.versions import Target, show

PLUGIN_GROUP_KIND = ("configuration.konghq.com", "KongPlugin")  # what an ExtensionRef must name
# The referrer kinds, as the ReferenceGrant check names them (group, kind).
REFERRER_GVK = {
    "Service": ("", "Service"),
    "Ingress": ("networking.k8s.io", "Ingress"),
    "HTTPRoute": ("gateway.networking.k8s.io", "HTTPRoute"),
    "GRPCRoute": ("gateway.networking.k8s.io", "GRPCRoute"),
    "KongConsumer": ("configuration.konghq.com", "KongConsumer"),
    "KongConsumerGroup": ("configuration.konghq.com", "KongConsumerGroup"),
}

# Kong typedefs.utf8_name: "^[%w%.%-%_~\128-\244]+$" over the bytes, and valid UTF-8.
_UTF8_NAME = re.compile(rb"[A-Za-z0-9.\-_~\x80-\xf4]+")
UTF8_NAME_MESSAGE = "the only accepted ascii characters are alphanumerics or ., -, _, and ~"


def valid_instance_name(text: str) -> bool:
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return _UTF8_NAME.fullmatch(raw) is not None


_RELATIONS = ("service", "route", "consumer", "group")  # the order KIC hashes a combination's parts in


def suffixed_instance_name(name: str, parts: dict[str, str], target: Target, used: set[str]) -> str:
    """The instance_name KIC gives a bound plugin (2.12.0+): ``-`` and 9 hex of the sha256 of its combination
    (``parts``: relation kind -> Kong identifier), the whole digest when that name is taken (``used`` grows);
    the digest covers every part from 3.4.0, before only the last one."""
    import hashlib  # only for a plugin instance that has a name: a plain scan never loads OpenSSL for it

    if target.instance_name_hash_covers_every_relation:
        text = "".join(f"_{kind}-{parts[kind]}" for kind in _RELATIONS if kind in parts)
    else:
        text = next(f"{kind}-{parts[kind]}" for kind in reversed(_RELATIONS) if kind in parts)
    digest = hashlib.sha256(text.encode()).hexdigest()
    suffixed = f"{name}-{digest[:9]}"
    if suffixed in used:
        suffixed = f"{name}-{digest}"
    used.add(suffixed)
    return suffixed


# Plugins KIC generates on a Kong route from an HTTPRoute rule's filters (httproute.go
# generatePluginsFromHTTPRouteFilters); RequestRedirect depends on the Kong version.
FILTER_PLUGINS = {
    "RequestHeaderModifier": ("request-transformer",),
    "URLRewrite": ("request-transformer",),
    "ResponseHeaderModifier": ("response-transformer",),
}
REDIRECT_PLUGINS_BEFORE_39 = ("request-termination", "response-transformer")
REDIRECT_PLUGINS = ("redirect",)
REWRITE_ANNOTATION = "konghq.com/rewrite"  # request-transformer on the Ingress's routes (RewriteURIs gate)


def generated_by_filter(filter_type: str | None, target: Target) -> tuple[str, ...]:
    if filter_type == "RequestRedirect":
        return REDIRECT_PLUGINS if target.redirect_plugin else REDIRECT_PLUGINS_BEFORE_39
    return FILTER_PLUGINS.get(filter_type or "", ())


def primary_key_clash(target: Target, plugin_type: str, key: str) -> Outcome:
    """Two instances of one plugin type on one combination."""
    ids = (f"KIC {show(target.kic)} gives both the id UUIDv5('{key}')" if target.fills_plugin_ids
           else f"KIC {show(target.kic)} sends no id and Kong derives the same one from the cache key")
    if target.kong_rejects_duplicates:
        return Outcome(CONFIG_REJECTED, f"{ids}; Kong {show(target.kong)} answers \"uniqueness violation: 'plugins' "
                       "entity with primary key set to '<id>' already declared\" and rejects the whole "
                       f"configuration; KIC keeps re-applying the last good one")
    return Outcome(ONE_ENTRY_WINS, f"{ids}; Kong {show(target.kong)} (DB-less, before 3.4) keeps one of the "
                   f"{plugin_type} plugins and drops the other")


def instance_name_clash(target: Target, name: str) -> Outcome:
    if target.kong_rejects_duplicates:
        return Outcome(CONFIG_REJECTED, f"Kong {show(target.kong)} answers \"uniqueness violation: 'plugins' entity "
                       f"with instance_name set to '{name}' already declared\" and rejects the whole configuration")
    return Outcome(ONE_ENTRY_WINS, f"Kong {show(target.kong)} (DB-less, before 3.4) keeps one plugin of that "
                   "instance_name and drops the other")
