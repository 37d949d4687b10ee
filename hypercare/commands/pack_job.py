"""The ``weekly_pack`` job's work, wired by ``serve`` (and ``jobs run``): write the last
complete week's steering pack with the export writers, then have it announced in Slack."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypercare.services import Services


def pack_folder(services: Services) -> Path:
    """``export.out_dir``, else ``packs/`` in the user data directory."""
    from hypercare.config import user_data_dir

    configured = services.context.settings.export.out_dir
    return Path(configured).expanduser() if configured else user_data_dir() / "packs"


def weekly_pack_writer(services: Services) -> Callable[[], str]:
    """The job: the pack of the last complete week, written and announced once."""

    def run() -> str:
        from hypercare.export import write_pack

        pack = services.packs.weekly()
        folder = pack_folder(services)
        paths = write_pack(pack, folder, tuple(services.context.settings.export.formats))
        announced = services.pack_notices.announce(pack=pack, files=paths)
        return (f"{pack.week}: {len(paths)} files in {folder}; "
                + ("announced in Slack" if announced else "announced before"))

    return run
