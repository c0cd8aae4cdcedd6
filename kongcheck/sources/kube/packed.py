"""Reduced snapshot objects held packed until they are decided on, and made plain.

A reduced object is small, but as dicts it still takes about four times the bytes of its
``marshal`` form, and a snapshot's Secrets that no live fetch would list, or that hold a TLS part,
are held until the last object is read (what is kept of them is known only then).  ``pack`` then ``unpack`` is also how a
snapshot object, composed with its positions, becomes plain.  ``marshal`` writes plain dicts, lists, texts, numbers,
booleans and None; an interned text (a namespace, a label: reduce.py) is interned again when
unpacked, so it stays one copy.  An object with any other value (an unquoted YAML timestamp
deep in a spec) or nested too deeply is held as it is.
"""

from __future__ import annotations

import marshal


def pack(obj: dict):
    """``obj`` as bytes, or ``obj`` itself when marshal cannot write it."""
    try:
        return marshal.dumps(_plain(obj))
    except (ValueError, RecursionError):
        return obj


def unpack(packed) -> dict:
    return marshal.loads(packed) if packed.__class__ is bytes else packed


def _plain(value):
    """Parsed mappings and lists (dict and list subclasses that know their lines) as plain ones."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
