//! An e-invoice file shown the way a buyer's viewer shows it (the Agenzia delle Entrate's
//! stylesheet): its sections read from the XML itself — transmission, seller, buyer,
//! general data, lines, VAT summary, payment — so what tkt prints is what SDI delivered.
//! Values are shown as the file writes them; codes are followed by their meaning.

use roxmltree::{Document, Node};

/// A block of a section: label and value pairs, or a table.
#[derive(Debug)]
enum Block {
    Fields(Vec<(&'static str, String)>),
    Table { head: Vec<&'static str>, rows: Vec<Vec<String>> },
}

#[derive(Debug)]
struct Section {
    title: String,
    blocks: Vec<Block>,
}

/// The view of one e-invoice file.
#[derive(Debug)]
pub struct XmlView {
    title: String,
    sections: Vec<Section>,
}

/// The text of the first element at `path` (`A/B/C`) under `node`.
fn leaf(node: Node, path: &str) -> Option<String> {
    let mut at = node;
    for step in path.split('/') {
        at = at.children().find(|c| c.has_tag_name(step))?;
    }
    at.text().map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

fn children<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |c| c.has_tag_name(name))
}

/// A code followed by what it means, as the viewer shows it: `TD01 (fattura)`.
fn coded(code: Option<String>, meanings: &[(&str, &str)]) -> Option<String> {
    let code = code?;
    Some(match meanings.iter().find(|(c, _)| *c == code) {
        Some((_, meaning)) => format!("{code} ({meaning})"),
        None => code,
    })
}

const DOCUMENT_TYPES: &[(&str, &str)] = &[
    ("TD01", "fattura"),
    ("TD02", "acconto/anticipo su fattura"),
    ("TD04", "nota di credito"),
    ("TD05", "nota di debito"),
    ("TD06", "parcella"),
    ("TD24", "fattura differita"),
    ("TD25", "fattura differita di cui all'art. 21, comma 4, terzo periodo lett. b"),
];
const REGIMES: &[(&str, &str)] =
    &[("RF01", "ordinario"), ("RF02", "contribuenti minimi"), ("RF18", "altro"), ("RF19", "forfettario")];
const NATURES: &[(&str, &str)] = &[
    ("N1", "escluse ex art. 15"),
    ("N2.1", "non soggette ad IVA ai sensi degli artt. da 7 a 7-septies del DPR 633/72"),
    ("N2.2", "non soggette - altri casi"),
    ("N3.1", "non imponibili - esportazioni"),
    ("N4", "esenti"),
    ("N5", "regime del margine / IVA non esposta in fattura"),
    ("N6.7", "inversione contabile - prestazioni comparto edile e settori connessi"),
    ("N6.9", "inversione contabile - altri casi"),
    ("N7", "IVA assolta in altro stato UE"),
];
const PAYMENT_TERMS: &[(&str, &str)] =
    &[("TP01", "pagamento a rate"), ("TP02", "pagamento completo"), ("TP03", "anticipo")];
const PAYMENT_METHODS: &[(&str, &str)] = &[
    ("MP01", "contanti"),
    ("MP02", "assegno"),
    ("MP03", "assegno circolare"),
    ("MP05", "bonifico"),
    ("MP08", "carta di pagamento"),
    ("MP12", "RIBA"),
    ("MP19", "SEPA Direct Debit"),
];
const CHARGEABILITY: &[(&str, &str)] =
    &[("I", "esigibilita' immediata"), ("D", "esigibilita' differita"), ("S", "scissione dei pagamenti")];

/// Fields that have a value, in order.
fn fields(pairs: Vec<(&'static str, Option<String>)>) -> Block {
    Block::Fields(pairs.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect())
}

/// A tax id as `IT01234567897`.
fn tax_id(node: Node, path: &str) -> Option<String> {
    Some(format!("{}{}", leaf(node, &format!("{path}/IdPaese"))?, leaf(node, &format!("{path}/IdCodice"))?))
}

/// A party: seller (cedente/prestatore) or buyer (cessionario/committente).
fn party(title: &str, node: Node) -> Section {
    let name = leaf(node, "DatiAnagrafici/Anagrafica/Denominazione").or_else(|| {
        let first = leaf(node, "DatiAnagrafici/Anagrafica/Nome")?;
        Some(format!("{first} {}", leaf(node, "DatiAnagrafici/Anagrafica/Cognome").unwrap_or_default()))
    });
    let mut blocks = vec![
        fields(vec![
            ("Identificativo fiscale ai fini IVA", tax_id(node, "DatiAnagrafici/IdFiscaleIVA")),
            ("Codice fiscale", leaf(node, "DatiAnagrafici/CodiceFiscale")),
            ("Denominazione", name),
            ("Regime fiscale", coded(leaf(node, "DatiAnagrafici/RegimeFiscale"), REGIMES)),
        ]),
        fields(vec![
            (
                "Indirizzo",
                leaf(node, "Sede/Indirizzo")
                    .map(|s| s + &leaf(node, "Sede/NumeroCivico").map(|n| format!(" {n}")).unwrap_or_default()),
            ),
            ("CAP", leaf(node, "Sede/CAP")),
            ("Comune", leaf(node, "Sede/Comune")),
            ("Provincia", leaf(node, "Sede/Provincia")),
            ("Nazione", leaf(node, "Sede/Nazione")),
        ]),
    ];
    if node.children().any(|c| c.has_tag_name("IscrizioneREA")) {
        blocks.push(fields(vec![
            ("Ufficio Registro Imprese", leaf(node, "IscrizioneREA/Ufficio")),
            ("Numero di iscrizione", leaf(node, "IscrizioneREA/NumeroREA")),
            ("Capitale sociale", leaf(node, "IscrizioneREA/CapitaleSociale")),
            ("Stato di liquidazione", leaf(node, "IscrizioneREA/StatoLiquidazione")),
        ]));
    }
    blocks.push(fields(vec![("Telefono", leaf(node, "Contatti/Telefono")), ("E-mail", leaf(node, "Contatti/Email"))]));
    Section { title: title.to_string(), blocks }
}

/// Reads an e-invoice file; anything that is not a FatturaElettronica is an error, in words.
pub fn xml_view(xml: &str) -> Result<XmlView, String> {
    let doc = Document::parse(xml).map_err(|e| format!("not XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "FatturaElettronica" {
        return Err(format!("not an e-invoice: the root element is {}", root.tag_name().name()));
    }
    let header = children(root, "FatturaElettronicaHeader").next().ok_or("no FatturaElettronicaHeader")?;
    let mut sections = Vec::new();
    if let Some(t) = children(header, "DatiTrasmissione").next() {
        sections.push(Section {
            title: "Dati relativi alla trasmissione".into(),
            blocks: vec![fields(vec![
                ("Identificativo del trasmittente", tax_id(t, "IdTrasmittente")),
                ("Progressivo di invio", leaf(t, "ProgressivoInvio")),
                ("Formato Trasmissione", leaf(t, "FormatoTrasmissione")),
                ("Codice destinatario", leaf(t, "CodiceDestinatario")),
                ("PEC destinatario", leaf(t, "PECDestinatario")),
            ])],
        });
    }
    if let Some(n) = children(header, "CedentePrestatore").next() {
        sections.push(party("Dati del cedente / prestatore", n));
    }
    if let Some(n) = children(header, "CessionarioCommittente").next() {
        sections.push(party("Dati del cessionario / committente", n));
    }
    for body in children(root, "FatturaElettronicaBody") {
        body_sections(body, &mut sections);
    }
    let version = root.attribute("versione").unwrap_or("?");
    Ok(XmlView { title: format!("Fattura elettronica - versione {version}"), sections })
}

/// The sections of one body: general data, lines, VAT summary, payment.
fn body_sections(body: Node, sections: &mut Vec<Section>) {
    let general = "DatiGenerali/DatiGeneraliDocumento";
    let mut blocks = vec![fields(vec![
        ("Tipologia documento", coded(leaf(body, &format!("{general}/TipoDocumento")), DOCUMENT_TYPES)),
        ("Valuta importi", leaf(body, &format!("{general}/Divisa"))),
        ("Data documento", leaf(body, &format!("{general}/Data"))),
        ("Numero documento", leaf(body, &format!("{general}/Numero"))),
        ("Importo totale documento", leaf(body, &format!("{general}/ImportoTotaleDocumento"))),
        ("Bollo virtuale", leaf(body, &format!("{general}/DatiBollo/BolloVirtuale"))),
        ("Importo bollo", leaf(body, &format!("{general}/DatiBollo/ImportoBollo"))),
        ("Tipo ritenuta", leaf(body, &format!("{general}/DatiRitenuta/TipoRitenuta"))),
        ("Importo ritenuta", leaf(body, &format!("{general}/DatiRitenuta/ImportoRitenuta"))),
        ("Aliquota ritenuta", leaf(body, &format!("{general}/DatiRitenuta/AliquotaRitenuta"))),
        ("Causale pagamento", leaf(body, &format!("{general}/DatiRitenuta/CausalePagamento"))),
    ])];
    if let Some(d) = children(body, "DatiGenerali").next().and_then(|g| children(g, "DatiGeneraliDocumento").next()) {
        let causali: Vec<String> = children(d, "Causale").filter_map(|c| c.text().map(str::to_string)).collect();
        if !causali.is_empty() {
            blocks.push(Block::Fields(vec![("Causale", causali.join(" "))]));
        }
    }
    if let Some(g) = children(body, "DatiGenerali").next() {
        let linked: Vec<Vec<String>> = children(g, "DatiFattureCollegate")
            .map(|f| vec![leaf(f, "IdDocumento").unwrap_or_default(), leaf(f, "Data").unwrap_or_default()])
            .collect();
        if !linked.is_empty() {
            blocks.push(Block::Table { head: vec!["Fattura collegata", "Data"], rows: linked });
        }
        let ddts: Vec<Vec<String>> = children(g, "DatiDDT")
            .map(|f| vec![leaf(f, "NumeroDDT").unwrap_or_default(), leaf(f, "DataDDT").unwrap_or_default()])
            .collect();
        if !ddts.is_empty() {
            blocks.push(Block::Table { head: vec!["Numero DDT", "Data DDT"], rows: ddts });
        }
    }
    sections.push(Section { title: "Dati generali del documento".into(), blocks });
    let Some(goods) = children(body, "DatiBeniServizi").next() else { return };
    let lines = children(goods, "DettaglioLinee")
        .map(|l| {
            let discount = children(l, "ScontoMaggiorazione")
                .map(|s| {
                    let sign = if leaf(s, "Tipo").as_deref() == Some("MG") { "+" } else { "-" };
                    format!("{sign}{}%", leaf(s, "Percentuale").or_else(|| leaf(s, "Importo")).unwrap_or_default())
                })
                .collect::<Vec<_>>()
                .join(" ");
            vec![
                leaf(l, "NumeroLinea").unwrap_or_default(),
                leaf(l, "CodiceArticolo/CodiceValore").unwrap_or_default(),
                leaf(l, "Descrizione").unwrap_or_default(),
                leaf(l, "Quantita").unwrap_or_default(),
                leaf(l, "UnitaMisura").unwrap_or_default(),
                leaf(l, "PrezzoUnitario").unwrap_or_default(),
                discount,
                leaf(l, "AliquotaIVA").unwrap_or_default(),
                leaf(l, "Natura").unwrap_or_default(),
                leaf(l, "PrezzoTotale").unwrap_or_default(),
            ]
        })
        .collect();
    sections.push(Section {
        title: "Dati relativi alle linee di dettaglio della fornitura".into(),
        blocks: vec![Block::Table {
            head: vec![
                "Nr.",
                "Cod. articolo",
                "Descrizione",
                "Quantita'",
                "UM",
                "Prezzo unitario",
                "Sconto o magg.",
                "%IVA",
                "Natura",
                "Prezzo totale",
            ],
            rows: lines,
        }],
    });
    let summary = children(goods, "DatiRiepilogo")
        .map(|r| {
            vec![
                leaf(r, "AliquotaIVA").unwrap_or_default(),
                coded(leaf(r, "Natura"), NATURES).unwrap_or_default(),
                leaf(r, "RiferimentoNormativo").unwrap_or_default(),
                leaf(r, "ImponibileImporto").unwrap_or_default(),
                leaf(r, "Imposta").unwrap_or_default(),
                coded(leaf(r, "EsigibilitaIVA"), CHARGEABILITY).unwrap_or_default(),
            ]
        })
        .collect();
    sections.push(Section {
        title: "Dati di riepilogo per aliquota IVA e natura".into(),
        blocks: vec![Block::Table {
            head: vec![
                "%IVA",
                "Natura",
                "Riferimento normativo",
                "Totale imponibile",
                "Totale imposta",
                "Esigibilita' IVA",
            ],
            rows: summary,
        }],
    });
    for payment in children(body, "DatiPagamento") {
        let mut blocks =
            vec![fields(vec![("Condizioni di pagamento", coded(leaf(payment, "CondizioniPagamento"), PAYMENT_TERMS))])];
        for detail in children(payment, "DettaglioPagamento") {
            blocks.push(fields(vec![
                ("Modalita'", coded(leaf(detail, "ModalitaPagamento"), PAYMENT_METHODS)),
                ("Data scadenza", leaf(detail, "DataScadenzaPagamento")),
                ("Importo", leaf(detail, "ImportoPagamento")),
                ("Istituto finanziario", leaf(detail, "IstitutoFinanziario")),
                ("IBAN", leaf(detail, "IBAN")),
            ]));
        }
        sections.push(Section { title: "Dati relativi al pagamento".into(), blocks });
    }
}

impl XmlView {
    /// The view as text for a terminal or a printer.
    pub fn text(&self) -> String {
        let mut out = format!("{}\n{}\n", self.title, "=".repeat(self.title.chars().count()));
        for section in &self.sections {
            if !out.ends_with("\n\n") {
                out.push('\n');
            }
            out.push_str(&format!("{}\n{}\n", section.title, "-".repeat(section.title.chars().count())));
            for block in &section.blocks {
                match block {
                    Block::Fields(pairs) if pairs.is_empty() => continue,
                    Block::Fields(pairs) => {
                        let width = pairs.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
                        for (k, v) in pairs {
                            out.push_str(&format!("{k:<width$}  {v}\n"));
                        }
                    }
                    Block::Table { head, rows } => {
                        // Columns that are empty on every row are left out.
                        let used: Vec<usize> =
                            (0..head.len()).filter(|&i| rows.iter().any(|r| !r[i].is_empty())).collect();
                        let width = |i: usize| {
                            rows.iter()
                                .map(|r| r[i].chars().count())
                                .chain([head[i].chars().count()])
                                .max()
                                .unwrap_or(0)
                        };
                        let row = |cells: Vec<&str>| {
                            let parts: Vec<String> =
                                used.iter().zip(cells).map(|(&i, c)| format!("{c:<w$}", w = width(i))).collect();
                            parts.join("  ").trim_end().to_string() + "\n"
                        };
                        out.push_str(&row(used.iter().map(|&i| head[i]).collect()));
                        for r in rows {
                            out.push_str(&row(used.iter().map(|&i| r[i].as_str()).collect()));
                        }
                    }
                }
                out.push('\n');
            }
        }
        out.trim_end().to_string() + "\n"
    }

    /// The view as one self-contained HTML page.
    pub fn html(&self) -> String {
        let e = |t: &str| {
            t.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
                .replace('\'', "&#39;")
        };
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"it\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n\
             body {{ font-family: sans-serif; font-size: 10pt; margin: 2em; }}\n\
             h1 {{ font-size: 14pt; }} h2 {{ font-size: 11pt; background: #eee; padding: 2px 4px; }}\n\
             table {{ border-collapse: collapse; margin-bottom: 1em; }}\n\
             th, td {{ border: 1px solid #999; padding: 2px 6px; text-align: left; vertical-align: top; }}\n\
             dl {{ display: grid; grid-template-columns: max-content auto; gap: 0 1em; }} dt {{ color: #555; }} dd {{ margin: 0; }}\n\
             </style>\n</head>\n<body>\n<h1>{}</h1>\n",
            e(&self.title),
            e(&self.title)
        );
        for section in &self.sections {
            out.push_str(&format!("<section>\n<h2>{}</h2>\n", e(&section.title)));
            for block in &section.blocks {
                match block {
                    Block::Fields(pairs) if pairs.is_empty() => {}
                    Block::Fields(pairs) => {
                        out.push_str("<dl>\n");
                        for (k, v) in pairs {
                            out.push_str(&format!("<dt>{}</dt><dd>{}</dd>\n", e(k), e(v)));
                        }
                        out.push_str("</dl>\n");
                    }
                    Block::Table { head, rows } => {
                        let used: Vec<usize> =
                            (0..head.len()).filter(|&i| rows.iter().any(|r| !r[i].is_empty())).collect();
                        out.push_str("<table>\n<tr>");
                        for &i in &used {
                            out.push_str(&format!("<th>{}</th>", e(head[i])));
                        }
                        out.push_str("</tr>\n");
                        for r in rows {
                            out.push_str("<tr>");
                            for &i in &used {
                                out.push_str(&format!("<td>{}</td>", e(&r[i])));
                            }
                            out.push_str("</tr>\n");
                        }
                        out.push_str("</table>\n");
                    }
                }
            }
            out.push_str("</section>\n");
        }
        out + "</body>\n</html>\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credit_note_to_a_person_shows_its_invoice_natura_and_name() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<p:FatturaElettronica versione="FPR12" xmlns:p="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2">
<FatturaElettronicaHeader><CessionarioCommittente><DatiAnagrafici><CodiceFiscale>RSSMRA80A01H501U</CodiceFiscale>
<Anagrafica><Nome>Mario</Nome><Cognome>Rossi</Cognome></Anagrafica></DatiAnagrafici></CessionarioCommittente>
</FatturaElettronicaHeader><FatturaElettronicaBody><DatiGenerali><DatiGeneraliDocumento><TipoDocumento>TD04</TipoDocumento>
<Numero>CN-2026-0001</Numero><Causale>Reso</Causale></DatiGeneraliDocumento>
<DatiFattureCollegate><IdDocumento>INV-2026-0001</IdDocumento><Data>2026-11-02</Data></DatiFattureCollegate></DatiGenerali>
<DatiBeniServizi><DettaglioLinee><NumeroLinea>1</NumeroLinea><Descrizione>Garanzia &amp; ricambio</Descrizione>
<PrezzoTotale>0.00</PrezzoTotale><AliquotaIVA>0.00</AliquotaIVA><Natura>N2.2</Natura></DettaglioLinee>
<DatiRiepilogo><AliquotaIVA>0.00</AliquotaIVA><Natura>N2.2</Natura><ImponibileImporto>0.00</ImponibileImporto>
<Imposta>0.00</Imposta></DatiRiepilogo></DatiBeniServizi></FatturaElettronicaBody></p:FatturaElettronica>"#;
        let view = xml_view(xml).unwrap();
        let text = view.text();
        for shown in [
            "Denominazione   Mario Rossi",
            "TD04 (nota di credito)",
            "INV-2026-0001      2026-11-02",
            "Causale  Reso",
            "N2.2 (non soggette - altri casi)",
            "Garanzia & ricambio",
        ] {
            assert!(text.contains(shown), "no {shown:?} in\n{text}");
        }
        assert!(view.html().contains("<td>Garanzia &amp; ricambio</td>"));
        assert!(xml_view("<RicevutaConsegna/>").unwrap_err().contains("not an e-invoice"));
    }
}
