-- wrk script: the same Halo call the tool makes, sent straight to the sandbox (the floor).
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("HALO_TOKEN") or "")
wrk.headers["Accept"] = "application/json"

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx_or_errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    (summary.errors.status or 0)))
end
