"""html_to_text: examples and properties."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from hypercare.odoo.text import html_to_text

WORDS = st.text(
    alphabet=st.characters(categories=("L", "N"), max_codepoint=0x2FF), min_size=1, max_size=12
)
PARAGRAPH = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)
TAGS = st.sampled_from(["p", "div", "li", "b", "i", "span", "h1", "blockquote", "td", "a"])


def test_paragraphs_lines_and_bullets() -> None:
    raw = "<p>Hello &amp; <b>world</b></p><p>Second<br/>line</p><ul><li>one</li><li>two</li></ul>"
    assert html_to_text(raw) == "Hello & world\n\nSecond\nline\n\n- one\n- two"


def test_script_and_style_are_dropped() -> None:
    raw = "<style>p {color: red}</style><p>kept</p><script>alert('x')</script>after"
    assert html_to_text(raw) == "kept\n\nafter"


def test_whitespace_collapses_and_entities_unescape() -> None:
    assert html_to_text("<div>  a \n\t b&nbsp;c &lt;x&gt; </div>") == "a b c <x>"


def test_false_none_and_garbage() -> None:
    assert html_to_text(False) == ""
    assert html_to_text(None) == ""
    assert html_to_text("") == ""
    assert html_to_text("<p>unclosed <b") == "unclosed"
    assert html_to_text("<<<>>><!-- x") == html_to_text("<<<>>><!-- x")


@given(st.text())
def test_never_raises_on_any_text(raw: str) -> None:
    assert isinstance(html_to_text(raw), str)


@given(st.binary().map(lambda b: b.decode("latin-1")))
def test_never_raises_on_binaryish_text(raw: str) -> None:
    html_to_text(raw)


@given(st.lists(st.tuples(TAGS, PARAGRAPH), min_size=1, max_size=8))
def test_paragraph_text_is_kept_and_no_tag_remains(blocks: list[tuple[str, str]]) -> None:
    raw = "".join(f"<{tag} class='x'>{html.escape(text)}</{tag}>" for tag, text in blocks)
    out = html_to_text(raw)
    assert "<" not in out and ">" not in out
    for _, text in blocks:
        for word in text.split():
            assert word in out


@given(st.lists(PARAGRAPH, min_size=2, max_size=5))
def test_paragraphs_stay_separate(paragraphs: list[str]) -> None:
    out = html_to_text("".join(f"<p>{html.escape(p)}</p>" for p in paragraphs))
    assert out.split("\n\n") == [" ".join(p.split()) for p in paragraphs]
