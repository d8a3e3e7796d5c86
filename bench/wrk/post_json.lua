-- POST the body in the BENCH_BODY file with the bearer token in BENCH_TOKEN.
local file = io.open(os.getenv("BENCH_BODY"), "r")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
dofile(os.getenv("BENCH_REPORT"))
