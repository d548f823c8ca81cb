#!/usr/bin/env bash
# The measurement behind the Flex Consumption `perInstanceConcurrency` default (docs/PERFORMANCE.md):
# one halo-mcp process pinned to one CPU (about what a small Flex instance gets) holding N
# concurrent tools/call requests, against `halo-mcp sandbox` as Halo on another CPU. Prints
# latency (wrk) and peak RSS sampled from /proc during the run. Short on purpose.
#
# Usage: scripts/bench-concurrency.sh [CONCURRENCY] [SECONDS]    (default 64, 5)
#        HALO_MCP_BIN=<binary> scripts/bench-concurrency.sh       (default: a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
conns=${1:-64}
duration=${2:-5}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
if [ -n "${HALO_MCP_BIN:-}" ]; then
  bin=$HALO_MCP_BIN
else
  cargo build --release --quiet --bin halo-mcp
  bin="${CARGO_TARGET_DIR:-target}/release/halo-mcp"
fi
cpus=$(nproc)
mcp_cpu=0
other_cpu=$(( cpus > 1 ? 1 : 0 ))

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 200); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "not up: $1" >&2; return 1; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

sandbox_port=$(free_port); mcp_port=$(free_port)
taskset -c "$other_cpu" "$bin" sandbox --port "$sandbox_port" >/dev/null 2>&1 & sandbox_pid=$!
trap 'kill $sandbox_pid ${mcp_pid:-} 2>/dev/null || true' EXIT
wait_up "http://127.0.0.1:$sandbox_port/api/authinfo"
HALO_URL="http://127.0.0.1:$sandbox_port" MCP_AUTH_MODE=none \
  HALO_SERVICE_CLIENT_ID=halo-sandbox-services HALO_SERVICE_CLIENT_SECRET=sandbox-services-secret \
  HALO_RATE_LIMIT=100000000 PORT="$mcp_port" RUST_LOG=error \
  taskset -c "$mcp_cpu" "$bin" >/dev/null 2>&1 & mcp_pid=$!
wait_up "http://127.0.0.1:$mcp_port/healthz"

# Warm up (lookup cache, connection pool), then record idle RSS.
TOOL=get_ticket ARGS='{"ticket_id":1001,"recent_actions":0}' taskset -c "$other_cpu" \
  wrk -t1 -c1 -d1s -s benches/wrk/mcp_call.lua "http://127.0.0.1:$mcp_port/mcp" >/dev/null
echo "idle RSS: $(rss_kb $mcp_pid) kB"

measure() { # label tool args
  local peak=0 rss out
  TOOL=$2 ARGS=$3 taskset -c "$other_cpu" wrk -t1 -c"$conns" -d"${duration}s" \
    -s benches/wrk/mcp_call.lua "http://127.0.0.1:$mcp_port/mcp" >/tmp/bench-concurrency.$$ &
  local wrk_pid=$!
  while kill -0 "$wrk_pid" 2>/dev/null; do
    rss=$(rss_kb "$mcp_pid"); [ "$rss" -gt "$peak" ] && peak=$rss
    sleep 0.1
  done
  wait "$wrk_pid"
  out=$(grep RESULT /tmp/bench-concurrency.$$); rm -f /tmp/bench-concurrency.$$
  echo "$1 c=$conns (halo-mcp on 1 CPU): $out; peak RSS ${peak} kB"
}
measure "get_ticket" get_ticket '{"ticket_id":1001,"recent_actions":0}'
measure "search_tickets (20 rows)" search_tickets '{"page_size":20}'
echo "RSS after: $(rss_kb $mcp_pid) kB"
