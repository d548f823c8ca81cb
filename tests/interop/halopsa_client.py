"""A third-party Halo client library from PyPI (`halopsa`, pinned in .ci/halopsa.sh) against the
standalone sandbox: the operations a Copilot agent's tools and other Halo integrations rely on
(tickets, actions, clients, users, agents, KB, reports, assets) must work unchanged.

The library hard-codes the hosted address `https://{tenant}.halopsa.com`; the only shim here sends
that host to the sandbox (plain HTTP on loopback). Nothing else in the library is touched.

Not exercised, with the reason:
- Client, User, KB article and Asset *writes* (`update` without/with id): the sandbox serves
  reads of these (docs/sandbox.md "Endpoints"); writes answer like an unknown path (404).
- Invoices, contracts, projects, quotes, opportunities, items, suppliers, appointments: not
  served by the sandbox (no halo-mcp tool or demo uses them).
- `Attachments`: `search`/`get` are not served; `delete()` in the library takes no arguments and
  sends nothing (a client-side bug: it cannot delete anything on a real tenant either).

Usage: python halopsa_client.py path/to/halo-mcp
"""

import socket
import subprocess
import sys
import time
import urllib.request

import requests
from HaloPSA.Halo import Halo

TENANT = "sandbox"  # the sandbox's tenant (GET /api/AuthInfo: tenant_id)
HOSTED = f"https://{TENANT}.halopsa.com"
CLIENT_ID = "halo-sandbox-services"
SECRET = "sandbox-services-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sandbox(binary: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [binary, "sandbox", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/AuthInfo", timeout=1).read()
            return proc, base
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"sandbox exited with {proc.returncode}")
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("sandbox did not start within 30 s")


def point_hosted_url_at(base: str) -> None:
    original = requests.Session.request

    def request(self, method, url, *args, **kwargs):
        if url.startswith(HOSTED):
            url = base + url[len(HOSTED):]
        return original(self, method, url, *args, **kwargs)

    requests.Session.request = request


def check(name: str, condition: bool, detail: object = "") -> None:
    if not condition:
        raise AssertionError(f"{name}: {detail}")
    print(f"ok  {name}")


def run(halo: Halo) -> None:
    # Tickets: search with documented filters, get one, create, update.
    found = halo.Tickets.search(search="outlook", open_only=True)
    check("tickets.search", found["record_count"] >= 1, found)
    by_asset = halo.Tickets.search(asset_id=1)
    check("tickets.search asset_id", [t["id"] for t in by_asset["tickets"]] == [1001], by_asset)
    ticket = halo.Tickets.get(1001, includelastaction=True)
    check("tickets.get", ticket["id"] == 1001 and "hasbeenclosed" in ticket, ticket)
    created = halo.Tickets.update(
        summary="halopsa interop: printer toner low",
        details="Toner warning on the second-floor printer.",
        tickettype_id=1,
        client_id=1,
        user_id=1,
    )
    new_id = created["id"]
    check("tickets.update (create)", new_id > 1030 and created["user_id"] == 1, created)
    updated = halo.Tickets.update(id=new_id, status_id=2, agent_id=2)
    check("tickets.update", updated["status_id"] == 2 and updated["agent_id"] == 2, updated)

    # Actions: add a private note by outcome id (7 = internal note on a stock Halo), list, get.
    note = halo.Actions.update(
        ticket_id=new_id, outcome_id=7, note="halopsa interop note", hiddenfromuser=True
    )
    check("actions.update", note["outcome"] == "Private Note", note)
    listed = halo.Actions.search(ticket_id=new_id)
    check("actions.search", listed["record_count"] >= 2, listed)
    one = halo.Actions.get(note["id"], ticket_id=new_id)
    check("actions.get", one["note"].startswith("halopsa interop note"), one)
    after = halo.Tickets.get(new_id)
    check("private note leaves the ticket open", after["hasbeenclosed"] is False, after)

    # Clients, users, agents.
    clients = halo.Clients.search(search="acorn")
    check("clients.search", clients["clients"][0]["name"] == "Acorn Construction", clients)
    check("clients.get_all", len(halo.Clients.get_all()) >= 4)
    check("clients.get", halo.Clients.get(1)["id"] == 1)
    users = halo.Users.search(search="castle")
    check("users.search", users["users"][0]["emailaddress"] == "Ben.Castle@contoso.com", users)
    check("users.get", halo.Users.get(1)["name"] == "Ben Castle")
    agents = halo.Agents.search()
    check("agents.search", isinstance(agents, list) and len(agents) >= 4, agents)
    check("agents.get", halo.Agents.get(2)["name"] == "Sam Taylor")

    # Knowledge base and reports.
    kb = halo.KnowledgeBase.search(search="outlook")
    check("kb.search", kb["record_count"] >= 1, kb)
    article = halo.KnowledgeBase.get(kb["articles"][0]["id"], includedetails=True)
    check("kb.get", article["id"] == kb["articles"][0]["id"], article)
    reports = halo.Reports.search()
    check("reports.search", reports["record_count"] >= 2, reports)
    report = halo.Reports.get(2, loadreport=True)
    check("reports.get loadreport", isinstance(report["report"]["rows"], list), report)

    # Assets.
    assets = halo.Assets.search(client_id=1)
    check("assets.search client_id", assets["record_count"] == 5, assets)
    bens = halo.Assets.search(username="Ben Castle")
    check("assets.search username", bens["assets"][0]["key_field"] == "ACORN-LT-BCASTLE", bens)
    check("assets.get", halo.Assets.get(1)["id"] == 1)
    everything = halo.Assets.get_all()
    check("assets.get_all", everything["record_count"] >= 10, everything)

    # Lookups the library wraps.
    check("status.search", halo.Status.search()["record_count"] >= 5)
    check("tickettypes.search", halo.TicketTypes.search()["record_count"] >= 4)
    check("teams.search", halo.Teams.search()["record_count"] >= 3)
    check("sites.search", halo.Sites.search(client_id=1)["record_count"] == 2)


def main() -> None:
    proc, base = start_sandbox(sys.argv[1])
    try:
        point_hosted_url_at(base)
        halo = Halo(tenant=TENANT, clientid=CLIENT_ID, secret=SECRET, scope="all")
        run(halo)
        print("halopsa interop: all operations passed")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
