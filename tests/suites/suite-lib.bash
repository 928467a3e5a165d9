# Helpers for suite scripts. Source it.
# shellcheck shell=bash
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

# Counts of a finished `meson test` run from its JSON log:
# suite_meson_counts BUILD_DIR NAME
suite_meson_counts() {
    "$CX_PYTHON" - "$1/meson-logs/testlog.json" "$2" <<'PY'
import json, sys
ok = bad = 0
with open(sys.argv[1]) as f:
    for line in f:
        r = json.loads(line)
        if r["result"] in ("OK", "EXPECTEDFAIL", "SKIP"):
            ok += 1
        else:
            bad += 1
print(f"suite: {sys.argv[2]} passed={ok} failed={bad}")
PY
}
