"""Text from the input made safe to print: the one escaping every output channel uses.

File and folder names, object names, namespaces and every message built from them come from
the scanned repository, which a pull request controls.  Printed raw they could end a line and
start a forged one (a GitHub workflow command such as ``::error::`` or ``::stop-commands::``),
send terminal control sequences (ESC, CSI, OSC: window titles, hyperlinks, clipboard writes,
erased lines), reorder what people read (bidirectional overrides), or crash an encoder (a lone
surrogate from a JSON ``\\ud800`` escape, or the bytes of a file name that is not UTF-8, which
Python carries as surrogates).

:func:`safe` turns one piece of text into one printable line:

- CR, LF, TAB and every other C0 control, DEL and every C1 control become ``\\r``, ``\\n``, ``\\t``
  or ``\\xNN``; so does every ESC, which breaks any escape sequence it starts;
- a surrogate that stands for a byte of a non-UTF-8 file name becomes ``\\xNN`` (that byte);
  any other lone surrogate ``\\udNNN``; bidirectional controls, the Unicode line and paragraph
  separators and the noncharacters U+FFFE/U+FFFF become ``\\uNNNN``;
- a leading ``::`` (after blanks) becomes ``\\x3a:``, so text that opens a line cannot be read by
  the GitHub runner as a workflow command, and ``##`` before ``[`` (``##[``, ``##vso[``,
  ``##teamcity[``, commands the GitHub, Azure and TeamCity runners find anywhere in a line)
  becomes ``#\\x23``.

Reporters and the command line apply it to every piece of input-derived text they print; the
layout they add around the pieces (line breaks, indentation) is their own.  JSON keeps names
exactly: its own escapes carry every control character, :func:`scalar` removes lone surrogates
(so the file is valid UTF-8) and :func:`json_document` writes ``##[`` as ``#\u0023[`` (the same
text to a JSON reader; nothing for a runner that reads the JSON in a log).
"""
from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                     "\u2066-\u2069\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_A_BYTE = re.compile("[\ud800-\udc7f\udd00-\udfff]")
_COMMAND_START = re.compile(r"^(\s*):(?=:)")
_ANYWHERE_COMMAND = re.compile(r"(?<=#)#(?=[A-Za-z]*\[)")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _code(char: str) -> str:
    named = _NAMED.get(char)
    if named:
        return named
    point = ord(char)
    if point <= 0xFF:
        return f"\\x{point:02x}"
    if 0xDC80 <= point <= 0xDCFF:  # a byte of a non-UTF-8 file name (Python's surrogateescape)
        return f"\\x{point - 0xDC00:02x}"
    return f"\\u{point:04x}"


def _escape(match: re.Match) -> str:
    return _code(match.group())


def safe(text: str) -> str:
    """``text`` as one printable line: no control, no escape sequence, no line break, no lone
    surrogate, nothing a CI runner reads as a command (see the module docstring)."""
    text = str(text)
    if _UNSAFE.search(text):
        text = _UNSAFE.sub(_escape, text)
    if "::" in text:
        text = _COMMAND_START.sub(lambda match: match.group(1) + "\\x3a", text, count=1)
    if "##" in text:
        text = _ANYWHERE_COMMAND.sub("\\\\x23", text)
    return text


def safe_lines(text: str) -> str:
    """Several lines of our own layout whose content may hold input: each line made :func:`safe`,
    joined with LF.  A line break the input smuggled in splits a line, and the new line is made
    safe like any other (it cannot start a workflow command)."""
    return "\n".join(safe(line) for line in str(text).splitlines())


def scalar(text: str) -> str:
    """``text`` with its lone surrogates escaped as :func:`safe` shows them, everything else kept:
    for formats that escape controls themselves (JSON, XML) and must stay valid UTF-8."""
    if _SURROGATE.search(text):
        return _SURROGATE.sub(_escape, text)
    return text


def json_document(serialized: str) -> str:
    """A serialized JSON document (indented, ASCII) with the ``#`` of every runner command
    sequence written as the JSON escape ``\\u0023``: the same strings to every reader, and no
    ``##[`` for a CI runner.  (An indented document's lines open with a blank, a quote or a
    bracket, never with ``::``.)"""
    if "##" in serialized:
        return _ANYWHERE_COMMAND.sub(lambda match: "\\u0023", serialized)
    return serialized


def text_bytes(text: str) -> bytes:
    """The bytes of input text, for a digest or a decoder: a surrogate that stands for a byte of a
    non-UTF-8 name gives that byte back; text holding any other lone surrogate (a JSON ``\\ud800``)
    is encoded with its surrogates as they are (``surrogatepass``), so no text fails to encode."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def path_bytes(path: str) -> bytes:
    """The bytes of a path as the file system has them (a non-UTF-8 name gets its own bytes
    back), for percent-encoding into a URI; a lone surrogate that is no byte becomes U+FFFD."""
    return _NOT_A_BYTE.sub("\ufffd", path).encode("utf-8", "surrogateescape")
