"""The KIC and Kong releases kongcheck predicts for, and the behaviour that changed between them.

A release is a :class:`Version`, ``(major, minor, patch)``; ``X.Y`` stands for the newest patch
of X.Y that kongcheck knows.  Each property of :class:`Target` names the KIC or Kong change behind
it (CHANGELOG entries and tags of Kong/kubernetes-ingress-controller and Kong/kong).  Compare a
version with a tuple of the release that changed something: ``target.kic >= (3, 4, 4)``, or
``(3, 4)`` for ``3.4.0``.
"""
from __future__ import annotations

import re
from typing import NamedTuple

# The newest patch of every minor release kongcheck knows (the tags of Kong/kubernetes-ingress-
# controller and Kong/kong).  A patch above these, or a minor above the newest, is newer than
# kongcheck: it warns and predicts what the newest release it knows does.
KIC_PATCHES = {
    (2, 0): 7, (2, 1): 1, (2, 2): 1, (2, 3): 1, (2, 4): 2, (2, 5): 1, (2, 6): 0, (2, 7): 0, (2, 8): 2,
    (2, 9): 4, (2, 10): 5, (2, 11): 1, (2, 12): 8,
    (3, 0): 2, (3, 1): 6, (3, 2): 4, (3, 3): 1, (3, 4): 20, (3, 5): 13,
}
KONG_PATCHES = {
    (3, 0): 2, (3, 1): 1, (3, 2): 2, (3, 3): 1, (3, 4): 2, (3, 5): 0, (3, 6): 1, (3, 7): 1, (3, 8): 1, (3, 9): 3,
}
_PATCHES = {"KIC": KIC_PATCHES, "Kong": KONG_PATCHES}
_FORM = re.compile(r"v?(0|[1-9]\d*)\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?")


class VersionError(ValueError):
    pass


class Version(tuple):
    """``(major, minor, patch)``, compared as numbers (with tuples of any length: ``(3, 4, 5) >=
    (3, 4)``); ``str()`` is the version as it was asked for ("3.4" stays "3.4").  ``newer`` is
    set when the release asked for is newer than kongcheck knows and this is the one it stands in
    for."""

    def __new__(cls, major: int, minor: int, patch: int, given: str | None = None, newer: bool = False):
        self = super().__new__(cls, (major, minor, patch))
        self.given = given or f"{major}.{minor}.{patch}"
        self.newer = newer
        return self

    def __reduce__(self):
        return (Version, (*self, self.given, self.newer))

    def __str__(self) -> str:
        return self.given

    def __repr__(self) -> str:
        return f"Version({self[0]}, {self[1]}, {self[2]}, {self.given!r}{', newer=True' if self.newer else ''})"

    @property
    def exact(self) -> str:
        """The release the predictions are for, with its patch: ``3.4.20`` for "3.4"."""
        return ".".join(str(part) for part in self)


def _newest(product: str) -> Version:
    patches = _PATCHES[product]
    major, minor = max(patches)
    return Version(major, minor, patches[(major, minor)], f"{major}.{minor}")


NEWEST_KIC = _newest("KIC")
NEWEST_KONG = _newest("Kong")


def parse(text: str, product: str) -> Version:
    """``X.Y`` or ``X.Y.Z`` (a leading ``v`` is tolerated) as a Version; a release newer than
    kongcheck knows stands for the newest one it knows (``newer`` set).  VersionError for text of
    another form and for releases older than or between those known."""
    given = str(text).strip()
    match = _FORM.fullmatch(given)
    if not match:
        raise VersionError(f"{product} version {text!r} is not of the form X.Y")
    given = given.removeprefix("v")
    patches = _PATCHES[product]
    major, minor = int(match.group(1)), int(match.group(2))
    patch = int(match.group(3)) if match.group(3) is not None else None
    top = patches.get((major, minor))
    if top is None:
        if (major, minor) > max(patches):
            return Version(*newest(product), given=given, newer=True)
        raise VersionError(f"{product} version {given} is not one kongcheck knows (known: {known_ranges(patches)})")
    if patch is None:
        return Version(major, minor, top, given)
    return Version(major, minor, min(patch, top), given, newer=patch > top)


def newest(product: str) -> Version:
    return NEWEST_KIC if product == "KIC" else NEWEST_KONG


def newer_warning(version: Version, product: str) -> str | None:
    """The one-line warning for a release newer than kongcheck knows, or None."""
    if not getattr(version, "newer", False):
        return None
    return (f"{product} {version} is newer than the releases kongcheck knows; it predicts what {product} "
            f"{version.exact} does")


def known_ranges(known) -> str:
    """``2.0 to 2.12, 3.0 to 3.5``: the known releases, one range per major version."""
    ranges = []
    for major in sorted({v[0] for v in known}):
        minors = sorted(v[1] for v in known if v[0] == major)
        ranges.append(f"{major}.{minors[0]} to {major}.{minors[-1]}" if len(minors) > 1 else f"{major}.{minors[0]}")
    return ", ".join(ranges)


def show(version) -> str:
    """A version as messages show it: as it was asked for; a plain tuple as its numbers."""
    given = getattr(version, "given", None)
    return given if given is not None else ".".join(str(part) for part in version)


def in_patches(version, firsts: dict[tuple[int, int], int]) -> bool:
    """Whether ``version`` has a change that was released in the patch ``firsts[(major, minor)]`` of
    each minor line listed (and in every later minor line): backports land on several lines at once."""
    line = (version[0], version[1])
    if line in firsts:
        return version[2] >= firsts[line]
    return line > max(firsts)


class Target(NamedTuple):
    """What the scan predicts for: a KIC release and a Kong Gateway release."""

    kic: Version = NEWEST_KIC
    kong: Version = NEWEST_KONG

    def warnings(self) -> list[str]:
        """What people should know about the versions asked for (one that is newer than known)."""
        found = (newer_warning(self.kic, "KIC"), newer_warning(self.kong, "Kong"))
        return [text for text in found if text]

    # --- KIC ---
    @property
    def reads_label(self) -> bool:  # konghq.com/credential label, 3.0+
        return self.kic >= (3, 0)

    @property
    def reads_legacy_type(self) -> bool:  # kongCredType data key, until 3.1
        return self.kic < (3, 2)

    @property
    def drops_conflicting_consumers(self) -> bool:  # PR #6585
        return self.kic >= (3, 4)

    @property
    def honours_control_plane_ref(self) -> bool:  # objects of another control plane are skipped, 3.4.0
        return self.kic >= (3, 4)

    @property
    def credential_lists_are_sets(self) -> bool:  # listType=set, 3.2.0
        return self.kic >= (3, 2)

    # --- KIC: CA certificates (internal/dataplane/translator/translate_cacerts.go, internal/store/store.go) ---
    @property
    def ca_certificates_classed(self) -> bool:
        """A CA Secret must match the ingress class until 3.3.x (ListCACerts); #6853 dropped the check in 3.4.0."""
        return self.kic < (3, 4)

    @property
    def ca_class_exact(self) -> bool:  # before 2.3.0 even the default class wanted the annotation (ExactClassMatch)
        return self.kic < (2, 3)

    @property
    def reads_ca_configmaps(self) -> bool:  # labelled ConfigMaps, and the ca.crt key, since 3.4.0
        return self.kic >= (3, 4)

    @property
    def checks_every_ca_pem_block(self) -> bool:
        """Exactly one CERTIFICATE block and nothing else, re-encoded before it is sent: 3.4.10 and 3.5.3
        (#7763, #7767); before, only the first block was checked and the text was sent as written."""
        return in_patches(self.kic, {(3, 4): 10, (3, 5): 3})

    @property
    def ca_oldest_wins(self) -> bool:
        """One CA certificate per id, the oldest object (creationTimestamp, namespace, name): 3.4.18 and
        3.5.11 (#8024, #8025); before, every valid object was sent and Kong saw the id twice."""
        return in_patches(self.kic, {(3, 4): 18, (3, 5): 11})

    # --- KIC: TLS certificates and SNIs (facts/tls.py) ---
    @property
    def sni_first_claim(self) -> bool:
        """A host belongs to the first Ingress-like TLS entry that names it (addUniqueHosts, 2.8.0); before,
        the duplicates are dropped in Go map order."""
        return self.kic >= (2, 8)

    @property
    def reads_gateway_certificates(self) -> bool:  # getGatewayCerts, 2.5.0
        return self.kic >= (2, 5)

    @property
    def gateway_certificates_need_kic_class(self) -> bool:
        """Only Gateways of a GatewayClass naming KIC's controller give certificates: 3.4.9 and 3.5.2; before,
        a Gateway of any class whose listener is Programmed did."""
        return in_patches(self.kic, {(3, 4): 9, (3, 5): 2})

    @property
    def gateway_certificate_refs_need_grant(self) -> bool:
        """A listener's certificateRef to another namespace needs a ReferenceGrant: 3.4.14 and 3.5.7 (#7666);
        before, KIC read the Secret without one."""
        return in_patches(self.kic, {(3, 4): 14, (3, 5): 7})

    # --- KIC: the Kong services and routes it names (facts/names.py) ---
    @property
    def combined_ingress_routes(self) -> bool:
        """One Kong route per Ingress, host, Service and port (the CombinedRoutes translator, on by default from
        2.9.0 and the only one from 3.0); before, routes were named per rule and path."""
        return self.kic >= (2, 9)

    @property
    def ingress_route_keys_host_first(self) -> bool:
        """2.9-3.0 gather paths under ``<ns>.<ingress>.<host>.<service>.<port>`` and name the route after the
        last Ingress added to it; from 3.1 the key is the route name, ``<ns>.<ingress>.<service>.<host>.<port>``."""
        return (2, 9) <= self.kic < (3, 1)

    @property
    def checks_multi_backend_annotations(self) -> bool:  # collectInconsistentAnnotations, 2.9.0
        return self.kic >= (2, 9)

    @property
    def own_namespace_backend_needs_grant(self) -> bool:
        """A backendRef that names its route's own namespace needs a ReferenceGrant before 3.1.0 (#5392): the
        reference check asked for one whenever the namespace was written; from 3.1.0 only another namespace does."""
        return self.kic < (3, 1)

    # --- Kong ---
    @property
    def kong_rejects_duplicates(self) -> bool:  # DB-less, Kong #11199
        return self.kong >= (3, 4)

    # --- KIC: plugins (internal/dataplane/kongstate/kongstate.go buildPlugins, internal/admission) ---
    @property
    def fills_plugin_ids(self) -> bool:
        """KIC sets each plugin's id (UUIDv5 of its type and relations, go-kong Plugin.FillID): 3.4.5 (#7410);
        before, no id is sent and Kong derives the same key from the plugin's cache key."""
        return in_patches(self.kic, {(3, 4): 5})

    @property
    def suffixes_instance_names(self) -> bool:  # `-<9 hex of sha256(relations)>`, 2.12.0 (#4588)
        return self.kic >= (2, 12)

    @property
    def instance_name_hash_covers_every_relation(self) -> bool:
        """3.4.0 (#6786) hashes every part of a relation; before, only the last one set (service, route,
        consumer, group), so one KongPlugin on three routes with one consumer repeats a suffix."""
        return self.kic >= (3, 4)

    @property
    def webhook_refuses_same_type_plugins(self) -> bool:
        """Only 3.2.0 (#5972, #5979): removed in 3.2.1 (#6252) because consumer-bound copies are valid."""
        return (3, 2, 0) <= self.kic < (3, 2, 1)

    @property
    def extension_ref_repeats_itself(self) -> bool:
        """3.2.3 to 3.3.x copy an HTTPRoute's annotations shallowly (#6295), so each sync appends its
        ExtensionRef plugins to the cached route again; 3.4.0 (#6762) copies them."""
        return (3, 2, 3) <= self.kic < (3, 4)

    @property
    def redirect_plugin(self) -> bool:  # RequestRedirect becomes a `redirect` plugin on Kong 3.9+ (versions.go)
        return self.kong >= (3, 9)
