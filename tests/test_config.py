"""The typed config tree: YAML defaults, env overrides, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from abstractqa.config import DEFAULT_CONFIG, ConfigError, Settings, load_settings


def test_default_yaml_sets_every_field_to_the_model_default():
    data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    defaults = Settings.model_construct().model_dump(mode="json")
    for group, fields in Settings.model_fields.items():
        model = fields.annotation
        assert set(data[group]) == set(model.model_fields), group
        for key, field in model.model_fields.items():
            assert field.description, f"{group}.{key} needs a description"
    assert load_settings().model_dump(mode="json") == {**defaults, **load_settings().model_dump(mode="json")}


def test_env_overrides_yaml(monkeypatch):
    monkeypatch.setenv("ABSTRACTQA__ANSWER__MODE", "llamacpp")
    monkeypatch.setenv("ABSTRACTQA__RETRIEVE__TOP_K", "7")
    settings = load_settings()
    assert settings.answer.mode == "llamacpp" and settings.retrieve.top_k == 7
    assert settings.index.chunk_size == 128  # untouched keys keep the file's value


def test_config_hash_changes_with_settings(monkeypatch):
    before = load_settings().config_hash()
    monkeypatch.setenv("ABSTRACTQA__RETRIEVE__TOP_K", "9")
    assert load_settings().config_hash() != before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("answer:\n  mood: extractive\n", r"answer\.mood: Extra inputs are not permitted"),
        ("answer:\n  mode: gpt9\n", r"answer\.mode: Input should be 'extractive', 'llamacpp' or 'openai'"),
        ("retrieve: {top_k: -1}\n", r"retrieve\.top_k"),
        ("answer: [unclosed\n", "is not valid YAML"),
        ("- a\n- b\n", "must hold a mapping"),
    ],
)
def test_broken_config_names_the_problem(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(path)


def test_bad_env_value_is_named(monkeypatch):
    monkeypatch.setenv("ABSTRACTQA__VECTOR_STORE__PORT", "not-a-port")
    with pytest.raises(ConfigError, match=r"vector_store\.port"):
        load_settings()


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.yaml")


def test_corpus_paths_from_the_environment_take_a_plain_path_or_a_json_list(monkeypatch):
    monkeypatch.setenv("ABSTRACTQA__CORPUS__PATHS", "/some/dir")
    assert load_settings().corpus.paths == [Path("/some/dir")]
    monkeypatch.setenv("ABSTRACTQA__CORPUS__PATHS", '["/a", "b/c.txt"]')
    assert load_settings().corpus.paths == [Path("/a"), Path("b/c.txt")]
    monkeypatch.setenv("ABSTRACTQA__CORPUS__PATHS", '["/a", ')
    with pytest.raises(ConfigError, match=r"corpus\.paths: .*(JSON|Expecting)"):
        load_settings()


def test_an_unknown_group_in_the_environment_is_rejected_like_an_unknown_key(monkeypatch):
    monkeypatch.setenv("ABSTRACTQA__BOGUS__X", "1")
    with pytest.raises(ConfigError, match=r"bogus\.x: Extra inputs are not permitted \(from ABSTRACTQA__BOGUS__X\)"):
        load_settings()
    monkeypatch.delenv("ABSTRACTQA__BOGUS__X")
    monkeypatch.setenv("ABSTRACTQA__ANSWER__MOOD", "1")
    with pytest.raises(ConfigError, match=r"answer\.mood: Extra inputs are not permitted"):
        load_settings()


@pytest.mark.parametrize(
    ("name", "value", "field"),
    [
        ("ABSTRACTQA__ANSWER__REFUSE_BELOW", "nan", r"answer\.refuse_below"),
        ("ABSTRACTQA__ANSWER__REFUSE_BELOW", "1.5", r"answer\.refuse_below"),
        ("ABSTRACTQA__ANSWER__SUPPORT_THRESHOLD", "-0.2", r"answer\.support_threshold"),
        ("ABSTRACTQA__RETRIEVE__DENSE_WEIGHT", "inf", r"retrieve\.dense_weight"),
        ("ABSTRACTQA__ANSWER__TIMEOUT_S", "nan", r"answer\.timeout_s"),
        ("ABSTRACTQA__ANSWER__N_THREADS", "-2", r"answer\.n_threads"),
        ("ABSTRACTQA__INDEX__CHUNK_OVERLAP", "128", r"index: Value error, chunk_overlap \(128\) must be less"),
        ("ABSTRACTQA__UI__ANSWER_MODES", '["gpt9"]', r"ui\.answer_modes\.0"),
    ],
)
def test_out_of_range_values_are_named(monkeypatch, name, value, field):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=field) as err:
        load_settings()
    assert "\n" not in str(err.value)


def test_packaged_defaults_are_the_users_copy():
    from importlib import resources

    packaged = (resources.files("abstractqa") / "default.yaml").read_text(encoding="utf-8")
    users = (Path(__file__).resolve().parents[1] / "configs" / "default.yaml").read_text(encoding="utf-8")
    assert packaged == users, "configs/default.yaml and src/abstractqa/default.yaml must stay identical"


def test_defaults_load_from_an_installed_copy_in_any_directory(tmp_path):
    """The package alone, as a wheel installs it (no configs/ beside it), run from elsewhere."""
    import shutil
    import subprocess
    import sys

    import abstractqa

    site = tmp_path / "site"
    shutil.copytree(Path(abstractqa.__file__).parent, site / "abstractqa", ignore=shutil.ignore_patterns("__pycache__"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = "from abstractqa.config import load_settings; s = load_settings(); print(s.index.chunk_size, s.answer.mode)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=elsewhere, env={"PYTHONPATH": str(site)}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["128", "extractive"]
