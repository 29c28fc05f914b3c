#!/usr/bin/env python3
"""Builds the ONNX Runtime binding test fixtures and their reference outputs.

Made with (from the repository root, after scripts/setup):
    .runtime/venv/bin/python tools/make_ort_fixtures.py

Writes to Tests/ONNXRuntimeTests/Fixtures/:
  multi_io.onnx        a model generated here with the `onnx` package: three inputs of different dtypes
                       (float32, int64, float16) and a dynamic batch dimension, four outputs
  reference.json       inputs and ONNX Runtime Python API outputs for multi_io.onnx and for the wheel's own
                       datasets/mul_1.onnx and datasets/sigmoid.onnx
"""
import json
import pathlib

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ONNXRuntimeTests" / "Fixtures"


def build_multi_io() -> onnx.ModelProto:
    """y = a * 2 + float(b); h = c * c (float16); s = sum(b, axis 1); m = mean(a) scalar-per-row."""
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, ["batch", 3])
    b = helper.make_tensor_value_info("b", TensorProto.INT64, ["batch", 3])
    c = helper.make_tensor_value_info("c", TensorProto.FLOAT16, ["batch", "width"])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])
    h = helper.make_tensor_value_info("h", TensorProto.FLOAT16, ["batch", "width"])
    s = helper.make_tensor_value_info("s", TensorProto.INT64, ["batch"])
    m = helper.make_tensor_value_info("m", TensorProto.FLOAT, ["batch", 1])
    two = helper.make_tensor("two", TensorProto.FLOAT, [], [2.0])
    axes = helper.make_tensor("axes", TensorProto.INT64, [1], [1])
    nodes = [
        helper.make_node("Mul", ["a", "two"], ["a2"]),
        helper.make_node("Cast", ["b"], ["bf"], to=TensorProto.FLOAT),
        helper.make_node("Add", ["a2", "bf"], ["y"]),
        helper.make_node("Mul", ["c", "c"], ["h"]),
        helper.make_node("ReduceSum", ["b", "axes"], ["s"], keepdims=0),
        helper.make_node("ReduceMean", ["a", "axes"], ["m"], keepdims=1),
    ]
    graph = helper.make_graph(nodes, "multi_io", [a, b, c], [y, h, s, m], initializer=[two, axes])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], producer_name="ai-gateway-tools")
    model.ir_version = 9
    onnx.checker.check_model(model)
    return model


def tensor_json(name: str, array: np.ndarray) -> dict:
    dtype = {"float32": "float32", "int64": "int64", "float16": "float16"}[array.dtype.name]
    return {"name": name, "dtype": dtype, "shape": list(array.shape), "data": array.astype(np.float64 if array.dtype.kind == "f" else np.int64).ravel().tolist()}


def run_case(path: pathlib.Path, label: str, inputs: dict) -> dict:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    outputs = session.run(names, inputs)
    return {
        "model": label,
        "inputs": [tensor_json(k, v) for k, v in inputs.items()],
        "outputs": [tensor_json(n, np.asarray(o)) for n, o in zip(names, outputs)],
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    model_path = OUT / "multi_io.onnx"
    onnx.save(build_multi_io(), str(model_path))
    datasets = pathlib.Path(ort.__file__).parent / "datasets"
    rng = np.random.default_rng(20261127)
    cases = []
    for batch, width in [(1, 2), (4, 5), (7, 1)]:  # dynamic shapes: several batch sizes and widths
        cases.append(run_case(model_path, "multi_io.onnx", {
            "a": rng.standard_normal((batch, 3)).astype(np.float32),
            "b": rng.integers(-1000, 1000, (batch, 3)).astype(np.int64),
            "c": rng.standard_normal((batch, width)).astype(np.float16),
        }))
    cases.append(run_case(datasets / "mul_1.onnx", "datasets/mul_1.onnx", {
        "X": np.arange(1, 7, dtype=np.float32).reshape(3, 2),
    }))
    cases.append(run_case(datasets / "sigmoid.onnx", "datasets/sigmoid.onnx", {
        "x": rng.standard_normal((3, 4, 5)).astype(np.float32) * 4,
    }))
    reference = {"onnxruntime": ort.__version__, "command": ".runtime/venv/bin/python tools/make_ort_fixtures.py",
                 "cases": cases}
    (OUT / "reference.json").write_text(json.dumps(reference, indent=1) + "\n")
    print(f"wrote {model_path} and {OUT / 'reference.json'} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
