-- POST the body in the BENCH_BODY file with the bearer token in BENCH_TOKEN. With BENCH_KEYS set,
-- each request carries its own Idempotency-Key: BENCH_KEYS (unique per run), the thread, a count.
local file = io.open(os.getenv("BENCH_BODY"), "r")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")

local threads, sent = 0, 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function request()
  local run = os.getenv("BENCH_KEYS")
  if run == nil or run == "" then
    return wrk.format()
  end
  sent = sent + 1
  wrk.headers["Idempotency-Key"] = run .. "-" .. tostring(thread_number) .. "-" .. tostring(sent)
  return wrk.format()
end
dofile(os.getenv("BENCH_REPORT"))
