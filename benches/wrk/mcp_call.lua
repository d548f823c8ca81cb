-- wrk script: POST one MCP tools/call per request. TOOL and ARGS come from the environment.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
local tool = os.getenv("TOOL") or "get_ticket"
local args = os.getenv("ARGS") or '{"ticket_id":1001}'
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"' .. tool .. '","arguments":' .. args .. '}}'

local errors = 0
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"isError":true', 1, true) or string.find(body, '"error":', 1, true) then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx_or_errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    (summary.errors.status or 0) + errors))
end
