//! Money after an invoice: a credit note against it (all, chosen lines, or an amount), a
//! payment received, a refund paid out against a credit note — never more than allowed.

use rust_decimal::Decimal;

use crate::model::{DocKind, Document, Line, Money, PaymentMethod, Rate, StampDuty, VatLine, Withholding};
use crate::rules::{credit_problems, line_net, refundable, refuse_if_any, round_cents, stamp_duty, totals, Balance};
use crate::{Error, Result};

use super::documents::{
    invoice_balance, issue, load_sound_doc, new_document, refuse_changed_since_issue, refuse_issued_against_gone,
    settling, DocOptions,
};
use super::Env;

/// What a credit note credits.
#[derive(Debug, Clone)]
pub enum Credit {
    /// The whole invoice.
    All,
    /// Lines of the invoice as `N[:QTY]`.
    Lines(Vec<String>),
    /// A taxable amount, at the invoice's VAT rate or the one given (and the natura, when
    /// the invoice has several at that rate).
    Amount(Money, Option<Rate>, Option<String>),
}

/// The credit notes of `invoice`, refused unless each is as issued and none issued against
/// it is gone: what they credited counts as issued (found by fiscal attacks: with one
/// deleted, or its link edited away, the invoice was credited whole again, or paid).
fn credit_notes_as_issued(env: &Env, invoice: &str) -> Result<Vec<Document>> {
    let mut notes = env.desk.documents(&[DocKind::CreditNote])?;
    notes.retain(|n| n.invoice.as_deref() == Some(invoice));
    refuse_changed_since_issue(&env.desk, &notes.iter().collect::<Vec<_>>())?;
    refuse_issued_against_gone(env, DocKind::CreditNote, invoice, &|d| d.invoice.as_deref(), "credited")?;
    Ok(notes)
}

/// Issues a credit note against `invoice`; returns its id.
pub fn credit(env: &Env, invoice: &str, what: Credit, reason: &str, opts: &DocOptions) -> Result<String> {
    let _lock = env.lock()?;
    let invoice = load_sound_doc(env, invoice, DocKind::Invoice)?;
    if reason.trim().is_empty() {
        return Err(Error::refused("--reason must say why the invoice is credited"));
    }
    let notes = credit_notes_as_issued(env, &invoice.id)?;
    let earlier: Vec<&Document> = notes.iter().collect();
    let by_amount = matches!(what, Credit::Amount(..));
    let mut lines = match what {
        Credit::Amount(amount, rate, nature) => vec![amount_line(&invoice, amount, rate, nature, reason)?],
        Credit::All => invoice.lines.clone(),
        Credit::Lines(specs) => {
            let mut lines: Vec<Line> = specs.iter().map(|spec| invoice_line(&invoice, spec)).collect::<Result<_>>()?;
            limit_line_credits(&invoice, &earlier, &specs, &mut lines)?;
            lines
        }
    };
    let withholding = give_back_withholding(&invoice, &mut lines, by_amount, &earlier);
    let total = totals(&lines).total;
    let mut candidate = Document::new(DocKind::CreditNote, invoice.date, &invoice.customer, env.actor());
    candidate.totals = Some(totals(&lines));
    let with_this: Vec<&Document> = earlier.iter().copied().chain([&candidate]).collect();
    refuse_if_any(&format!("a credit note of {total} on {}", invoice.id), credit_problems(&invoice, &with_this))?;
    // An invoice of 0.00 (warranty work) is cancelled by a credit note of 0.00 of all its
    // lines, once: one of a part would read as cancelling it, and its work be billed again
    // (found by a fiscal audit: 1.5 of 3 hours credited, the work report invoiced twice).
    let qty_of =
        |line: &Line, lines: &[Line]| -> Decimal { lines.iter().filter(|l| same_line(l, line)).map(|l| l.qty.0).sum() };
    let credits_all = invoice.lines.iter().all(|l| qty_of(l, &lines) >= qty_of(l, &invoice.lines));
    let cancels_zero = invoice.value().0.is_zero() && earlier.is_empty();
    if cancels_zero && !credits_all {
        return Err(Error::refused(format!(
            "{} is of 0.00: a credit note cancels it whole or not at all (a part of it credits nothing)",
            invoice.id
        ))
        .with_hint(format!("without --line, `tkt doc credit {} --reason …` credits all of it", invoice.id)));
    }
    if total.0 <= Decimal::ZERO && !cancels_zero {
        return Err(Error::refused(format!("{}: a credit note of {total} credits nothing", invoice.id)));
    }
    let mut doc: Document = new_document(env, DocKind::CreditNote, &invoice.customer, opts)?;
    if doc.date < invoice.date {
        return Err(Error::refused(format!(
            "a credit note dated {} may not precede {} of {}",
            doc.date, invoice.id, invoice.date
        )));
    }
    if invoice.date.checked_add_months(chrono::Months::new(12)).is_some_and(|limit| doc.date > limit) {
        env.warn(format!(
            "{} is more than a year old: a reduction agreed by the parties after a year does not reduce the VAT \
             (art. 26 c. 3 DPR 633/72); a correction of an error still does",
            invoice.id
        ));
    }
    doc.invoice_date = Some(invoice.date);
    doc.ticket = invoice.ticket.clone();
    doc.invoice = Some(invoice.id.clone());
    doc.reason = Some(reason.trim().to_string());
    // The bollo is due on a credit note as on an invoice (art. 13 DPR 642/72): declared,
    // never charged again.
    let who = env.desk.config.billing.stamp_duty;
    doc.stamp_duty = if who == StampDuty::Off { None } else { stamp_duty(&lines, StampDuty::Company).0 };
    doc.lines = lines;
    doc.withholding = withholding;
    let id = issue(env, &mut doc, vec![], &format!("credit note of {total} on {}", invoice.id))?;
    if matches!(super::einvoice::sdi_state(&invoice), super::einvoice::SdiState::Rejected { .. }) {
        env.warn(format!(
            "{} was rejected by SDI, so it was never issued: {id} cancels it in your books only and is not sent \
             (`tkt doc export` leaves it out); bill the work again with a new invoice",
            invoice.id
        ));
    }
    Ok(id)
}

/// What a credit note gives back of its invoice's withholding (a condominium's 4% of the
/// work): its share of the lines withheld on, each line marked as the invoice's was. A
/// reduction by an amount is work when all the invoice withheld on was.
fn give_back_withholding(
    invoice: &Document,
    lines: &mut [Line],
    by_amount: bool,
    earlier: &[&Document],
) -> Option<Withholding> {
    let w = invoice.withholding.as_ref()?;
    // An invoice whose lines do not say (issued before they did): which were work is not
    // known, and its balance gives the withholding back in proportion, as it always did.
    if !invoice.lines.iter().any(|l| l.withholding) {
        return None;
    }
    let outside = |l: &Line| l.vat_nature.as_deref() == Some("N1");
    let all_work = invoice.lines.iter().filter(|l| !outside(l)).all(|l| l.withholding);
    // Notes that credit the invoice's whole taxable between them cancel it: the last gives
    // back what is left of the withholding, whatever its lines (found by a review: an
    // amount crediting all of an invoice of work and goods gave back nothing, and its
    // refund paid back what the condominium had withheld).
    let net = |ls: &mut dyn Iterator<Item = &Line>| ls.map(line_net).sum::<Decimal>();
    let credited_net = net(&mut earlier.iter().flat_map(|n| &n.lines)) + net(&mut lines.iter());
    let cancels = credited_net >= crate::rules::net_of(invoice).0;
    // Never more than the invoice withheld, and all of what is left by the note that
    // credits the last of the work: each note rounding its share on its own gave back a
    // cent too much (found by a fiscal review: three notes cancelling one invoice gave
    // back 3.21 of 3.20, and a cent stayed owed that no refund could pay).
    let given: Decimal = earlier.iter().filter_map(|n| n.withholding.as_ref()).map(|w| w.amount.0).sum();
    let left = (w.amount.0 - given).max(Decimal::ZERO);
    for line in lines.iter_mut() {
        // A line copied from the invoice keeps its mark; a reduction by an amount is work
        // when all the invoice withheld on was. A note that cancels the invoice with some
        // withholding left bears it (its e-invoice's lines say Ritenuta SI, as SDI wants
        // of a DatiRitenuta).
        let marked = if by_amount { all_work } else { line.withholding };
        line.withholding = !outside(line) && (marked || cancels && !left.is_zero());
    }
    let base: Decimal = lines.iter().filter(|l| l.withholding).map(line_net).sum();
    let withheld_base: Decimal = invoice.lines.iter().filter(|l| l.withholding).map(line_net).sum();
    let credited: Decimal = earlier.iter().flat_map(|n| &n.lines).filter(|l| l.withholding).map(line_net).sum();
    let amount = match cancels || credited + base >= withheld_base {
        true => left,
        false => round_cents(base * w.rate.0 / Decimal::ONE_HUNDRED).min(left),
    };
    (!amount.is_zero()).then(|| Withholding { rate: w.rate, amount: Money(amount), reference: w.reference.clone() })
}

/// The same line of an invoice on a credit note: equal but for the quantity and whether
/// the note marked its withholding.
fn same_line(a: &Line, b: &Line) -> bool {
    Line { qty: b.qty, withholding: b.withholding, ..a.clone() } == *b
}

/// Refuses to credit a line of the invoice for more than it billed: the same line named
/// twice, or beyond what earlier credit notes reversed of it (their lines copied from it) —
/// in quantity, or in money. Each part of a line credited in parts rounds on its own (two
/// halves of 3 × 12.35 = 37.05 are 18.53 each): the part that credits the last of the line
/// credits what is left of its money, its quantity written to the 8 places an e-invoice
/// holds so that its amount comes to that (1.49959514 × 12.35 = 18.52), the line otherwise
/// the invoice's, its withholding too (found by fiscal reviews: the second half was refused,
/// or taken with a cent of another line; credited by amount, it gave back no withholding,
/// and the line could be credited again).
fn limit_line_credits(invoice: &Document, earlier: &[&Document], specs: &[String], lines: &mut [Line]) -> Result<()> {
    for (i, spec) in specs.iter().enumerate() {
        let line = lines[i].clone();
        let of = |ls: &mut dyn Iterator<Item = &Line>| {
            ls.filter(|l| same_line(l, &line))
                .fold((Decimal::ZERO, Decimal::ZERO), |(q, n), l| (q + l.qty.0, n + line_net(l)))
        };
        let (billed, billed_net) = of(&mut invoice.lines.iter());
        let (before, before_net) = of(&mut earlier.iter().flat_map(|n| &n.lines).chain(&lines[..i]));
        if before + line.qty.0 > billed {
            let left = (billed - before).max(Decimal::ZERO);
            return Err(Error::refused(format!(
                "--line {spec:?}: {} billed {billed} of that line and {before} of it is credited already: {left} is left",
                invoice.id
            )));
        }
        let left_net = billed_net - before_net;
        if left_net <= Decimal::ZERO && !billed_net.is_zero() {
            return Err(Error::refused(format!(
                "--line {spec:?}: all of that line's {} is credited already",
                Money(billed_net)
            )));
        }
        // Within the money left: as it is — also a last part that comes to less (parts that
        // rounded down leave a cent, to credit by amount: a quantity beyond what the
        // invoice billed would be credited otherwise, a review found).
        let last = before + line.qty.0 == billed;
        if line_net(&line) <= left_net {
            continue;
        }
        let unit = line.unit_price.map(|p| p.0).unwrap_or_default()
            * (Decimal::ONE - line.discount_pct.map(|d| d.0).unwrap_or_default() / Decimal::ONE_HUNDRED);
        let qty = (!unit.is_zero()).then(|| (left_net / unit).round_dp(8));
        let finished = Line { qty: Rate(qty.unwrap_or_default()), ..line.clone() };
        if last && qty.is_some() && line_net(&finished) == left_net {
            lines[i] = finished;
            continue;
        }
        return Err(Error::refused(format!(
            "--line {spec:?} would credit {}, but {} of that line's money is left (each part rounds on its own): \
             credit the rest of the line in one part",
            Money(line_net(&line)),
            Money(left_net)
        )));
    }
    Ok(())
}

/// Line N of the invoice, with the quantity asked for (all of it by default).
fn invoice_line(invoice: &Document, spec: &str) -> Result<Line> {
    let (n, qty) = match spec.split_once(':') {
        Some((n, q)) => (n, Some(q)),
        None => (spec, None),
    };
    let n: usize = n.trim().parse().map_err(|_| Error::usage(format!("--line {spec:?}: expected N[:QTY]")))?;
    let mut line =
        invoice.lines.get(n.wrapping_sub(1)).cloned().ok_or_else(|| {
            Error::refused(format!("--line {n}: {} has lines 1 to {}", invoice.id, invoice.lines.len()))
        })?;
    if let Some(q) = qty {
        let q = Rate::parse(q).map_err(|e| Error::refused(format!("--line {spec:?}: {e}")))?;
        if q.0 <= Decimal::ZERO || q.0 > line.qty.0 {
            return Err(Error::refused(format!(
                "--line {spec:?}: the quantity must be more than 0 and at most {}",
                line.qty
            )));
        }
        line.qty = q;
    }
    Ok(line)
}

/// One line crediting `amount` (taxable) at the invoice's VAT rate (and natura).
fn amount_line(
    invoice: &Document,
    amount: Money,
    rate: Option<Rate>,
    nature: Option<String>,
    reason: &str,
) -> Result<Line> {
    let mut vat = invoice.totals.as_ref().map(|t| t.vat.clone()).unwrap_or_default();
    // A reduction of the price reverses the supply, not the bollo charged back (N1, out of
    // the VAT's field): a forfettario's N2.2 row is then the only one. Nor is there anything
    // to reduce in a row of 0.00 (work under warranty beside a part sold).
    for keep in [|v: &VatLine| v.nature.as_deref() != Some("N1"), |v: &VatLine| !v.taxable.0.is_zero()] {
        if vat.iter().any(keep) {
            vat.retain(keep);
        }
    }
    let row = |v: &VatLine| format!("{}%{}", v.rate, v.nature.as_deref().map(|n| format!(" {n}")).unwrap_or_default());
    let fits = |v: &&VatLine| {
        rate.is_none_or(|r| v.rate == r)
            && nature.as_deref().is_none_or(|n| v.nature.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(n)))
    };
    let mut rows: Vec<&VatLine> = vat.iter().filter(fits).collect();
    // Operations without VAT under different rules (two exemptions of art. 10): each row's
    // rule is the note's, which one amount cannot say (found by a fiscal audit: 150.00 went
    // under the first row's rule, which had billed 100.00).
    let mut rules: Vec<(&Option<String>, &Option<String>)> =
        rows.iter().filter(|v| v.nature.is_some()).map(|v| (&v.nature, &v.note)).collect();
    rules.dedup();
    if rules.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(Error::usage(format!(
            "{} has rows of one natura under different rules ({}): credit them line by line with --line N",
            invoice.id,
            rows.iter()
                .map(|v| format!("{}: {}", row(v), v.note.as_deref().unwrap_or("-")))
                .collect::<Vec<_>>()
                .join("; ")
        )));
    }
    // Rows of one rate and natura that differ in wording alone (a home's reduced 10% beside
    // goods at their own): the first is reduced, as one of them must be.
    rows.dedup_by(|b, a| (a.rate, &a.nature) == (b.rate, &b.nature));
    let (rate, nature, note) = match rows[..] {
        [only] => (only.rate, only.nature.clone(), only.note.clone()),
        [] => {
            let asked = [rate.map(|r| format!("{r}%")), nature].into_iter().flatten().collect::<Vec<_>>().join(" ");
            return Err(Error::refused(format!(
                "{} has no line at {asked}: a credit note reverses what its invoice charged (it has {})",
                invoice.id,
                vat.iter().map(row).collect::<Vec<_>>().join(", ")
            )));
        }
        ref several => {
            return Err(Error::usage(format!(
                "{} has several VAT rows ({}): give --vat-rate, and --nature for one of several at a rate",
                invoice.id,
                several.iter().map(|v| row(v)).collect::<Vec<_>>().join(", ")
            )))
        }
    };
    Ok(Line {
        item: None,
        description: format!("Rettifica: {}", reason.trim()),
        qty: Rate(Decimal::ONE),
        unit: None,
        unit_price: Some(amount),
        discount_pct: None,
        vat_rate: Some(rate),
        vat_nature: nature,
        vat_note: note,
        serial: None,
        withholding: false,
        extra: Default::default(),
    })
}

/// Money that moves: the amount (all that is allowed when left out), how, and the bank's
/// or customer's reference.
#[derive(Debug, Clone, Default)]
pub struct Movement {
    pub amount: Option<Money>,
    pub method: Option<PaymentMethod>,
    pub reference: Option<String>,
    pub doc: DocOptions,
}

/// Records a payment received against `invoice`; returns its id and what is still due.
pub fn pay(env: &Env, invoice: &str, money: Movement) -> Result<(String, Money)> {
    let _lock = env.lock()?;
    let invoice = load_sound_doc(env, invoice, DocKind::Invoice)?;
    // What is due is what its credit notes left as issued (found by a fiscal attack: with
    // one's link edited away, a cancelled invoice was paid in full).
    credit_notes_as_issued(env, &invoice.id)?;
    let balance = invoice_balance(&env.desk, &invoice)?;
    let payable = balance.payable();
    let amount = checked_amount(
        money.amount,
        payable,
        || {
            format!(
                "{}: nothing is due (invoiced {}, credited {}, paid {})",
                invoice.id, balance.invoiced, balance.credited, balance.paid
            )
        },
        |a| format!("{}: a payment of {a} is more than what is due ({})", invoice.id, Money(payable)),
    )?;
    let mut doc = new_document(env, DocKind::Payment, &invoice.customer, &money.doc)?;
    received_between(env, &doc, &invoice)?;
    doc.ticket = invoice.ticket.clone();
    doc.invoice = Some(invoice.id.clone());
    doc.amount = Some(amount);
    doc.method = money.method.or_else(|| invoice.payment.as_ref().and_then(|p| p.method.clone()));
    doc.reference = money.reference;
    let id = issue(env, &mut doc, vec![], &format!("payment of {amount} on {}", invoice.id))?;
    let left = Money(payable - amount.0);
    env.say(format!("{}: {} still due", invoice.id, left));
    Ok((id, left))
}

/// Money moves on a day that happened, and not before the document it settles.
fn received_between(env: &Env, doc: &Document, against: &Document) -> Result<()> {
    let today = env.now.date_naive();
    if doc.date > today {
        return Err(Error::refused(format!("a {} may not be dated {}, after today ({today})", doc.kind, doc.date)));
    }
    if doc.date < against.date {
        return Err(Error::refused(format!(
            "a {} dated {} may not precede {} of {}",
            doc.kind, doc.date, against.id, against.date
        )));
    }
    Ok(())
}

/// Records a refund paid out against `credit_note`; returns its id.
pub fn refund(env: &Env, credit_note: &str, money: Movement) -> Result<String> {
    let _lock = env.lock()?;
    let note = load_sound_doc(env, credit_note, DocKind::CreditNote)?;
    let invoice_id = note.invoice.clone().unwrap_or_default();
    let invoice = load_sound_doc(env, &invoice_id, DocKind::Invoice)?;
    let docs = settling(&env.desk, &invoice.id)?;
    // Credit notes that together credit more than the invoice (two clones, merged by
    // sync) say nothing sure of what is owed back: a person settles them first.
    let notes: Vec<&Document> =
        docs.iter().filter(|d| d.kind == DocKind::CreditNote && d.invoice == note.invoice).collect();
    refuse_if_any(&format!("a refund on {}", note.id), credit_problems(&invoice, &notes))
        .map_err(|e| e.with_hint("its invoice's credit notes fail their checks (tkt check names them)"))?;
    let balance = Balance::of_invoice(&invoice, &docs);
    let owed = refundable(&note, &balance, &docs);
    let amount = checked_amount(
        money.amount,
        owed,
        || {
            format!(
                "{}: nothing to refund (the customer has not paid more than {} owes after its credit notes)",
                note.id, invoice.id
            )
        },
        |a| format!("{}: a refund of {a} is more than the credit note owes ({})", note.id, Money(owed)),
    )?;
    let mut doc = new_document(env, DocKind::Refund, &note.customer, &money.doc)?;
    received_between(env, &doc, &note)?;
    // Money goes back once it came in: on the refund's day, the invoice was overpaid by at
    // least what goes back (a review: a refund was dated before the payment it returns).
    let then: Vec<Document> = docs.iter().filter(|d| d.date <= doc.date).cloned().collect();
    let overpaid_then = Balance::of_invoice(&invoice, &then).overpaid();
    if overpaid_then < amount.0 {
        return Err(Error::refused(format!(
            "a refund of {amount} dated {} may not precede the payments it gives back: on that day {} was \
             overpaid by {}",
            doc.date,
            invoice.id,
            if overpaid_then.is_zero() { "nothing".to_string() } else { Money(overpaid_then).to_string() }
        )));
    }
    doc.ticket = note.ticket.clone();
    doc.credit_note = Some(note.id.clone());
    doc.amount = Some(amount);
    doc.method = money.method;
    doc.reference = money.reference;
    issue(env, &mut doc, vec![], &format!("refund of {amount} on {}", note.id))
}

/// The amount asked for (or all that is allowed), refused when nothing is allowed or when
/// it is more than allowed.
fn checked_amount(
    asked: Option<Money>,
    allowed: Decimal,
    nothing: impl FnOnce() -> String,
    too_much: impl FnOnce(Money) -> String,
) -> Result<Money> {
    if allowed <= Decimal::ZERO {
        return Err(Error::refused(nothing()));
    }
    match asked {
        None => Ok(Money(allowed)),
        Some(a) if a.0 <= Decimal::ZERO => Err(Error::refused(format!("--amount {a}: must be positive"))),
        Some(a) if a.0 > allowed => Err(Error::refused(too_much(a))),
        Some(a) => Ok(a),
    }
}
