#!/usr/bin/env bash
# Times `tkt sync` merging work done on both sides of a desk of N tickets (default 5000,
# made by gen_desk.py): a bare remote and two clones, A and B. Offline, A creates C tickets
# and edits E shared tickets (priority); B creates C tickets under the same new ids
# (collisions, renumbered by the merge) and edits the same E tickets on another field
# (assignee). Then: A syncs (a push), B syncs (the merge: renumbering and field merges),
# A syncs again (a fast-forward), and a sync with nothing to do.
#   cargo build --release && bash tests/bench/sync_merge.sh [N] [C] [E]
# TKT_BIN=path times another tkt; BENCH_DIR=dir keeps the generated desk there;
# PROFILE="perf record -g -o FILE" runs B's merge under a profiler.
set -euo pipefail
N=${1:-5000}
C=${2:-200}
E=${3:-200}
root=$(cd "$(dirname "$0")/../.." && pwd)
tkt=${TKT_BIN:-$root/target/release/tkt}
[ -x "$tkt" ] || { echo "build first: cargo build --release" >&2; exit 1; }
work=${BENCH_DIR:-$(mktemp -d)}
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 TKT_USER=bench
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=b@x GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=b@x

# seconds CMD...: wall time of one run, in seconds with two decimals.
seconds() {
  local s e
  s=$(date +%s%N)
  "$@" >/dev/null
  e=$(date +%s%N)
  awk -v d=$(( (e - s) / 1000000 )) 'BEGIN {printf "%.2f", d / 1000}'
}

# The generated desk is kept in BENCH_DIR between runs; the remote starts from it each time.
if [ ! -d "$work/seed-$N" ]; then
  "$tkt" -q init "$work/seed-$N"
  python3 "$root/tests/bench/gen_desk.py" "$work/seed-$N" "$N"
  git -C "$work/seed-$N" add -A && git -C "$work/seed-$N" commit -qm "$N tickets"
fi
rm -rf "$work/remote.git" "$work/a" "$work/b"
git clone -q --bare "$work/seed-$N" "$work/remote.git"
git clone -q "$work/remote.git" "$work/a"
git clone -q "$work/remote.git" "$work/b"

# The shared tickets: the first E of 2026 (gen_desk.py numbers each year from 0001).
shared=$(seq 1 "$E" | awk '{printf "T-2026-%04d\n", $1}')
work_in() { # CLONE NOW FIELD VALUE
  local d=$1
  export TKT_NOW=$2
  for i in $(seq 1 "$C"); do
    "$tkt" -q -C "$d" ticket create --customer C-0001 --title "new $i in $(basename "$d")" >/dev/null
  done
  for id in $shared; do
    "$tkt" -q -C "$d" ticket edit "$id" "--$3" "$4" >/dev/null
  done
}
s=$(date +%s)
work_in "$work/a" 2026-11-27T09:00:00+01:00 priority high
work_in "$work/b" 2026-11-27T10:00:00+01:00 assignee zed
echo "setup: $N tickets, $C created and $E edited in each clone ($(( $(date +%s) - s )) s of tkt commands)"

export TKT_NOW=2026-11-27T11:00:00+01:00
echo "tkt sync, one run each ($(nproc) cores):"
echo "  A pushes its work:                  $(seconds "$tkt" -q -C "$work/a" sync) s"
echo "  B merges ($C collisions, $E shared edits): $(seconds ${PROFILE:-} "$tkt" -q -C "$work/b" sync) s"
echo "  A takes the merge (fast-forward):   $(seconds "$tkt" -q -C "$work/a" sync) s"
noop=()
for _ in 1 2 3 4 5; do noop+=("$(seconds "$tkt" -q -C "$work/a" sync)"); done
echo "  nothing to do, median of 5:         $(printf '%s\n' "${noop[@]}" | sort -n | sed -n 3p) s"
# What a user would check: both clones hold the same tree, every new ticket is there.
[ "$(git -C "$work/a" rev-parse HEAD^{tree})" = "$(git -C "$work/b" rev-parse HEAD^{tree})" ] || { echo "clones differ" >&2; exit 1; }
made=$(git -C "$work/a" ls-files 'tickets/2026/*/*' | wc -l)
echo "  check: clones agree; tickets of 2026: $made (expected $(( N / 5 + 2 * C )))"
