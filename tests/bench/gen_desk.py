#!/usr/bin/env python3
"""Writes a realistic desk for benchmarks: N tickets over 5 years with 3 documents each
(a work report, an invoice, a payment), customers, items and serial-numbered units.

    python3 tests/bench/gen_desk.py DIR TICKETS

The desk is written as tkt writes it (same folders, ids and fields); DIR must hold a desk
made by `tkt init`. Deterministic: the same arguments give the same files. `tkt check` finds
nothing to say of it with TKT_NOW=2026-11-27T09:00:00+01:00 (the benchmarks' clock): each
year's tickets and documents are numbered in date order, none after that day."""
import os
import random
import sys

root, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(42)
years = [2022, 2023, 2024, 2025, 2026]
states = ["new", "in-progress", "waiting-customer", "waiting-parts", "resolved", "closed", "cancelled"]
n_customers, n_units = max(10, n // 50), max(10, n // 10)


def write(rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


items = [("CALD", "Caldaia 24 kW", "1890.00", 22, "CV\\d{6}", 24), ("SPLIT", "Climatizzatore 12000 BTU", "820.00", 22, "AC\\d{6}", 24),
         ("LABOUR", "Manodopera", "45.00", 22, None, None), ("PART", "Scheda elettronica", "185.00", 22, None, 12)]
for code, desc, price, vat, pattern, months in items:
    write(f"items/{code}.yaml", f"code: {code}\ndescription: {desc}\nkind: goods\nunit: pz\nprice: '{price}'\nvat_rate: {vat}\n"
          f"serial_tracked: {'true' if pattern else 'false'}\nserial_pattern: {chr(39) + pattern + chr(39) if pattern else 'null'}\nwarranty_months: {months or 'null'}\n")
for c in range(1, n_customers + 1):
    write(f"customers/C-{c:04d}.yaml", f"id: C-{c:04d}\nname: Cliente {c} S.r.l.\nvat_number: null\ntax_code: null\naddress:\n  street: Via Roma {c}\n  zip: '25100'\n  city: Brescia\n  province: BS\n  country: IT\nemail: cliente{c}@example.it\nphone: null\npec: null\nsdi_code: null\npayment_terms: 30 gg data fattura\nnotes: null\n")
units = []
for u in range(1, n_units + 1):
    item = "CALD" if u % 2 else "SPLIT"
    serial = f"{'CV' if item == 'CALD' else 'AC'}{u:06d}"
    cust = f"C-{rng.randint(1, n_customers):04d}"
    y = rng.choice(years)
    units.append((serial, item, cust))
    write(f"equipment/{serial}.yaml", f"serial: {serial}\nitem: {item}\ncustomer: {cust}\nsold_on: {y}-03-15\nwarranty_until: {y + 2}-03-14\nlocation: null\nnotes: null\n")

seq = {}
def shard(doc_id):
    """The folder of a thousand a record's number goes in (`000` for 1-999, `001` for 1000-1999)."""
    return f"{int(doc_id.split('-')[2]) // 1000:03d}"


def next_id(prefix, year):
    seq[(prefix, year)] = seq.get((prefix, year), 0) + 1
    return f"{prefix}-{year}-{seq[(prefix, year)]:04d}"

# Fiscal documents are numbered in date order and never dated after today: each year's
# days are drawn, then handed out in order (2026's up to November 27th, the benchmarks' today).
days = {}
for i in range(n):
    days.setdefault(years[i * len(years) // n], []).append(None)
for year, slots in days.items():
    last_month = 11 if year == 2026 else 12
    days[year] = sorted(f"{year}-{rng.randint(1, last_month):02d}-{rng.randint(1, 27):02d}" for _ in slots)[::-1]

for i in range(n):
    year = years[i * len(years) // n]
    day = days[year].pop()
    serial, item, cust = rng.choice(units)
    state = rng.choice(states)
    closed = state in ("closed", "cancelled")
    tid = next_id("T", year)
    at = f"{day}T09:00:00+01:00"
    write(f"tickets/{year}/{seq[('T', year)] // 1000:03d}/{tid}.yaml",
          f"id: {tid}\ntitle: Guasto {i}\ncustomer: {cust}\nstate: {state}\nopened_at: {at}\nopened_by: bench\npriority: normal\n"
          f"category: null\nassignee: {rng.choice(['anna', 'marco', 'luca'])}\nrequest: null\nitem: {item}\nserial: {serial}\nwarranty: false\n"
          f"problem: Non funziona\nsolution: null\ndue: null\nclosed_at: {at if closed else 'null'}\ncustom: {{}}\n"
          f"notes:\n- at: {at}\n  by: bench\n  text: Chiamato il cliente\nhistory:\n- at: {at}\n  by: bench\n  from: null\n  to: new\n")
    wr = next_id("WR", year)
    write(f"documents/work-report/{year}/{shard(wr)}/{wr}.yaml",
          f"id: {wr}\nkind: work-report\ndate: {day}\nticket: {tid}\ncustomer: {cust}\nseries: null\ncreated_by: bench\nlines: []\nnotes: null\n"
          f"technician: {rng.choice(['anna', 'marco', 'luca'])}\nhours: 2\nmaterials:\n- item: PART\n  qty: 1\noutcome: resolved\n")
    inv = next_id("INV", year)
    write(f"documents/invoice/{year}/{shard(inv)}/{inv}.yaml",
          f"id: {inv}\nkind: invoice\ndate: {day}\nticket: {tid}\ncustomer: {cust}\nseries: null\ncreated_by: bench\nlines:\n"
          f"- item: LABOUR\n  description: Manodopera\n  qty: 2\n  unit: h\n  unit_price: '45.00'\n  vat_rate: 22\n"
          f"- item: PART\n  description: Scheda\n  qty: 1\n  unit: pz\n  unit_price: '185.00'\n  vat_rate: 22\n"
          f"totals:\n  net: '275.00'\n  vat:\n  - rate: 22\n    taxable: '275.00'\n    tax: '60.50'\n  total: '335.50'\nnotes: null\n"
          f"warranty: false\nsources:\n- {wr}\npayment:\n  terms: 30 gg data fattura\n  method: bonifico\n  due_date: {day}\n")
    pay = next_id("PAY", year)
    write(f"documents/payment/{year}/{shard(pay)}/{pay}.yaml",
          f"id: {pay}\nkind: payment\ndate: {day}\nticket: {tid}\ncustomer: {cust}\nseries: null\ncreated_by: bench\nlines: []\nnotes: null\n"
          f"invoice: {inv}\namount: '{rng.choice(['335.50', '100.00'])}'\nmethod: bonifico\n")
