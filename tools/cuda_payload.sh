#!/usr/bin/env bash
# Prepares what the CUDA provider check (tools/cuda_check.sh) needs on a machine with an NVIDIA GPU and no network:
# the release binary (stripped) with the Swift runtime libraries it links, ONNX Runtime's GPU build from the PyPI
# wheel onnxruntime-gpu (CUDA 13; its CUDA and cuDNN libraries come from the GPU machine's own Python packages), the
# tokenizer and grammar libraries the decode engine loads (with libpython3.11, which they need), the default models,
# and the check script. Everything goes to one tar.xz (every Linux and Python can read xz), split into parts of at
# most PART_MB MiB (default 56) under OUT (default .gpu/, which .git/info/exclude should list), for a transport that
# carries a limited size per call (64 MiB with the working tree, on the device tool).
#   bash tools/cuda_payload.sh            # then carry .gpu/part-* there and, in a folder of your choice:
#   cat part-* | xz -d | tar -x && bash payload/cuda_check.sh payload results.json
# Environment: ORT_GPU_VERSION (1.31.1, the newest onnxruntime-gpu on PyPI on 2026-11-29), OUT, PART_MB.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${OUT:-$root/.gpu}"
part_mb="${PART_MB:-56}"
version="${ORT_GPU_VERSION:-1.31.1}"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/payload/bin" "$stage/payload/lib" "$stage/payload/models" "$out"

[[ -x "$root/.build/release/ai-gateway" ]] || (cd "$root" && swift build -c release --product ai-gateway >&2)
cp "$root/.build/release/ai-gateway" "$stage/payload/bin/"
strip "$stage/payload/bin/ai-gateway"
ldd "$root/.build/release/ai-gateway" | awk '/\/swift\// {print $3}' | xargs -r -I{} cp -L {} "$stage/payload/lib/"

wheel_dir="$stage/wheel"
"$root/.runtime/venv/bin/python" -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
    --implementation cp --platform manylinux_2_28_x86_64 -d "$wheel_dir" "onnxruntime-gpu==$version"
mkdir -p "$stage/ort"
(cd "$stage/ort" && unzip -q "$wheel_dir"/onnxruntime_gpu-*.whl 'onnxruntime/capi/libonnxruntime*')
cp "$stage/ort/onnxruntime/capi/libonnxruntime.so.$version" "$stage/payload/lib/libonnxruntime.so"
cp "$stage/ort/onnxruntime/capi/libonnxruntime_providers_shared.so" \
   "$stage/ort/onnxruntime/capi/libonnxruntime_providers_cuda.so" "$stage/payload/lib/"

cp -L "$root/.runtime/lib/libortextensions.so" "$root/.runtime/lib/libllguidance.so" "$stage/payload/lib/"
cp -L "$root/.runtime/lib/libpython.so" "$stage/payload/lib/libpython3.11.so.1.0"
cp -rL "$root/models/all-minilm-l6-v2" "$root/models/smollm2-135m-instruct" "$stage/payload/models/"
cp "$root/tools/cuda_check.sh" "$stage/payload/"

rm -f "$out"/part-*
tar -C "$stage" -cf - payload | xz -6 -T0 | split -b "${part_mb}m" -d -a 2 - "$out/part-"
ls -la "$out" >&2
echo "cuda_payload: $(ls "$out"/part-* | wc -l) parts in $out" >&2
