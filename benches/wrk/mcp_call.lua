-- wrk script: POST one MCP tools/call per request. TOOL and ARGS come from the environment.
package.path = (os.getenv("WRK_SCRIPTS") or "benches/wrk") .. "/?.lua;" .. package.path
require("check")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
local tool = os.getenv("TOOL") or "get_ticket"
local args = os.getenv("ARGS") or '{"ticket_id":1001}'
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"' .. tool .. '","arguments":' .. args .. '}}'
