#!/usr/bin/env bash
# Times `tkt ticket create` on an empty desk and on a desk of N tickets (default 10000),
# in one run, so the two numbers are comparable.
#   cargo build --release && bash tests/bench/ticket_create.sh [N] [RUNS]
set -euo pipefail
N=${1:-10000}
RUNS=${2:-20}
root=$(cd "$(dirname "$0")/../.." && pwd)
tkt=${TKT_BIN:-$root/target/release/tkt}
[ -x "$tkt" ] || { echo "build first: cargo build --release" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 TKT_USER=bench TKT_NOW=2026-11-27T09:00:00+01:00

make_desk() { # DIR TICKETS
  "$tkt" -q init "$1"
  "$tkt" -q -C "$1" customer create --name "Bench Srl" >/dev/null
  if [ "$2" -gt 0 ]; then
    for i in $(seq 1 "$2"); do
      id=$(printf 'T-2026-%04d' "$i"); shard=$(printf '%03d' $((i / 1000))); mkdir -p "$1/tickets/2026/$shard"
      printf 'id: %s\ntitle: Ticket %s\ncustomer: C-0001\nstate: new\nopened_at: 2026-01-01T09:00:00+01:00\nopened_by: bench\nhistory:\n- at: 2026-01-01T09:00:00+01:00\n  by: bench\n  to: new\n' "$id" "$i" > "$1/tickets/2026/$shard/$id.yaml"
    done
    git -C "$1" add -A && git -C "$1" -c user.name=bench -c user.email=b@x commit -qm "$2 tickets"
  fi
}

median_ms() { # DIR
  local times=()
  for _ in $(seq 1 "$RUNS"); do
    local s e
    s=$(date +%s%N)
    "$tkt" -q -C "$1" ticket create --customer C-0001 --title "bench" >/dev/null
    e=$(date +%s%N)
    times+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; printf "%.1f", m/1000}'
}

make_desk "$work/empty" 0
make_desk "$work/full" "$N"
echo "tkt ticket create, median of $RUNS runs ($(nproc) cores):"
echo "  empty desk:         $(median_ms "$work/empty") ms"
echo "  desk of $N tickets: $(median_ms "$work/full") ms"
git -C "$work/full" status --porcelain | head -3
