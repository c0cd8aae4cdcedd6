"""A piece read by the template of a piece of its shape (parse/fast.py) is read exactly as line by
line: values, types, key order, every position at the piece's own line offset, booleans and nulls,
keys as the very objects; a piece the template does not fit is read line by line; the tables stay
bounded."""
from __future__ import annotations

import random
import sys

import pytest

from benchmarks.generate import _app_docs, _consumer_docs
from kongcheck.parse import fast
from kongcheck.parse.scalars import WORDS
from kongcheck.parse.values import LMap, LSeq
from tests.test_fast_yaml_subset import WORD_CHARS, WORD_HEADS, _entries, _same_or_refused, _word

_BY_LINES = fast._by_lines


def _exact(value):
    """A value with its type, its containers' own positions as kept (their order too), and whether
    each key is the one copy of its text, comparable with ==."""
    if isinstance(value, LMap):
        return ("map", value.line, value.column, list(value.pos.items()),
                [(k, k is sys.intern(k), _exact(v)) for k, v in value.items()])
    if isinstance(value, LSeq):
        return ("seq", value.line, value.column, list(value.pos), [_exact(v) for v in value])
    return (type(value).__name__, value)


def _same_as_by_lines(text: str, offset: int, max_depth: int = 1000) -> None:
    found = fast.documents(text, offset, max_depth)
    expected = _BY_LINES(text, offset, max_depth)
    if expected is None:
        assert found is None, text
        return
    assert [(start, _exact(value)) for start, value in found] == \
        [(start, _exact(value)) for start, value in expected], text


@pytest.fixture
def fresh(monkeypatch):
    """Templates made for every second piece of a look, from empty tables."""
    monkeypatch.setattr(fast, "_TEMPLATES", {})
    monkeypatch.setattr(fast, "_SEEN", {})
    monkeypatch.setattr(fast, "_credit", 10 ** 9)
    reads = []
    by_lines = fast._by_lines

    def counted(*args):
        reads.append(args[0])
        return by_lines(*args)

    monkeypatch.setattr(fast, "_by_lines", counted)
    return reads


ODD_WORDS = ["yes", "No", "ON", "off", "null", "Null", "~", "y", "n", "x", "/", "~/a[0]+$", "it's", "a,b", "{a}", "[b]",
             "a'b\"c`d", "\\x", "a|b>c", "v" * 260, "a" + "!" * 30, "_", "a-b.c/d@e+f=g(h)$i^j*k?l&m%n;o<p>q"]
NOT_WORDS = ["1", "123", "0x1F", "128Mi", "'q'", "\"q\"", "a: b", "a #b", "a#b", "a ", "a  ", "a\t", "caf\u00e9",
             "a b", "{a: b}", "[a, b]", "|", ">-", "-", "- a", "#", "# c", "&x a", "*x", "!t a", ":", "a:", "", "-a",
             "@a", "%a", "`a", "?a", "a\x7f", "'", "yes # c", "a:#", "1:2", "a: #",
             "a:b", "http://x:80/y", "~:x", "registry.example.com/a:1.2.3", "a:" + "b" * 250]


def _key_end(text: str) -> int:
    """Where the lines a piece's templates are found by end: its first two after a plain start marker."""
    begin = 4 if text.startswith("---\n") else 0
    return text.find("\n", text.find("\n", begin) + 1)


def _skeleton(rng: random.Random) -> list[tuple[str, bool]]:
    """A piece's lines as (head, whether a word follows it) for pieces of random entries and items,
    of the benchmark's documents, after a start marker or not, with comment and blank lines."""
    if rng.random() < 0.3:
        lines = rng.choice(_consumer_docs("team-a", rng.randrange(9), None)
                           + _app_docs(random.Random(rng.randrange(9)), "team-a", "app", 3)).split("\n")
    else:
        lines = _entries(rng, 0, 0) + [""] * rng.randint(0, 1)
    for _ in range(rng.randint(0, 2)):
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(["", "# a b", "  # c", "a: {b: c, d: [e]}", "- [x, 1]"]))
    if rng.random() < 0.3:
        lines.insert(0, rng.choice(["---", "--- # c"]))
    shape = []
    for line in lines:
        head, space, word = line.rpartition(" ")
        shape.append((head, True) if space and word[-1:] != ":" and head.strip(" -") != "#" else (line, False))
    return shape


def _filled(shape, rng: random.Random, odd: float) -> str:
    """A piece of the shape: a plain word after each head, some of them odd, some (a share ``odd``)
    not a plain word (a number, quoted text, a comment...)."""
    lines = []
    for head, worded in shape:
        if not worded:
            lines.append(head)
            continue
        roll = rng.random()
        word = rng.choice(NOT_WORDS) if roll < odd else f"w{rng.randrange(1000)}" if roll < 0.5 or not odd else \
            rng.choice(ODD_WORDS) if roll < 0.9 else _word(rng)
        lines.append(f"{head} {word}")
    return "\n".join(lines)


def test_pieces_of_a_shape_read_before_are_read_by_its_template_exactly_as_line_by_line(fresh):
    rng = random.Random(23)
    templated = 0
    for _ in range(400):
        shape = _skeleton(rng)
        fast._SEEN.clear()  # (a shape looking like one before, its first lines and its counts, would get none)
        first = _filled(shape, rng, 0)
        first = first[:max(0, _key_end(first))]  # the lines templates are found by (apiVersion, kind)
        for _ in range(2):  # the second makes the template
            text = _filled(shape, rng, 0)
            _same_as_by_lines(first + text[max(0, _key_end(text)):], rng.randrange(100))
        for _ in range(12):
            fresh.clear()
            text = _filled(shape, rng, rng.choice([0.001, 0.001, 0.05, 0.3]))
            text = first + text[max(0, _key_end(text)):]
            marked = rng.random() < 0.3 and not text.startswith("---")  # the template of the piece without it
            _same_as_by_lines("---\n" + text if marked else text, rng.randrange(100))
            templated += not fresh
    assert templated >= 450  # the seed gives 497 of about 1000 read: most pieces of a shape are read by its template


def test_a_template_is_not_used_for_a_piece_deeper_than_its_max_depth(fresh):
    text = "a:\n  b:\n    c: d\n    e:\n    - f\n"
    for _ in range(2):
        fast.documents(text)
    for depth in range(1, 7):
        for piece in (text, text.replace(" f", " g")):
            _same_as_by_lines(piece, 3, depth)
    assert fast.documents(text, 0, 4) is None and fast.documents(text, 0, 5) is not None


def test_booleans_and_nulls_read_by_a_template_are_those_of_kubectl(fresh):
    for word in ["x", "y", "On", "NULL", "~", "off", "True"]:
        text = f"a: b\nc: d\ne: {word}\n- :\n".replace("- :\n", "f:\n  - " + word + "\n")
        _same_as_by_lines(text, 0)
        found = fast.documents(text)[0][1]
        assert found["e"] == WORDS.get(word, word) and found["f"] == [WORDS.get(word, word)]
    assert not fresh[-1:] or fresh[-1] != text  # the last one was read by the template


def test_the_generated_dense_pieces_are_read_by_templates(fresh):
    docs = [doc for number in range(50) for doc in _consumer_docs("team-a", number, None)]
    for offset, doc in enumerate(docs):
        for text in (doc, "---\n" + doc):
            assert _same_or_refused(text, offset)
            _same_as_by_lines(text, offset)
    assert len(fresh) <= 16  # each shape read line by line a few times, then by its template


def test_a_template_is_made_for_a_piece_with_flow_collections_and_never_for_one_with_a_block_scalar(fresh):
    flow = "a: b\nc: d\ne: {f: g, h: [i, 1]}\nj: k\n"
    block = "a: b\nc: d\ne: |\n  f: g\nj: k\n"
    for text in (flow, block):
        for _ in range(3):
            _same_as_by_lines(text.replace("k", "l"), 5)
    assert [len(templates) for templates in fast._TEMPLATES.values()] == [1]
    fresh.clear()
    _same_as_by_lines(flow.replace("k", "m"), 1)
    _same_as_by_lines(block.replace("f: g", "f: x"), 1)
    assert fresh == [block.replace("f: g", "f: x")]


def test_the_templates_kept_stay_few(fresh):
    for number in range(fast._TEMPLATES_MOST * 3):
        for first in range(fast._BUCKET_MOST + 3):
            text = f"a{number}: b\nc: d\ne{first}: f\ng: h\n"
            for _ in range(2):
                fast.documents(text)
    assert 0 < len(fast._TEMPLATES) <= fast._TEMPLATES_MOST
    assert all(0 < len(templates) <= fast._BUCKET_MOST for templates in fast._TEMPLATES.values())
    assert len(fast._SEEN) <= fast._KNOWN_MOST


def test_templates_are_made_for_no_more_than_a_share_of_the_text_read_line_by_line(monkeypatch):
    monkeypatch.setattr(fast, "_TEMPLATES", {})
    monkeypatch.setattr(fast, "_SEEN", {})
    monkeypatch.setattr(fast, "_credit", 0)
    made = []
    template = fast._template
    monkeypatch.setattr(fast, "_template", lambda text, *args: made.append(len(text)) or template(text, *args))
    read = 0
    for number in range(20000):  # each shape twice, then never again
        text = f"a: b\nc{number}: d\ne: f\n" + "g: h\n" * (number % 50)
        for _ in range(2):
            fast.documents(text)
            read += len(text)
    assert made and sum(made) * fast._TEMPLATE_PRICE <= read


def test_long_pieces_and_long_first_lines_are_read_line_by_line(fresh):
    long_first = f"a: {'b' * fast._FIRST_LINES_LONGEST}\nc: d\ne: f\n"
    many = "".join(f"k{number}: v\n" for number in range(fast._TEMPLATE_LINES + 1))
    for text in (long_first, many):
        for _ in range(3):
            _same_as_by_lines(text, 0)
    assert not fast._TEMPLATES


def test_top_level_lists_blank_first_lines_and_long_lines_are_read_by_templates_as_line_by_line(fresh):
    long_key = "k" * 300
    for text in ("- a\n- b\n- c: d\n  e: f\n", "\n\na: b\nc: d\ne: f\n", f"a: b\nc: d\n{long_key}: x\ne:\n  - y\n",
                 "# c\na: b\nc:\n  - d: e\n    f: g\n  - h\n"):
        for word in ("x", "x", "yes", "w" * 300, "1", "x y", "x:", "x #", "~"):
            piece = text.replace("f", word) if "f" in text else text.replace("x", word)
            fast._SEEN.clear()  # (each a shape of its own, but looking alike: first lines, line and colon counts)
            for offset in (0, 7):
                _same_as_by_lines(piece, offset)
                _same_as_by_lines("---\n" + piece, offset)
    assert len(fresh) <= 64  # 64 of the 144: the others were read by templates


def test_the_words_a_template_takes_are_those_the_line_reader_reads_from_what_stands_before_them():
    for char in [*map(chr, range(0x100)), "\u00e9", "\u2028", "\ud800", "\U0001f600"]:
        read = char.isascii() and char.isprintable() and char not in " :#"  # as _read checks the last word
        assert (fast._WORD_ONLY.fullmatch("a" + char) is not None) == read, char
        assert (fast._WORD_ONLY.fullmatch(char) is not None) == (char in fast._NARROW_STARTS), char


def test_a_line_of_a_head_and_a_word_a_template_takes_is_read_as_the_head_with_that_word():
    rng = random.Random(29)
    chars = WORD_CHARS + ["a", "b:c"]
    taken = 0
    for _ in range(40000):
        head = rng.choice(WORD_HEADS) + rng.choice(["", " ", "  "])
        word = rng.choice(["a", "_", "/", "~", "h", "Y", "1"])
        word += "".join(rng.choice(chars) for _ in range(rng.randint(0, 8)))
        shape = fast._head(head)
        if shape is fast._REFUSED or fast._WORD_ONLY.fullmatch(word) is None:
            continue
        taken += 1
        lead, key, column, dash, width = shape
        for line in (f"{head} {word}", f"{head} {word}{'w' * fast._KNOWN_LONGEST}"):
            value = line.rpartition(" ")[2]
            expected = (lead, key, fast._SCALAR, WORDS.get(value, value), column, dash, width)
            assert fast._read(line, 1) == fast._parse(line, 1) == expected, line
    assert taken >= 3000


def test_pieces_looking_alike_get_one_template_at_most(fresh):
    for host in range(6):  # the same first lines and counts, a flow collection different in each
        _same_as_by_lines(f"a: b\nc: d\ne: [h{host}]\n", host)
    assert [len(templates) for templates in fast._TEMPLATES.values()] == [1] and len(fresh) == 6


def test_short_pieces_are_read_by_templates_as_line_by_line(fresh):
    rng = random.Random(31)
    lines = ["---", "--- # c", "a: b", "a: c", "c: d", "- e", "- f", "", "# c", "f:", "  g: h", "  g: i", "  - j",
             "...", "- a: b", "  c: d", "x", "a: yes", "a: 1", "a: [b]", "a: |", "  b", " ", "a: b c", "a:b"]
    templated = 0
    for _ in range(3000):
        text = "\n".join(rng.choice(lines) for _ in range(rng.randint(0, 5))) + rng.choice(["", "\n"])
        fast._SEEN.clear()  # (pieces looking alike would get one template only)
        for piece in (text, text, text, text.replace("b", "z"), text.replace("e", "y")):
            fresh.clear()
            _same_as_by_lines(piece, rng.randrange(3), rng.choice([1000, 1000, 2, 3]))
            templated += not fresh
    assert templated >= 150  # the seed gives 194 (most of these are refused, or too short for a template)


def test_scans_in_threads_share_the_tables_and_each_reads_as_line_by_line(fresh):
    import threading

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch as often as they can: every race gets its chance
    failures = []

    def read(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for number in range(3000):  # pieces that share their first lines: moves and evictions in one bucket
                text = "a: b\nc: d\n" + "".join(f"e{i}: f\n" for i in range(rng.randrange(12))) + f"x: y{number}\n"
                found, expected = fast.documents(text), _BY_LINES(text, 0, 1000)
                if [(s, _exact(v)) for s, v in found] != [(s, _exact(v)) for s, v in expected]:
                    failures.append(text)
                if number % 500 == 0:
                    fast._SEEN.clear()
        except Exception as exc:  # noqa: BLE001 (a crash in a thread is a failure of the test)
            failures.append(repr(exc))

    threads = [threading.Thread(target=read, args=(seed,)) for seed in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
