-- wrk script of the benchmark (bench/load.py): GETs that rotate through (session, path) pairs
-- read from a file, and what each response's Server-Timing header says.
--
--   wrk -t2 -c8 -d15s --latency -s bench/wrk/rotate.lua http://127.0.0.1:PORT -- PAIRS_FILE
--
-- PAIRS_FILE has one request a line: the sessionid cookie, a tab, the path. One line is one
-- page loaded again and again; the mixed load's file interleaves the viewers (each viewer's
-- first page, then each one's second...), so consecutive requests are different people and
-- each person asks for their own pages in turn. Each thread starts at its own place in the
-- list.
--
-- Counted per thread, in `response`, and added up across threads in `done`: responses by
-- status (anything but 200 is an error: a redirect here is a sign-in that did not hold), the
-- `cache` hit / miss / none of the Server-Timing header (absent: the code sends none), and
-- its db and app milliseconds. `done` prints one line, "WRK_JSON {...}", that bench/load.py
-- reads: wrk's own figures (latency percentiles in microseconds) and these.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("number", counter)
  table.insert(threads, thread)
end

local lines = {}
local position = 1
ok_count, error_count, first_error = 0, 0, ""
hit, miss, none, absent = 0, 0, 0, 0
db_ms, app_ms = {}, {}

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot read the pairs file " .. tostring(args[1]))
  for line in file:lines() do
    local session, path = line:match("^([^\t]*)\t(.+)$")
    if path then
      table.insert(lines, wrk.format("GET", path, { Cookie = "sessionid=" .. session }))
    end
  end
  file:close()
  assert(#lines > 0, "no (session, path) pair in " .. args[1])
  -- Threads start spread over the list, so they do not ask for the same page at once.
  position = ((number - 1) * math.floor(#lines / 2)) % #lines + 1
end

function request()
  local request = lines[position]
  position = position % #lines + 1
  return request
end

local function header(headers, name)
  return headers[name] or headers[name:lower()]
end

function response(status, headers, body)
  if status == 200 then
    ok_count = ok_count + 1
  else
    error_count = error_count + 1
    if first_error == "" then
      first_error = "HTTP " .. status .. " " .. (header(headers, "Location") or "")
    end
  end
  local timing = header(headers, "Server-Timing")
  if not timing then
    absent = absent + 1
    return
  end
  local cache = timing:match('cache;desc="(%a+)"')
  if cache == "hit" then
    hit = hit + 1
  elseif cache == "miss" then
    miss = miss + 1
  else
    none = none + 1
  end
  local db = timing:match("db;dur=([%d%.]+)")
  local app = timing:match("app;dur=([%d%.]+)")
  if db then db_ms[#db_ms + 1] = tonumber(db) end
  if app then app_ms[#app_ms + 1] = tonumber(app) end
end

local function percentile(values, fraction)
  if #values == 0 then return "null" end
  table.sort(values)
  local index = math.max(1, math.min(#values, math.floor(fraction * #values + 0.5)))
  return string.format("%.2f", values[index])
end

local function json_string(text)
  return '"' .. text:gsub('[%c"\\]', " ") .. '"'
end

function done(summary, latency, requests)
  local totals = { ok = 0, errors = 0, hit = 0, miss = 0, none = 0, absent = 0 }
  local db, app, first = {}, {}, ""
  for _, thread in ipairs(threads) do
    totals.ok = totals.ok + thread:get("ok_count")
    totals.errors = totals.errors + thread:get("error_count")
    for _, name in ipairs({ "hit", "miss", "none", "absent" }) do
      totals[name] = totals[name] + thread:get(name)
    end
    for _, value in ipairs(thread:get("db_ms")) do db[#db + 1] = value end
    for _, value in ipairs(thread:get("app_ms")) do app[#app + 1] = value end
    if first == "" then first = thread:get("first_error") end
  end
  local e = summary.errors
  io.write("WRK_JSON {",
    '"requests": ', summary.requests, ", ",
    '"duration_us": ', summary.duration, ", ",
    '"bytes": ', summary.bytes, ", ",
    '"socket_errors": {"connect": ', e.connect, ', "read": ', e.read, ', "write": ', e.write,
    ', "status": ', e.status, ', "timeout": ', e.timeout, "}, ",
    '"latency_us": {"p50": ', latency:percentile(50), ', "p90": ', latency:percentile(90),
    ', "p95": ', latency:percentile(95), ', "p99": ', latency:percentile(99),
    ', "mean": ', string.format("%.1f", latency.mean), ', "max": ', latency.max, "}, ",
    '"responses": {"ok": ', totals.ok, ', "errors": ', totals.errors,
    ', "first_error": ', json_string(first), "}, ",
    '"cache": {"hit": ', totals.hit, ', "miss": ', totals.miss, ', "none": ', totals.none,
    ', "absent": ', totals.absent, "}, ",
    '"server_timing_ms": {"db_median": ', percentile(db, 0.5), ', "app_median": ',
    percentile(app, 0.5), ', "db_p95": ', percentile(db, 0.95), ', "app_p95": ',
    percentile(app, 0.95), ', "samples": ', #db, "}",
    "}\n")
end
