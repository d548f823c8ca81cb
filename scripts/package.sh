#!/usr/bin/env bash
# Builds the Azure Functions deployment package for halo-mcp: dist/halo-mcp.zip.
#
# The zip is the function app root, exactly as the Functions host expects it:
#   host.json            custom-handler configuration (classic form, see docs/deploy.md)
#   handler              the halo-mcp binary, Linux x86_64, static, mode 0755
#   mcp/function.json    the catch-all HTTP trigger (copied from function-definitions/)
#   tools/...            the custom tools files, when tools/ exists
#
# Usage:
#   scripts/package.sh                      build a static release binary and package it
#   scripts/package.sh --binary PATH        package an already-built binary (fast; tests use this)
#   scripts/package.sh --out PATH           write the zip somewhere else (default dist/halo-mcp.zip)
#
# Release machines should have the musl target, which gives a fully static binary that runs on
# any Functions Linux image regardless of its glibc:
#   rustup target add x86_64-unknown-linux-musl && sudo apt-get install -y musl-tools
# Without it the script falls back to a static glibc build (+crt-static) and says so loudly.
# Needs Info-ZIP `zip` (keeps the exec bit; apt-get install -y zip) or python3 as a fallback.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary=""
out="$repo_root/dist/halo-mcp.zip"

usage() { sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --binary=*) binary="${1#*=}"; shift ;;
    --out) out="${2:?--out needs a path}"; shift 2 ;;
    --out=*) out="${1#*=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "package.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

banner() { printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n%s\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' "$*" >&2; }

built_here=false
# Honour a shared or custom target directory, as cargo itself does.
target_dir="${CARGO_TARGET_DIR:-$repo_root/target}"
case "$target_dir" in /*) ;; *) target_dir="$repo_root/$target_dir" ;; esac
if [ -z "$binary" ]; then
  built_here=true
  cd "$repo_root"
  if rustup target list --installed 2>/dev/null | grep -qx 'x86_64-unknown-linux-musl'; then
    echo "package.sh: building static musl release binary" >&2
    cargo build --release --locked --target x86_64-unknown-linux-musl --bin halo-mcp
    binary="$target_dir/x86_64-unknown-linux-musl/release/halo-mcp"
  else
    banner "WARNING: the x86_64-unknown-linux-musl target is not installed.
Falling back to a STATIC GLIBC build (-C target-feature=+crt-static).
It runs on the Functions Linux images, but glibc's static DNS/NSS support is
weaker than musl's. For release packages install the musl target:
  rustup target add x86_64-unknown-linux-musl && sudo apt-get install -y musl-tools"
    # --target keeps RUSTFLAGS away from build scripts and proc macros (they cannot be
    # static) and keeps these artifacts apart from the shared target/release.
    RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" \
      cargo build --release --locked --target x86_64-unknown-linux-gnu --bin halo-mcp
    binary="$target_dir/x86_64-unknown-linux-gnu/release/halo-mcp"
  fi
fi

[ -f "$binary" ] || { echo "package.sh: binary '$binary' not found" >&2; exit 1; }

# The Functions workers are Linux x86_64; anything else fails only after deployment.
# ELF magic + EI_CLASS 64-bit + e_machine 0x3e (x86-64), read with od so `file` is optional.
read -r -a header <<<"$(od -An -tx1 -N20 "$binary" | tr -s ' \n' ' ')"
if [ "${header[*]:0:5}" != "7f 45 4c 46 02" ] || [ "${header[18]:-}" != "3e" ]; then
  echo "package.sh: '$binary' is not a Linux x86_64 (ELF64, x86-64) executable" >&2
  exit 1
fi
description="$(file -b "$binary" 2>/dev/null || echo 'ELF 64-bit x86-64 (install `file` for details)')"
# Static means no PT_INTERP/NEEDED libraries: ldd says so for both static and static-pie.
is_static=false
if ldd "$binary" 2>&1 | grep -Eq 'not a dynamic executable|statically linked'; then
  is_static=true
fi
if [ "$is_static" = true ]; then
  echo "package.sh: binary is static: $description" >&2
elif [ "$built_here" = true ]; then
  echo "package.sh: the release build is NOT static ($description); refusing to package it" >&2
  ldd "$binary" >&2 || true
  exit 1
else
  banner "WARNING: '$binary' is dynamically linked.
This package is fine for layout tests but may fail on Azure (glibc mismatch).
Run scripts/package.sh without --binary for a deployable package."
fi

case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
mkdir -p "$(dirname "$out")"
stage="$(mktemp -d "${TMPDIR:-/tmp}/halo-mcp-package.XXXXXX")"
trap 'rm -rf "$stage"' EXIT

cp "$repo_root/host.json" "$stage/"
cp -R "$repo_root/function-definitions/." "$stage/"
install -m 0755 "$binary" "$stage/handler"
if [ -d "$repo_root/tools" ]; then
  mkdir -p "$stage/tools"
  cp -R "$repo_root/tools/." "$stage/tools/"
fi
# Stable permissions whatever the caller's umask: the host only needs to read these.
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f ! -name handler -exec chmod 0644 {} +

rm -f "$out"
if command -v zip >/dev/null 2>&1; then
  # Info-ZIP records Unix mode bits ("made by Unix"), which is what keeps handler executable.
  (cd "$stage" && zip -q -X -r "$out" .)
else
  echo "package.sh: 'zip' not found, using python3 zipfile (apt-get install -y zip to avoid this)" >&2
  python3 - "$stage" "$out" <<'PY'
import os, sys, zipfile
stage, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
    for root, dirs, files in os.walk(stage):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            info = zipfile.ZipInfo.from_file(path, os.path.relpath(path, stage))
            info.create_system = 3  # Unix, so unzip and the host read external_attr as a mode
            info.external_attr = (os.stat(path).st_mode & 0xFFFF) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                zf.writestr(info, f.read())
PY
fi

echo "package.sh: wrote $out" >&2
if command -v zipinfo >/dev/null 2>&1; then zipinfo "$out" >&2; fi
