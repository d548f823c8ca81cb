-- wrk script: the same Halo call the tool makes, sent straight to the sandbox (the floor).
package.path = (os.getenv("WRK_SCRIPTS") or "benches/wrk") .. "/?.lua;" .. package.path
require("check")

wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("HALO_TOKEN") or "")
wrk.headers["Accept"] = "application/json"
