"""The default chat model (SmolLM2-135M-Instruct Q4_1) as scripts/setup imports it: accuracy against the float64
reference at accuracy levels 0 and 4, and generation through onnxruntime-genai's Python API."""
import json
import os

import numpy as np
import pytest

from gguf_reference import compare, onnx_teacher_forced

PREFILL = 40


def test_sample_is_teacher_forced_over_40_to_60_tokens(default_reference):
    toks, ref = default_reference
    assert 40 <= len(toks) <= 60
    assert len(toks) > PREFILL + 4          # prefill plus several KV-cache decode steps
    assert ref.shape[0] == len(toks)


def test_accuracy_level_0_matches_reference(default_reference, default_model_level0):
    toks, ref = default_reference
    r = compare(ref, onnx_teacher_forced(default_model_level0, toks, PREFILL), toks)
    print(f"level 0: top-1 {r['top1']:.3f}, NLL ref {r['nll_ref']:.4f} onnx {r['nll']:.4f}")
    assert r["top1"] >= 0.99
    assert abs(r["nll"] - r["nll_ref"]) <= 0.01
    assert r["nll_ref"] < 6.0          # the reference itself models the text (uniform would be ln 49152 = 10.8)


def test_accuracy_level_4_close_to_reference(default_reference, default_model):
    toks, ref = default_reference
    r = compare(ref, onnx_teacher_forced(default_model, toks, PREFILL), toks)
    print(f"level 4: top-1 {r['top1']:.3f}, NLL ref {r['nll_ref']:.4f} onnx {r['nll']:.4f}")
    assert r["top1"] >= 0.93
    assert abs(r["nll"] - r["nll_ref"]) <= 0.06


def test_folder_layout_and_genai_config(default_model):
    for f in ("model.onnx", "model.onnx.data", "genai_config.json", "tokenizer.json", "tokenizer_config.json"):
        assert os.path.isfile(os.path.join(default_model, f)), f
    cfg = json.load(open(os.path.join(default_model, "genai_config.json")))
    m = cfg["model"]
    assert (m["type"], m["vocab_size"], m["context_length"]) == ("llama", 49152, 8192)
    assert (m["bos_token_id"], m["eos_token_id"], m["pad_token_id"]) == (1, 2, 2)
    d = m["decoder"]
    assert (d["head_size"], d["hidden_size"], d["num_attention_heads"], d["num_key_value_heads"],
            d["num_hidden_layers"]) == (64, 576, 9, 3, 30)
    assert d["inputs"]["past_key_names"] == "past_key_values.%d.key"
    assert d["outputs"]["present_value_names"] == "present.%d.value"
    tc = json.load(open(os.path.join(default_model, "tokenizer_config.json")))
    assert "<|im_start|>" in tc["chat_template"]


def test_graph_uses_int4_matmul_and_gqa(default_model):
    import onnx
    g = onnx.load(os.path.join(default_model, "model.onnx"), load_external_data=False).graph
    ops = [n.op_type for n in g.node]
    assert ops.count("GroupQueryAttention") == 30
    assert ops.count("SkipSimplifiedLayerNormalization") == 60
    mnb = [n for n in g.node if n.op_type == "MatMulNBits"]
    acc = {a.i for n in mnb for a in n.attribute if a.name == "accuracy_level"}
    assert acc == {4}
    assert {a.i for n in mnb for a in n.attribute if a.name == "bits"} == {4, 8}   # Q4_1 layers, Q8_0 head
    assert [i.name for i in g.input][:2] == ["input_ids", "attention_mask"]
    assert "position_ids" not in [i.name for i in g.input]


@pytest.fixture(scope="module")
def og_model(default_model):
    og = pytest.importorskip("onnxruntime_genai")
    return og, og.Model(default_model)


def test_genai_greedy_chat_answer(og_model):
    og, model = og_model
    tok = og.Tokenizer(model)
    prompt = tok.apply_chat_template(
        json.dumps([{"role": "user", "content": "What is the capital of France? Answer in one sentence."}]),
        add_generation_prompt=True)
    assert prompt.startswith("<|im_start|>system\nYou are a helpful AI assistant named SmolLM")
    assert prompt.endswith("<|im_start|>user\nWhat is the capital of France? Answer in one sentence.<|im_end|>\n"
                           "<|im_start|>assistant\n")
    ids = tok.encode(prompt)
    params = og.GeneratorParams(model)
    params.set_search_options(max_length=len(ids) + 40, do_sample=False)
    gen = og.Generator(model, params)
    gen.append_tokens(ids)
    out = []
    while not gen.is_done():
        gen.generate_next_token()
        out.append(int(gen.get_next_tokens()[0]))
    text = tok.decode(np.array(out, dtype=np.int32))
    assert "Paris" in text
    assert out[-1] == 2 or len(out) == 40   # stops at <|im_end|>
