-- Mixed users: each connection is a user who opens a random page of a random persona and
-- then thinks 0.5-1.5 s. Targets come from a file (path TAB cookie per line) given after "--".
local threads = {}
local targets = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^(.-)\t(.*)$")
    table.insert(targets, {path = path, cookie = cookie})
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  local t = targets[math.random(#targets)]
  return wrk.format("GET", t.path, {["Cookie"] = t.cookie, ["X-Forwarded-Proto"] = "https"})
end

function delay()
  return math.random(500, 1500)
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local non200 = 0
  for _, t in ipairs(threads) do
    non200 = non200 + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "mean_us": %.1f, "p50_us": %d, ' ..
    '"p95_us": %d, "p99_us": %d, "max_us": %d, "socket_errors": %d, "timeouts": %d, ' ..
    '"non200": %d}\n',
    summary.requests, summary.duration, latency.mean, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max,
    e.connect + e.read + e.write, e.timeout, non200))
end
