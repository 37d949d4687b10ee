"""What every settings section shares."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, SecretStr

from hypercare.errors import ConfigError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True, use_attribute_docstrings=True)


def read_secret_file(path: Path | None, key: str) -> SecretStr | None:
    if path is None:
        return None
    try:
        text = path.expanduser().read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(
            f"{key} points at {path}, which cannot be read ({exc.strerror})",
            hint=f"Fix {key} or the file's permissions.",
        ) from None
    if not text:
        raise ConfigError(f"{key} points at {path}, which is empty", hint="Put the secret in it.")
    return SecretStr(text)
