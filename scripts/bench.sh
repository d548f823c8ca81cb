#!/usr/bin/env bash
# Benchmarks (issue "Evidence"): tools/call latency and throughput at concurrency 1, 8 and 64 for
# get_ticket and search_tickets, the same Halo calls sent straight to the sandbox as the floor,
# and through a do-nothing pass-through (examples/passthrough.rs) as the ceiling any bridge can
# reach here; RSS idle and under load, cold start, and binary/package sizes. The sandbox runs as
# a separate process as the Halo upstream. Needs wrk (apt-get install wrk) and a release build.
#
# Usage: scripts/bench.sh [DURATION_SECONDS]   (default 10 per run)
#        HALO_MCP_BIN=<binary> scripts/bench.sh   (benchmark a given build, e.g. the packaged
#        handler: unzip dist/halo-mcp.zip handler; otherwise a release build is made)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
if [ -n "${HALO_MCP_BIN:-}" ]; then
  bin=$HALO_MCP_BIN
else
  cargo build --release --quiet --bin halo-mcp
  bin="${CARGO_TARGET_DIR:-target}/release/halo-mcp"
fi
cargo build --release --quiet --example passthrough
passthrough="${CARGO_TARGET_DIR:-target}/release/examples/passthrough"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 200); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "not up: $1" >&2; return 1; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
# CPU time (user + system) a process has used, in clock ticks, from its own accounting: stable on
# a noisy machine where throughput is not.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

sandbox_port=$(free_port); mcp_port=$(free_port)
"$bin" sandbox --port "$sandbox_port" >/dev/null 2>&1 & sandbox_pid=$!
trap 'kill $sandbox_pid ${mcp_pid:-} ${passthrough_pid:-} 2>/dev/null || true' EXIT
wait_up "http://127.0.0.1:$sandbox_port/api/authinfo"
HALO_URL="http://127.0.0.1:$sandbox_port" MCP_AUTH_MODE=none \
  HALO_SERVICE_CLIENT_ID=halo-sandbox-services HALO_SERVICE_CLIENT_SECRET=sandbox-services-secret \
  HALO_RATE_LIMIT=100000000 PORT="$mcp_port" RUST_LOG=error "$bin" >/dev/null 2>&1 & mcp_pid=$!
wait_up "http://127.0.0.1:$mcp_port/healthz"

token=$(curl -fsS -X POST "http://127.0.0.1:$sandbox_port/auth/token" \
  -d grant_type=client_credentials -d client_id=halo-sandbox-services \
  -d client_secret=sandbox-services-secret -d scope=all | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
ticket=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$sandbox_port/api/Tickets?pageinate=true&page_size=1&page_no=1" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["tickets"][0]["id"])')

pass_port=$(free_port)
"$passthrough" "$pass_port" "http://127.0.0.1:$sandbox_port" "$token" >/dev/null 2>&1 & passthrough_pid=$!
for _ in $(seq 1 100); do
  curl -fsS -X POST "http://127.0.0.1:$pass_port/api/authinfo" >/dev/null 2>&1 && break; sleep 0.05
done

# Warm up (lookups cache, connection pool).
TOOL=get_ticket ARGS="{\"ticket_id\":$ticket,\"recent_actions\":0}" wrk -t1 -c1 -d2s -s benches/wrk/mcp_call.lua "http://127.0.0.1:$mcp_port/mcp" >/dev/null
idle_rss=$(rss_kb $mcp_pid)
echo "idle RSS: ${idle_rss} kB"

run() { # label conns (tool args | direct url | passthrough url)
  local label=$1 conns=$2; shift 2
  local threads=$(( conns < 2 ? 1 : 2 ))
  local out pid=""
  case $1 in direct) ;; passthrough) pid=$passthrough_pid ;; *) pid=$mcp_pid ;; esac
  local before=0; [ -n "$pid" ] && before=$(cpu_ticks "$pid")
  if [ "$1" = direct ]; then
    out=$(HALO_TOKEN=$token wrk -t$threads -c$conns -d${duration}s -s benches/wrk/direct.lua "$2" | grep RESULT)
  elif [ "$1" = passthrough ]; then
    out=$(wrk -t$threads -c$conns -d${duration}s -s benches/wrk/passthrough.lua "$2" | grep RESULT)
  else
    out=$(TOOL=$1 ARGS=$2 wrk -t$threads -c$conns -d${duration}s -s benches/wrk/mcp_call.lua "http://127.0.0.1:$mcp_port/mcp" | grep RESULT)
  fi
  if [ -n "$pid" ]; then # the bridge's CPU per request, in microseconds
    local ticks=$(( $(cpu_ticks "$pid") - before )) requests
    requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$out")
    out="$out cpu_us_per_request=$(( ticks * 1000000 / $(getconf CLK_TCK) / (requests > 0 ? requests : 1) ))"
  fi
  echo "$label c=$conns $out"
}

api="http://127.0.0.1:$sandbox_port/api"
pass="http://127.0.0.1:$pass_port/api"
one="Tickets/$ticket?includedetails=true"
page="Tickets?pageinate=true&page_size=20&page_no=1&order=dateoccurred&orderdesc=true"
for c in 1 8 64; do
  run "get_ticket (MCP)" $c get_ticket "{\"ticket_id\":$ticket,\"recent_actions\":0}"
  run "GET Tickets/{id} (direct)" $c direct "$api/$one"
  run "GET Tickets/{id} (pass-through)" $c passthrough "$pass/$one"
  run "search_tickets (MCP)" $c search_tickets '{"page_size":20}'
  run "GET Tickets (direct)" $c direct "$api/$page"
  run "GET Tickets (pass-through)" $c passthrough "$pass/$page"
  if [ $c = 64 ]; then echo "RSS at c=64 (after run): $(rss_kb $mcp_pid) kB"; fi
done
(TOOL=search_tickets ARGS='{"page_size":20}' wrk -t2 -c64 -d${duration}s -s benches/wrk/mcp_call.lua "http://127.0.0.1:$mcp_port/mcp" >/dev/null &
 sleep $(( duration / 2 )); echo "RSS during c=64 load: $(rss_kb $mcp_pid) kB"; wait)

echo "release binary: $(stat -c %s "$bin") bytes"
python3 scripts/bench-cold-start.py "$bin" 20
