"""PEM text as KIC's Go code reads it: ``encoding/pem.Decode`` and ``bytes.TrimSpace``.

KIC checks CA certificates (index/cacerts.py) and TLS pairs with Go's PEM decoder, whose rules
differ from other readers': text before ``-----BEGIN `` is skipped, a block whose END line, type or
base64 body is wrong is passed over and the search goes on after its BEGIN line, and headers
(``Key: value`` lines) are allowed.  Python's own readers skip blocks of other types silently, so
they cannot tell KIC's "invalid PEM block type" from a clean certificate.  Pure functions on bytes;
no I/O.
"""
from __future__ import annotations

import base64
import binascii
from typing import NamedTuple

_BEGIN = b"-----BEGIN "
_END = b"\n-----END "
_DASHES = b"-----"
_ASCII_SPACE = b" \t\n\v\f\r"
# unicode.IsSpace beyond ASCII (Go's bytes.TrimSpace decodes runes): NEL, NBSP and the Unicode
# White_Space characters above Latin-1.
_WIDE_SPACE = frozenset([0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000])


class Block(NamedTuple):
    type: str  # the text between "-----BEGIN " and "-----" (bytes as Latin-1, so nothing is lost)
    der: bytes  # the decoded body


def _is_space(char: str) -> bool:
    return char in " \t\n\v\f\r" or ord(char) in _WIDE_SPACE


def trim_space(data: bytes) -> bytes:
    """Go's ``bytes.TrimSpace``: Unicode white space off both ends (an invalid UTF-8 byte stops it)."""
    stripped = data.strip(_ASCII_SPACE)
    if stripped.isascii():
        return stripped
    text = stripped.decode("utf-8", "surrogateescape")  # a stray byte becomes a surrogate: not a space
    start, end = 0, len(text)
    while start < end and _is_space(text[start]):
        start += 1
    while end > start and _is_space(text[end - 1]):
        end -= 1
    return text[start:end].encode("utf-8", "surrogateescape")


def _line(data: bytes) -> tuple[bytes, bytes]:
    """The first line (LF or CRLF ended) without trailing spaces and tabs, and what follows it."""
    at = data.find(b"\n")
    if at < 0:
        return data.rstrip(b" \t"), b""
    after = data[at + 1:]
    if at > 0 and data[at - 1:at] == b"\r":
        at -= 1
    return data[:at].rstrip(b" \t"), after


def _body(text: bytes) -> bytes | None:
    """Standard base64 with padding; CR and LF are skipped as Go's decoder skips them, and PEM
    drops spaces and tabs first.  None if it is not valid."""
    cleaned = text.translate(None, b" \t\r\n")
    try:
        return base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError):
        return None


def decode(data: bytes) -> tuple[Block | None, bytes]:
    """The next PEM block in ``data`` and the rest after it; ``(None, data)`` if there is none."""
    rest = data
    while True:
        if rest.startswith(_BEGIN):
            rest = rest[len(_BEGIN):]
        else:
            at = rest.find(b"\n" + _BEGIN)
            if at < 0:
                return None, data
            rest = rest[at + 1 + len(_BEGIN):]
        type_line, rest = _line(rest)
        if not type_line.endswith(_DASHES):
            continue
        kind = type_line[: -len(_DASHES)]
        headers = False
        while True:
            if not rest:
                return None, data
            line, following = _line(rest)
            if b":" not in line:
                break
            headers = True
            rest = following
        if not headers and rest.startswith(_END[1:]):
            end, trailer_at = 0, len(_END) - 1
        else:
            end = rest.find(_END)
            trailer_at = end + len(_END)
        if end < 0:
            continue
        trailer = rest[trailer_at:]
        size = len(kind) + len(_DASHES)
        if len(trailer) < size or not (trailer[:size].startswith(kind) and trailer[:size].endswith(_DASHES)):
            continue
        if _line(trailer[size:])[0]:
            continue
        der = _body(rest[:end])
        if der is None:
            continue
        return Block(kind.decode("latin-1"), der), _line(rest[end + len(_END) - 1:])[1]
