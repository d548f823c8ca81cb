#!/usr/bin/env python3
"""Searches every log the test suite captured for tokens, authorization codes and secrets.

The tests write their logs (debug level) under target/tmp/logs/. Anything that looks like a
bearer token (halo-mcp's sealed `hm1.` tokens, the sandbox's 43-character opaque tokens and
codes), an Authorization header, or one of the known demo and test secrets fails the check.
"""

import pathlib
import re
import sys

KNOWN_SECRETS = [
    "sandbox-services-secret",
    "sandbox-authcode-secret",
    "alice-demo",
    "sam-demo",
    "priya-demo",
    "rob-demo",
]
PATTERNS = {
    "sealed halo-mcp token": re.compile(r"hm1\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_.-]{16,}"),
    "opaque token or code": re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"),
    "Authorization header": re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]{16,}"),
    "client_secret or password field": re.compile(r"(?i)(client_secret|password|code_verifier)[\"']?\s*[:=]\s*[\"']?[^\s\"'&,}]{6,}"),
}


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/tmp/logs")
    files = sorted(p for p in root.rglob("*.log") if p.is_file()) if root.exists() else []
    if not files:
        print(f"log-scan: no captured logs under {root}", file=sys.stderr)
        return 1
    findings = []
    lines = 0
    for path in files:
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            lines += 1
            for secret in KNOWN_SECRETS:
                if secret in line:
                    findings.append((path, number, f"known secret '{secret}'", line))
            for name, pattern in PATTERNS.items():
                if pattern.search(line):
                    findings.append((path, number, name, line))
    for path, number, what, line in findings[:20]:
        print(f"{path}:{number}: {what}: {line[:300]}")
    print(f"log-scan: {len(files)} files, {lines} lines, {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
