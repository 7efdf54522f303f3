#!/usr/bin/env bash
# Measures tkt on desks of 1,000, 10,000 and 100,000 tickets (3 documents each), warm and with the
# cache removed, beside the reading limit (cat of every record) and `git add + commit` of
# one file in the same repository. Medians of RUNS runs after one untimed warm-up run;
# peak memory from /usr/bin/time.
#   cargo build --release && bash tests/bench/desk_at_scale.sh [RUNS] [SIZES...]
# ROWS=writes measures only the writes (creates and transitions, whole and split index),
# ROWS=reads only the rest.
set -euo pipefail
ROWS=${ROWS:-all}
RUNS=${1:-5}; shift || true
SIZES=${*:-1000 10000 100000}
source "$(dirname "$0")/lib.sh"

for n in $SIZES; do
  d=$work/desk-$n
  if [ ! -d "$d" ]; then
    "$tkt" -q init "$d"
    python3 "$root/tests/bench/gen_desk.py" "$d" "$n"
    git -C "$d" add -A && git -C "$d" commit -qm "$n tickets"
    # Files younger than the cache's racy window (2 s) are read again on every run: a
    # real desk's files are older.
    sleep 2
  fi
  cd "$d"
  # A remote on the same machine: a no-op sync is then git's status and a round trip.
  if ! git remote | grep -qx origin; then
    git clone -q --bare "$d" "$work/remote-$n.git" && git remote add origin "$work/remote-$n.git"
  fi
  last=$(find tickets/2026 -name '*.yaml' | sed 's#.*/##' | sort -V | tail -1); last=${last%.yaml}
  echo "== $n tickets, $(git ls-files | wc -l) files ($(nproc) cores)"
  if [ "$ROWS" != reads ]; then
  label="ticket create";          measure ":" "$tkt" -q ticket create --customer C-0001 --title bench
  label="ticket transition";      measure "$tkt -q ticket create --customer C-0001 --title t > $work/id" sh -c "\"$tkt\" -q ticket transition \$(cat $work/id) in-progress"
  # The same with git's split index (core.splitIndex), which tkt writes: only the index
  # file's changed entries, not the whole index. Put back whole afterwards.
  git config core.splitIndex true && git update-index --split-index
  label="ticket create, split index";     measure ":" "$tkt" -q ticket create --customer C-0001 --title bench
  label="ticket transition, split index"; measure "$tkt -q ticket create --customer C-0001 --title t > $work/id" sh -c "\"$tkt\" -q ticket transition \$(cat $work/id) in-progress"
  git config core.splitIndex false && git update-index --no-split-index && git config --unset core.splitIndex
  fi
  if [ "$ROWS" != writes ]; then
  label="ticket show";            measure ":" "$tkt" ticket show "$last"
  label="ticket list --state (warm)"; measure "$tkt ticket list >/dev/null" "$tkt" ticket list --state waiting-parts --format csv
  label="ticket list --state (cold)"; measure "rm -rf .tkt/cache" "$tkt" ticket list --state waiting-parts --format csv
  label="report summary (warm)";  measure "$tkt report summary >/dev/null" "$tkt" report summary
  label="report summary (cold)";  measure "rm -rf .tkt/cache" "$tkt" report summary
  label="report billing (warm)";  measure "$tkt report billing >/dev/null" "$tkt" report billing
  label="report billing (cold)";  measure "rm -rf .tkt/cache" "$tkt" report billing
  label="check (warm)";           measure ":" "$tkt" check
  label="check (cold)";           measure "rm -rf .tkt/cache" "$tkt" check
  label="sync, nothing to do";    measure "$tkt -q sync" "$tkt" -q sync
  label="git status + git fetch";  measure ":" sh -c "git status --porcelain >/dev/null && git fetch -q origin"
  label="cat every record";       measure ":" sh -c "find tickets documents customers items equipment -name '*.yaml' -exec cat {} + >/dev/null"
  # A file of the desk's layout: tkt sync publishes nothing the team's syncs would refuse.
  mkdir -p templates
  label="git add F && git commit"; measure "echo x >> templates/bench.txt" sh -c "git add templates/bench.txt && git commit -qm bench"
  fi
  cd - >/dev/null
done
