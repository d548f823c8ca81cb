"""Interop check with the official Python MCP SDK (`mcp` on PyPI) as an independent client.

Starts the real `halo-mcp` binary on the embedded Halo sandbox, then connects in the legacy
(initialize handshake, what Copilot Studio does) mode and in the stateless 2026-07-28 mode,
lists the tools and calls some. Exits non-zero on any mismatch.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from mcp import Client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"halo-mcp exited early with {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("halo-mcp did not become ready")


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {message}")
    print(f"ok - {message}")


async def exercise(url: str, mode: str) -> int:
    checks = 0
    async with Client(url, mode=mode) as client:
        tools = await client.list_tools()
        names = {tool.name for tool in tools.tools}
        check({"search_tickets", "get_ticket"} <= names, f"[{mode}] tools/list has the ticket tools ({len(names)} tools)")
        checks += 1
        result = await client.call_tool("search_tickets", {"page_size": 3})
        check(not result.is_error, f"[{mode}] search_tickets succeeds")
        page = result.structured_content
        check(page is not None and len(page["tickets"]) <= 3, f"[{mode}] search_tickets returns a page")
        text = json.loads(result.content[0].text)
        check(text == page, f"[{mode}] text content equals structuredContent")
        ticket_id = page["tickets"][0]["id"]
        result = await client.call_tool("get_ticket", {"ticket_id": ticket_id})
        check(not result.is_error and result.structured_content["id"] == ticket_id, f"[{mode}] get_ticket {ticket_id}")
        result = await client.call_tool("get_ticket", {"ticket_id": 987654})
        check(result.is_error, f"[{mode}] a missing ticket is a tool error")
        result = await client.call_tool("search_tickets", {"not_an_argument": 1})
        check(result.is_error, f"[{mode}] an unknown argument is a tool error")
        checks += 6
    return checks


async def main() -> int:
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/debug/halo-mcp"
    port = free_port()
    env = {"PATH": os.environ.get("PATH", ""), "PORT": str(port), "RUST_LOG": "warn"}
    process = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, process)
        passed = 0
        for mode in ("legacy", "2026-07-28", "auto"):
            passed += await exercise(base + "/mcp", mode)
        print(f"python-sdk: {passed} passed, 0 failed")
        return 0
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
