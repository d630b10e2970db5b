#!/usr/bin/env bash
# The README's worked example for analysts ("For analysts: exports and snapshots"), run as written:
#   analyst_tools_test.sh SFSYNC REPO [EMULATOR]
# starts EMULATOR (default: sfsync-emulator beside SFSYNC) on a free port with scripts/demo's seeded
# org, runs jobs/demo.yaml into a temporary directory, takes a snapshot, then runs the README's
# sqlite3 block and its pandas block (with /usr/bin/python3, Debian's python3-pandas) on it and
# compares their output with the README's, trailing blanks aside. The blocks are taken from
# README.md between the <!-- analyst-... --> markers; /tmp/demo-snap.db in them is this snapshot.
# The queries read nothing that scripts/demo's later steps change (Industry of the first accounts,
# two deleted contacts, a few new accounts without revenue or opportunities) and no timestamp, so
# one run here gives the output a reader gets after scripts/demo.
set -euo pipefail
sfsync=$1 repo=$2
emulator=${3:-$(dirname "$sfsync")/sfsync-emulator}
python=/usr/bin/python3
readme="$repo/README.md"
readme_snap=/tmp/demo-snap.db

fail() { echo "analyst_tools_test: $*" >&2; exit 1; }
[ -x "$sfsync" ] || fail "no sfsync binary at $sfsync"
[ -x "$emulator" ] || fail "no emulator binary at $emulator"
command -v sqlite3 >/dev/null || fail "sqlite3 is missing; run scripts/install-deps"
[ -x "$python" ] || fail "$python is missing; run scripts/install-deps"
"$python" -c 'import pandas' 2>/dev/null || fail "pandas is missing for $python; run scripts/install-deps (python3-pandas)"

work=$(mktemp -d)
emulator_pid=""
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The emulator as scripts/demo starts it (same size, credentials and default seed), on a free port.
export SF_CLIENT_ID=sfsync-demo-client
export SF_CLIENT_SECRET=sfsync-demo-secret
export SF_REFRESH_TOKEN=sfsync-demo-refresh-token
"$emulator" --port 0 --port-file "$work/port" --size 5000 \
  --client-id "$SF_CLIENT_ID" --client-secret "$SF_CLIENT_SECRET" --refresh-token "$SF_REFRESH_TOKEN" \
  >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 400); do
  [ -s "$work/port" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; fail "the emulator exited"; }
  sleep 0.05
done
[ -s "$work/port" ] || fail "the emulator did not start"
port=$(cat "$work/port")

# jobs/demo.yaml as it is, but for the port; its store (demo.db, relative) lands in $work.
sed "s|login_url: http://127.0.0.1:8383|login_url: http://127.0.0.1:$port|" "$repo/jobs/demo.yaml" >"$work/demo.yaml"
grep -q "login_url: http://127.0.0.1:$port" "$work/demo.yaml" || fail "jobs/demo.yaml has no login_url http://127.0.0.1:8383"
"$sfsync" run "$work/demo.yaml" --quiet
snap="$work/demo-snap.db"
"$sfsync" snapshot "$work/demo.yaml" --out "$snap" >/dev/null

# The lines inside the first fenced block after the line starting with "<!-- $1".
readme_block() {
  awk -v marker="<!-- $1" '
    index($0, marker) == 1 { found = 1; next }
    found && !inside && /^```/ { inside = 1; next }
    inside && /^```/ { exit }
    inside { print }' "$readme"
}
strip() { sed 's/[[:space:]]*$//'; }
compare() {  # compare NAME EXPECTED_FILE ACTUAL_FILE
  if ! diff -u <(strip <"$2") <(strip <"$3") >"$work/diff"; then
    echo "analyst_tools_test: the README's $1 output is not what it prints now (- README, + now):" >&2
    cat "$work/diff" >&2
    exit 1
  fi
}

# The sqlite3 block: "$ COMMAND", then its output.
readme_block analyst-sqlite3 >"$work/sqlite3.block"
command=$(sed -n '1s/^\$ //p' "$work/sqlite3.block")
case "$command" in
  "sqlite3 "*"$readme_snap"*) ;;
  *) fail "README.md: the analyst-sqlite3 block does not start with '\$ sqlite3 ... $readme_snap'" ;;
esac
sed 1d "$work/sqlite3.block" >"$work/sqlite3.expected"
[ -s "$work/sqlite3.expected" ] || fail "README.md: the analyst-sqlite3 block shows no output"
command=$(printf '%s\n' "$command" | sed "s|$readme_snap|$snap|g")
(cd "$work" && bash -c "$command") >"$work/sqlite3.actual"
compare sqlite3 "$work/sqlite3.expected" "$work/sqlite3.actual"

# The pandas block and the block of what it prints.
readme_block analyst-pandas: >"$work/readme-pandas-block.txt"
grep -q "pd.read_sql" "$work/readme-pandas-block.txt" || fail "README.md: the analyst-pandas block has no pd.read_sql"
grep -qF "$readme_snap" "$work/readme-pandas-block.txt" || fail "README.md: the analyst-pandas block does not open $readme_snap"
readme_block analyst-pandas-output >"$work/pandas.expected"
[ -s "$work/pandas.expected" ] || fail "README.md: no analyst-pandas-output block"
sed "s|$readme_snap|$snap|g" "$work/readme-pandas-block.txt" >"$work/analyst_example.py"
(cd "$work" && "$python" analyst_example.py) >"$work/pandas.actual"
compare pandas "$work/pandas.expected" "$work/pandas.actual"

echo "analyst_tools_test: the README's sqlite3 and pandas examples print what it shows"
