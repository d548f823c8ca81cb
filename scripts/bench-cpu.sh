#!/usr/bin/env bash
# Issue 14 item 6 in one command: halo-mcp against the do-nothing pass-through
# (examples/passthrough.rs), both in front of one `halo-mcp sandbox` process, in one run.
# For `get_ticket` and the 20-row `search_tickets` (one Halo call each) it drives each bridge with
# `wrk -t2 -c8` and reads the bridge's CPU time (user + system, /proc/<pid>/stat) before and after,
# so CPU per request comes from the process's own accounting, which stays stable on a busy machine
# where throughput does not. Rounds interleave the servers; the medians are printed side by side
# with the ratios against the targets: CPU per `get_ticket` at most 2x the pass-through's,
# throughput at concurrency 8 at least 60 % (`get_ticket`) and 50 % (`search_tickets`) of it.
#
# Usage: scripts/bench-cpu.sh [SECONDS_PER_SAMPLE] [ROUNDS]       (default 5 s, 3 rounds)
#        HALO_MCP_BIN=<binary> PASSTHROUGH_BIN=<binary> scripts/bench-cpu.sh
#                                                 (else release builds of both are made)
#        BASELINE_BIN=<other build> scripts/bench-cpu.sh           (adds a second halo-mcp, e.g.
#            the build before a change, measured in the same run against the same sandbox)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-5}
rounds=${2:-3}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
if [ -n "${HALO_MCP_BIN:-}" ]; then
  bin=$HALO_MCP_BIN
else
  cargo build --release --quiet --bin halo-mcp
  bin="${CARGO_TARGET_DIR:-target}/release/halo-mcp"
fi
if [ -n "${PASSTHROUGH_BIN:-}" ]; then
  passthrough=$PASSTHROUGH_BIN
else
  cargo build --release --quiet --example passthrough
  passthrough="${CARGO_TARGET_DIR:-target}/release/examples/passthrough"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 200); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "not up: $1" >&2; return 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

pids=()
results=$(mktemp)
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -f "$results"' EXIT
sandbox_port=$(free_port)
"$bin" sandbox --port "$sandbox_port" >/dev/null 2>&1 & pids+=($!)
wait_up "http://127.0.0.1:$sandbox_port/api/authinfo"

start_mcp() { # binary -> "pid port"
  local port; port=$(free_port)
  HALO_URL="http://127.0.0.1:$sandbox_port" MCP_AUTH_MODE=none \
    HALO_SERVICE_CLIENT_ID=halo-sandbox-services HALO_SERVICE_CLIENT_SECRET=sandbox-services-secret \
    HALO_RATE_LIMIT=100000000 PORT="$port" RUST_LOG=error "$1" >/dev/null 2>&1 &
  echo "$! $port"
}
read -r mcp_pid mcp_port < <(start_mcp "$bin"); pids+=("$mcp_pid")
wait_up "http://127.0.0.1:$mcp_port/healthz"
servers=(passthrough mcp)
if [ -n "${BASELINE_BIN:-}" ]; then
  read -r base_pid base_port < <(start_mcp "$BASELINE_BIN"); pids+=("$base_pid")
  wait_up "http://127.0.0.1:$base_port/healthz"
  servers+=(baseline)
fi

token=$(curl -fsS -X POST "http://127.0.0.1:$sandbox_port/auth/token" \
  -d grant_type=client_credentials -d client_id=halo-sandbox-services \
  -d client_secret=sandbox-services-secret -d scope=all | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
ticket=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$sandbox_port/api/Tickets?pageinate=true&page_size=1&page_no=1" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["tickets"][0]["id"])')
pass_port=$(free_port)
"$passthrough" "$pass_port" "http://127.0.0.1:$sandbox_port" "$token" >/dev/null 2>&1 & pass_pid=$!; pids+=("$pass_pid")
for _ in $(seq 1 100); do
  curl -fsS -X POST "http://127.0.0.1:$pass_port/api/authinfo" >/dev/null 2>&1 && break; sleep 0.05
done

one="Tickets/$ticket?includedetails=true"
page="Tickets?pageinate=true&page_size=20&page_no=1&order=dateoccurred&orderdesc=true"
get_args="{\"ticket_id\":$ticket,\"recent_actions\":0}"
search_args='{"page_size":20}'

sample() { # server call seconds -> "rps cpu_us_per_request errors"
  local server=$1 call=$2 seconds=$3 pid port out
  case $server in
    passthrough) pid=$pass_pid ;;
    mcp) pid=$mcp_pid; port=$mcp_port ;;
    baseline) pid=$base_pid; port=$base_port ;;
  esac
  local before; before=$(cpu_ticks "$pid")
  if [ "$server" = passthrough ]; then
    local path=$one; [ "$call" = search_tickets ] && path=$page
    out=$(wrk -t2 -c8 -d"${seconds}s" -s benches/wrk/passthrough.lua "http://127.0.0.1:$pass_port/api/$path" | grep RESULT)
  else
    local args=$get_args; [ "$call" = search_tickets ] && args=$search_args
    out=$(TOOL=$call ARGS=$args wrk -t2 -c8 -d"${seconds}s" -s benches/wrk/mcp_call.lua "http://127.0.0.1:$port/mcp" | grep RESULT)
  fi
  local ticks=$(( $(cpu_ticks "$pid") - before ))
  local requests rps errors
  requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$out")
  rps=$(sed -n 's/.*rps=\([0-9.]*\).*/\1/p' <<<"$out")
  errors=$(sed -n 's/.*non2xx_or_errors=\([0-9]*\).*/\1/p' <<<"$out")
  echo "$rps $(( ticks * 1000000 / $(getconf CLK_TCK) / (requests > 0 ? requests : 1) )) $errors"
}

# Warm up every server (connection pools, lookups cache) on both calls.
for server in "${servers[@]}"; do
  for call in get_ticket search_tickets; do sample "$server" "$call" 1 >/dev/null; done
done

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); wrk -t2 -c8 -d${duration}s, $rounds rounds"
for round in $(seq 1 "$rounds"); do
  for call in get_ticket search_tickets; do
    for server in "${servers[@]}"; do
      read -r rps cpu errors < <(sample "$server" "$call" "$duration")
      echo "round $round  $call  $server  req/s=$rps  cpu_us/request=$cpu  errors=$errors"
      echo "$call $server $rps $cpu $errors" >>"$results"
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$results" "${servers[@]}" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
servers = sys.argv[2:]
def med(call, server, col):
    return statistics.median(float(r[col]) for r in rows if r[0] == call and r[1] == server)
errors = sum(int(r[4]) for r in rows)
print()
print(f"{'median of rounds':<18}" + "".join(f"{s + ' req/s':>22}{s + ' CPU us/req':>24}" for s in servers))
for call in ("get_ticket", "search_tickets"):
    print(f"{call:<18}" + "".join(f"{med(call, s, 2):>22.0f}{med(call, s, 3):>24.0f}" for s in servers))
print()
targets = {"cpu": 2.0, "get_ticket": 0.60, "search_tickets": 0.50}
for s in servers[1:]:
    cpu = med("get_ticket", s, 3) / med("get_ticket", "passthrough", 3)
    verdict = "met" if cpu <= targets["cpu"] else "NOT met"
    print(f"{s}: CPU per get_ticket = {cpu:.2f}x the pass-through's (target <= 2.0x: {verdict})")
    for call in ("get_ticket", "search_tickets"):
        ratio = med(call, s, 2) / med(call, "passthrough", 2)
        verdict = "met" if ratio >= targets[call] else "NOT met"
        print(f"{s}: {call} req/s at c=8 = {ratio:.0%} of the pass-through's "
              f"(target >= {targets[call]:.0%}: {verdict})")
    for call in ("search_tickets",):
        print(f"{s}: CPU per {call} = {med(call, s, 3) / med(call, 'passthrough', 3):.2f}x the pass-through's (no target)")
print(f"errors in all samples: {errors}")
EOF
