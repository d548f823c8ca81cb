-- Shared by every wrk script: each response body is handed to Lua and checked the same way, so
-- wrk does the same work per response whether it drives halo-mcp, the pass-through or the
-- sandbox directly. Counts any non-200, JSON-RPC error or tool error (isError) as an error.
--
-- wrk runs response() in each thread's own Lua state and done() in the main one, so the
-- per-thread counters are collected through setup()'s thread handles.
errors = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"isError":true', 1, true) or string.find(body, '"error":', 1, true) then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local checked = 0
  for _, thread in ipairs(threads) do
    checked = checked + (thread:get("errors") or 0)
  end
  local e = summary.errors
  io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx_or_errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status + e.connect + e.read + e.write + e.timeout + checked))
end
