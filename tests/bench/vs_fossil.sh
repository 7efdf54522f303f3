#!/usr/bin/env bash
# tkt beside Fossil (and Taskwarrior, when installed) on the same number of tickets.
#
#   cargo build --release && bash tests/bench/vs_fossil.sh [TICKETS] [RUNS]
#
# tkt's desk comes from tests/bench/gen_desk.py (three documents per ticket); Fossil's
# repository holds as many tickets (title, status, type, one comment), made as ticket
# artifacts and loaded with `fossil reconstruct`; Taskwarrior's as many tasks, loaded with
# `task import`. Each operation is run RUNS times per tool, the tools interleaved round by
# round so that a busy machine slows all of them alike; the script prints each tool's
# median and tkt's ratio to Fossil. Needs fossil (Debian: fossil); task is optional.
set -euo pipefail
N=${1:-10000}
RUNS=${2:-15}
root=$(cd "$(dirname "$0")/../.." && pwd)
tkt=${TKT_BIN:-$root/target/release/tkt}
[ -x "$tkt" ] || { echo "build first: cargo build --release" >&2; exit 1; }
command -v fossil >/dev/null || { echo "fossil is needed (apt-get install fossil)" >&2; exit 1; }
have_task=$(command -v task >/dev/null && echo 1 || echo 0)
work=${BENCH_DIR:-$(mktemp -d)}
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 TKT_USER=bench TKT_NOW=2026-11-27T09:00:00+01:00
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=b@x GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=b@x
export USER=bench FOSSIL_HOME=$work/fossil-home TASKRC=$work/taskrc TASKDATA=$work/task
mkdir -p "$FOSSIL_HOME"

# ---- the three stores, N tickets each ---------------------------------------------------
desk=$work/desk-$N
if [ ! -d "$desk" ]; then
  "$tkt" -q init "$desk"
  python3 "$root/tests/bench/gen_desk.py" "$desk" "$N"
  git -C "$desk" add -A && git -C "$desk" commit -qm "$N tickets"
fi
# The same desk tuned: git's split index (core.splitIndex), which tkt writes, and a
# file-system monitor hook (core.fsmonitor) that answers at once that nothing changed —
# the best a monitor can do; a real one adds its own time (git's Watchman hook: 35-40 ms).
split=$work/desk-$N-split
if [ ! -d "$split" ]; then
  git clone -q "$desk" "$split"
  git -C "$split" config core.splitIndex true
  sleep 1.1 && git -C "$split" update-index --really-refresh && git -C "$split" update-index --split-index
fi
printf '#!/bin/sh\nprintf "quiet\\0"\n' > "$work/quiet-monitor" && chmod +x "$work/quiet-monitor"
git -C "$split" config core.fsmonitor "$work/quiet-monitor"
git -C "$split" config core.fsmonitorHookVersion 2
repo=$work/fossil-$N.fossil
if [ ! -f "$repo" ]; then
  rm -rf "$work/artifacts"
  python3 - "$work/artifacts" "$N" <<'PY'
import hashlib, os, random, sys
out, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(42)
states = ["Open", "Verified", "Review", "Deferred", "Fixed", "Tested", "Closed"]
def enc(s):  # fossil's card encoding
    return s.replace("\\", "\\\\").replace(" ", "\\s").replace("\n", "\\n")
for i in range(n):
    uuid = hashlib.sha1(f"ticket {i}".encode()).hexdigest()
    day = f"202{i * 5 // n + 2}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    fields = {"comment": "Non funziona. Chiamato il cliente", "status": rng.choice(states),
              "title": f"Guasto {i}", "type": "Code_Defect"}
    body = f"D {day}T09:00:00.000\n"
    body += "".join(f"J {k} {enc(v)}\n" for k, v in sorted(fields.items()))
    body += f"K {uuid}\nU bench\n"
    body += f"Z {hashlib.md5(body.encode()).hexdigest()}\n"
    digest = hashlib.sha1(body.encode()).hexdigest()
    d = os.path.join(out, digest[:2])
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, digest[2:]), "w").write(body)
PY
  fossil reconstruct "$repo" "$work/artifacts" >/dev/null
fi
if [ "$have_task" = 1 ] && [ ! -d "$TASKDATA" ]; then
  mkdir -p "$TASKDATA"
  printf 'data.location=%s\nconfirmation=off\nverbose=nothing\n' "$TASKDATA" > "$TASKRC"
  python3 - "$N" > "$work/tasks.json" <<'PY'
import json, random, sys
n, rng = int(sys.argv[1]), random.Random(42)
for i in range(n):
    print(json.dumps({"description": f"Guasto {i}", "status": "pending", "entry": "20260101T090000Z",
                      "project": rng.choice(["new", "inprogress", "waiting", "parts", "resolved", "closed", "cancelled"]),
                      "annotations": [{"entry": "20260101T090000Z", "description": "Chiamato il cliente"}]}))
PY
  task import "$work/tasks.json" >/dev/null 2>&1
fi

# ---- the operations ----------------------------------------------------------------------
last=$(find "$desk/tickets/2026" -name '*.yaml' | sed 's#.*/##' | sort -V | tail -1); last=${last%.yaml}
fuuid=$(fossil sql -R "$repo" "SELECT tkt_uuid FROM ticket ORDER BY tkt_id DESC LIMIT 1" | tr -d "'")
# `-C`, as Fossil is given `-R`: no subshell of the script's own timed with tkt.
tkt_() { "$tkt" -q -C "$desk" "$@"; }
split_() { "$tkt" -q -C "$split" "$@"; }
fossil_() { fossil "$@" -R "$repo"; }

declare -A OPS
OPS[tkt,create]="tkt_ ticket create --customer C-0001 --title bench"
OPS[split,create]="split_ ticket create --customer C-0001 --title bench"
OPS[fossil,create]="fossil_ ticket add title bench status Open type Code_Defect"
OPS[task,create]="task add bench project:new"
OPS[tkt,list]="tkt_ ticket list --format csv"
OPS[split,list]="split_ ticket list --format csv"
OPS[fossil,list]="fossil_ ticket show 0"
OPS[task,list]="task all"
OPS[tkt,filtered]="tkt_ ticket list --state waiting-parts --format csv"
OPS[split,filtered]="split_ ticket list --state waiting-parts --format csv"
OPS[fossil,filtered]="fossil_ ticket show 0 status='Review'"
OPS[task,filtered]="task project:parts all"
OPS[tkt,show]="tkt_ ticket show $last"
OPS[split,show]="split_ ticket show $last"
OPS[fossil,show]="fossil_ ticket history $fuuid"
OPS[task,show]="task 1 info"
tr=$(tkt_ ticket create --customer C-0001 --title "bench transitions")
OPS[tkt,transition]="tkt_ ticket transition $tr in-progress"
OPS[fossil,transition]="fossil_ ticket change $fuuid status Fixed"
OPS[task,transition]="task 1 modify project:inprogress"
str=$(split_ ticket create --customer C-0001 --title "bench transitions")
OPS[split,transition]="split_ ticket transition $str in-progress"
# tkt refuses a transition to the state the ticket is in: move it back between runs.
declare -A UNDO=([tkt]="tkt_ ticket transition $tr waiting-customer" [split]="split_ ticket transition $str waiting-customer")

tools=(tkt split fossil); [ "$have_task" = 1 ] && tools+=(task)
ms() { local s e; s=$(date +%s%N); eval "$1" >/dev/null 2>&1 || { echo "failed: $1" >&2; exit 1; }; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
median() { sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'; }

echo "== $N tickets; tkt desk: $(git -C "$desk" ls-files | wc -l) files; $(nproc) cores; medians of $RUNS interleaved runs"
echo "   (split: tkt on the same desk with git's split index and a monitor hook that answers at once)"
printf '%-12s' operation; for t in "${tools[@]}"; do printf '%12s' "$t"; done; printf '%14s%16s\n' "tkt / fossil" "split / fossil"
for op in create list filtered show transition; do
  declare -A T=()
  for t in "${tools[@]}"; do [ -n "${OPS[$t,$op]:-}" ] && { eval "${OPS[$t,$op]}" >/dev/null 2>&1 || true; }; done   # warm-up
  for _ in $(seq 1 "$RUNS"); do
    for t in "${tools[@]}"; do
      [ -n "${OPS[$t,$op]:-}" ] || continue
      [ "$op" = transition ] && [ -n "${UNDO[$t]:-}" ] && eval "${UNDO[$t]}" >/dev/null 2>&1
      T[$t]+="$(ms "${OPS[$t,$op]}") "
    done
  done
  printf '%-12s' "$op"
  declare -A M=()
  for t in "${tools[@]}"; do
    if [ -n "${T[$t]:-}" ]; then M[$t]=$(printf '%s\n' ${T[$t]} | median); printf '%9s ms' "${M[$t]}"; else printf '%12s' -; fi
  done
  printf '%13s×' "$(awk -v a="${M[tkt]}" -v b="${M[fossil]}" 'BEGIN {printf "%.1f ", a / b}')"
  [ -n "${M[split]:-}" ] && printf '%15s×' "$(awk -v a="${M[split]}" -v b="${M[fossil]}" 'BEGIN {printf "%.1f ", a / b}')"
  echo
  unset T M
done
