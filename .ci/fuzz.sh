#!/usr/bin/env bash
# Short, bounded fuzzing runs of every cargo-fuzz target (issue 8, item 4; docs/fuzzing.md).
#
#   bash .ci/fuzz.sh                      # every target, FUZZ_SECONDS (default 60) each
#   FUZZ_SECONDS=600 bash .ci/fuzz.sh sealed_token   # one target, longer
#
# Each target fuzzes a scratch copy of its committed seed corpus, so what the fuzzer adds never
# lands in the repository. A crash (panic, failed property, sanitizer report, timeout, OOM)
# fails the script and prints the reproducer's path and the command to replay it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
# cargo fuzz needs a nightly toolchain (-Z sanitizer flags).
TOOLCHAIN="${FUZZ_TOOLCHAIN:-nightly}"
# AddressSanitizer works here; FUZZ_SANITIZER=none is the fallback where it does not (still
# libFuzzer, coverage-guided). Changing it rebuilds everything.
SANITIZER="${FUZZ_SANITIZER:-address}"
CACHE="$ROOT/.ci/.cache"
ALL_TARGETS=(mcp_request tool_args sealed_token tools_file redirect_uri)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${ALL_TARGETS[@]}"); fi

say() { printf '[fuzz %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

if ! cargo "+$TOOLCHAIN" --version >/dev/null 2>&1; then
  say "installing the $TOOLCHAIN toolchain"
  rustup toolchain install "$TOOLCHAIN" --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
say "$(cargo fuzz --version), $(cargo "+$TOOLCHAIN" --version), sanitizer $SANITIZER, ${FUZZ_SECONDS}s per target"

# One build for all targets; fuzz/target is the fuzz crate's own target directory, kept
# between runs, so only the first build on a machine compiles the whole dependency tree.
# -O (release, no debug assertions) keeps the build to one optimised profile; docs/fuzzing.md.
started=$(date +%s)
cargo "+$TOOLCHAIN" fuzz build -O --sanitizer "$SANITIZER"
say "build took $(( $(date +%s) - started ))s"
# The binaries are run directly rather than through `cargo fuzz run`, which would rebuild when
# a source file changed since the build (a shared working tree) and eat the fuzzing time.
BIN="$ROOT/fuzz/target/$(rustc "+$TOOLCHAIN" -vV | sed -n 's/^host: //p')/release"

mkdir -p "$CACHE/fuzz-corpus" "$CACHE/fuzz-logs"
for target in "${targets[@]}"; do
  seeds="$ROOT/fuzz/corpus/$target"
  scratch="$CACHE/fuzz-corpus/$target"
  artifacts="$ROOT/fuzz/artifacts/$target"
  log="$CACHE/fuzz-logs/$target.log"
  [ -d "$seeds" ] || { echo "no seed corpus at $seeds" >&2; exit 1; }
  rm -rf "$scratch"
  mkdir -p "$scratch" "$artifacts"
  cp -R "$seeds/." "$scratch/"
  dict=()
  case "$target" in
    mcp_request | tool_args) dict=("-dict=$ROOT/fuzz/dicts/mcp.dict") ;;
  esac
  say "$target: fuzzing for ${FUZZ_SECONDS}s ($(ls "$seeds" | wc -l) seeds)"
  started=$(date +%s)
  # -timeout: one input taking 10 s is a hang worth reporting; -rss_limit_mb: generous for an
  # unoptimised-allocator run of the whole router, still catches unbounded growth.
  if ! "$BIN/$target" -artifact_prefix="$artifacts/" -max_total_time="$FUZZ_SECONDS" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "${dict[@]}" "$scratch" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    crash=$(ls -t "$artifacts" 2>/dev/null | head -n 1 || true)
    printf '\n!!!! fuzz target %s failed after %ss; log: %s\n' \
      "$target" "$(( $(date +%s) - started ))" "$log" >&2
    if [ -n "$crash" ]; then
      printf '!!!! reproducer: %s\n!!!! replay: %s %s\n' \
        "$artifacts/$crash" "$BIN/$target" "$artifacts/$crash" >&2
    fi
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || echo 'cov: ?')
  say "$target: no crash, $runs inputs, $cov, corpus $(ls "$scratch" | wc -l) files"
done
say "all fuzz targets passed"
