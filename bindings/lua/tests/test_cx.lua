-- Tests of the Lua binding. Expected figures are quoted from
-- tests/reference/metric_reference.py (numpy/scipy/statsmodels) or computed
-- by hand where stated; the binding must return the C library's figures.
-- Run: LUA_CPATH="build/bindings/lua/?.so" lua5.4 bindings/lua/tests/test_cx.lua
local cx = require("cx")

local passed, failed = 0, 0
local function test(name, fn)
  local ok, err = pcall(fn)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
    print("FAIL " .. name .. ": " .. tostring(err))
  end
end

local function close(a, b, tol)
  assert(math.abs(a - b) <= (tol or 1e-9), string.format("%.15g is not %.15g", a, b))
end

local function raises(fn, name, fragment)
  local ok, err = pcall(fn)
  assert(not ok, "expected an error")
  assert(type(err) == "table" and err.name == name, "expected " .. name .. ", got " .. tostring(err))
  if fragment then
    assert(err.message:find(fragment, 1, true), "message '" .. err.message .. "' lacks '" .. fragment .. "'")
  end
  return err
end

local NPS_A = { 9, 10, 7, 0, 3, 10, 8, 6, 9, 5 }

test("nps matches the reference", function()
  local m = cx.metric("nps")
  m:add_many(NPS_A)
  local r = m:result()
  -- ref nps_A: value 0, SE 28.2842712475, CI +/-46.4693439677
  assert(r.kind == "nps" and r.count == 10)
  close(r.value, 0, 1e-12)
  close(r.std_error, 28.2842712475)
  close(r.ci_low, -46.4693439677)
  close(r.ci_high, 46.4693439677)
  close(r.promoters, 0.4, 1e-15)
end)

test("options reach C", function()
  local m = cx.metric("nps", { ci_method = "wald" })
  m:add_many(NPS_A)
  close(m:result().ci_low, -55.436152974, 1e-8) -- ref nps_A_wald
  local c = cx.metric("csat", { variant = "mean" })
  for _, v in ipairs({ 5, 5, 4, 1 }) do c:add(v) end
  close(c:result().value, 3.75) -- by hand: 15 / 4
  local t = cx.metric("csat", { scale_min = 1, scale_max = 10 })
  t:add_many({ 10, 9, 8, 1 })
  close(t:result().value, 50) -- top-two box 9..10: 2 of 4
  assert(not pcall(cx.metric, "nps", { variant = "mean" })) -- NPS has no variants
end)

test("weights", function()
  local m = cx.metric("nps")
  m:add_many({ 10, 9, 8, 7, 6, 0, 10, 3 }, { 1.0, 2.0, 0.5, 1.5, 1.0, 3.0, 2.0, 1.0 })
  close(m:result().effective_n, 6.4) -- ref nps_weighted
  close(m:result().std_error, 36.0843918244)
  m:add(9, 2)
  close(m:result().weight, 14)
end)

test("errors carry the C message", function()
  local m = cx.metric("nps")
  local e = raises(function() m:add(11) end, "ERANGE", "score 11 is outside the NPS scale 0..10")
  assert(e.code == -3)
  assert(tostring(e) == "cx: ERANGE: score 11 is outside the NPS scale 0..10")
  raises(function() m:add_many({ 1, 2, 12 }) end, "ERANGE", "values[2]")
  raises(function() m:result() end, "EEMPTY")
  raises(function() m:add(0 / 0) end, "ERANGE")
  assert(not pcall(cx.metric, "promoters"))
  assert(not pcall(m.add_many, m, { 1, "x" }))
end)

test("durations and quantiles", function()
  local d = cx.metric("duration")
  d:add_many({ 600, 30, 7200, 45, 60, 240, 90, 120, 86400, 150, 180, 300, 900, 1200, 3600 })
  local r = d:result()
  assert(r.value == 240 and r.ci_low == 90 and r.ci_high == 1200) -- ref duration
  close(d:quantile(0.9), 5760)
  raises(function() d:quantile(1.5) end, "ERANGE")
end)

test("cx index", function()
  local m = cx.metric("cxi")
  for _, t in ipairs({ { 5, 4, 3 }, { 2, 2, 1 }, { 4, 5, 5 }, { 3, 3, 4 }, { 1, 4, 5 }, { 5, 5, 5 } }) do
    m:add_cxi(t[1], t[2], t[3])
  end
  close(m:result().value, 38.8888888889) -- ref cxi
  raises(function() m:add_cxi(5, 6, 5) end, "ERANGE", "ease answer 6")
end)

test("compare, merge, clone, blobs", function()
  local b, c = cx.metric("nps"), cx.metric("nps")
  local function fill(m, spec)
    for i = 1, #spec, 2 do for _ = 1, spec[i + 1] do m:add(spec[i]) end end
  end
  fill(b, { 10, 30, 9, 25, 8, 20, 7, 10, 6, 8, 3, 7 })
  fill(c, { 10, 20, 9, 20, 8, 20, 7, 15, 5, 15, 1, 10 })
  local cmp = b:compare(c)
  assert(cmp.method == "net_z")
  close(cmp.p_value, 0.0226370801021, 1e-11) -- ref nps_compare_B_C
  local merged = b:clone():merge(c)
  assert(merged:result().count == 200)
  local blob = merged:serialize()
  assert(blob:sub(1, 4) == "CXMT")
  assert(cx.deserialize(blob):result().value == merged:result().value)
  raises(function() cx.deserialize(blob:sub(1, -2)) end, "EFORMAT", "checksum")
  raises(function() b:merge(cx.metric("csat")) end, "ESTATE", "kinds differ")
  assert(b:kind() == "nps")
end)

test("close is idempotent; __close and __gc free", function()
  local m = cx.metric("fcr")
  m:add(1)
  m:close()
  m:close()
  assert(not pcall(m.add, m, 1))
  assert(tostring(m) == "cx.metric (closed)")
  do
    local scoped <close> = cx.metric("fcr")
    scoped:add(0)
  end
  for _ = 1, 1000 do cx.metric("duration"):add(1) end
  collectgarbage()
end)

test("groups", function()
  local DAY = 86400000
  local monday = 20780 * DAY -- 2026-11-23, ISO week 48 (Python: date(2026,11,23).isocalendar())
  local g = cx.group("nps", { period = "iso_week", min_count = 2 })
  g:add("web", 10, monday)
  g:add("web", 9, monday + DAY)
  g:add("app", 3, monday)
  g:add_many({ 8, 7, 6 }, { "web", "web", "app" }, { monday + 7 * DAY, monday + 8 * DAY, monday })
  assert(#g == 3 and g:count() == 3)
  local e = g:entries()
  assert(e[1].segment == "app" and e[1].period_label == "2026-W48" and e[1].count == 2)
  assert(e[2].segment == "web" and e[2].result.value == 100)
  assert(e[3].period_label == "2026-W49" and e[3].result.value == 0)
  assert(g:total():result().count == 6)
  local back = cx.group_deserialize(g:serialize())
  assert(#back == 3)
  raises(function() g:add_many({ 1, 20 }, { "x", "x" }, { 0, 0 }) end, "ERANGE", "values[1]")
  assert(#g == 3)
  local small = cx.group("csat", { min_count = 5 })
  small:add("x", 5)
  assert(small:entries()[1].suppressed and small:entries()[1].result == nil)
end)

test("sentiment", function()
  local an = cx.sentiment()
  assert(an:score("No problems at all").label == "positive")
  assert(an:score("I was on hold for an hour and no one called back").label == "negative")
  local compounds, labels = an:score_many({ "great product", "terrible support" })
  assert(labels[1] == "positive" and labels[2] == "negative")
  close(compounds[1], an:score("great product").compound, 1e-12)
  local r = an:analyze("Great product but support never answered")
  assert(#r.evidence > 0 and r.evidence[1].text == "Great" and r.evidence[1].first == 1)
  assert(r.aspects.quality.label == "positive" and r.aspects.support.label == "negative")
  raises(function() an:score("bad \255 byte") end, "EFORMAT", "byte")
  local lenient = cx.sentiment({ replace_invalid = true })
  assert(lenient:score("great \255 day").label == "positive")
  an:override("cheap", -2)
  assert(an:score("cheap").compound < 0)
end)

test("lexicons and keywords", function()
  local lex = cx.lexicon()
  assert(lex:language() == "en" and lex:count() > 5000)
  assert(lex:lookup("good").valence > 0)
  raises(function() lex:lookup("qwertyuiop") end, "ENOTFOUND")
  local an = cx.sentiment({ lexicon = lex })
  lex:close() -- the analyzer keeps its own reference
  assert(an:score("good").label == "positive")
  local kw = cx.keywords({ min_count = 1 })
  for _ = 1, 3 do
    kw:add("a", "slow delivery again")
    kw:add("a", "delivery was slow")
    kw:add("b", "friendly staff")
  end
  local top = kw:rank(2)
  assert(#top == 2 and top[1].z > 0)
  assert(not pcall(kw.add, kw, "c", "x"))
end)

test("time zones, calendars, service metrics", function()
  local tz = cx.timezone("Europe/Berlin")
  local offset, dst = tz:offset_at("2026-07-01T12:00:00Z")
  assert(offset == 7200 and dst) -- CEST, as Python's zoneinfo says
  local cal = cx.calendar([==[{"timezone": "Europe/Berlin",
    "week": {"mon": [["09:00","12:00"],["13:00","17:00"]], "tue": [["09:00","17:00"]]},
    "holidays": ["2026-11-24"]}]==])
  -- by hand: Monday 2026-11-23 11:30-13:30 spans the lunch break: 30 + 30 minutes
  assert(cal:business_seconds("2026-11-23T11:30:00+01:00", "2026-11-23T13:30:00+01:00") == 3600)
  local span = cal:measure("2026-11-23T08:00:00+01:00", "2026-11-25T08:00:00+01:00")
  assert(span.calendar_seconds == 48 * 3600 and span.business_seconds == 7 * 3600) -- Tuesday is a holiday
  assert(cal:is_open("2026-11-23T10:00:00+01:00") and not cal:is_open("2026-11-23T12:30:00+01:00"))
  assert(cal:add_business_seconds("2026-11-23T11:30:00+01:00", 3600) == cx.parse_instant("2026-11-23T13:30:00+01:00"))
  raises(function() cx.calendar('{"timezone": "Nowhere/Else", "week": {}}') end, "ENOTFOUND")
  local svc = cx.service(cal, { sla = { business_hours = true, first_reply = { normal = 3600 } } })
  cal = nil
  collectgarbage() -- the service keeps its calendar alive
  local ticket = {
    { "2026-11-23T11:00:00+01:00", "created" },
    { "2026-11-23T11:00:00+01:00", "message", "customer" },
    { "2026-11-23T13:30:00+01:00", "message", "agent" },
    { "2026-11-23T13:30:00+01:00", "status", "solved" },
  }
  local m = svc:measure(ticket)
  -- by hand: 2.5 h on the clock, of which 11:00-12:00 and 13:00-13:30 are open: 5400 s
  assert(m.first_reply.calendar == 9000 and m.first_reply.business == 5400)
  assert(m.one_touch == 1 and m.sla_first_reply.state == "breached")
  svc:add_ticket(ticket, "normal", "billing")
  assert(svc:counts().tickets == 1 and svc:metric("first_reply", "business").value == 5400)
  raises(function() svc:add_ticket({ { "2026-11-23T11:00:00+01:00", "message", "agent" } }) end, "EINVAL")
  assert(svc:counts().tickets == 1)
  assert(not pcall(svc.add_ticket, svc, { { 0, "teleported" } }))
end)

test("store", function()
  local path = os.tmpname()
  local f = assert(io.open(path .. "-events.csv", "w"))
  f:write("event_id,customer_id,touchpoint,timestamp\n",
          "e1,c1,home,2026-11-23T09:00:00Z\n", "e2,c1,cart,2026-11-23T09:05:00+01:00\n")
  f:close()
  local st = cx.store(":memory:")
  local r = st:import(path .. "-events.csv", { table = "events" })
  assert(r.table == "events" and r.inserted == 2 and r.rejected == 0)
  assert(st:count("events") == 2)
  local rows = st:rows("events", { order = "time" })
  -- by hand: 09:05+01:00 is 08:05Z, before e1's 09:00Z
  assert(#rows == 2 and rows[1].event_id == "e2" and rows[2].customer_id == "c1")
  assert(st:import(path .. "-events.csv", { table = "events" }).unchanged == 2) -- idempotent
  f = assert(io.open(path .. "-bad.csv", "w"))
  f:write("event_id,customer_id,touchpoint,timestamp\n", "e3,c2,home,2026-13-01T00:00:00Z\n")
  f:close()
  raises(function() st:import(path .. "-bad.csv", { table = "events" }) end, "EFORMAT", "month 13")
  assert(st:count("events") == 2)
  st:close()
  os.remove(path .. "-events.csv"); os.remove(path .. "-bad.csv"); os.remove(path)
end)

test("lifetime models on CDNOW", function()
  local dir = os.getenv("CX_TEST_DATA") or "tests/data"
  local f, r, T = {}, {}, {}
  for line in io.lines(dir .. "/cdnow/cdnow_customers_summary.csv") do
    local _, x, tx, age = line:match("^([^,]+),([^,]+),([^,]+),([^,]+)$")
    if tonumber(x) then
      f[#f + 1], r[#r + 1], T[#T + 1] = tonumber(x), tonumber(tx), tonumber(age)
    end
  end
  assert(#f == 2357)
  local fit = cx.fit_purchases(f, r, T)
  local p = fit:params()
  -- Fader, Hardie & Lee (2005): r 0.243, alpha 4.414, a 0.793, b 2.426, LL -9582.4
  close(p.r, 0.243, 0.0005); close(p.alpha, 4.414, 0.0005); close(p.a, 0.793, 0.0005); close(p.b, 2.426, 0.0005)
  close(p.log_likelihood, -9582.4, 0.05)
  -- Hardie (note 004): customer 1 expects 1.226 purchases in 39 weeks
  close(fit:expected_purchases(39, { f[1] }, { r[1] }, { T[1] })[1], 1.226, 0.001)
  local alive = fit:p_alive(f, r, T)
  assert(#alive == #f and alive[1] > 0 and alive[1] <= 1)
  raises(function() cx.fit_purchases({ 1, -1 }, { 1, 1 }, { 2, 2 }) end, "ERANGE", "frequency[1]")
  assert(not pcall(cx.fit_purchases, { 1, 2 }, { 1 }, { 2, 2 }))
end)

test("journeys", function()
  local DAY = 86400000
  local j = cx.journey({ stages = { "awareness", "consideration", "purchase" }, goals = { "purchase" } })
  j:add_touchpoint("ad", { channel = "social", stage = "awareness" })
  j:add_touchpoint("web", { name = "Web shop", channel = "web", stage = "consideration" })
  j:add_touchpoint("buy", { channel = "web", stage = "purchase" })
  -- paths: c1 ad>web>buy, c2 web>buy, c3 ad>web (counted by hand below)
  j:observe_many({ "c1", "c1", "c1", "c2", "c2", "c3", "c3" }, { "ad", "web", "buy", "web", "buy", "ad", "web" },
                 { 0, DAY, 2 * DAY, 0, DAY, 0, DAY })
  local s = j:summary()
  assert(s.cases == 3 and s.events == 7 and s.goal_cases == 2)
  local counts = {}
  for _, e in ipairs(j:edges()) do counts[e.from .. ">" .. e.to] = e.count end
  assert(counts["ad>web"] == 2 and counts["web>buy"] == 2)
  local variants = j:variants()
  assert(#variants == 3 and variants[1].count == 1)
  local steps, summary = j:funnel()
  assert(#steps == 3 and summary.goal_cases == 2)
  local credit = 0
  for _, a in ipairs(j:attribution("linear")) do credit = credit + a.credit end
  close(credit, 2, 1e-12) -- every conversion credited once
  assert(j:to_json():find('"cases":3', 1, true) or j:to_json():find('"cases": 3', 1, true))
  assert(j:dot():find("digraph", 1, true))
  raises(function() j:observe("c4", "chekout", 0) end, "ENOTFOUND", "chekout")
  assert(j:summary().events == 7)
end)

test("customers, Lua risk rules, segments", function()
  local DAY, T0 = 86400000, 1790000000000
  local db = cx.customers()
  for _, c in ipairs({ "ann", "bob" }) do db:add(c, T0) end
  db:add_event("ann", T0, "purchase", 30)
  db:add_event("ann", T0 + 10 * DAY, "purchase", 50)
  db:add_event("bob", T0, "complaint")
  db:add_event("bob", T0 + DAY, "complaint")
  db:add_event("bob", T0 + 2 * DAY, "nps", 3)
  assert(#db == 2)
  local s = db:signals("ann", T0 + 20 * DAY)
  assert(s.purchases == 2 and s.monetary_total == 80) -- 30 + 50
  assert(db:signals("bob").nps_category == "detractor")
  raises(function() db:add_event("ann", T0, "nps", 11) end, "ERANGE")
  raises(function() db:signals("zoe") end, "ENOTFOUND")
  local risk = cx.risk({ builtin_rules = false })
  risk:add_rule("complaints", function(sig)
    return math.min(1, sig.open_complaints / 2), sig.open_complaints .. " open complaints"
  end, { weight = 0.5 })
  risk:add_rule("broken", function() error("no data") end, { weight = 0.5 })
  local score, counted, failed = risk:score(db, "bob")
  close(score, 1.0, 1e-12) -- the failing rule is isolated: 0.5 * 1 / 0.5
  assert(counted == 1 and failed == 1)
  local _, evidence = risk:explain(db, "bob")
  assert(evidence[1].rule == "complaints" and evidence[1].detail == "2 open complaints")
  local broken
  for _, e in ipairs(evidence) do if e.rule == "broken" then broken = e end end
  assert(broken.status ~= 0 and broken.detail:find("no data", 1, true))
  local segs = cx.segments()
  segs:define("unhappy", "nps_category = 'detractor' and open_complaints >= 2")
  local members = segs:members("unhappy", db)
  assert(#members == 1 and members[1] == "bob")
  raises(function() cx.plugin("/nonexistent/plugin.so") end, "EPLUGIN")
  local coroutine_score = coroutine.wrap(function() return risk:score(db, "bob") end)()
  close(coroutine_score, 1.0, 1e-12) -- Lua rules run on the scoring coroutine
  risk:close()
  collectgarbage()
end)

test("version", function()
  assert(cx.version():match("^%d+%.%d+%.%d+$"))
  assert(cx._VERSION == cx.version())
end)

print(string.format("%d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
