#!/usr/bin/python3
"""Tests of the PostgreSQL extension `cx` on a real PostgreSQL server.

usage: test_postgres.py BUILD_DIR

Installs the built extension into the server's directories (needs root),
starts a throw-away cluster on a Unix socket (pgcluster.py), and checks:

- results against plain SQL formulas computed in the same query (NPS, CSAT,
  FCR shares; NPS trinomial standard error; adjusted-Wald and Wilson
  intervals; CES mean and s/sqrt(n); percentile_cont for exact quantiles);
- results, comparisons and state blobs against the C library itself
  (BUILD_DIR/ext/postgres/tests/cx_figures, fed the same values);
- a forced parallel plan (Gather over Partial Aggregate, 2 workers) against
  the serial plan; rollup tables merged with cx_merge against a single pass;
- NULL handling, every error path (SQLSTATE and message), and that the
  calculators' memory is released with the aggregate's memory context.

Each check is one test; the last line is "suite: postgres passed=N failed=M".
"""
import math
import os
import re
import subprocess
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgcluster  # noqa: E402

# z for a 95 % interval, the normal quantile 0.975 (scipy.stats.norm.ppf(0.975)).
Z95 = 1.959963984540054
ROWS = 200_000

PARALLEL = ("SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; "
            "SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2")
SERIAL = "SET max_parallel_workers_per_gather = 0"

# Survey answers with NULLs sprinkled in; pseudo-random but reproducible
# (hashint4 of the row number). Scores lean towards the top as real NPS
# answers do; waits are up to 2 hours, plus whole days for some tickets.
DATA_SQL = f"""
CREATE TABLE answers AS
SELECT i AS id,
       i % 7 AS team,
       date '2026-01-01' + (i % 30) AS day,
       CASE WHEN i % 97 = 0 THEN NULL ELSE least(10, abs(hashint4(i)) % 14) END AS nps,
       CASE WHEN i % 89 = 0 THEN NULL ELSE (1 + abs(hashint4(i + 1000000)) % 5)::numeric END AS csat,
       (abs(hashint4(i + 2000000)) % 11)::numeric AS csat10,
       CASE WHEN i % 83 = 0 THEN NULL ELSE (1 + abs(hashint4(i + 3000000)) % 7)::numeric END AS ces,
       CASE WHEN i % 79 = 0 THEN NULL ELSE abs(hashint4(i + 4000000)) % 10 < 7 END AS fcr,
       CASE WHEN i % 73 = 0 THEN NULL
            ELSE make_interval(days => CASE WHEN i % 11 = 0 THEN abs(hashint4(i)) % 3 ELSE 0 END,
                               secs => abs(hashint4(i + 5000000)) % 7200) END AS wait
FROM generate_series(1, {ROWS}) AS i;
ANALYZE answers;
"""


class Suite:
    def __init__(self, conn, figures):
        self.conn = conn
        self.cur = conn.cursor()
        self.figures = figures
        self.passed = 0
        self.failed = 0

    def check(self, name, fn):
        try:
            ok, detail = fn()
        except Exception as e:  # a check that raises has failed
            ok, detail = False, "".join(traceback.format_exception_only(type(e), e)).strip()
        if ok:
            self.passed += 1
            print(f"ok {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}: {detail}")

    def rows(self, sql, params=None):
        self.cur.execute(sql, params)
        return self.cur.fetchall()

    def one(self, sql, params=None):
        return self.rows(sql, params)[0]

    def true(self, sql):
        """A query whose every row is a single true boolean."""
        rows = self.rows(sql)
        bad = [r for r in rows if r[0] is not True]
        return (len(rows) > 0 and not bad), f"{len(bad)} of {len(rows)} rows false: {bad[:3]}"

    def error(self, sql, sqlstate, fragment):
        """A statement that must fail with `sqlstate` and a message containing `fragment`."""
        try:
            self.cur.execute(sql)
        except Exception as e:
            code, message = getattr(e, "pgcode", None), getattr(e, "pgerror", "") or str(e)
            return (code == sqlstate and fragment in message), f"got {code}: {message.strip()}"
        return False, "no error raised"

    def c_library(self, args, values):
        """Runs the C library on `values` (one per line) and returns its output fields."""
        out = subprocess.run([self.figures] + args, input="".join(f"{v}\n" for v in values),
                             capture_output=True, text=True, check=True).stdout
        return out.split()


def close(a, b, rel=1e-12, abs_tol=1e-9):
    """SQL figure `a` against C figure `b` (a number or its text)."""
    b = float(b)
    if math.isnan(b):
        return a is None  # the extension reports figures libcx cannot compute as NULL
    if a is None:
        return False
    return math.isclose(float(a), b, rel_tol=rel, abs_tol=abs_tol)


def all_close(xs, ys, **kw):
    return len(xs) == len(ys) and all(close(x, y, **kw) for x, y in zip(xs, ys))


def parse_result(text):
    """A cx_result or cx_comparison composite as psycopg2 returns it: "(1,2,,3,4)"."""
    return [None if f == "" else float(f) for f in text.strip("()").split(",")]


# ---- checks ------------------------------------------------------------

def basics(s):
    s.check("CREATE EXTENSION cx", lambda: (s.cur.execute("CREATE EXTENSION cx") or True, ""))
    s.check("cx_library_version names the linked libcx",
            lambda: (re.fullmatch(r"\d+\.\d+\.\d+", s.one("SELECT cx_library_version()")[0]) is not None, ""))
    s.cur.execute(DATA_SQL)
    # Serial plans unless a check asks for parallel ones: a DURATION sketch
    # over more than 1024 values depends on how the rows were split.
    s.cur.execute(SERIAL)


def against_sql(s):
    # NPS = 100 (P - D) / n over the non-NULL answers, per team and overall.
    s.check("NPS value and n equal the plain SQL formula", lambda: s.true("""
        SELECT abs((r).value - 100.0 * (p - d) / n) < 1e-9 AND (r).n = n
        FROM (SELECT cx_nps(nps) r, count(*) FILTER (WHERE nps >= 9) p, count(*) FILTER (WHERE nps <= 6) d,
                     count(nps) n FROM answers GROUP BY ROLLUP (team)) x"""))
    s.check("NPS as a window aggregate equals NPS per group", lambda: s.true("""
        SELECT bool_and(w = g) FROM (SELECT team, cx_nps(nps) OVER (PARTITION BY team) w FROM answers) x
        JOIN (SELECT team, cx_nps(nps) g FROM answers GROUP BY team) y USING (team)"""))
    # A moving frame restarts the aggregate for every row (no inverse
    # transition): each restart resets the context and frees the calculator.
    s.check("NPS over a moving window frame equals the SQL formula over the same frame", lambda: s.true("""
        SELECT abs(coalesce((r).value, 0) - coalesce(100.0 * (p - d) / nullif(n, 0), 0)) < 1e-9
               AND coalesce((r).n, 0) = n
        FROM (SELECT cx_nps(nps) OVER w r, count(*) FILTER (WHERE nps >= 9) OVER w p,
                     count(*) FILTER (WHERE nps <= 6) OVER w d, count(nps) OVER w n
              FROM answers WHERE id <= 3000 WINDOW w AS (ORDER BY id ROWS BETWEEN 9 PRECEDING AND CURRENT ROW)) x"""))
    s.check("NPS standard error equals the trinomial formula in SQL", lambda: s.true("""
        WITH t AS (SELECT team, cx_nps(nps) r, avg((nps >= 9)::int) p, avg((nps <= 6)::int) d, count(nps) n
                   FROM answers GROUP BY team)
        SELECT abs((r).std_error - 100 * sqrt((p + d - (p - d) ^ 2) / n)) < 1e-9 FROM t"""))
    # Adjusted Wald (DESIGN.md): n' = n + 3, p' = (P + 0.75)/n', d' = (D + 0.75)/n'.
    s.check("NPS interval equals the adjusted-Wald formula in SQL", lambda: s.true(f"""
        WITH t AS (SELECT team, cx_nps(nps) r, count(*) FILTER (WHERE nps >= 9) + 0.75 pp,
                          count(*) FILTER (WHERE nps <= 6) + 0.75 dd, count(nps) + 3.0 n FROM answers GROUP BY team),
             a AS (SELECT r, pp / n p, dd / n d, n FROM t)
        SELECT abs((r).ci_low - (100 * (p - d) - {Z95} * 100 * sqrt((p + d - (p - d) ^ 2) / n))) < 1e-9
           AND abs((r).ci_high - (100 * (p - d) + {Z95} * 100 * sqrt((p + d - (p - d) ^ 2) / n))) < 1e-9 FROM a"""))
    # Wilson score interval of a share p over n answers.
    wilson = (f"(p + {Z95}^2 / (2 * n) {{sign}} {Z95} * sqrt(p * (1 - p) / n + {Z95}^2 / (4 * n^2)))"
              f" / (1 + {Z95}^2 / n) * 100")
    for name, agg, share in (("CSAT", "cx_csat(csat)", "avg((csat >= 4)::int)"),
                             ("CSAT threshold 5", "cx_csat(csat, 5)", "avg((csat >= 5)::int)"),
                             ("CSAT 0..10 threshold 9", "cx_csat(csat10, 9, 0, 10)", "avg((csat10 >= 9)::int)"),
                             ("FCR", "cx_fcr(fcr)", "avg(fcr::int)")):
        col = re.search(r"\((\w+)", agg).group(1)
        s.check(f"{name}: value, n, std_error and Wilson interval equal SQL formulas", lambda agg=agg, share=share,
                col=col: s.true(f"""
            WITH t AS (SELECT {agg} r, {share}::float8 p, count({col})::float8 n FROM answers GROUP BY team)
            SELECT abs((r).value - 100 * p) < 1e-9 AND (r).n = n
               AND abs((r).std_error - 100 * sqrt(p * (1 - p) / n)) < 1e-9
               AND abs((r).ci_low - {wilson.format(sign='-')}) < 1e-9
               AND abs((r).ci_high - {wilson.format(sign='+')}) < 1e-9 FROM t"""))
    s.check("CES mean and standard error equal avg and stddev_samp / sqrt(n)", lambda: s.true("""
        WITH t AS (SELECT cx_ces(ces) r, avg(ces) m, stddev_samp(ces) sd, count(ces) n FROM answers GROUP BY team)
        SELECT abs((r).value - m) < 1e-12 AND abs((r).std_error - sd / sqrt(n)) < 1e-12 AND (r).n = n FROM t"""))
    # While a calculator holds at most 1024 durations its quantiles are exact
    # and interpolate linearly, as percentile_cont does.
    s.check("DURATION median and p90 equal percentile_cont on 1000 waits", lambda: s.true("""
        WITH w AS (SELECT wait FROM answers WHERE wait IS NOT NULL ORDER BY id LIMIT 1000)
        SELECT abs((cx_duration(wait)).value
                   - percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM wait))) < 1e-9
           AND abs(cx_quantile(cx_duration_state(wait), 0.9)
                   - percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM wait))) < 1e-9
           AND cx_quantile(cx_duration_state(wait), ARRAY[0.25, 0.75])
               = percentile_cont(ARRAY[0.25, 0.75]) WITHIN GROUP (ORDER BY extract(epoch FROM wait)) FROM w"""))
    s.check("DURATION in seconds equals DURATION of intervals", lambda: s.true("""
        SELECT cx_duration(wait) = cx_duration(extract(epoch FROM wait)::float8)
           AND cx_duration_state(wait)::bytea = cx_duration_state(extract(epoch FROM wait)::float8)::bytea
        FROM answers"""))
    # Beyond 1024 values the sketch's rank error stays below 1 % (docs/metrics.md).
    s.check("DURATION median over 200,000 waits is within 1 % in rank", lambda: s.true("""
        WITH m AS (SELECT (cx_duration(wait)).value v FROM answers)
        SELECT abs(avg((extract(epoch FROM wait) <= v)::int) - 0.5) < 0.01 FROM answers, m
        WHERE wait IS NOT NULL GROUP BY v"""))
    s.check("accessor functions equal the composite's fields", lambda: s.true("""
        SELECT cx_value(r) = (r).value AND cx_std_error(r) = (r).std_error AND cx_ci_low(r) = (r).ci_low
           AND cx_ci_high(r) = (r).ci_high AND cx_n(r) = (r).n
           AND cx_value(st) = (r).value AND cx_std_error(st) = (r).std_error AND cx_ci_low(st) = (r).ci_low
           AND cx_ci_high(st) = (r).ci_high AND cx_n(st) = (r).n AND cx_result(st) = r
        FROM (SELECT cx_nps(nps) r, cx_nps_state(nps) st FROM answers GROUP BY team) x"""))
    s.check("cx_kind names each state's metric", lambda: s.true("""
        SELECT ARRAY[cx_kind(cx_nps_state(nps)), cx_kind(cx_csat_state(csat)), cx_kind(cx_ces_state(ces)),
                     cx_kind(cx_fcr_state(fcr)), cx_kind(cx_duration_state(wait))]
               = ARRAY['nps', 'csat', 'ces', 'fcr', 'duration'] FROM answers"""))


METRICS = [  # name, aggregate call, column, cx_figures arguments, SQL value -> text for the C library
    ("NPS", "cx_nps{s}(nps)", "nps", ["nps"], "nps::text"),
    ("CSAT", "cx_csat{s}(csat)", "csat", ["csat"], "csat::text"),
    ("CSAT 0..10 threshold 9", "cx_csat{s}(csat10, 9, 0, 10)", "csat10", ["csat", "9", "0", "10"], "csat10::text"),
    ("CES", "cx_ces{s}(ces)", "ces", ["ces"], "ces::text"),
    ("FCR", "cx_fcr{s}(fcr)", "fcr", ["fcr"], "fcr::int::text"),
    ("DURATION", "cx_duration{s}(wait)", "wait", ["duration"], "extract(epoch FROM wait)::float8::text"),
]


def against_c_library(s):
    for name, agg, col, args, as_text in METRICS:
        for team in (0, 3):
            values = [r[0] for r in s.rows(f"SELECT {as_text} FROM answers WHERE team = {team} AND {col} IS NOT NULL "
                                           "ORDER BY id")]

            def same_result(agg=agg, team=team, args=args, values=values):
                got = parse_result(s.one(f"SELECT {agg.format(s='')} FROM answers WHERE team = {team}")[0])
                want = s.c_library(["result"] + args, values)
                return all_close(got, want), f"SQL {got} vs C {want}"
            s.check(f"{name} team {team}: result equals the C library's", same_result)
        def same_blob(agg=agg, args=args, values=values):
            got = bytes(s.one(f"SELECT {agg.format(s='_state')}::bytea FROM answers WHERE team = 3")[0])
            want = bytes.fromhex(s.c_library(["blob"] + args, values)[0])
            return got == want, f"{len(got)} vs {len(want)} bytes"
        s.check(f"{name}: cx_state holds exactly the C library's blob", same_blob)
    waits = [r[0] for r in s.rows("SELECT extract(epoch FROM wait)::float8::text FROM answers "
                                  "WHERE team = 2 AND wait IS NOT NULL ORDER BY id")]
    s.check("cx_quantile(state, 0.9) over 28,000 waits equals the C library's", lambda: (
        close(s.one("SELECT cx_quantile(cx_duration_state(wait), 0.9) FROM answers WHERE team = 2")[0],
              s.c_library(["quantile", "0.9"], waits)[0]), ""))
    with tempfile.TemporaryDirectory() as tmp:
        for kind, col, as_text in (("nps", "nps", "nps::text"), ("csat", "csat", "csat::text"),
                                   ("ces", "ces", "ces::text"), ("fcr", "fcr", "fcr::int::text")):
            files = []
            for team in (1, 2):
                path = os.path.join(tmp, f"{kind}{team}")
                with open(path, "w") as f:
                    f.writelines(f"{r[0]}\n" for r in s.rows(
                        f"SELECT {as_text} FROM answers WHERE team = {team} AND {col} IS NOT NULL ORDER BY id"))
                files.append(path)

            def same_comparison(kind=kind, col=col, files=files):
                got = parse_result(s.one(f"""SELECT cx_compare(cx_{kind}_state({col}) FILTER (WHERE team = 1),
                                                     cx_{kind}_state({col}) FILTER (WHERE team = 2)) FROM answers""")[0])
                want = s.c_library(["compare", kind] + files, [])
                return all_close(got, want), f"SQL {got} vs C {want}"
            s.check(f"cx_compare of two {kind.upper()} teams equals the C library's", same_comparison)


ALL_AGGS = ("cx_nps(nps), cx_csat(csat), cx_csat(csat10, 9, 0, 10), cx_ces(ces), cx_fcr(fcr), "
            "cx_nps_state(nps)::bytea, cx_csat_state(csat)::bytea, cx_ces_state(ces)::bytea, cx_fcr_state(fcr)::bytea")


def parallel(s):
    s.cur.execute(SERIAL)
    serial_all = s.rows(f"SELECT {ALL_AGGS} FROM answers")
    serial_team = s.rows(f"SELECT team, {ALL_AGGS} FROM answers GROUP BY team ORDER BY team")
    small = ("SELECT cx_duration(wait), cx_quantile(cx_duration_state(wait), ARRAY[0, 0.1, 0.9, 1]) "
             "FROM answers WHERE id <= 1000")
    serial_small = s.rows(small)
    s.cur.execute(PARALLEL)
    plan = "\n".join(r[0] for r in s.rows(f"EXPLAIN (COSTS OFF) SELECT {ALL_AGGS} FROM answers"))
    s.check("forced parallel plan: Finalize Aggregate over Gather over Partial Aggregate",
            lambda: (re.search(r"Finalize Aggregate.*Gather.*Workers Planned: 2.*Partial Aggregate", plan, re.S)
                     is not None, plan))
    analyzed = "\n".join(r[0] for r in s.rows(f"EXPLAIN (ANALYZE, COSTS OFF) SELECT {ALL_AGGS} FROM answers"))
    s.check("forced parallel plan launches 2 workers",
            lambda: ("Workers Launched: 2" in analyzed, analyzed))
    s.check("parallel plan gives results and states identical to the serial plan",
            lambda: (s.rows(f"SELECT {ALL_AGGS} FROM answers") == serial_all, ""))
    grouped_plan = "\n".join(r[0] for r in s.rows(
        f"EXPLAIN (COSTS OFF) SELECT team, {ALL_AGGS} FROM answers GROUP BY team"))
    s.check("grouped parallel plan: Partial aggregation under Gather",
            lambda: (re.search(r"Gather.*Partial (Hash|Group)Aggregate", grouped_plan, re.S) is not None,
                     grouped_plan))
    s.check("grouped parallel plan gives results identical to the serial plan",
            lambda: (s.rows(f"SELECT team, {ALL_AGGS} FROM answers GROUP BY team ORDER BY team") == serial_team, ""))
    s.cur.execute("SET parallel_leader_participation = off")
    s.check("workers alone (leader not scanning) give identical results",
            lambda: (s.rows(f"SELECT {ALL_AGGS} FROM answers") == serial_all, ""))
    s.check("DURATION over 987 waits, parallel, identical to serial (exact sketches merge exactly)",
            lambda: (s.rows(small) == serial_small, ""))
    s.cur.execute("RESET parallel_leader_participation")
    s.check("DURATION over 200,000 waits, parallel: median within 1 % in rank", lambda: s.true("""
        WITH m AS (SELECT (cx_duration(wait)).value v FROM answers)
        SELECT abs(avg((extract(epoch FROM wait) <= v)::int) - 0.5) < 0.01 FROM answers, m
        WHERE wait IS NOT NULL GROUP BY v"""))
    s.check("an out-of-scale value in a parallel worker raises the libcx message", lambda: s.error(
        "SELECT cx_nps(CASE WHEN id = 150000 THEN 12 ELSE nps END) FROM answers", "22003",
        "score 12 is outside the NPS scale 0..10"))
    s.cur.execute(SERIAL)


def rollup(s):
    s.cur.execute("""
        CREATE TABLE rollup AS
        SELECT team, day, cx_nps_state(nps) nps, cx_csat_state(csat) csat, cx_ces_state(ces) ces,
               cx_fcr_state(fcr) fcr, cx_duration_state(wait) wait
        FROM answers GROUP BY team, day""")
    single = s.rows("""SELECT team, cx_nps(nps), cx_csat(csat), cx_ces(ces), cx_fcr(fcr),
                              cx_nps_state(nps)::bytea, cx_csat_state(csat)::bytea
                       FROM answers GROUP BY team ORDER BY team""")
    merged_sql = """SELECT team, cx_result(cx_merge(nps)), cx_result(cx_merge(csat)), cx_result(cx_merge(ces)),
                           cx_result(cx_merge(fcr)), cx_merge(nps)::bytea, cx_merge(csat)::bytea
                    FROM rollup GROUP BY team ORDER BY team"""
    s.check("rollup by team and day, merged by team, equals a single pass (results and blobs)",
            lambda: (s.rows(merged_sql) == single, ""))
    s.check("merging every rollup row equals the whole table", lambda: s.true("""
        SELECT (SELECT cx_result(cx_merge(nps)) FROM rollup) = (SELECT cx_nps(nps) FROM answers)
           AND (SELECT cx_result(cx_merge(fcr)) FROM rollup) = (SELECT cx_fcr(fcr) FROM answers)"""))
    s.cur.execute(PARALLEL)
    s.check("rollup merged under a forced parallel plan equals a single pass",
            lambda: (s.rows(merged_sql) == single, ""))
    s.cur.execute(SERIAL)
    s.check("merged DURATION states: median within 1 % in rank", lambda: s.true("""
        WITH m AS (SELECT cx_value(cx_merge(wait)) v FROM rollup)
        SELECT abs(avg((extract(epoch FROM wait) <= v)::int) - 0.5) < 0.01 FROM answers, m
        WHERE wait IS NOT NULL GROUP BY v"""))
    s.check("cx_merge(a, b) of two states equals the aggregate cx_merge", lambda: s.true("""
        SELECT cx_merge(a.nps, b.nps)::bytea = (SELECT cx_merge(nps) FROM rollup r
                                                WHERE r.team = 1 AND r.day IN (a.day, b.day))::bytea
           AND cx_merge(a.nps, NULL)::bytea = a.nps::bytea AND cx_merge(NULL, b.nps)::bytea = b.nps::bytea
        FROM rollup a JOIN rollup b ON a.team = 1 AND b.team = 1 AND b.day = a.day + 1"""))

    def upsert():
        s.cur.execute("""CREATE TABLE daily (team int, day date, nps cx_state, wait cx_state,
                                             PRIMARY KEY (team, day))""")
        for batch in ("id <= 120000", "id > 120000"):
            s.cur.execute(f"""INSERT INTO daily
                SELECT team, day, cx_nps_state(nps), cx_duration_state(wait) FROM answers WHERE {batch}
                GROUP BY team, day
                ON CONFLICT (team, day) DO UPDATE
                SET nps = cx_merge(daily.nps, EXCLUDED.nps), wait = cx_merge(daily.wait, EXCLUDED.wait)""")
        return s.true("""SELECT d.nps::bytea = r.nps::bytea AND cx_n(d.wait) = cx_n(r.wait)
                         FROM daily d JOIN rollup r USING (team, day)""")
    s.check("rollup kept up to date in two batches with INSERT ... ON CONFLICT and cx_merge(a, b)", upsert)
    s.check("a state survives its text form (dump and restore)", lambda: s.true("""
        SELECT nps::text::cx_state::bytea = nps::bytea AND wait::text::cx_state::bytea = wait::bytea FROM rollup"""))
    s.check("a state survives bytea and back", lambda: s.true(
        "SELECT nps::bytea::cx_state::bytea = nps::bytea FROM rollup"))

    def binary_copy():
        import io
        buf = io.BytesIO()
        s.cur.copy_expert("COPY (SELECT team, day, wait FROM rollup) TO STDOUT (FORMAT binary)", buf)
        s.cur.execute("CREATE TEMP TABLE copied (team int, day date, wait cx_state)")
        buf.seek(0)
        s.cur.copy_expert("COPY copied FROM STDIN (FORMAT binary)", buf)
        return s.true("""SELECT count(*) = (SELECT count(*) FROM rollup) AND bool_and(c.wait::bytea = r.wait::bytea)
                         FROM copied c JOIN rollup r USING (team, day)""")
    s.check("a state survives binary COPY out and in (send / receive)", binary_copy)


def nulls_and_empty(s):
    s.check("NULL answers are skipped", lambda: s.true("""
        SELECT cx_nps(nps) = cx_nps(nps) FILTER (WHERE nps IS NOT NULL)
           AND cx_n(cx_duration(wait)) = count(wait) AND cx_n(cx_fcr(fcr)) = count(fcr) FROM answers"""))
    s.check("only NULL answers give NULL results and states", lambda: s.true("""
        SELECT cx_nps(NULL::int) IS NULL AND cx_nps_state(NULL::int) IS NULL AND cx_csat(NULL, 4) IS NULL
           AND cx_duration(NULL::interval) IS NULL AND cx_merge(NULL::cx_state) IS NULL
        FROM generate_series(1, 3)"""))
    s.check("no rows give NULL", lambda: s.true(
        "SELECT cx_nps(nps) IS NULL AND cx_merge(nps_s) IS NULL FROM "
        "(SELECT nps, NULL::cx_state nps_s FROM answers WHERE false) x"))
    s.check("figures libcx cannot compute (CES std_error of one answer) are NULL", lambda: s.true("""
        SELECT (r).value = 5 AND (r).std_error IS NULL AND (r).ci_low IS NULL AND (r).n = 1
        FROM (SELECT cx_ces(5)) x(r)"""))
    s.check("cx_quantile skips NULL q and cx_compare is NULL for a NULL state", lambda: s.true("""
        SELECT (cx_quantile(cx_duration_state(x), ARRAY[0.5, NULL]))[2] IS NULL
           AND cx_compare(cx_nps_state(x::int), NULL) IS NULL FROM generate_series(1, 5) x"""))


def errors(s):
    cases = [
        ("NPS score above the scale", "SELECT cx_nps(x) FROM (VALUES (3), (11)) t(x)", "22003",
         "score 11 is outside the NPS scale 0..10"),
        ("NPS score below the scale", "SELECT cx_nps_state(-1)", "22003", "score -1 is outside the NPS scale 0..10"),
        ("CSAT fraction", "SELECT cx_csat(4.5)", "22003", "score 4.5 is not a whole number on the CSAT scale 1..5"),
        ("CSAT threshold outside the scale", "SELECT cx_csat(4, 9)", "22023",
         "threshold 9 is not inside the CSAT scale 1..5"),
        ("CSAT scale reversed", "SELECT cx_csat(4, 4, 5, 1)", "22023", "scale 5..1 for CSAT must run upward"),
        ("CSAT NULL threshold", "SELECT cx_csat(4, NULL)", "22004", "cx_csat: threshold is NULL"),
        ("CSAT threshold changing within a group", "SELECT cx_csat(x, t) FROM (VALUES (4, 4), (5, 5)) v(x, t)",
         "22023", "threshold changed from 4 to 5 within one group"),
        ("CES NaN", "SELECT cx_ces('NaN')", "22003", "score NaN is not a number (the CES scale is 1..7)"),
        ("CES infinity", "SELECT cx_ces('Infinity')", "22003", "score inf is outside the CES scale 1..7"),
        ("negative interval", "SELECT cx_duration(interval '-5 minutes')", "22003",
         "duration -300 is not a finite number of seconds >= 0"),
        ("infinite seconds", "SELECT cx_duration_state('Infinity'::float8)", "22003",
         "duration inf is not a finite number of seconds >= 0"),
        ("merging different kinds",
         "SELECT cx_merge(s) FROM (SELECT cx_nps_state(9) UNION ALL SELECT cx_csat_state(4)) t(s)", "22023",
         "cx_metric_merge: kinds differ (NPS vs CSAT)"),
        ("merging different options",
         "SELECT cx_merge(s) FROM (SELECT cx_csat_state(4) UNION ALL SELECT cx_csat_state(4, 5)) t(s)", "22023",
         "the two CSAT calculators differ in option threshold"),
        ("merging two states of different kinds", "SELECT cx_merge(cx_nps_state(9), cx_ces_state(3))", "22023",
         "kinds differ (NPS vs CES)"),
        ("comparing different kinds", "SELECT cx_compare(cx_nps_state(9), cx_fcr_state(true))", "22023",
         "kinds differ (NPS vs FCR)"),
        ("quantile of a NPS state", "SELECT cx_quantile(cx_nps_state(9), 0.5)", "22023", "DURATION"),
        ("quantile outside [0, 1]", "SELECT cx_quantile(cx_duration_state(60.0), 1.5)", "22003", "1.5"),
        ("quantiles with one outside [0, 1]", "SELECT cx_quantile(cx_duration_state(60.0), ARRAY[0.5, -1])",
         "22003", "-1"),
        ("state text without \\x", "SELECT 'abc'::cx_state", "22P02", "invalid input syntax for type cx_state"),
        ("state text with bad hex digits", "SELECT '\\xzz'::cx_state", "22023", "invalid hexadecimal digit"),
        ("truncated state", "SELECT '\\x43584d54'::cx_state", "22P03", "truncated"),
        ("state with a flipped byte",
         "SELECT set_byte(cx_nps_state(9)::bytea, 40, 7)::cx_state", "22P03", "checksum"),
        ("not a state", "SELECT cx_result('\\x0102030405060708090a'::bytea::cx_state)", "22P03",
         "cx_metric_deserialize"),
    ]
    for name, sql, code, fragment in cases:
        s.check(f"error: {name}", lambda sql=sql, code=code, fragment=fragment: s.error(sql, code, fragment))
    s.check("the session works after the errors", lambda: s.true("SELECT (cx_nps(10)).value = 100"))


def backend_rss_kib(s):
    pid = s.one("SELECT pg_backend_pid()")[0]
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


# Each run below builds 2000 calculators of 1000 durations (about 20 MB);
# if they were not freed the backend would grow by about 60 MB over 3 runs.
LEAK_LIMIT_KIB = 16 * 1024


def memory(s):
    """The calculators live outside PostgreSQL's memory contexts; a reset
    callback frees them with the aggregate's context."""
    query = """SELECT count(s) FROM (SELECT g, cx_duration_state(v) s FROM
                 (SELECT i % 2000 g, (i % 1000)::float8 v FROM generate_series(1, 2000000) i) x GROUP BY g) y"""
    failing = query.replace("(i % 1000)::float8 v", "CASE WHEN i = 1999999 THEN -1 ELSE i % 1000 END::float8 v")
    for setting, label in (("SET enable_hashagg = off", "sorted groups"),
                           ("SET work_mem = '512MB'; SET enable_hashagg = on; SET enable_sort = off",
                            "hashed groups")):
        s.cur.execute(setting)

        def steady(query=query):
            s.rows(query)
            s.rows(query)
            before = backend_rss_kib(s)
            for _ in range(3):
                s.rows(query)
            grown = backend_rss_kib(s) - before
            return grown < LEAK_LIMIT_KIB, f"backend grew by {grown} KiB over 3 runs"
        s.check(f"memory: 2000 DURATION states ({label}) are freed after each query", steady)

        def after_errors(failing=failing):
            s.error(failing, "22003", "duration -1")
            before = backend_rss_kib(s)
            for _ in range(3):
                s.error(failing, "22003", "duration -1")
            grown = backend_rss_kib(s) - before
            return grown < LEAK_LIMIT_KIB, f"backend grew by {grown} KiB over 3 failed runs"
        s.check(f"memory: states are freed when the query fails midway ({label})", after_errors)
        s.cur.execute("RESET work_mem; RESET enable_hashagg; RESET enable_sort")


def module_symbols(s, build):
    """cx.so carries libcx inside, hidden: it needs no libcx.so and exports
    only the functions the install script declares, their info functions and
    PostgreSQL's magic block."""
    module = os.path.join(build, "ext", "postgres", "cx.so")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cx--0.2.0.sql")
    with open(script) as f:
        sql = f.read()
    declared = set(re.findall(r"'MODULE_PATHNAME', '(\w+)'", sql))
    declared |= set(re.findall(r"CREATE FUNCTION (\w+)\([^)]*\) RETURNS \w+(?:\[\])?\s+AS 'MODULE_PATHNAME' LANGUAGE",
                               sql))
    nm = subprocess.run(["nm", "-D", "--defined-only", module], check=True, capture_output=True, text=True).stdout
    exported = {line.split()[-1] for line in nm.splitlines() if line.strip()}
    allowed = declared | {"pg_finfo_" + d for d in declared} | {"Pg_magic_func"}
    needed = subprocess.run(["readelf", "-d", module], check=True, capture_output=True, text=True).stdout
    s.check("cx.so exports only its SQL functions (libcx hidden inside)",
            lambda: (exported == allowed, f"unexpected {sorted(exported - allowed)[:5]}, "
                                          f"missing {sorted(allowed - exported)[:5]}"))
    s.check("cx.so does not need libcx.so at run time", lambda: ("libcx" not in needed, needed))


def other_schema(s, pg):
    """CREATE EXTENSION cx SCHEMA x: the SQL-language accessors find the
    extension's functions without x on the search_path."""
    s.cur.execute("CREATE DATABASE schema_test")
    conn = pg.connect("schema_test")
    try:
        cur = conn.cursor()
        cur.execute("CREATE SCHEMA analytics; CREATE EXTENSION cx SCHEMA analytics; SET search_path = public")
        cur.execute("SELECT analytics.cx_value(st) = 100 AND analytics.cx_n(st) = 2 AND analytics.cx_ci_low(st) < 100 "
                    "FROM (SELECT analytics.cx_nps_state(x) FROM (VALUES (9), (10)) t(x)) u(st)")
        return cur.fetchone()[0] is True, "wrong figures"
    finally:
        conn.close()


def main():
    build = os.path.abspath(sys.argv[1])
    figures = os.path.join(build, "ext", "postgres", "tests", "cx_figures")
    try:
        pgcluster.install_extension(build)
    except pgcluster.Unavailable as e:
        print(f"postgres suite skipped: {e}")
        print("suite: postgres passed=0 failed=0")
        return 0
    with pgcluster.Cluster() as pg:
        s = Suite(pg.connect(), figures)
        try:
            module_symbols(s, build)
            for part in (basics, against_sql, against_c_library, parallel, rollup, nulls_and_empty, errors, memory):
                part(s)
            s.check("the extension works from a schema outside the search_path", lambda: other_schema(s, pg))
        except Exception:
            traceback.print_exc()
            print(pg.server_log_tail())
            s.failed += 1
    print(f"suite: postgres passed={s.passed} failed={s.failed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
