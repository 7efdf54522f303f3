#!/usr/bin/env bash
# What a file-system monitor (core.fsmonitor) saves tkt's reads: the same desk with and
# without a monitor hook, runs interleaved, medians of RUNS. The hook here answers at once
# that nothing changed (the best a monitor such as Watchman can do); a real one adds its
# own time (Watchman's Perl hook, git's fsmonitor-watchman.sample: tens of milliseconds).
#   cargo build --release && bash tests/bench/monitor.sh [RUNS] [SIZES...]
set -euo pipefail
RUNS=${1:-7}; shift || true
SIZES=${*:-10000 100000}
source "$(dirname "$0")/lib.sh"
hook=$work/quiet-monitor
printf '#!/bin/sh\nprintf "quiet\\0"\n' > "$hook"
chmod +x "$hook"

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
median() { sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'; }

for n in $SIZES; do
  plain=$work/desk-$n monitored=$work/desk-$n-monitored
  if [ ! -d "$plain" ]; then
    "$tkt" -q init "$plain"
    python3 "$root/tests/bench/gen_desk.py" "$plain" "$n"
    git -C "$plain" add -A && git -C "$plain" commit -qm "$n tickets"
  fi
  # The two desks are the same: a copy behind the plain desk is made again.
  if [ "$(git -C "$monitored" rev-parse HEAD 2>/dev/null)" != "$(git -C "$plain" rev-parse HEAD)" ]; then
    rm -rf "$monitored" && cp -a "$plain" "$monitored"
  fi
  git -C "$monitored" config core.fsmonitor "$hook"
  git -C "$monitored" config core.fsmonitorHookVersion 2
  last=$(find "$plain/tickets/2026" -name '*.yaml' | sed 's#.*/##' | sort -V | tail -1); last=${last%.yaml}
  echo "== $n tickets ($(nproc) cores), medians of $RUNS interleaved runs"
  printf '%-44s %12s %14s\n' command "no monitor" "quiet monitor"
  # "after a change": the documents kept for the monitor are gone before each run, as after
  # any document changed (a quiet monitor never says one did).
  for args in "ticket show $last" "after a change: ticket show $last" "ticket list --state waiting-parts --format csv" "report summary"; do
    fresh=${args#after a change: }
    # Twice untimed, out of the racy window: the caches hold the monitor's token.
    for d in "$plain" "$monitored"; do (cd "$d" && "$tkt" $fresh >/dev/null 2>&1); done
    sleep 2.1
    for d in "$plain" "$monitored"; do (cd "$d" && "$tkt" $fresh >/dev/null 2>&1); done
    a=() b=()
    for _ in $(seq "$RUNS"); do
      [ "$fresh" = "$args" ] || rm -f "$monitored/.tkt/cache/ticket-documents"
      a+=("$(cd "$plain" && ms "$tkt" $fresh)")
      b+=("$(cd "$monitored" && ms "$tkt" $fresh)")
    done
    printf '%-44s %9s ms %11s ms\n' "${args%% --format*}" "$(printf '%s\n' "${a[@]}" | median)" "$(printf '%s\n' "${b[@]}" | median)"
  done
done
