-- wrk script for bench/run.sh: POSTs one JSON body on every connection and prints a machine-readable summary.
--   WRK_BODY_FILE  the request body (required)
--   WRK_RATE       if set and above 0, requests per second for this wrk thread (run with -t1): sends follow a
--                  fixed schedule, one slot every 1/rate s handed to whichever connection is free, so the rate
--                  does not depend on the response time; slots missed by more than 100 ms are dropped, not
--                  bunched up (the achieved rate then shows the proxy could not keep up). Unset for
--                  closed-loop max-throughput runs.
-- Extra headers come from wrk's own -H flags. Latencies are wrk's, in microseconds, from writing the request
-- to the end of the response (for SSE, the whole stream); time a request waited for its slot is not counted.

local body_file = os.getenv("WRK_BODY_FILE")
local f = assert(io.open(body_file, "rb"), "cannot read WRK_BODY_FILE " .. tostring(body_file))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"

local rate = tonumber(os.getenv("WRK_RATE") or "0") or 0
if rate > 0 then
  -- wrk has no clock in Lua; LuaJIT's FFI reads CLOCK_MONOTONIC.
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } sluice_timespec;
    int clock_gettime(int clock_id, sluice_timespec *tp);
  ]]
  local ts = ffi.new("sluice_timespec")
  local function now_ms()
    ffi.C.clock_gettime(1, ts)
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end

  local interval = 1000 / rate
  local next_slot = nil
  -- Defining delay() at all switches wrk to its timer path, so it exists only in fixed-rate runs. wrk waits
  -- whole milliseconds; the schedule itself keeps fractional time, so the average rate stays exact.
  function delay()
    local now = now_ms()
    if next_slot == nil or next_slot < now - 100 then
      next_slot = now
    end
    local slot = next_slot
    next_slot = next_slot + interval
    local wait = slot - now
    if wait <= 0 then
      return 0
    end
    return math.floor(wait + 0.5)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
end
