# What the benchmark scripts share; sourced by them after their arguments are read.
# Sets root, tkt (TKT_BIN, else the release build), work (BENCH_DIR, else a new temp
# folder) and a hermetic environment, and defines `measure`.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tkt=${TKT_BIN:-$root/target/release/tkt}
[ -x "$tkt" ] || { echo "build first: cargo build --release" >&2; exit 1; }
work=${BENCH_DIR:-$(mktemp -d)}
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 TKT_USER=bench TKT_NOW=2026-11-27T09:00:00+01:00
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=b@x GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=b@x

# label=NAME; measure PREP CMD...: the median wall time of RUNS runs of CMD, each after
# PREP (evaluated), and the peak RSS (MB) of the last; a command that fails is timed all
# the same, and its exit status printed after its figures.
measure() {
  local prep=$1; shift
  local times=() peak=0 status=0
  # One run first, untimed, so that every command starts with the files in the page cache.
  eval "$prep"; "$@" >/dev/null 2>&1 || true
  for _ in $(seq 1 "$RUNS"); do
    eval "$prep"
    local s e
    s=$(date +%s%N)
    /usr/bin/time -f %M -o "$work/mem" "$@" >/dev/null 2>&1 || status=$?
    e=$(date +%s%N)
    times+=($(( (e - s) / 1000 )))
    peak=$(tail -1 "$work/mem")
  done
  local med
  med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}')
  printf '%-36s %9s ms %7s MB%s\n' "$label" "$med" "$(( peak / 1024 ))" "$([ "$status" = 0 ] || echo "  (exit $status)")"
}
