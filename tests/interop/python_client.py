"""Interop check with the official Python MCP SDK (`mcp` on PyPI) as an independent client.

Starts the real `halo-mcp` binary on the embedded Halo sandbox, then connects in the legacy
(initialize handshake, what Copilot Studio does) mode and in the stateless 2026-07-28 mode,
lists the tools and calls some, and lists, pages and reads the resources (tickets and
knowledge-base articles). Exits non-zero on any mismatch.
"""

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from mcp import Client
from mcp.shared.exceptions import MCPError


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
        checks += await exercise_resources(client, mode, ticket_id)
    return checks


async def exercise_resources(client: Client, mode: str, ticket_id: int) -> int:
    templates = await client.list_resource_templates()
    uri_templates = {t.uri_template for t in templates.resource_templates}
    check(uri_templates == {"halo://tickets/{ticket_id}", "halo://kb/{article_id}"}, f"[{mode}] resources/templates/list offers both templates")
    uris, cursor, pages = [], None, 0
    while True:
        page = await client.list_resources(cursor=cursor)
        uris += [str(r.uri) for r in page.resources]
        pages += 1
        cursor = page.next_cursor
        if not cursor or pages > 20:
            break
    check(pages >= 2 and len(uris) == len(set(uris)) and all(u.startswith("halo://kb/") for u in uris), f"[{mode}] resources/list pages through {len(uris)} articles in {pages} pages")
    article = await client.read_resource(uris[0])
    body = article.contents[0]
    check(body.mime_type == "text/markdown" and body.text.startswith("# ") and "## Resolution" in body.text, f"[{mode}] resources/read {uris[0]} is Markdown")
    ticket = await client.read_resource(f"halo://tickets/{ticket_id}")
    check(ticket.contents[0].text.startswith(f"# Ticket {ticket_id}:"), f"[{mode}] resources/read halo://tickets/{ticket_id}")
    result = await client.call_tool("get_ticket", {"ticket_id": ticket_id})
    links = [c for c in result.content if c.type == "resource_link"]
    check(result.content[0].type == "text" and [str(l.uri) for l in links] == [f"halo://tickets/{ticket_id}"], f"[{mode}] get_ticket links its ticket as a resource_link")
    # "auto" negotiates 2026-07-28 with this server, where resource-not-found is -32602.
    for uri, code in (("halo://tickets/987654", -32002 if mode == "legacy" else -32602), ("halo://tickets/abc", -32602)):
        try:
            await client.read_resource(uri)
            raise SystemExit(f"FAILED: [{mode}] reading {uri} should fail")
        except MCPError as error:
            check(error.error.code == code, f"[{mode}] reading {uri} is JSON-RPC error {error.error.code}")
    try:
        await client.list_resources(cursor="not-a-cursor")
        raise SystemExit(f"FAILED: [{mode}] a bad cursor should fail")
    except MCPError as error:
        check(error.error.code == -32602, f"[{mode}] a bad cursor is -32602")
    return 8


def start(binary: str, state_file: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {"PATH": os.environ.get("PATH", ""), "PORT": str(port), "RUST_LOG": "warn", "SANDBOX_STATE_FILE": state_file}
    process = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_ready(base, process)
    return process, base


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def seed_articles(binary: str, state_file: str, extra: int = 30) -> None:
    """The demo knowledge base fits in one resources/list page; more articles make it page."""
    process, _ = start(binary, state_file)
    stop(process)
    with open(state_file, encoding="utf-8") as f:
        state = json.load(f)
    template = state["articles"][0]
    top = max(a["id"] for a in state["articles"])
    for n in range(1, extra + 1):
        state["articles"].append(dict(template, id=top + n, name=f"Interop article {n}", related_ticket_ids=[]))
    with open(state_file, "w", encoding="utf-8") as f:
        json.dump(state, f)


async def main() -> int:
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/debug/halo-mcp"
    workdir = tempfile.mkdtemp(prefix="halo-mcp-interop-")
    state_file = os.path.join(workdir, "sandbox.json")
    seed_articles(binary, state_file)
    process, base = start(binary, state_file)
    try:
        passed = 0
        for mode in ("legacy", "2026-07-28", "auto"):
            passed += await exercise(base + "/mcp", mode)
        print(f"python-sdk: {passed} passed, 0 failed")
        return 0
    finally:
        stop(process)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
