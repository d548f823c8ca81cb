#!/usr/bin/env bash
# A build without the embedded sandbox (`cargo build --no-default-features`): it must compile
# clean, carry no demo data, refuse to start without HALO_URL, and say that `halo-mcp sandbox`
# needs the feature (tests/features.rs). Same target directory as the default build: cargo keeps
# both builds' artifacts apart and puts the default binary back on the next default build.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .ci/.cache
cargo clippy --no-default-features --lib --bins --quiet -- -D warnings
cargo test --no-default-features --test features 2>&1 | tee .ci/.cache/no-sandbox.log
grep -Eq "test result: ok\. [1-9][0-9]* passed" .ci/.cache/no-sandbox.log || {
  echo "no-sandbox: tests/features.rs ran no tests without the feature" >&2
  exit 1
}
cargo build --quiet # the default binary back in place for the steps after this one
