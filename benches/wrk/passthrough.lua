-- wrk script: POST to the do-nothing pass-through (examples/passthrough.rs), which makes the
-- Halo call named by the URL's path and query and returns Halo's body unchanged.
package.path = (os.getenv("WRK_SCRIPTS") or "benches/wrk") .. "/?.lua;" .. package.path
require("check")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{}'
