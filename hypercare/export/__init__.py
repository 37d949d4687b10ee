"""Writers of the weekly steering pack and the handover pack (a front end over services).

Each writer renders a :class:`~hypercare.services.packs.model.Pack` and nothing else:
:func:`~hypercare.export.markdown.write_markdown` (wiki), :func:`~hypercare.export.html.write_html`
(one self-contained file, prints on A4), :func:`~hypercare.export.xlsx.write_xlsx` and
:func:`~hypercare.export.csv_writer.write_csv`. :func:`write_pack` writes the chosen formats
into one directory. Writers are imported when used, so importing this package stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypercare.services.packs.model import Pack

FORMATS: tuple[str, ...] = ("md", "html", "xlsx", "csv")


def write_pack(pack: Pack, out_dir: Path, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write ``pack`` into ``out_dir`` (created) as ``hypercare-<kind>-<week>.md/.html/.xlsx``
    and ``csv-<kind>-<week>/*.csv``; returns the written paths in :data:`FORMATS` order.

    Raises ``ValueError`` for a format not in :data:`FORMATS` (before writing anything) and
    ``OSError`` when the directory or a file cannot be written.
    """
    from hypercare.export.formatting import stem

    chosen = list(dict.fromkeys(formats))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {', '.join(map(repr, unknown))}: "
                         f"choose from {', '.join(FORMATS)}")
    from hypercare.files import private_dir

    private_dir(out_dir)
    base = stem(pack)
    paths: list[Path] = []
    for fmt in FORMATS:
        if fmt not in chosen:
            continue
        if fmt == "md":
            from hypercare.export.markdown import write_markdown

            paths.append(_write_text(out_dir / f"{base}.md", write_markdown(pack)))
        elif fmt == "html":
            from hypercare.export.html import write_html

            paths.append(_write_text(out_dir / f"{base}.html", write_html(pack)))
        elif fmt == "xlsx":
            from hypercare.export.xlsx import write_xlsx

            paths.append(write_xlsx(pack, out_dir / f"{base}.xlsx"))
        else:
            from hypercare.export.csv_writer import write_csv

            folder = out_dir / f"csv-{base.removeprefix('hypercare-')}"
            paths.extend(write_csv(pack, folder))
    return paths


def _write_text(path: Path, text: str) -> Path:
    from hypercare.files import write_private

    return write_private(path, text)


__all__ = ["FORMATS", "write_pack"]
