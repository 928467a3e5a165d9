#!/usr/bin/python3
"""cx_nps in PostgreSQL against the same NPS in plain SQL, in the same run.

usage: bench_postgres.py BUILD_DIR

Installs the built extension (needs root), starts a throw-away cluster
(ext/postgres/tests/pgcluster.py), loads 10 million scores 0..10 into a
table and times, as medians of repeated runs taking turns:

- count(score): the scan alone, the floor for any aggregate;
- cx_nps(score), which also gives the standard error, interval and n;
- the peer: plain SQL, 100 * avg(CASE WHEN score >= 9 THEN 1 WHEN score <= 6
  THEN -1 ELSE 0 END), and the two-average form (share of promoters minus
  share of detractors);
- both again with a forced 2-worker parallel plan.

CX_BENCH_QUICK=1 uses 200,000 rows. Exits 77 (skipped) when not root.
"""
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "ext", "postgres", "tests"))
import pgcluster  # noqa: E402

QUICK = os.environ.get("CX_BENCH_QUICK", "") not in ("", "0")
ROWS = 200_000 if QUICK else 10_000_000
REPEATS = 3 if QUICK else 7

QUERIES = {
    "scan": "SELECT count(score) FROM answers",
    "cx_nps": "SELECT (cx_nps(score)).value FROM answers",
    "sql_one_case": "SELECT 100 * avg(CASE WHEN score >= 9 THEN 1 WHEN score <= 6 THEN -1 ELSE 0 END) FROM answers",
    "sql_two_avgs": "SELECT 100 * (avg(CASE WHEN score >= 9 THEN 1.0 ELSE 0 END)"
                    " - avg(CASE WHEN score <= 6 THEN 1.0 ELSE 0 END)) FROM answers",
}
SERIAL = "SET max_parallel_workers_per_gather = 0"
PARALLEL = ("SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0; "
            "SET max_parallel_workers_per_gather = 2")


def medians(cur, queries):
    """Median seconds and last value of each query; the queries take turns
    within each round, so a busy moment on a shared machine hits them alike."""
    times = {name: [] for name in queries}
    values = {}
    for _ in range(REPEATS):
        for name, sql in queries.items():
            t0 = time.perf_counter()
            cur.execute(sql)
            values[name] = cur.fetchone()[0]
            times[name].append(time.perf_counter() - t0)
    return {name: (statistics.median(t), values[name]) for name, t in times.items()}


def workers_launched(cur, sql):
    cur.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql)
    for (line,) in cur.fetchall():
        if "Workers Launched" in line:
            return int(line.split(":")[1])
    return 0


def run(cur):
    cur.execute("CREATE EXTENSION cx")
    # Scores weighted as real NPS answers lean (most 8-10), reproducible.
    cur.execute(f"""CREATE TABLE answers AS
        SELECT (ARRAY[0,1,2,3,4,5,5,6,6,6,7,7,7,8,8,8,8,9,9,9,9,9,10,10,10,10,10,10])
               [1 + abs(hashint4(i)) % 28] AS score
        FROM generate_series(1, {ROWS}) AS i""")
    cur.execute("VACUUM ANALYZE answers")
    cur.execute("SELECT current_setting('server_version'), current_setting('jit'), "
                "pg_size_pretty(pg_relation_size('answers'))")
    version, jit, size = cur.fetchone()
    cur.execute(SERIAL)
    cur.execute(QUERIES["scan"])  # warm the buffer cache
    serial = medians(cur, QUERIES)
    cur.execute(PARALLEL)
    parallel = medians(cur, {name: QUERIES[name] for name in ("cx_nps", "sql_one_case")})
    workers = workers_launched(cur, QUERIES["cx_nps"])

    t = {k: v[0] for k, v in serial.items()}
    print(f"cx_nps over {ROWS:,} rows, PostgreSQL {version} (table {size}, jit {jit}; medians of {REPEATS} runs)")
    print(f"  count(score), the scan alone   : {t['scan']:8.3f} s")
    print(f"  cx_nps(score)                  : {t['cx_nps']:8.3f} s  {ROWS / t['cx_nps'] / 1e6:6.1f} M rows/s"
          f"  NPS {serial['cx_nps'][1]:.3f} (with std_error, CI, n)")
    print(f"  plain SQL, avg of one CASE     : {t['sql_one_case']:8.3f} s  {ROWS / t['sql_one_case'] / 1e6:6.1f} M rows/s"
          f"  NPS {float(serial['sql_one_case'][1]):.3f}")
    print(f"  plain SQL, two avgs of CASE    : {t['sql_two_avgs']:8.3f} s  {ROWS / t['sql_two_avgs'] / 1e6:6.1f} M rows/s"
          f"  NPS {float(serial['sql_two_avgs'][1]):.3f}")
    print(f"  ratio plain SQL / cx_nps       : {t['sql_one_case'] / t['cx_nps']:8.2f}x (one CASE),"
          f" {t['sql_two_avgs'] / t['cx_nps']:.2f}x (two avgs)  (> 1: cx_nps faster)")
    p_cx, p_sql = parallel["cx_nps"][0], parallel["sql_one_case"][0]
    print(f"  cx_nps, 2-worker parallel plan : {p_cx:8.3f} s  speed-up {t['cx_nps'] / p_cx:.2f}x over serial"
          f" ({workers} workers launched, leader participating)")
    print(f"  plain SQL, 2-worker parallel   : {p_sql:8.3f} s  speed-up {t['sql_one_case'] / p_sql:.2f}x over serial")
    same = abs(serial["cx_nps"][1] - float(serial["sql_one_case"][1])) < 1e-9 and \
        abs(parallel["cx_nps"][1] - serial["cx_nps"][1]) < 1e-9
    print(f"  cx_nps equals plain SQL, serial and parallel: {'yes' if same else 'NO'}")
    return 0 if same else 1


def main():
    build = os.path.abspath(sys.argv[1])
    try:
        pgcluster.install_extension(build)
    except pgcluster.Unavailable as e:
        print(f"skipped: {e}")
        return 77
    with pgcluster.Cluster({"shared_buffers": "1GB", "max_parallel_workers_per_gather": "2"}) as pg:
        return run(pg.connect().cursor())


if __name__ == "__main__":
    sys.exit(main())
