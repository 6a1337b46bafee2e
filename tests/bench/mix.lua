-- mix.lua — wrk script for the memory figure of `make bench`: every request
-- takes the next of a few paths through the module (the database route, a
-- good and a forged token, an unknown route, a wrong method), so that each
-- kind of answer runs many times.  The token comes from env BENCH_TOKEN.
local reqs = {}
local i = 0

init = function(args)
  local token = os.getenv("BENCH_TOKEN") or ""
  local function with(extra)
    local h = {}
    for k, v in pairs(wrk.headers) do h[k] = v end
    for k, v in pairs(extra) do h[k] = v end
    return h
  end
  reqs = {
    wrk.format("GET", "/api/health", with({})),
    wrk.format("GET", "/api/me", with({ ["Authorization"] = "Bearer " .. token })),
    wrk.format("GET", "/api/me", with({ ["Authorization"] = "Bearer " .. token .. "x" })),
    wrk.format("GET", "/api/nowhere", with({})),
    wrk.format("DELETE", "/api/me", with({})),
  }
end

request = function()
  i = i + 1
  return reqs[i % #reqs + 1]
end
