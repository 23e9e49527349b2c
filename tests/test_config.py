"""The typed config tree: YAML defaults, env overrides, and clear errors."""

from __future__ import annotations

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
