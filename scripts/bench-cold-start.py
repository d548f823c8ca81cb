#!/usr/bin/env python3
"""Cold-start benchmark: process start to the first answered MCP `initialize`.

Usage: scripts/bench-cold-start.py [BINARY] [RUNS]

Runs the binary RUNS times (default 30), a fresh process each time — the way the Azure Functions
host does (FUNCTIONS_CUSTOMHANDLER_PORT) for a remote Halo, the way `cargo run` does (PORT) for
the embedded sandbox — POSTs Copilot Studio's `initialize` in a tight loop from
the moment the process is spawned, and prints the median, p90 and max in milliseconds. Two
configurations are measured: pointed at a remote Halo (HALO_URL set, the deployed case: nothing is
contacted at start-up) and with the embedded sandbox (what `cargo run` does).
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

INITIALIZE = json.dumps({
    "jsonrpc": "2.0", "id": "1", "method": "initialize",
    "params": {"capabilities": {}, "protocolVersion": "2024-11-05",
               "clientInfo": {"name": "mcs", "version": "1.0.0"}},
}).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_run(binary: str, port_variable: str, extra_env: dict) -> float:
    port = free_port()
    env = {"PATH": os.environ.get("PATH", ""), port_variable: str(port),
           "RUST_LOG": "error", **extra_env}
    started = time.perf_counter()
    deadline = started + 30
    process = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/mcp", data=INITIALIZE,
                headers={"Content-Type": "application/json", "Authorization": "Bearer bench-key"})
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    if response.status == 200:
                        return (time.perf_counter() - started) * 1000
            except OSError as error:
                if process.poll() is not None:
                    raise SystemExit(f"{binary} exited with {process.returncode}")
                if time.perf_counter() > deadline:
                    raise SystemExit(f"{binary} did not answer initialize with 200 in 30 s: {error}")
                time.sleep(0.0005)
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/halo-mcp"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    # Under the Functions host a missing HALO_URL is a configuration error (503 "not
    # configured"), so the embedded sandbox is started as `cargo run` starts it, on PORT.
    configs = {
        "remote Halo (deployed case)": ("FUNCTIONS_CUSTOMHANDLER_PORT", {
            "HALO_URL": "https://acme.halopsa.example", "MCP_AUTH_MODE": "api-key",
            "MCP_API_KEYS": "bench-key", "HALO_SERVICE_CLIENT_ID": "bench",
            "HALO_SERVICE_CLIENT_SECRET": "bench",
        }),
        "embedded sandbox (cargo run)": ("PORT", {}),
    }
    for name, (port_variable, env) in configs.items():
        samples = sorted(one_run(binary, port_variable, env) for _ in range(runs))
        p90 = samples[min(len(samples) - 1, int(len(samples) * 0.9))]
        print(f"{name}: median {statistics.median(samples):.1f} ms, p90 {p90:.1f} ms, "
              f"max {samples[-1]:.1f} ms over {runs} runs")


if __name__ == "__main__":
    main()
