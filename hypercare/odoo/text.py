"""``html_to_text``: readable plain text from Odoo's HTML fields (descriptions, chatter bodies).

Built on the standard library's tolerant ``html.parser`` (never on regular expressions alone):
block elements become line breaks, list items get bullets, entities are unescaped,
``<script>``/``<style>`` content is dropped and runs of whitespace collapse. It never raises.
"""

from __future__ import annotations

from html.parser import HTMLParser

from hypercare.text import clean

_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tr",
        "ul",
    ]
)
_PARAGRAPHS = frozenset(
    ["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol"]
)
_SKIP = frozenset(("script", "style", "head", "title", "template", "noscript"))
_CELLS = frozenset(("td", "th"))


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        self._skip = 0
        self._gap = False

    def _newline(self, gap: bool = False) -> None:
        text = " ".join("".join(self._line).split())
        if text:
            if self._gap and self.lines:
                self.lines.append("")
            self.lines.append(text)
            self._gap = False
        self._line = []
        self._gap = self._gap or (gap and bool(self.lines))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif self._skip:
            return
        elif tag == "br":
            self._newline()
        elif tag in _BLOCKS:
            self._newline(gap=tag in _PARAGRAPHS)
            if tag == "li":
                self._line.append("- ")
        elif tag in _CELLS:
            self._line.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self._line.append(f"[{alt}]")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SKIP:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif not self._skip and tag in _BLOCKS:
            self._newline(gap=tag in _PARAGRAPHS)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._line.append(data)

    def text(self) -> str:
        self._newline()
        return "\n".join(self.lines).strip()


def html_to_text(html: object) -> str:
    """Plain text of an HTML fragment; ``False``/``None``/non-strings give ``""``."""
    if not isinstance(html, str) or not html:
        return ""
    parser = _TextParser()
    try:
        parser.feed(_drop_unfinished_tag(html))
        parser.close()
        plain = parser.text()
    except Exception:  # html.parser is tolerant; this is a last-resort guard
        plain = " ".join(html.replace("<", " ").replace(">", " ").split())
    return clean(plain)  # entities such as &#27; unescape to control characters


def _drop_unfinished_tag(html: str) -> str:
    """Cut a trailing ``<tag ...`` that never closes (html.parser would keep it as text)."""
    start = html.rfind("<")
    if start >= 0 and ">" not in html[start:]:
        nxt = html[start + 1 : start + 2]
        if nxt.isalpha() or nxt in ("/", "!", "?"):
            return html[:start]
    return html
