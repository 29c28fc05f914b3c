"""The importer's command line: one clear error line for bad input and nothing half-written in the models dir."""
import os

import numpy as np
import pytest
from gguf import GGMLQuantizationType as T
from gguf import GGUFWriter

from conftest import run_importer
from synthetic import bpe_vocab, write_gguf

SMALL = {k: T.Q8_0 for k in ("embd", "q", "k", "v", "o", "gate", "up", "down")}


@pytest.fixture(scope="module")
def small_gguf(default_gguf, tmp_path_factory):
    return write_gguf(str(tmp_path_factory.mktemp("cli") / "Tiny-Model.Q8_0.gguf"), "llama",
                      bpe_vocab(default_gguf, "smollm"), SMALL)


def _fails(path, models, *extra, expect):
    r = run_importer(path, "--models-dir", str(models), "--quiet", *extra, check=False)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expect in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    left = os.listdir(models) if os.path.isdir(models) else []
    return left


def test_imports_into_models_dir_with_name_from_file(small_gguf, tmp_path):
    r = run_importer(small_gguf, "--models-dir", str(tmp_path))
    assert "done:" in r.stdout and "layer 2/2" in r.stdout          # progress lines
    assert os.listdir(tmp_path) == ["tiny-model-q8-0"]
    files = set(os.listdir(tmp_path / "tiny-model-q8-0"))
    assert {"model.onnx", "model.onnx.data", "genai_config.json", "tokenizer.json",
            "tokenizer_config.json"} <= files


def test_not_a_gguf(tmp_path):
    bad = tmp_path / "notes.gguf"
    bad.write_text("hello, I am a text file")
    assert _fails(str(bad), tmp_path / "models", expect="not a GGUF file") == []


def test_missing_file(tmp_path):
    assert _fails(str(tmp_path / "nope.gguf"), tmp_path / "models", expect="no such file") == []


def test_truncated_file(small_gguf, tmp_path):
    data = open(small_gguf, "rb").read()
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(data[: len(data) * 2 // 3])
    assert _fails(str(cut), tmp_path / "models", expect="truncated") == []
    cut.write_bytes(data[:100])                                     # cut inside the metadata
    assert _fails(str(cut), tmp_path / "models", expect=str(cut)) == []


def test_unsupported_architecture(tmp_path):
    path = str(tmp_path / "phi.gguf")
    w = GGUFWriter(path, "phi3")
    w.add_block_count(1)
    w.add_tensor("token_embd.weight", np.zeros((8, 32), np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    assert _fails(path, tmp_path / "models", expect="unsupported architecture 'phi3'") == []


def test_unsupported_tensor_type_leaves_nothing(default_gguf, tmp_path):
    path = write_gguf(str(tmp_path / "q5.gguf"), "llama", bpe_vocab(default_gguf, "smollm"),
                      {**SMALL, "down": T.Q5_0})
    models = tmp_path / "models"
    models.mkdir()
    assert _fails(path, models, expect="unsupported tensor type Q5_0") == []     # no .tmp-* folder either


def test_existing_destination_is_kept(small_gguf, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("mine")
    assert _fails(small_gguf, tmp_path, "--name", "taken", expect="already exists") == ["taken"]
    assert os.listdir(tmp_path / "taken") == ["keep.txt"]
