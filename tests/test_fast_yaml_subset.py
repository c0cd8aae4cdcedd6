"""The fast reader of plain block YAML (parse/fast.py) reads a piece exactly as the composer does
(values, types and every position), or leaves it to the composer: over every YAML file of the
repository, the benchmark's documents, hostile pieces, random mutations of all of them, and block
scalars and comments generated in every place a value stands."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from benchmarks.generate import _app_docs, _consumer_docs
from kongcheck.loading import iter_pieces
from kongcheck.parse import fast
from kongcheck.parse.tree import Composer
from kongcheck.parse.values import LoadError

ROOT = Path(__file__).resolve().parent.parent


def _shape(value):
    """A value with its type and every position, comparable with ==."""
    if isinstance(value, dict):
        return ("map", value.line, value.column, [(k, value.where(k), _shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("seq", value.line, value.column, [(value.where(i), _shape(v)) for i, v in enumerate(value)])
    return (type(value).__name__, value)


def _composed(text: str, offset: int):
    try:
        return [(start, _shape(value)) for start, value in Composer(text, offset).documents()]
    except LoadError as exc:
        return ("error", str(exc))


def _same_or_refused(text: str, offset: int = 0) -> bool:
    """True when the fast reader read the piece (exactly as the composer); False when it refused it."""
    found = fast.documents(text, offset)
    if found is None:
        return False
    assert [(start, _shape(value)) for start, value in found] == _composed(text, offset), text
    return True


def _pieces() -> list[tuple[int, str]]:
    pieces = []
    for path in sorted([*ROOT.glob("fixtures/**/*.yaml"), *ROOT.glob("fixtures/**/*.yml"),
                        *ROOT.glob("tests/**/*.yaml")]):
        data = path.read_bytes()
        for line, piece in iter_pieces(data):
            try:
                pieces.append((line - 1, piece.decode("utf-8")))
            except UnicodeDecodeError:
                continue
    generated = [doc for number in range(40) for doc in _app_docs(random.Random(number), "team-a", f"app-{number}",
                                                                    number)]
    generated += _consumer_docs("team-a", 1, None) + _consumer_docs("team-b", 2, 1)
    for doc in generated:
        pieces.append((0, doc))
        pieces.append((10, "---\n" + doc))
    return pieces


HOSTILE = [
    "a: yes\n", "a: on\n", "a: n\n", "a: Null\n", "a: ~\n", "y: b\n", "On: b\n", "a: 012\n", "a: 0x1F\n", "a: 1e3\n",
    "a: 1:20\n", "a: 2024-01-01\n", "a: .inf\n", "a: -1\n", "a: +1\n", "a: 1_000\n", "a: 1.0\n", "a: 9999999999\n",
    "a: b # c\n", "a: b#c\n", "a: 'it''s'\n", 'a: "x\\ny"\n', 'a: "x\n  y"\n', "a: b\n  c\n", "a:\n", "a:\nb: c\n",
    "a: b\na: c\n", "a: &x b\nc: *x\n", "a: !!str 1\n", "<<: {a: b}\n", "a: [b]\n", "a: {b: c}\n", "a: |\n  b\n",
    "a: >\n  b\n", "? a\n: b\n", "a: b: c\n", "a: b:\n", "a:b\n", "- - a\n", "-\n  a: b\n", "- a\n  - b\n",
    "a:\n  - b\n   - c\n", "a:\n  b: c\n d: e\n", "a:\n    b: c\n  d: e\n", "- a: b\n   c: d\n", "- a: b\n - c\n",
    "a: b\n- c\n", "a:\n- b\nc:\n- d\n", "--- a: b\n", "---\na: b\n---\nc: d\n", "a: b\n...\n", "%YAML 1.1\n---\na: b\n",
    "\ta: b\n", "a: b\r\n", "a: caf\u00e9\n", "a: \"\"\n", "a: ''\n", "a:  b   c  \n", "a: http://x:8080/y\n",
    "a: b,c\n", "a: b]\n", "a: @b\n", "a: `b\n", "a: %b\n", "a: -b\n", "a: ?b\n", "a: =\n", "a: /x\n", "_a: b\n",
    "a: b\n  # c\n", "# only a comment\n", "", "---\n", "  a: b\n  c: d\n", "  a: b\nc: d\n", "a:\n  -   b: c\n      d: e\n",
    "- a\n- b: c\n  d:\n  - e\n", "k" * 1100 + ": v\n", "a: " + "v" * 5000 + "\n", "a: b\nb: c\n\n\n",
    "a: yES\n", "a: nULL\n", "oN: b\n", "a: TRUE\n", "NO: b\n", "a: b\n# c\x01d\n", "a: b\n#\x0c\n", "a: b\n# \x7f\n", "a: b\x00\n",
    "".join(f"{'  ' * i}k{i}:\n" for i in range(70)) + "  " * 70 + "x: 1\n",
    "- a:b\n", "- http://x:80/y\n", "- a:1\n", "- a:'b'\n", "- a:\n    b: c\n", "a:'b'\n", "a:1\n", "a: b  \n",
    "- a b: c\n", "a: b c: d\n", "a: b :c\n", "a: b:c d\n", "a:  'x'  \n", "a: 1  \n", "a: 'x&y|z>*!'\n",
    "a: \"*x\"\n", "# a & b | c > *d !e\na: b\n", "a: b\n  \n", "a:\n\n  b: c\n", "a: b\n   # c\nd: e\n",
    "a: b\n#\u00e9\n", "a: b\n# \t\n", "a: b", "a:", "- a", "- a:", "-", "- ", "a:\n  - b\n  -\n", "a: -\n",
    "a: 128Mi\n", "a: 1.5.2\n", "a: 1:20\n", "a: 80 x\n", "- 100m\n", "- 1:b\n", "a: 1 : 2\n", "1: b\n", "- 1: b\n",
    "a: 0777x\n", "a: 1e3x\n", "a: 1.5\n", "a: 0x1F\n", "a: 1_0\n", "a: 2024-01-02T10:00:00Z\n",
]
# one-line flow collections: read when inside the subset, left to the composer otherwise
FLOW = [
    "{}", "[]", "{ }", "[ ]", "{a: b}", "{ a: b }", "{a: b }", "{ a: b}", "{a:  b}", "[a,b]", "[a, b]", "[a,  b]",
    "{a: {b: c}, d: [e, {f: 1}, [g]], h: []}", "['a, b', \"c: d\", 'e}f]g#h', '', \"\"]", "{a: 'b'  }", "{a: 1 }",
    "[128Mi, 1.2.3, 2x, /x, 0, 123456789]", "[1.5]", "[0777]", "[1e3]", "[1_000]", "[2024-01-02]", "[1:20]",
    "{a: b,}", "[a,]", "[a,,b]", "[,a]", "{,}", "[a , b]", "{a:b}", "{a: b c}", "{a: http://x}", "{\"a\": b}",
    "{? a: b}", "{a}", "{a: }", "[a: b]", "{a: b, a: c}", "{y: b}", "{a: no}", "{a: ~}", "{a: null}", "[-a]", "[- a]",
    "{a: &x b}", "{a: *x}", "{a: !!str b}", "{a: b} # c", "{a: b}}", "[a]]", "[{a: b]", "{a: [b}", "{a: 'x''y'}",
    '{a: "x\\y"}', "{a: caf\u00e9}", "{a:\tb}", "{a: b}{c: d}", "{a: b} x", "[a] [b]", "{<<: {a: b}}", "{1: a}",
    "[" * 70 + "a" + "]" * 70, "[" * 30 + "a" + "]" * 30, "{a: " * 40 + "b" + "}" * 40,
]
HOSTILE += [f"k: {flow}\n" for flow in FLOW] + [f"- {flow}\n" for flow in FLOW] + [f"a:\n  b: {flow}\n  c: d\n" for flow in FLOW]
HOSTILE += [
    "{a: b}\n", "a:\n  {b: c}\n", "a: {b: c}\n  d: e\n", "- {a: b}\n  c: d\n", "a: {b: c,\n  d: e}\n", "a: [b,\n  c]\n",
    "a: {b: c}\nb: [d]\n", "- a: {b: c}\n  d: [e]\n", "a:{b: c}\n", "a: {b: c}, d\n",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_pieces_are_read_as_the_composer_reads_them_or_left_to_it(text):
    _same_or_refused(text)
    _same_or_refused("---\n" + text, 41)


def test_every_yaml_file_of_the_repository_is_read_as_the_composer_reads_it():
    pieces = _pieces()
    read = sum(_same_or_refused(text, offset) for offset, text in pieces)
    assert read >= 100 and len(pieces) >= 150  # the subset is worth having: most real pieces are in it


def test_one_line_flow_collections_are_read_as_the_composer_reads_them():
    read = [flow for flow in FLOW if _same_or_refused(f"k: {flow}\n")]
    assert {"{}", "[ ]", "{a: {b: c}, d: [e, {f: 1}, [g]], h: []}", "[128Mi, 1.2.3, 2x, /x, 0, 123456789]"} <= set(read)
    assert not {"{a: b,}", "{a:b}", "{a: http://x}", "[a , b]", "{y: b}"} & set(read)


def test_generated_workloads_with_flow_mappings_are_read_without_the_composer():
    docs = [doc for number in range(40) for doc in _app_docs(random.Random(number), "team-a", f"app-{number}", number)]
    flows = [doc for doc in docs if "{" in doc and "|" not in doc]
    assert flows and all(_same_or_refused(doc) for doc in flows)


def test_random_mutations_are_read_as_the_composer_reads_them_or_left_to_it():
    rng = random.Random(7)
    alphabet = list(" :-#'\"\n\\!&*|>[]{},?%@`~.0123456789yYnNaz") + ["  ", "- ", ": ", "\n  ", "\n- ", "---\n"]
    pieces = [text for _, text in _pieces() if len(text) < 4000]
    read = 0
    for _ in range(6000):
        text = rng.choice(pieces)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            action = rng.random()
            if action < 0.5:
                text = text[:at] + rng.choice(alphabet) + text[at:]
            elif action < 0.8:
                text = text[:at] + text[at + rng.randint(1, 3):]
            else:
                lines = text.split("\n")
                index = rng.randrange(len(lines))
                lines.insert(index, lines[index] if rng.random() < 0.5 else " " + lines[index])
                text = "\n".join(lines)
        read += _same_or_refused(text, rng.randrange(3))
    assert read >= 500  # mutations inside the subset were read too, not only refused


BLOCK_HEADERS = ["|", ">", "|-", "|+", ">-", ">+", "|1", "|2", ">3", "|2-", "|-2", "|+1", ">1+", "|9", "|0", "|10",
                 "|++", "|-+", "|#", "| #c", "|  # c", ">- # c: d", "|x", "| x", "|2#", "|\t", "<", "||", "|-0"]
BLOCK_LINES = ["x", "x y", "x: y", "- x", "# x", "x # y", "'x", "{x", "x  ", "|", ">", "---", "", "", " ", "   "]
ODD_LINES = ["\tx", "x\ty", "\t", "caf\u00e9", "x\x01", "x\r", "...", "\"x\\n"]


def _block_piece(rng: random.Random) -> str:
    """A block scalar in a random place, with random lines in it and after it."""
    header = rng.choice(BLOCK_HEADERS)
    text = rng.choice(["a: {h}", "a:\n  b: {h}", "- {h}", "a:\n- {h}", "a:\n  - b: {h}", "- a: x\n  b: {h}",
                       "a:\n  - {h}", "k: v\na:\n    b: {h}", "a: b\nc: {h}"]).format(h=header)
    last = text.rsplit("\n", 1)[-1]
    parent = len(last) - len(last.lstrip(" -"))
    body = []
    indent = parent + rng.choice([0, 1, 2, 2, 2, 4])
    for _ in range(rng.randint(0, 6)):
        spaces = max(0, indent + rng.choice([-2, -1, 0, 0, 0, 0, 0, 0, 1, 2]))
        body.append(" " * spaces + rng.choice(ODD_LINES if rng.random() < 0.05 else BLOCK_LINES))
    after = rng.choice(["", "", "b: z\n", "# c\n", "  b: z\n", "- z\n", "c: d\ne: f\n", "  # c\n", " x\n"])
    piece = text + "\n" + "".join(line + "\n" for line in body) + after
    return piece if rng.random() < 0.9 else piece.rstrip("\n")


def test_block_scalars_are_read_as_the_composer_reads_them_or_left_to_it():
    rng = random.Random(11)
    read = []
    for _ in range(8000):
        text = _block_piece(rng)
        if _same_or_refused(text, rng.randrange(3)):
            read.append(text)
    headers = {line.split(": ", 1)[-1].lstrip("- ") for text in read for line in text.split("\n")[:3]}
    assert len(read) >= 800 and {"|", ">", "|-", "|+", ">-", ">+", "|2", "|2-", "|  # c"} <= headers


def test_block_scalars_in_generated_config_maps_are_read_without_the_composer():
    docs = [doc for number in range(40) for doc in _app_docs(random.Random(number), "team-a", f"app-{number}", number)]
    blocks = [doc for doc in docs if ": |\n" in doc]
    assert blocks and all(_same_or_refused(doc) for doc in blocks)
    assert all(_same_or_refused(doc.replace(": |\n", f": {header}\n").replace("\n  log-format", "\n\n  log-format"))
               for doc in blocks[:3] for header in ("|-", "|+", ">", ">-", ">+", "|2", "| # c"))


COMMENTED = ["a: b # c", "a: b#c", "a: b  #", "a: b #c # d", "a: b # c: d", "a: b #\u00e9", "a: b\t# c", "a: b #\tc",
             "a: 'x' # c", "a: 'x'# c", "a: 'x # y'", "a: \"x # y\"  # z", "a: '#'", "a: 1 # c", "a: 1# c", "a: 128Mi # c",
             "a: 128Mi#c", "a: http://x:1/y # c", "a: http://x:1/y#c", "a: b: c # d", "a: {b: c} # d", "a: {b: c}# d",
             "a: [b, c]  #d", "a: {b: '#'} # d", "a: {b: c # d}", "a: [b #c]", "a: # c", "a:# c", "a:  #", "- b # c",
             "- # c", "-# c", "- 'b' # c", "- {b: c} # d", "- a: b # c", "a: yes # c", "a: ~ # c", "a: | # c", "a: |# c",
             "#a: b", " # a: b", "a: b ## c", "a: b # 'c", "a: b # \"c", "a: b # | c", "a: b # {c", "a: -b # c"]


@pytest.mark.parametrize("line", COMMENTED)
def test_comments_after_values_are_read_as_the_composer_reads_them_or_left_to_it(line):
    for text in (f"{line}\n", f"x: y\n{line}\n", f"x:\n  {line}\n  z: w\n", f"x:\n- {line}\n", f"{line}\n  z: w\n",
                 f"- {line}\n- z\n", f"{line}\n  x\n"):
        _same_or_refused(text)
        _same_or_refused("---\n" + text, 9)


def test_comments_after_values_are_read_without_the_composer():
    read = [line for line in COMMENTED if _same_or_refused(f"{line}\n")]
    assert {"a: b # c", "a: 'x' # c", "a: 1 # c", "a: 128Mi # c", "a: http://x:1/y # c", "a: {b: c} # d"} <= set(read)
    assert not {"a: b#c", "a: 'x'# c", "a: 1# c", "a:# c", "a: b\t# c"} & set(read)
    assert _same_or_refused("a: # c\n  b: c\n") and _same_or_refused("- b # c\n- a: b  # d\n  c: d\n")


def test_random_comments_in_generated_documents_are_read_as_the_composer_reads_them_or_left_to_it():
    rng = random.Random(5)
    docs = [doc for number in range(20) for doc in _app_docs(random.Random(number), "team-a", f"app-{number}", number)]
    read = 0
    for _ in range(3000):
        lines = rng.choice(docs).split("\n")
        for _ in range(rng.randint(1, 4)):
            index = rng.randrange(len(lines))
            lines[index] += rng.choice([" # c", "  #", "#c", " #: x", " # - y", "\t# c", " # '", " ## x"])
        read += _same_or_refused("\n".join(lines))
    assert read >= 250  # the seed gives 266: the comparison covers pieces the reader reads, not only refusals


def test_booleans_and_nulls_as_values_are_read_as_kubectl_reads_them():
    words = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No", "NO", "false",
             "False", "FALSE", "off", "Off", "OFF", "null", "Null", "NULL"]
    for word in words:
        for text in (f"a: {word}\n", f"- {word}\n", f"a:\n  b: {word} # c\n", f"a: {{b: {word}}}\n", f"a: [{word}, x]\n"):
            assert _same_or_refused(text), text
    assert fast.documents("a: yes\nb: [off, null]\nc: ~\n")[0][1] == {"a": True, "b": [False, None], "c": None}
    for text in ("yes: b\n", "{on: b}\n", "a: {n: b}\n", "a: yEs\n", "a: yes no\n", "a: [~]\n"):
        assert not _same_or_refused(text) or isinstance(fast.documents(text)[0][1]["a"], str), text


PLAIN_CHARS = list("abz09_./@+=~()$\\^*?&%!|<>;,[]{}'\"`-:# ") + [": ", " #", "\t", "\u00e9"]


def test_plain_values_with_brackets_quotes_and_signs_are_read_as_the_composer_reads_them_or_left_to_it():
    rng = random.Random(3)
    read = 0
    for _ in range(6000):
        value = rng.choice(["~", "a", "/", "x", "0", "_"]) + "".join(rng.choice(PLAIN_CHARS) for _ in range(rng.randint(0, 8)))
        text = rng.choice(["a: {v}\n", "- {v}\n", "a:\n  - {v}\n  - b\n", "a:\n  b: {v}\nc: d\n", "- a: {v}\n  b: c\n",
                           "a: {{b: {v}}}\n", "a: [{v}]\n"]).format(v=value)
        read += _same_or_refused(text)
    assert read >= 2000
    for text in ("path: ~/api/v[0-9]+$\n", "a: x,y\n", "a: it's\n", "- ~/grpcbin.GRPCBin/Get\n", "a: ~\n", "a: b | c > d\n",
                 "url: http://x/cb?a=b&c=%20\n"):
        assert _same_or_refused(text), text


def test_a_comment_after_the_leading_marker_is_read_as_the_composer_reads_it_or_left_to_it():
    for text in ("--- # c\na: b\n", "---  #\na: b\n", "--- #c\n# d\na: b\n"):
        assert _same_or_refused(text, 4), text
    for text in ("---# c\na: b\n", "--- a # c\nb: c\n", "--- #\u00e9\na: b\n", "--- #\tc\na: b\n", "--- # c"):
        _same_or_refused(text, 4)


def test_quotes_doubled_in_single_quoted_values_are_read_as_the_composer_reads_them():
    for text in ("a: 'it''s'\n", "a: ''''\n", "a: 'a'''\n", "a: '''a'\n", "a: 'a'' b'  # c\n", "- 'x''''y'\n",
                 "a: {b: 'x''y', c: ''''}\n", "a: [''' ''']\n", "a: \"it''s\"\n"):
        assert _same_or_refused(text), text
    for text in ("a: 'a' 'b'\n", "a: 'a''\n", "a: '''\n", "a: 'a'''b'\n", "a: 'a'#'\n", "{a: 'b''}\n"):
        _same_or_refused(text)
    assert fast.documents("a: 'it''s'\nb: \"x''y\"\n")[0][1] == {"a": "it's", "b": "x''y"}


def test_the_characters_a_word_is_checked_for_are_those_of_the_line_pattern():
    import re

    for char in map(chr, range(0x20, 0x7f)):
        assert (re.fullmatch(fast._WORD, char) is not None) == (char not in " :#"), char
        assert (re.fullmatch(fast._NARROW, char) is not None) == (char in fast._NARROW_STARTS), char


WORD_HEADS = ["", " ", "  ", "-", "- ", "-  ", "  - ", "a:", "a: ", "a:  ", "  a:", "- a:", "  -  a:", "a", "a :", "a b:",
              "a:b:", "y:", "On:", "a: b", "- - ", "-- ", "\t", "a\t:", "#", "a: #", "a: 'b", "a: \"b", "a: {b:", "a: [b,",
              "k" * 999 + ":", "k" * 1001 + ":", "app.kubernetes.io/name:", "_a:", "1:", "a/:", "a.b-c_d:", "caf\u00e9:",
              "a: |", "? a:", "&x a:", "!t a:", "a:\x01", "- a: b c", "  # a:", "a: b #"]
WORD_CHARS = list("abzAZ09_./@+=~()$\\^*?&%!|<>;,[]{}'\"`-:#") + ["\u00e9", "\t", "\x7f", "'", "\""]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(WORD_CHARS) for _ in range(rng.randint(1, 6)))


def test_lines_read_by_their_last_word_are_read_as_the_line_pattern_reads_them():
    rng = random.Random(13)
    for _ in range(20000):
        line = rng.choice(WORD_HEADS) + rng.choice([" ", " ", "  "]) + _word(rng)
        assert fast._read(line, 1) == fast._parse(line, 1), line
    for word in ("yes", "~", "Null", "x", "/", "it's", "a[0]", "b,c"):
        assert fast._read(f"  - a: {word}", 1) == fast._parse(f"  - a: {word}", 1)


def _entries(rng: random.Random, indent: int, depth: int) -> list[str]:
    """A block mapping of random plain words, nested mappings and lists, at ``indent``."""
    lines = []
    for number in range(rng.randint(1, 4)):
        shape = rng.random() if depth < 3 else 0
        head = " " * indent + rng.choice([f"k{number}:", f"app.io/k{number}:", "y:" if rng.random() < 0.05 else "k:"])
        if shape < 0.6:
            lines.append(head + rng.choice([" ", " ", "  "]) + (_word(rng) if rng.random() < 0.7 else rng.choice(["web", "yes", "~"])))
        elif shape < 0.8:
            lines += [head, *_entries(rng, indent + rng.choice([1, 2, 2, 4]), depth + 1)]
        else:
            lines.append(head)
            dash = " " * (indent + rng.choice([0, 2, 2])) + rng.choice(["- ", "- ", "-  "])
            for _ in range(rng.randint(1, 3)):
                if rng.random() < 0.5:
                    lines.append(dash + _word(rng))
                else:
                    item = _entries(rng, len(dash), depth + 1)
                    lines += [dash + item[0].lstrip(" "), *item[1:]]
    return lines


def test_pieces_of_random_entries_and_items_are_read_as_the_composer_reads_them_or_left_to_it():
    rng = random.Random(17)
    read = 0
    for _ in range(3000):
        text = "\n".join(_entries(rng, 0, 0)) + rng.choice(["\n", "\n", ""])
        read += _same_or_refused(text, rng.randrange(3))
    assert read >= 250  # the seed gives 266: the comparison covers pieces the reader reads, not only refusals


def test_the_lines_remembered_across_pieces_stay_few_and_short():
    for number in range(fast._KNOWN_MOST * 2):
        assert fast.documents(f"a{number}: b{number}\nc: {'d' * (fast._KNOWN_LONGEST + number)}\n") is not None
    assert 0 < len(fast._KNOWN) <= fast._KNOWN_MOST and 0 < len(fast._HEADS) <= fast._KNOWN_MOST
    assert max(map(len, fast._KNOWN)) <= fast._KNOWN_LONGEST and max(map(len, fast._HEADS)) <= fast._KNOWN_LONGEST
