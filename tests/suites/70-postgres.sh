# The PostgreSQL extension on a real PostgreSQL 15: installs it into the
# server's directories, runs a throw-away cluster on a Unix socket in a
# temporary folder (removed afterwards, also on failure) and checks results,
# parallel plans, rollups, errors and memory (ext/postgres/tests).
. "$(dirname "$0")/suite-lib.bash"
if [ ! -f "$CX_BUILD/ext/postgres/cx.so" ] || [ ! -x "$CX_BUILD/ext/postgres/tests/cx_figures" ]; then
    echo "the PostgreSQL extension or its test helper was not built (meson feature 'postgres' and option" \
        "'tests'; needs postgresql-server-dev-15)"
    echo "suite: postgres passed=0 failed=1"
    exit 0
fi
"$CX_PYTHON" "$CX_ROOT/ext/postgres/tests/test_postgres.py" "$CX_BUILD" ||
    echo "suite: postgres passed=0 failed=1"
