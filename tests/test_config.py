"""Settings: precedence, Slack aliases, secrets, and the messages for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from hypercare.cli import main
from hypercare.config import load_settings
from hypercare.errors import ConfigError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_file_then_env_then_flag(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write(
        isolated_env / "custom.toml",
        """
timezone = "Europe/Brussels"
[odoo]
url = "https://file.example.com"
db = "from_file"
login = "file-login"
""",
    )
    monkeypatch.setenv("HYPERCARE_ODOO__DB", "from_env")
    monkeypatch.setenv("HYPERCARE_ODOO__LOGIN", "env-login")
    settings = load_settings(config_path=config, overrides={"odoo.login": "flag-login"})
    assert settings.timezone == "Europe/Brussels"  # file only
    assert settings.odoo.url == "https://file.example.com"  # file only
    assert settings.odoo.db == "from_env"  # env beats file
    assert settings.odoo.login == "flag-login"  # flag beats env


def test_config_file_discovery_order(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user_dir = Path(str(isolated_env.parent / "home" / ".config" / "hypercare"))
    user_dir.mkdir(parents=True)
    write(user_dir / "hypercare.toml", 'timezone = "Asia/Tokyo"\n')
    assert load_settings().timezone == "Asia/Tokyo"
    write(isolated_env / "hypercare.toml", 'timezone = "America/Chicago"\n')
    assert load_settings().timezone == "America/Chicago"
    pointed = write(isolated_env / "pointed.toml", 'timezone = "Europe/Paris"\n')
    monkeypatch.setenv("HYPERCARE_CONFIG", str(pointed))
    assert load_settings().timezone == "Europe/Paris"
    explicit = write(isolated_env / "explicit.toml", 'timezone = "Europe/Rome"\n')
    assert load_settings(config_path=explicit).timezone == "Europe/Rome"


def test_required_env_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    names = {
        "HYPERCARE_DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        "HYPERCARE_ODOO__URL": "https://acme.odoo.com/",
        "HYPERCARE_ODOO__DB": "acme",
        "HYPERCARE_ODOO__LOGIN": "bot@acme.com",
        "HYPERCARE_ODOO__PASSWORD": "pw-123456",
        "HYPERCARE_ODOO__API_KEY": "key-abcdef",
        "HYPERCARE_ODOO__PROTOCOL": "json2",
        "HYPERCARE_TIMEZONE": "Europe/Brussels",
        "HYPERCARE_SLACK__BOT_TOKEN": "xoxb-1",
        "HYPERCARE_SLACK__APP_TOKEN": "xapp-1",
        "HYPERCARE_SLACK__SIGNING_SECRET": "sign-1",
        "HYPERCARE_SLACK__API_URL": "http://127.0.0.1:9999/api/",
    }
    for name, value in names.items():
        monkeypatch.setenv(name, value)
    s = load_settings()
    assert s.database_url == f"sqlite:///{tmp_path}/x.db"
    assert s.odoo.url == "https://acme.odoo.com"  # trailing slash dropped
    assert (s.odoo.db, s.odoo.login, s.odoo.protocol) == ("acme", "bot@acme.com", "json2")
    assert s.odoo.resolved_password() is not None
    assert s.odoo.resolved_password().get_secret_value() == "pw-123456"  # type: ignore[union-attr]
    assert s.odoo.resolved_api_key().get_secret_value() == "key-abcdef"  # type: ignore[union-attr]
    assert s.timezone == "Europe/Brussels"
    assert s.slack.resolved("bot_token").get_secret_value() == "xoxb-1"  # type: ignore[union-attr]
    assert s.slack.resolved("app_token").get_secret_value() == "xapp-1"  # type: ignore[union-attr]
    assert s.slack.resolved("signing_secret").get_secret_value() == "sign-1"  # type: ignore[union-attr]
    assert s.slack.api_url == "http://127.0.0.1:9999/api/"


def test_slack_aliases_and_their_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-alias")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-alias")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret-alias")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:1/api/")
    s = load_settings()
    assert s.slack.resolved("bot_token").get_secret_value() == "xoxb-alias"  # type: ignore[union-attr]
    assert s.slack.resolved("app_token").get_secret_value() == "xapp-alias"  # type: ignore[union-attr]
    assert s.slack.signing_secret.get_secret_value() == "secret-alias"  # type: ignore[union-attr]
    assert s.slack.api_url == "http://127.0.0.1:1/api/"
    monkeypatch.setenv("HYPERCARE_SLACK__BOT_TOKEN", "xoxb-prefixed")
    assert load_settings().slack.resolved("bot_token").get_secret_value() == "xoxb-prefixed"  # type: ignore[union-attr]


def test_secret_in_config_file_is_refused(isolated_env: Path) -> None:
    write(isolated_env / "hypercare.toml", '[odoo]\nurl = "https://a.example"\napi_key = "k-123"\n')
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert "odoo.api_key is a secret" in info.value.message
    assert "HYPERCARE_ODOO__API_KEY" in info.value.hint
    assert "k-123" not in info.value.message + info.value.hint


def test_secret_from_file_setting(isolated_env: Path) -> None:
    key_file = write(isolated_env / "odoo.key", "file-key-987\n")
    write(isolated_env / "hypercare.toml", f'[odoo]\napi_key_file = "{key_file}"\n')
    s = load_settings()
    assert s.odoo.resolved_api_key().get_secret_value() == "file-key-987"  # type: ignore[union-attr]
    write(isolated_env / "hypercare.toml", f'[odoo]\napi_key_file = "{isolated_env}/missing"\n')
    with pytest.raises(ConfigError, match=r"odoo.api_key_file points at .*missing"):
        load_settings().odoo.resolved_api_key()


def test_config_show_masks_secrets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HYPERCARE_ODOO__PASSWORD", "hunter2-password")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("HYPERCARE_DATABASE_URL", "postgresql+psycopg://app:dbpass99@db.example/hc")
    for fmt in ("toml", "json"):
        assert main(["config", "show", "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert "hunter2-password" not in out and "xoxb-very-secret" not in out
        assert "dbpass99" not in out
        # JSON says a secret is set; TOML (a settings file) leaves secrets out altogether
        assert ("********" in out) == (fmt == "json")
        assert ("password" in out) == (fmt == "json")
        assert "db.example" in out


@pytest.mark.parametrize(
    ("toml", "env", "expected", "hint_part"),
    [
        ('[odoo]\nurll = "x"\n', {}, "unknown setting 'odoo.urll'", "hypercare.example.toml"),
        (
            'timezone = "Mars/Olympus"\n',
            {},
            "invalid setting 'timezone': unknown timezone",
            "HYPERCARE_TIMEZONE",
        ),
        (
            "",
            {"HYPERCARE_ODOO__PROTOCOL": "xmlrpc"},
            "invalid setting 'odoo.protocol'",
            "HYPERCARE_ODOO__PROTOCOL",
        ),
        (
            "",
            {"HYPERCARE_ODOO__URL": "acme.odoo.com"},
            "must start with http://",
            "HYPERCARE_ODOO__URL",
        ),
        (
            "",
            {"HYPERCARE_DATABASE_URL": "postgresql://u@h/db"},
            "postgresql+psycopg://",
            "HYPERCARE_DATABASE_URL",
        ),
        ("timezone = \n", {}, "is not valid TOML", "Fix the line"),
    ],
)
def test_invalid_settings_name_key_and_fix_and_exit_2(
    isolated_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    toml: str,
    env: dict[str, str],
    expected: str,
    hint_part: str,
) -> None:
    write(isolated_env / "hypercare.toml", toml)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["config", "show"]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "hint:" in err and hint_part in err
    assert "Traceback" not in err


def test_missing_explicit_config_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", "nope.toml", "config", "show"]) == 2
    assert "config file nope.toml does not exist" in capsys.readouterr().err


def test_example_file_documents_every_setting() -> None:
    import re
    import tomllib

    from hypercare.config import SECRET_FIELDS, Settings

    example = Path(__file__).parents[1] / "hypercare.example.toml"
    text = example.read_text(encoding="utf-8")
    section = ""
    documented: set[str] = set()
    for line in text.splitlines():
        if header := re.fullmatch(r"\[(\w+)\]", line.strip()):
            section = header.group(1) + "."
        elif setting := re.match(r"^# (\w+) = ", line):
            documented.add(section + setting.group(1))
    expected: set[str] = set()
    for name, field in Settings.model_fields.items():
        sub_fields = getattr(field.annotation, "model_fields", None)
        if sub_fields is None:
            expected.add(name)
            continue
        for sub, sub_field in sub_fields.items():
            if (name, sub) in SECRET_FIELDS:
                env_name = f"HYPERCARE_{name.upper()}__{sub.upper()}"
                assert env_name in text, f"{env_name} not explained in the example"
            else:
                expected.add(f"{name}.{sub_field.alias or sub}")  # as it is written in TOML
    assert documented == expected
    # Uncommenting every setting line gives a file hypercare accepts.
    enabled = re.sub(r"(?m)^# (\w+ = )", r"\1", text)
    enabled = re.sub(r"(?m)^#( {2,}\{| ?\]$)", r"\1", enabled)  # multi-line lists
    data = tomllib.loads(enabled)
    Settings.model_validate(data)
