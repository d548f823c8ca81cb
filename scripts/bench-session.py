#!/usr/bin/env python3
"""The Halo budget of an agent session (issue 14): how many Halo calls, and how many round trips
on the critical path, a realistic 14-call agent session costs when Halo is far away.

Starts `<bin> sandbox` as Halo, a delaying proxy in front of it (every request waits
--delay-ms before it is forwarded, as if Halo were that far away), and `<bin>` pointed at the
proxy with sign-in off (the sandbox's Services application). Then it runs the session below as
an agent would, one tool call after another, and reports per tool call the Halo API calls, the
critical path in round trips (the longest chain of Halo calls that did not overlap in time) and
the wall time; and the totals.

Usage: scripts/bench-session.py [--bin target/release/halo-mcp] [--delay-ms 75]
                                [--baseline OTHER_BIN] [--json]
With --baseline, the same session runs against both binaries, one after the other, in one run.
Standard library only; needs a built halo-mcp (cargo build --release).
"""

import argparse
import http.client
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

CUSTOMER = "Acorn Construction"
END_USER = "Ben.Castle@contoso.com"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def session_calls(state):
    """The agent session: (label, tool, arguments); arguments may read earlier results."""
    create = {
        "summary": "Laptop will not start",
        "ticket_type": "Incident",
        "customer": CUSTOMER,
        "end_user": END_USER,
    }
    return [
        ("who am I", "get_user_info", lambda: {}),
        ("my tickets", "get_assigned_tickets", lambda: {}),
        ("search by customer", "search_tickets", lambda: {"customer": CUSTOMER, "page_size": 10}),
        ("get a ticket", "get_ticket", lambda: {"ticket_id": state["listed_ticket"]}),
        ("search the KB", "search_knowledge_base", lambda: {"query": "password"}),
        ("create (customer + e-mail)", "create_ticket", lambda: create),
        ("whitespace report", "Whitespace_Report", lambda: {"customer": CUSTOMER}),
        ("create again 1", "create_ticket", lambda: create),
        ("create again 2", "create_ticket", lambda: create),
        ("create again 3", "create_ticket", lambda: create),
        ("create again 4", "create_ticket", lambda: create),
        ("add a note", "add_ticket_note", lambda: {"ticket_id": state["created"], "note": "Rebooted; no change."}),
        ("log time", "log_time", lambda: {"ticket_id": state["created"], "minutes": 15, "note": "Diagnosis"}),
        ("assign to me", "assign_ticket_to_me", lambda: {"ticket_id": state["created"]}),
    ]


def remember(state, tool, result):
    """Carries ids from one call to the next, as an agent would."""
    if tool == "search_tickets":
        tickets = result.get("tickets") or []
        if tickets:
            state["listed_ticket"] = tickets[0]["id"]
    if tool == "create_ticket" and "created" not in state:
        state["created"] = result["id"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:
            time.sleep(0.05)
    raise SystemExit(f"not up: {url}")


class DelayProxy:
    """Forwards every request to the sandbox after a fixed delay and logs when each was in flight."""

    def __init__(self, upstream_port, delay):
        self.log = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def forward(self):
                start = time.monotonic()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                time.sleep(delay)
                upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                data = answer.read()
                upstream.close()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                with proxy.lock:
                    proxy.log.append((start, time.monotonic(), self.command, self.path.split("?")[0]))

            do_GET = do_POST = do_PUT = do_DELETE = forward

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def calls_between(self, start, end):
        with self.lock:
            return [c for c in self.log if c[0] >= start and c[1] <= end]


def critical_path(calls):
    """The longest chain of calls each starting after the previous ended: interval scheduling."""
    chain, last_end = 0, float("-inf")
    for start, end, *_ in sorted(calls, key=lambda c: c[1]):
        if start >= last_end:
            chain, last_end = chain + 1, end
    return chain


def tool_call(port, tool, arguments, request_id):
    body = json.dumps({"jsonrpc": "2.0", "id": request_id, "method": "tools/call",
                       "params": {"name": tool, "arguments": arguments}}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/mcp", data=body, method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream"})
    with urllib.request.urlopen(request, timeout=120) as answer:
        reply = json.load(answer)
    result = reply.get("result") or {}
    if "error" in reply or result.get("isError"):
        raise SystemExit(f"{tool} failed: {json.dumps(reply)[:600]}")
    return result.get("structuredContent") or json.loads(result["content"][0]["text"])


def run_session(binary, delay):
    sandbox_port, mcp_port = free_port(), free_port()
    procs = [subprocess.Popen([binary, "sandbox", "--port", str(sandbox_port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        wait_up(f"http://127.0.0.1:{sandbox_port}/api/authinfo")
        proxy = DelayProxy(sandbox_port, delay)
        env = dict(os.environ, HALO_URL=f"http://127.0.0.1:{proxy.port}", MCP_AUTH_MODE="none",
                   HALO_SERVICE_CLIENT_ID="halo-sandbox-services",
                   HALO_SERVICE_CLIENT_SECRET="sandbox-services-secret",
                   HALO_RATE_LIMIT="100000", PORT=str(mcp_port), RUST_LOG="error",
                   MCP_TOOLS_FILE=os.path.join(ROOT, "tools", "demo-tools.toml"))
        procs.append(subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_up(f"http://127.0.0.1:{mcp_port}/healthz")
        state, rows = {}, []
        for number, (label, tool, arguments) in enumerate(session_calls(state), start=1):
            start = time.monotonic()
            result = tool_call(mcp_port, tool, arguments(), number)
            end = time.monotonic()
            remember(state, tool, result)
            calls = proxy.calls_between(start, end)
            api = [c for c in calls if c[3].startswith("/api/")]
            rows.append({"call": number, "label": label, "tool": tool,
                         "halo_api_calls": len(api), "halo_auth_calls": len(calls) - len(api),
                         "round_trips": critical_path(calls), "wall_ms": round((end - start) * 1000),
                         "paths": [f"{c[2]} {c[3]}" for c in sorted(calls)]})
        proxy.server.shutdown()
        return rows
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()


def totals(rows):
    api = sum(r["halo_api_calls"] for r in rows)
    return {"tool_calls": len(rows), "halo_api_calls": api,
            "halo_auth_calls": sum(r["halo_auth_calls"] for r in rows),
            "round_trips": sum(r["round_trips"] for r in rows),
            "wall_ms": sum(r["wall_ms"] for r in rows),
            # Tool calls of this mix that fit in hosted Halo's 300 API calls per 5 minutes.
            "tool_calls_per_300_halo_calls": round(300 * len(rows) / api) if api else None}


def print_table(name, rows, delay_ms):
    print(f"\n### {name} (Halo {delay_ms} ms away)\n")
    print("| # | step | tool | Halo API calls | round trips | wall ms |")
    print("|---|---|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['call']} | {r['label']} | `{r['tool']}` | {r['halo_api_calls']} | {r['round_trips']} | {r['wall_ms']} |")
    t = totals(rows)
    print(f"| | **total** | {t['tool_calls']} tool calls | **{t['halo_api_calls']}** | **{t['round_trips']}** | {t['wall_ms']} |")
    print(f"\nPlus {t['halo_auth_calls']} token request(s). This mix fits "
          f"{t['tool_calls_per_300_halo_calls']} tool calls in Halo's 300 calls per 5 minutes.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default="target/release/halo-mcp")
    parser.add_argument("--baseline", help="another halo-mcp binary to run the same session against first")
    parser.add_argument("--delay-ms", type=int, default=75)
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown tables")
    parser.add_argument("--paths", action="store_true", help="also print each tool call's Halo requests")
    args = parser.parse_args()
    runs = ([("baseline", args.baseline)] if args.baseline else []) + [("halo-mcp", args.bin)]
    results = {name: run_session(binary, args.delay_ms / 1000) for name, binary in runs}
    if args.json:
        json.dump({name: {"calls": rows, "totals": totals(rows)} for name, rows in results.items()},
                  sys.stdout, indent=1)
        print()
        return
    for (name, binary), rows in zip(runs, results.values()):
        print_table(f"{name}: {binary}", rows, args.delay_ms)
        if args.paths:
            for r in rows:
                print(f"- {r['call']} {r['tool']}: " + ", ".join(r["paths"]))


if __name__ == "__main__":
    main()
