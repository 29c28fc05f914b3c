"""Shared fixtures: the default model (imported by scripts/setup) and its GGUF, paths, one reference pass."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS = os.path.join(ROOT, "tools")
sys.path.insert(0, TOOLS)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

DEFAULT_GGUF = os.path.join(ROOT, ".runtime", "gguf", "SmolLM2-135M-Instruct.Q4_1.gguf")
DEFAULT_MODEL = os.path.join(ROOT, "models", "smollm2-135m-instruct")


def run_importer(*args, check=True):
    """Run the importer's command line as a user (and the Swift `import` command) would."""
    r = subprocess.run([sys.executable, os.path.join(TOOLS, "gguf_import"), *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"importer failed ({r.returncode}): {r.stderr}")
    return r


@pytest.fixture(scope="session")
def default_gguf():
    if not os.path.isfile(DEFAULT_GGUF) or not os.path.isfile(os.path.join(DEFAULT_MODEL, ".complete")):
        pytest.fail("default model missing: run `bash scripts/setup` first")
    return DEFAULT_GGUF


@pytest.fixture(scope="session")
def default_model(default_gguf):
    return DEFAULT_MODEL


@pytest.fixture(scope="session")
def default_model_level0(default_gguf, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("level0") / "smollm2-level0")
    run_importer(default_gguf, "--output", out, "--accuracy-level", "0", "--quiet")
    return out


@pytest.fixture(scope="session")
def default_reference(default_gguf, default_model):
    """(tokens, float64 reference logits) for the sample text, computed once."""
    from gguf_reference import Reference, sample_tokens
    toks = sample_tokens(default_model)
    return toks, Reference(default_gguf).logits(toks)
