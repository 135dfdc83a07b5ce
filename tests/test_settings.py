"""The settings tree: defaults, the TOML file, NEWSTRACE_* variables, and clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newstrace.errors import NewstraceError, SettingsError
from newstrace.settings import SECTIONS, Settings

DOCS = Path(__file__).resolve().parent.parent / "docs" / "settings.md"


def test_settings_defaults_need_no_file_or_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.load(environ={})
    assert settings == Settings()
    assert settings.fetch.retries == 3
    assert settings.summary.sentences == 3


def test_settings_file_then_environment_later_wins(tmp_path: Path) -> None:
    file = tmp_path / "newstrace.toml"
    file.write_text('[fetch]\ntimeout = 20\nuser_agent = "probe"\n[models]\nspacy = false\n')
    settings = Settings.load(file, environ={"NEWSTRACE_FETCH_TIMEOUT": "30"})
    assert settings.fetch.timeout == 30.0
    assert settings.fetch.user_agent == "probe"
    assert settings.models.spacy is False


def test_settings_file_found_in_the_working_directory(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "newstrace.toml").write_text("[web]\nport = 9001\n")
    monkeypatch.chdir(tmp_path)
    assert Settings.load(environ={}).web.port == 9001


def test_settings_environment_names_a_file(tmp_path: Path) -> None:
    file = tmp_path / "elsewhere.toml"
    file.write_text("[stories]\ncandidates = 7\n")
    settings = Settings.load(environ={"NEWSTRACE_SETTINGS": str(file)})
    assert settings.stories.candidates == 7


def test_settings_old_variable_names_still_count() -> None:
    settings = Settings.load(
        environ={"NEWSTRACE_MAX_DOCUMENT_BYTES": "1000", "NEWSTRACE_API_TOKEN": "t0ken"}
    )
    assert settings.analysis.max_document_bytes == 1000
    assert settings.web.api_token == "t0ken"


def test_settings_variables_that_are_not_settings_are_left_alone() -> None:
    assert Settings.load(environ={"NEWSTRACE_DB": "x.db", "PATH": "/bin"}) == Settings()


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"NEWSTRACE_FETCH_TIMOUT": "3"}, "no setting fetch.timout"),
        ({"NEWSTRACE_FETCH_RETRIES": "three"}, "fetch.retries: 'three' is not a whole number"),
        ({"NEWSTRACE_MODELS_SPACY": "perhaps"}, "models.spacy: 'perhaps' is not true or false"),
        ({"NEWSTRACE_ANALYSIS_TIME_BUDGET": "soon"}, "time_budget: 'soon' is not a number"),
    ],
)
def test_settings_bad_variable_is_one_line_naming_it(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.load(environ=environ)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, NewstraceError)


def test_settings_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[fetch\ntimeout = 1\n")
    with pytest.raises(SettingsError, match=r"bad\.toml: not valid TOML"):
        Settings.load(bad, environ={})
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("[fetching]\ntimeout = 1\n")
    with pytest.raises(SettingsError, match=r"no settings section \[fetching\]"):
        Settings.load(unknown, environ={})
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[web]\nport = "eighty"\n')
    with pytest.raises(SettingsError, match=r"web\.port: 'eighty' is not a whole number"):
        Settings.load(wrong, environ={})
    with pytest.raises(SettingsError, match="no such settings file"):
        Settings.load(tmp_path / "missing.toml", environ={})


def test_settings_docs_list_every_field() -> None:
    text = DOCS.read_text(encoding="utf-8")
    listed = set(re.findall(r"`([a-z_]+\.[a-z_]+)`", text))
    expected = {
        f"{name}.{key}"
        for name, section in SECTIONS.items()
        for key in section.__dataclass_fields__
    }
    assert expected - listed == set(), "fields missing from docs/settings.md"
    assert {key for key in listed if key.split(".")[0] in SECTIONS} - expected == set(), (
        "docs/settings.md lists settings that do not exist"
    )


def test_settings_command_prints_the_tree_in_force_as_toml(tmp_path: Path) -> None:
    import subprocess
    import sys
    import tomllib

    file = tmp_path / "mine.toml"
    file.write_text('[fetch]\ntimeout = 20\n[web]\napi_token = "secret"\n')
    done = subprocess.run(
        [sys.executable, "-m", "newstrace", "--settings", str(file), "settings"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    printed = tomllib.loads(done.stdout)
    assert printed["fetch"]["timeout"] == 20.0
    assert printed["summary"]["sentences"] == 3
    assert "secret" not in done.stdout
