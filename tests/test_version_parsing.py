"""--kic-version / --kong-version: X.Y is the newest patch of X.Y, patches compare as numbers,
releases newer than kongcheck knows stand for the newest known one, messages show what was asked."""
from __future__ import annotations

import pickle

import pytest

from kongcheck.facts import versions
from kongcheck.facts.versions import KIC_PATCHES, Target, Version, parse, show


def test_a_minor_release_means_its_newest_patch():
    assert parse("3.4", "KIC") == (3, 4, KIC_PATCHES[(3, 4)])
    assert parse("3.1", "KIC") == (3, 1, 6)
    assert show(parse("3.4", "KIC")) == "3.4"


@pytest.mark.parametrize("text, exact", [("3.4.4", (3, 4, 4)), ("v3.2.0", (3, 2, 0)), ("3.5.11", (3, 5, 11)),
                                         ("2.12.1", (2, 12, 1)), ("3.1.3", (3, 1, 3))])
def test_patch_releases_are_kept(text, exact):
    version = parse(text, "KIC")
    assert version == exact and not version.newer
    assert str(version) == text.removeprefix("v")


def test_versions_compare_with_release_tuples_of_any_length():
    assert parse("3.4.4", "KIC") >= (3, 4, 4) and parse("3.4.3", "KIC") < (3, 4, 4)
    assert parse("3.4.0", "KIC") >= (3, 4) and not parse("3.3", "KIC") >= (3, 4)
    assert parse("3.4", "KIC") > (3, 4, 18)  # the newest 3.4 patch is past every 3.4 change


@pytest.mark.parametrize("text, product, stands_for", [
    ("3.6", "KIC", (3, 5, 13)), ("4.0.1", "KIC", (3, 5, 13)), ("3.5.14", "KIC", (3, 5, 13)),
    ("3.4.21", "KIC", (3, 4, 20)), ("3.10", "Kong", (3, 9, 3)), ("3.9.7", "Kong", (3, 9, 3)),
])
def test_newer_releases_stand_for_the_newest_known_and_warn(text, product, stands_for):
    version = parse(text, product)
    assert version == stands_for and version.newer and show(version) == text
    target = Target(kic=version) if product == "KIC" else Target(kong=version)
    assert target.warnings() == [f"{product} {text} is newer than the releases kongcheck knows; it predicts "
                                 f"what {product} {'.'.join(map(str, stands_for))} does"]


@pytest.mark.parametrize("text, product", [("1.9", "KIC"), ("2.13", "KIC"), ("2.9", "Kong"), ("3.05", "KIC"),
                                           ("3.5.01", "KIC"), ("3", "KIC"), ("3.4.5.1", "Kong")])
def test_older_unknown_or_malformed_releases_are_refused(text, product):
    with pytest.raises(versions.VersionError):
        parse(text, product)


def test_known_versions_do_not_warn_and_defaults_are_the_newest_minor():
    assert Target().warnings() == []
    assert show(Target().kic) == "3.5" and show(Target().kong) == "3.9"
    assert Target().kic == (3, 5, 13)


def test_a_version_survives_pickling_with_its_text():
    version = parse("3.4.4", "KIC")
    again = pickle.loads(pickle.dumps(version))
    assert again == version and str(again) == "3.4.4" and isinstance(again, Version)
