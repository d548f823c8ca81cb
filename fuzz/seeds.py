#!/usr/bin/env python3
"""Writes the sealed_token seed corpus: real tokens sealed with the fuzz target's fixed keys
(see fuzz/fuzz_targets/sealed_token.rs), then tampered, expired and malformed variants, so the
fuzzer starts next to valid tokens instead of having to find the wire format by itself.

This re-implements the sealer of src/auth/tokens.rs (hm1.<key id>.<base64url(nonce|ct|tag)>,
AES-256-GCM, associated data "hm1.<key id>.<kind>") in a few lines of Python, which also checks
the format is what docs/auth.md says. Run once; the output is committed:

    python3 fuzz/seeds.py   # needs the `cryptography` package
"""

import base64
import hashlib
import json
import os
import pathlib

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CURRENT = b"halo-mcp fuzzing key, not secret"
PREVIOUS = b"halo-mcp fuzzing key, previous!!"
AUDIENCE = "https://mcp.example/mcp"
OUT = pathlib.Path(__file__).parent / "corpus" / "sealed_token"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def key_id(key: bytes) -> str:
    return b64(hashlib.sha256(key).digest()[:6])


def seal(kind, payload, key=CURRENT, exp=0, aud=AUDIENCE, cid="client-1"):
    kid = key_id(key)
    # serde_json's compact form, fields in declaration order.
    plaintext = json.dumps(
        {"exp": exp, "aud": aud, "cid": cid, "p": payload}, separators=(",", ":")
    ).encode()
    # A fixed nonce keeps re-running this script from rewriting the committed seeds.
    nonce = hashlib.sha256(plaintext + kind.encode()).digest()[:12]
    sealed = AESGCM(key).encrypt(nonce, plaintext, f"hm1.{kid}.{kind}".encode())
    return f"hm1.{kid}.{b64(nonce + sealed)}"


def flip(token: str, at: int) -> str:
    chars = list(token)
    chars[at] = "B" if chars[at] != "B" else "C"
    return "".join(chars)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    access = {"halo": "halo-access-token", "sub": "agent:7", "scope": "halo"}
    seeds = {
        "access": seal("access", access),
        "refresh-previous-key": seal(
            "refresh",
            {"halo_refresh": "halo-refresh", "sub": "agent:7", "scope": "halo"},
            key=PREVIOUS,
        ),
        "code": seal(
            "code",
            {
                "redirect_uri": "https://global.consent.azure-apim.net/redirect",
                "challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                "scope": "halo",
                "sub": "agent:7",
                "halo": {"access": "a", "refresh": None, "exp": 1795000000},
            },
        ),
        "pending": seal(
            "pending",
            {
                "redirect_uri": "https://global.consent.azure-apim.net/redirect",
                "state": "xyz",
                "challenge": None,
                "scope": "halo",
                "verifier": "v" * 43,
            },
        ),
        "client": seal(
            "client",
            {"redirect_uris": ["https://a.example/cb"], "name": "Copilot", "auth_method": "none"},
            cid="",
        ),
        "client-secret": seal("client-secret", None),
        "access-expired": seal("access", access, exp=1),
        "access-wrong-audience": seal("access", access, aud="https://other.example/mcp"),
        "access-unknown-key": seal("access", access, key=b"k" * 32),
        "access-not-json-payload": seal("access", "just a string"),
    }
    good = seeds["access"]
    seeds.update(
        {
            "access-tampered-body": flip(good, len(good) - 5),
            "access-tampered-key-id": flip(good, 5),
            "access-padded": good + "==",
            "access-whitespace": f"  {good}\n",
            "access-truncated": good[: len(good) - 16],
            "access-standard-alphabet": good.replace("-", "+").replace("_", "/"),
            "short-body": f"hm1.{key_id(CURRENT)}.AAAA",
            "no-body": f"hm1.{key_id(CURRENT)}.",
            "wrong-prefix": "hm2" + good[3:],
            "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
            "empty": "",
        }
    )
    for name, token in seeds.items():
        # The target's first byte picks the property: "0" opens arbitrary text.
        (OUT / f"open-{name}").write_text("0" + token)
    # "1": seal, then open again; the next three bytes are kind, expiry and where to tamper.
    round_trips = {
        "never-expires": "120Aclient-1\nhalo-token",
        "expired": "131Bclient-1\nx",
        "future": "142Cclient-1\n{\"json\":\"inside\"}",
        "unicode": "152D\u00e9\u00e8\n\u2603 snow",
        "empty-claims": "1000",
    }
    for name, text in round_trips.items():
        (OUT / f"round-trip-{name}").write_text(text)


if __name__ == "__main__":
    main()
