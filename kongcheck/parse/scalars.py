"""Scalar values as kubectl reads them: go-yaml v2 resolution, then the trip through JSON.

kubectl (sigs.k8s.io/yaml 1.4 over its copy of go-yaml v2) resolves each plain scalar by YAML 1.1
rules of its own, converts the document to JSON and decodes that JSON into an unstructured object.
So a value here is what that object holds:

- ``y Y yes Yes YES on On ON true True TRUE`` are true, ``n N no No NO off Off OFF false False
  FALSE`` false; ``'' ~ null Null NULL`` null; nothing else is a boolean or null;
- integers are Go's ``strconv.ParseInt(text, 0, 64)`` after removing ``_``: ``0777`` is octal,
  ``0o17``, ``0x1F`` and ``0b101`` are read, ``+12`` is 12; above 64 bits, or with an exponent, the
  text is a float (``1e3`` is 1000), and a float too large for 64 bits stays text;
- sexagesimal ``1:20`` and timestamps are text (go-yaml gives timestamps as the written text);
- ``.inf`` and ``.nan`` cannot be written as JSON: kubectl refuses the file;
- a JSON number without a fraction decodes as an integer (``1.0`` is 1);
- ``!!binary`` is base64, decoded into text (invalid UTF-8 becomes U+FFFD, as Go's JSON does);
  ``!!str``, ``!!int``, ``!!float``, ``!!bool``, ``!!null`` and ``!!timestamp`` must fit their
  text, other tags (``!``, ``!custom``) leave the text as it is;
- mapping keys become JSON member names: ``1`` is ``"1"``, ``true``/``yes`` are ``"true"``, a float
  is written as Go writes a 32-bit float; a null key, or an integer key above 2^63-1, is refused.
"""
from __future__ import annotations

import binascii
import codecs
import math
import re
import struct

from kongcheck.parse.values import LoadError

TAG = "tag:yaml.org,2002:"
STR, BINARY, MERGE = TAG + "str", TAG + "binary", TAG + "merge"
INT, FLOAT, BOOL, NULL, TIMESTAMP = TAG + "int", TAG + "float", TAG + "bool", TAG + "null", TAG + "timestamp"
_RESOLVABLE = {"", STR, INT, FLOAT, BOOL, NULL, TIMESTAMP}

WORDS: dict[str, object] = {}  # the plain texts go-yaml v2 reads as a boolean or null
for _value, _texts in ((True, "y Y yes Yes YES true True TRUE on On ON"),
                       (False, "n N no No NO false False FALSE off Off OFF"),
                       (None, "~ null Null NULL")):
    WORDS.update(dict.fromkeys(_texts.split(), _value))
WORDS[""] = None
_INFINITE = {text: float(word) for word, texts in (("nan", ".nan .NaN .NAN"), ("inf", ".inf .Inf .INF +.inf +.Inf +.INF"),
                                                   ("-inf", "-.inf -.Inf -.INF")) for text in texts.split()}
_HINTS = {**dict.fromkeys("+-", "S"), **dict.fromkeys("0123456789", "D"), **dict.fromkeys("yYnNtTfFoO~", "M"), ".": "."}
HINTED = frozenset(_HINTS) | {""}  # first characters of text that may be something else than text
_TAG_NAMES = {STR: "!!str", INT: "!!int", FLOAT: "!!float", BOOL: "!!bool", NULL: "!!null", TIMESTAMP: "!!timestamp"}

# Go's strconv.ParseInt/ParseUint with base 0 (no underscores: go-yaml removed them)
_GO_INT = re.compile(r"([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)")
_YAML_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_DOT_FLOAT = re.compile(r"\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?")  # Go's ParseFloat of ".5"
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?"
                        r"(?:Z|[-+][0-9]{2}:[0-9]{2}))|(?: [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?))?")
_INT64 = 1 << 63
_BASES = {"x": 16, "X": 16, "o": 8, "O": 8, "b": 2, "B": 2}


class Refused(LoadError):
    """A scalar kubectl cannot turn into JSON (the whole file is refused)."""


def _go_int(plain: str):
    match = _GO_INT.fullmatch(plain)
    if match is None:
        return None
    sign, digits = match.groups()
    if digits[1:2] in _BASES:
        base, digits = _BASES[digits[1]], digits[2:]
    else:
        base = 8 if digits.startswith("0") else 10
    digits = digits.lstrip("0") or "0"
    if len(digits) > 64:  # far above 64 bits in any base (and below Python's limit for decimal text)
        return None
    number = int(digits, base)
    if sign == "-":
        number = -number
        return number if number >= -_INT64 else None
    if number < _INT64 or (not sign and number < 2 * _INT64):  # ParseUint takes no sign
        return number
    return None


def _float(text: str):
    """Go's ParseFloat of a decimal: None where it overflows (go-yaml then keeps the text)."""
    value = float(text.replace("_", ""))
    return None if math.isinf(value) else value


def _resolve(tag: str, text: str):
    """go-yaml v2's resolve(): the tag it finds and the value."""
    hint = _HINTS.get(text[:1], "N" if not text else None)
    if hint is None or tag in (STR, BINARY):
        return STR, text
    if text in WORDS:
        value = WORDS[text]
        return (NULL if value is None else BOOL), value
    if text in _INFINITE:
        return FLOAT, _INFINITE[text]
    if hint == ".":
        if _DOT_FLOAT.fullmatch(text):
            value = _float(text)
            if value is not None:
                return FLOAT, value
    elif hint in "DS":
        if tag in ("", TIMESTAMP) and _TIMESTAMP.fullmatch(text):
            return TIMESTAMP, text
        plain = text.replace("_", "")
        number = _go_int(plain)
        if number is not None:
            return INT, number
        if _YAML_FLOAT.fullmatch(plain):
            value = _float(plain)
            if value is not None:
                return FLOAT, value
    return STR, text


def plain(text: str, line: int):
    """An untagged plain scalar (the common case, kept short)."""
    if _HINTS.get(text[:1]) == "M":
        return WORDS[text] if text in WORDS else text
    return resolve("", text, True, line)


def _binary(text: str, line: int) -> str:
    """Go's base64.StdEncoding.DecodeString (line breaks skipped), then JSON's UTF-8 coercion."""
    try:
        data = binascii.a2b_base64(text.replace("\n", "").replace("\r", "").encode("ascii"), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise Refused("a !!binary value is not valid base64; kubectl refuses the file ('!!binary value "
                      "contains invalid base64 data')", line) from None
    return data.decode("utf-8", "kongcheck-json")


def _json_number(value):
    """The number as it comes back from JSON: Go writes floats without a fraction as integers
    (below 1e21), and k8s.io/apimachinery reads integers that fit 64 bits as int64."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            number = int(value)
            return number if -_INT64 <= number < _INT64 else value
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value >= _INT64:
        return float(value)  # a uint64 comes back as a float
    return value


def resolve(tag: str | None, text: str, plain: bool, line: int):
    """The value of a scalar as kubectl's decoder gives it (``plain``: an untagged plain scalar
    or one tagged ``!``, as libyaml's plain_implicit says)."""
    if not tag:
        if not plain:
            return text
        tag = ""
    if tag not in _RESOLVABLE:
        return _binary(text, line) if tag == BINARY else text
    found, value = _resolve(tag, text)
    if tag not in ("", found, STR):
        if tag == FLOAT and found == INT:
            value = float(value)
        else:
            raise Refused(f"a value tagged {_TAG_NAMES[tag]} does not read as one; kubectl refuses the file "
                          f"('cannot decode {_TAG_NAMES.get(found, '!!str')} ... as a {_TAG_NAMES[tag]}')", line)
    return value  # as go-yaml holds it: a key is written from that (key_text), a value via JSON (json_value)


def json_value(value, line: int | None):
    """A number in value position as it comes back from JSON; infinities and NaN have no JSON form."""
    if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
        raise Refused("a .inf or .nan value cannot be written as JSON; kubectl refuses the file "
                      "('json: unsupported value')", line)
    return _json_number(value)


def key_text(key, line: int) -> str:
    """A mapping key as the JSON member name sigs.k8s.io/yaml writes."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        if key >= _INT64:
            raise Refused("a mapping key that is an integer above 2^63-1; kubectl refuses the file "
                          "('unsupported map key of type: uint64')", line)
        return str(key)
    if isinstance(key, float):
        return _go_float32_text(key)
    raise Refused("a null mapping key; kubectl refuses the file ('unsupported map key')", line)


def _go_float32_text(value: float) -> str:
    """strconv.FormatFloat(value, 'g', -1, 32), with go-yaml's names for infinities and NaN."""
    if math.isnan(value):
        return ".nan"
    try:
        single = struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        single = math.copysign(math.inf, value)
    if math.isinf(single):
        return ".inf" if single > 0 else "-.inf"
    if single == 0:
        return "-0" if math.copysign(1, single) < 0 else "0"
    for digits in range(1, 10):  # the shortest decimal that reads back as the same 32-bit float
        text = f"{single:.{digits - 1}e}"
        try:
            if struct.unpack("f", struct.pack("f", float(text)))[0] == single:
                break
        except OverflowError:
            continue
    mantissa, exponent = text.split("e")
    exponent_value = int(exponent)
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    if exponent_value < -4 or exponent_value >= 6:  # 'g' with the shortest precision
        return f"{mantissa}e{'-' if exponent_value < 0 else '+'}{abs(exponent_value):02d}"
    return _plain_decimal(mantissa, exponent_value)


def _plain_decimal(mantissa: str, exponent: int) -> str:
    sign = "-" if mantissa.startswith("-") else ""
    digits = mantissa.lstrip("-").replace(".", "")
    point = exponent + 1
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


def _per_byte(error: UnicodeDecodeError):
    return "\ufffd" * (error.end - error.start), error.end


codecs.register_error("kongcheck-json", _per_byte)
