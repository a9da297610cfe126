-- wrk script: POST /v1/invoices/bulk with BENCH_BULK_SIZE new invoices per request (new numbers every request).
-- Builds each body when it is sent (a table.concat of the items, about 1 ms for 1,000 invoices) and counts the
-- invoices each answer says were stored, so the rate is of invoices stored, not of requests.
local template = os.getenv("BENCH_BODY")
local apiKey = os.getenv("BENCH_API_KEY")
local size = tonumber(os.getenv("BENCH_BULK_SIZE") or "1000")
local prefix, suffix = template:match("^(.*)__NUMBER__(.*)$")
local counter = 0
local threadId = 0
local threads = {}
accepted = 0
failed = 0

function setup(thread)
  thread:set("threadId", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  threadId = wrk.thread:get("threadId") or 0
end

function request()
  counter = counter + 1
  local items = {}
  local head = '{"invoice":' .. prefix .. "B/" .. threadId .. "/" .. counter .. "/"
  for n = 1, size do
    items[n] = head .. n .. suffix .. "}"
  end
  return wrk.format("POST", "/v1/invoices/bulk", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. apiKey,
  }, '{"invoices":[' .. table.concat(items, ",") .. "]}")
end

function response(status, headers, body)
  if status == 200 then
    accepted = accepted + tonumber(body:match('"accepted":(%d+)') or "0")
    failed = failed + tonumber(body:match('"failed":(%d+)') or "0")
  end
end

function done(summary, latency, requests)
  local stored, refused = 0, 0
  for _, thread in ipairs(threads) do
    stored = stored + thread:get("accepted")
    refused = refused + thread:get("failed")
  end
  io.write(string.format("BENCH_RESULT requests=%d duration_us=%d errors_status=%d accepted=%d failed=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.errors.status, stored, refused, latency:percentile(50),
    latency:percentile(99)))
end
