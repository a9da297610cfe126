-- wrk script: POST /v1/invoices with a new invoice number on every request (every request stores a new invoice).
-- The body template and API key come from the environment the benchmark sets.
local template = os.getenv("BENCH_BODY")
local apiKey = os.getenv("BENCH_API_KEY")
local path = os.getenv("BENCH_PATH") or "/v1/invoices"
local prefix, suffix = template:match("^(.*)__NUMBER__(.*)$")
local counter = 0
local threadId = 0
local threads = {}

function setup(thread)
  thread:set("threadId", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  threadId = wrk.thread:get("threadId") or 0
end

function request()
  counter = counter + 1
  local body = prefix .. "T" .. threadId .. "/" .. counter .. suffix
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. apiKey,
  }, body)
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("BENCH_RESULT requests=%d duration_us=%d errors_status=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.errors.status, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
