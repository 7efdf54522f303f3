#!/usr/bin/env bash
# tkt on a desk with the history a real office makes: one commit per record (a ticket, its
# work report, its invoice, its payment), as tkt commits them, instead of the one commit of
# gen_desk.py's desks. Fiscal commands compare a document with its first version in git
# history; this measures what that costs after years of commits.
#   cargo build --release && bash tests/bench/history.sh [TICKETS] [RUNS]
# Medians of RUNS runs after one untimed run; peak memory of the last, from /usr/bin/time.
set -euo pipefail
N=${1:-10000}
RUNS=${2:-5}
source "$(dirname "$0")/lib.sh"

desk=$work/history-$N
if [ ! -d "$desk" ]; then
  "$tkt" -q init "$work/records-$N"
  python3 "$root/tests/bench/gen_desk.py" "$work/records-$N" "$N"
  "$tkt" -q init "$desk"
  # One commit for the catalog and customers, then one per record in the order of their
  # numbers (a ticket, its work report, its invoice, its payment), loaded by fast-import.
  python3 - "$work/records-$N" "$(git -C "$desk" rev-parse HEAD)" <<'PY' | git -C "$desk" fast-import --quiet --force
import os, re, sys
src, parent = sys.argv[1], sys.argv[2]
out = sys.stdout.buffer
number = re.compile(r'(T|WR|INV|PAY)-(\d{4})-(\d+)\.yaml$')
def key(rel):
    m = number.search(rel)
    return (1, int(m.group(2)), int(m.group(3)), "T WR INV PAY".split().index(m.group(1))) if m else (0, 0, 0, rel)
files = []
for d, dirs, names in os.walk(src):
    dirs[:] = [x for x in dirs if x not in (".git", ".tkt")]
    files += [os.path.relpath(os.path.join(d, n), src) for n in names]
files.sort(key=key)
base = [f for f in files if key(f)[0] == 0]
records = [f for f in files if key(f)[0] == 1]
t = 1_600_000_000
for i, paths in enumerate([base] + [[r] for r in records]):
    t += 60
    msg = b"records" if i == 0 else paths[0].encode()
    out.write(b"commit refs/heads/main\ncommitter bench <b@x> %d +0000\ndata %d\n%s\n" % (t, len(msg), msg))
    if i == 0:
        out.write(b"from %s\n" % parent.encode())
    for p in paths:
        data = open(os.path.join(src, p), "rb").read()
        out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (p.encode(), len(data), data))
PY
  git -C "$desk" reset -q --hard main
  rm -rf "$work/records-$N"
  sleep 2
fi
cd "$desk"

# The last invoice with something still due.
inv=$("$tkt" doc list --kind invoice --unpaid --format csv | tail -1 | cut -d, -f1)
echo "== $N tickets, $(git rev-list --count HEAD) commits, $(git ls-files | wc -l) files ($(nproc) cores)"
label="doc pay, first versions read whole"; measure "rm -rf .tkt/cache/ledger" "$tkt" -q doc pay "$inv" --amount 0.01 --method contanti
label="doc pay, first versions kept";       measure ":" "$tkt" -q doc pay "$inv" --amount 0.01 --method contanti
label="doc show";                           measure ":" "$tkt" -q doc show "$inv"
label="ticket create";                      measure ":" "$tkt" -q ticket create --customer C-0001 --title bench
label="check";                              measure ":" "$tkt" -q check
