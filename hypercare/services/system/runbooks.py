"""The runbooks: the Markdown guides in the repository's ``runbooks/`` folder, by name.

A runbook's name is its file stem (``sla-and-escalation``); its title is its first
``# `` heading. Front ends list them and show one; they never read the files themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import hypercare
from hypercare.errors import HypercareError
from hypercare.services.context import ServiceContext


class RunbookNotFoundError(HypercareError):
    """No runbook has that name."""

    default_hint = "See the runbooks/ folder of the hypercare repository for their names."


class RunbooksMissingError(HypercareError):
    """The runbooks folder is not where this installation expects it."""


@dataclass(frozen=True)
class RunbookView:
    """One runbook (``text`` is empty in listings; it never includes the front matter)."""

    name: str
    """The file stem: ``sla-and-escalation``."""
    title: str
    """The first ``# `` heading (the name when there is none)."""
    path: str
    text: str = ""
    owner: str = ""
    """Who keeps it true (front matter ``owner``)."""
    last_review: date | None = None
    """When it was last checked against the product (front matter ``last_review``)."""


@dataclass(frozen=True)
class FrontMatter:
    """A runbook's header: ``id`` (its file stem), ``owner``, ``last_review`` (YYYY-MM-DD)."""

    id: str
    owner: str
    last_review: date | None
    problems: tuple[str, ...]
    """What is missing or malformed (empty when the header is complete)."""


FRONT = re.compile(r"\A---\n(?P<head>.*?)\n---\n", re.S)


def split_front_matter(text: str) -> tuple[FrontMatter, str]:
    """The ``---``-delimited ``key: value`` header of a runbook, and the text after it."""
    match = FRONT.match(text)
    if match is None:
        return FrontMatter("", "", None, ("no front matter (--- id/owner/last_review ---)",)), text
    fields: dict[str, str] = {}
    for line in match.group("head").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            fields[key.strip()] = value.strip().strip('"\'')
    problems = [f"no {key}" for key in ("id", "owner", "last_review") if not fields.get(key)]
    review = None
    if fields.get("last_review"):
        try:
            review = date.fromisoformat(fields["last_review"])
        except ValueError:
            problems.append(f"last_review {fields['last_review']!r} is not YYYY-MM-DD")
    return (FrontMatter(fields.get("id", ""), fields.get("owner", ""), review, tuple(problems)),
            text[match.end():])


def default_directory() -> Path:
    """``runbooks/`` beside the ``hypercare`` package (the repository, in an editable install)."""
    return Path(hypercare.__file__).resolve().parents[1] / "runbooks"


def title_of(text: str, fallback: str) -> str:
    """The first level-1 heading of a Markdown text."""
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip() or fallback
    return fallback


class RunbookService:
    """``list_runbooks``, ``show`` and ``search``."""

    def __init__(self, context: ServiceContext, directory: Path | None = None) -> None:
        self._context = context
        self._directory = directory

    @property
    def directory(self) -> Path:
        return self._directory or default_directory()

    def _files(self) -> dict[str, Path]:
        folder = self.directory
        if not folder.is_dir():
            raise RunbooksMissingError(
                f"no runbooks folder at {folder}",
                hint="The runbooks ship in the hypercare repository's runbooks/ folder: run "
                     "hypercare from a checkout (pip install -e .) to read them here.")
        return {path.stem: path for path in sorted(folder.glob("*.md")) if path.is_file()}

    def list_runbooks(self) -> list[RunbookView]:
        """Every runbook, by name (titles read from the files; ``text`` left empty)."""
        found = []
        for name, path in self._files().items():
            head, body = split_front_matter(_read(path))
            found.append(RunbookView(name, title_of(body, name), str(path), owner=head.owner,
                                     last_review=head.last_review))
        return found

    def show(self, *, name: str) -> RunbookView:
        """One runbook with its text."""
        files = self._files()
        path = files.get(name.removesuffix(".md"))
        if path is None:
            raise RunbookNotFoundError(
                f"no runbook named {name!r}",
                hint="Runbooks: " + (", ".join(files) or "(none in " + str(self.directory)
                                     + ")"))
        head, text = split_front_matter(_read(path))
        return RunbookView(path.stem, title_of(text, path.stem), str(path), text,
                           owner=head.owner, last_review=head.last_review)


    def search(self, *, text: str, limit: int = 5) -> list[RunbookView]:
        """Runbooks whose title or text contain the words of ``text`` (``text`` left empty):
        most words matched first, a title match counting double; at least half the words
        (of three letters or more, common words left out) must match."""
        words = _words(text)
        if not words:
            return []
        scored: list[tuple[int, str, RunbookView]] = []
        for name, path in self._files().items():
            body = split_front_matter(_read(path))[1]
            title = title_of(body, name)
            head, rest = title.casefold(), body.casefold()
            matched = [w for w in words if w in rest or w in head]
            if len(matched) * 2 < len(words):
                continue
            score = len(matched) + sum(1 for w in matched if w in head)
            scored.append((score, name, RunbookView(name, title, str(path))))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [view for _, _, view in scored[:limit]]


_COMMON = frozenset({
    "the", "and", "for", "how", "can", "what", "when", "where", "why", "who", "with", "from",
    "this", "that", "does", "into", "our", "your", "are", "was", "not", "you",
})


def _words(text: str) -> list[str]:
    found = re.findall(r"[\w-]{3,}", text.casefold())
    return list(dict.fromkeys(w for w in found if w not in _COMMON))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise HypercareError(f"cannot read the runbook {path}: {exc.strerror or exc}",
                             hint="Check the file's permissions.") from exc
