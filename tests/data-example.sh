#!/usr/bin/env bash
# Rebuilds data-example/ through the real tkt commands, back-filled with TKT_NOW, so the
# example desk is exactly what tkt writes. Run from the repository:
#   cargo build && bash tests/data-example.sh && touch src/desk/init.rs && cargo test
# It also writes src/desk/example-history.fast-export, the history of those commands.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
T=$repo/target/debug/tkt
MAIL=$repo/tests/intake/mail
D=$(mktemp -d)/desk
trap 'rm -rf "$(dirname "$D")"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 TKT_USER=giulia TKT_EMAIL=giulia@termoclimabianchi.example TKT_NOW=2026-01-02T08:30:00+01:00
$T -q init $D
cd $D
cat > tkt.toml <<'TOML'
# Desk of Termoclima Bianchi S.r.l. — an example of a small Italian service business
# that installs and repairs boilers and air conditioners. Try: tkt ticket list --open

[company]
name = "Termoclima Bianchi S.r.l."
vat_number = "03912760984"
tax_code = "03912760984"
email = "assistenza@termoclimabianchi.example"
phone = "+39 030 1234567"
pec = "termoclimabianchi@pec.example"
sdi_code = "M5UXCR1"
address = { street = "Via Industriale 14", zip = "25125", city = "Brescia", province = "BS", country = "IT" }

[features]
serial_numbers = true

[numbering.prefixes]
ticket = "T"
customer = "C"

# Custom ticket fields: tkt ticket create --set contratto=completo
# How tickets are billed: the items that price labour and travel, and what a warranty
# intervention gives for free (billed at 0.00, VAT nature N2.2).
[billing]
labour_item = "MANODOPERA"
travel_item = "VIAGGIO"
warranty_covers = ["labour", "materials", "travel"]
payment_method = "bonifico bancario"

[fields.contratto]
type = "enum"
values = ["nessuno", "base", "completo"]
help = "Contratto di manutenzione del cliente"

[fields.accesso]
type = "string"
help = "Come accedere all'impianto (chiavi, orari, portineria)"

[fields.piano]
type = "int"
help = "Piano dell'edificio dove si trova l'impianto"
TOML
# Edited by hand, so committed by hand, as the README says.
GIT_AUTHOR_DATE=$TKT_NOW GIT_COMMITTER_DATE=$TKT_NOW git -c user.name=giulia -c user.email=giulia@termoclimabianchi.example \
  commit -q -m "tkt.toml: Termoclima Bianchi S.r.l., billing, custom fields" tkt.toml
# Italian catalog: create the new states, make nuovo initial, delete the English ones.
st() { $T -q state create "$@" >/dev/null; }
st nuovo --name "Nuovo" --description "Ricevuto, da valutare" --initial --order 10
st diagnosi --name "Diagnosi" --description "Il tecnico sta individuando il guasto" --order 20
st in-lavorazione --name "In lavorazione" --description "Intervento in corso" --order 30
st attesa-ricambi --name "Attesa ricambi" --description "Ricambi ordinati al fornitore" --order 40
st attesa-cliente --name "Attesa cliente" --description "Serve una risposta o l'accesso dal cliente" --order 50
st risolto --name "Risolto" --description "Riparato, in attesa di conferma del cliente" --order 60
st chiuso --name "Chiuso" --description "Concluso" --closed --order 70
st annullato --name "Annullato" --description "Non si procede" --closed --order 80
$T -q state edit nuovo --to diagnosi,attesa-cliente,annullato
$T -q state edit diagnosi --to in-lavorazione,attesa-ricambi,attesa-cliente,annullato
$T -q state edit in-lavorazione --to attesa-ricambi,attesa-cliente,risolto
$T -q state edit attesa-ricambi --to in-lavorazione,annullato
$T -q state edit attesa-cliente --to diagnosi,in-lavorazione,annullato
$T -q state edit risolto --to chiuso,in-lavorazione
$T -q state edit chiuso --to in-lavorazione
$T -q state edit annullato --to nuovo
for s in new in-progress waiting-customer waiting-parts resolved closed cancelled; do
  for o in new in-progress waiting-customer waiting-parts resolved closed cancelled; do
    $T -q state edit $o --remove-to $s 2>/dev/null || true
  done
done
for s in in-progress waiting-customer waiting-parts resolved closed cancelled new; do $T -q state delete $s; done

cu() { $T -q customer create "$@" >/dev/null; }
cu --name "Condominio Le Querce" --vat-number 02817340157 --tax-code 02817340157 --street "Via dei Mille 22" --zip 25122 --city Brescia --province BS --country IT --email amministrazione@lequerce.example --phone "+39 030 2233445" --sdi-code 0000000 --payment-terms "30 gg data fattura"
cu --name "Ristorante Da Mario S.n.c." --vat-number 03546189204 --street "Piazza Loggia 3" --zip 25121 --city Brescia --province BS --country IT --email info@damario.example --phone "+39 030 5566778" --pec damario@pec.example --payment-terms "rimessa diretta"
cu --name "Mario Rossi" --tax-code RSSMRA85T10A562S --street "Via Garibaldi 8" --zip 25015 --city "Desenzano del Garda" --province BS --country IT --email mario.rossi@mail.example --phone "+39 333 1234567"
cu --name "Hotel Lago Blu S.p.A." --vat-number 01129473656 --street "Lungolago Zanardelli 40" --zip 25087 --city "Salò" --province BS --country IT --email manutenzione@hotellagoblu.example --phone "+39 0365 123456" --sdi-code KRRH6B9 --payment-terms "60 gg fine mese"
cu --name "Studio Dentistico Ferrari" --vat-number 06238710948 --street "Corso Magenta 51" --zip 25121 --city Brescia --province BS --country IT --email segreteria@studioferrari.example --phone "+39 030 9988776" --sdi-code T04ZHR3 --payment-terms "30 gg data fattura"
cu --name "Panificio Gatti di Gatti Luca" --vat-number 04981235676 --street "Via Roma 112" --zip 25036 --city "Palazzolo sull'Oglio" --province BS --country IT --email panificio.gatti@mail.example --phone "+39 030 7301122"

it() { $T -q item create "$@" >/dev/null; }
it CALD-24K --description "Caldaia a condensazione 24 kW" --unit pz --price 1890.00 --vat-rate 22 --serial-pattern 'CV24-\d{6}' --warranty-months 24
it CALD-35K --description "Caldaia a condensazione 35 kW" --unit pz --price 2450.00 --vat-rate 22 --serial-pattern 'CV35-\d{6}' --warranty-months 24
it SPLIT-9K --description "Climatizzatore split 9000 BTU inverter" --unit pz --price 690.00 --vat-rate 22 --serial-pattern 'AC09[A-Z]\d{5}' --warranty-months 24
it SPLIT-12K --description "Climatizzatore split 12000 BTU inverter" --unit pz --price 820.00 --vat-rate 22 --serial-pattern 'AC12[A-Z]\d{5}' --warranty-months 24
it PDC-8K --description "Pompa di calore aria-acqua 8 kW" --unit pz --price 6200.00 --vat-rate 10 --serial-pattern 'HP8-\d{4}-\d{4}' --warranty-months 36
it SCHEDA-CV --description "Scheda elettronica di ricambio per caldaie CV" --unit pz --price 185.00 --vat-rate 22 --warranty-months 12
it MANODOPERA --description "Manodopera tecnico specializzato" --kind service --unit h --price 45.00 --vat-rate 22
it USCITA --description "Diritto di chiamata (uscita tecnico)" --kind service --unit pz --price 35.00 --vat-rate 22
it VIAGGIO --description "Trasferta tecnico" --kind service --unit h --price 30.00 --vat-rate 22
it VASO-8L --description "Vaso di espansione 8 litri" --unit pz --price 39.00 --vat-rate 22 --warranty-months 24
it FILTRO-DEF --description "Filtro defangatore magnetico" --unit pz --price 95.00 --vat-rate 22 --warranty-months 24

eq() { $T -q equipment create "$@" >/dev/null; }
eq CV24-104233 --item CALD-24K --customer C-0003 --sold-on 2025-10-14 --location "Caldaia in lavanderia"
eq CV24-098811 --item CALD-24K --customer C-0006 --sold-on 2023-03-02 --location "Laboratorio, parete nord"
eq CV35-220417 --item CALD-35K --customer C-0001 --sold-on 2025-02-20 --location "Centrale termica, piano interrato"
eq CV35-190032 --item CALD-35K --customer C-0004 --sold-on 2022-11-05 --location "Locale caldaie hotel"
eq AC09K00871 --item SPLIT-9K --customer C-0005 --sold-on 2026-05-12 --location "Sala d'attesa"
eq AC09K00872 --item SPLIT-9K --customer C-0005 --sold-on 2026-05-12 --location "Studio 1"
eq AC12M01544 --item SPLIT-12K --customer C-0002 --sold-on 2024-06-18 --location "Sala ristorante"
eq AC12M00913 --item SPLIT-12K --customer C-0004 --sold-on 2023-05-30 --location "Camera 12"
eq AC12M02210 --item SPLIT-12K --customer C-0004 --sold-on 2025-04-22 --location "Camera 21"
eq AC09H00456 --item SPLIT-9K --customer C-0003 --sold-on 2024-07-01 --location "Camera da letto"
eq HP8-2025-0031 --item PDC-8K --customer C-0002 --sold-on 2025-09-15 --location "Esterno, cortile retro"
eq HP8-2023-0007 --item PDC-8K --customer C-0001 --sold-on 2023-01-10 --location "Tetto, lato est"

now() { export TKT_NOW="$1T$2:00+01:00"; }
new() { $T -q ticket create "$@"; }
tk() { $T -q ticket "$@" >/dev/null; }
dc() { $T -q doc "$@" >/dev/null; }
mv() { $T -q ticket transition "$@"; }
note() { $T -q ticket note "$@"; }
as() { export TKT_USER="$1" TKT_EMAIL="$1@termoclimabianchi.example"; }

as giulia; now 2026-01-12 09:10
t1=$(new --serial CV35-190032 --title "Caldaia in blocco, hotel senza acqua calda" --priority urgent --problem "Blocco F28 ripetuto, acqua calda assente nelle camere." --set contratto=completo --set piano=-1)
as marco; now 2026-01-12 11:00; mv $t1 diagnosi -m "Sul posto"; note $t1 "Ugello gas sporco, pressione gas bassa."
now 2026-01-12 15:30; mv $t1 in-lavorazione; now 2026-01-12 17:45; mv $t1 risolto -m "Pulito ugello, regolata valvola gas"
tk work $t1 --start 11:00 --end 17:45 --travel-hours 1 --km 62 --activity "Analisi blocco F28" --activity "Pulizia ugello gas e regolazione valvola" --outcome resolved --signed-by "Sig. Bruni (manutentore hotel)"
as giulia; now 2026-01-15 09:00; mv $t1 chiuso -m "Confermato dal cliente"
tk invoice $t1
now 2026-02-10 10:00; dc pay INV-2026-0001 --method "bonifico bancario" --reference "CRO 0210-4471"
now 2026-02-20 11:00; dc credit INV-2026-0001 --amount 50.00 --reason "Sconto concordato per il disagio (hotel senza acqua calda)"
now 2026-02-25 09:30; dc refund CN-2026-0001 --method "bonifico bancario" --reference "Rimborso NC CN-2026-0001"

as giulia; now 2026-02-03 08:40
t2=$(new --serial AC12M01544 --title "Climatizzatore sala gocciola" --problem "Perdita d'acqua dall'unità interna in sala." --set contratto=base)
as luca; now 2026-02-04 10:00; mv $t2 diagnosi; note $t2 "Scarico condensa ostruito."; mv $t2 in-lavorazione; now 2026-02-04 11:30; mv $t2 risolto
tk work $t2 --start 10:00 --end 11:30 --activity "Disostruzione scarico condensa" --outcome resolved --signed-by "Mario Esposito"
as giulia; now 2026-02-06 09:00; mv $t2 chiuso
tk invoice $t2

as giulia; now 2026-03-09 14:20
t3=$(new --serial CV24-098811 --title "Pressione impianto scende" --problem "Il panificio deve ricaricare l'impianto ogni due giorni." --assignee marco)
as marco; now 2026-03-10 08:30; mv $t3 diagnosi; note $t3 "Vaso di espansione scarico, perdita al raccordo."; mv $t3 attesa-ricambi -m "Ordinato vaso espansione 8 l"
tk work $t3 --hours 1 --activity "Diagnosi perdita di pressione" --outcome follow-up --signed-by "Luca Gatti"
now 2026-03-17 09:00; mv $t3 in-lavorazione; mv $t3 risolto
tk work $t3 --start 09:00 --end 11:00 --material VASO-8L:1 --activity "Sostituzione vaso di espansione e raccordo" --outcome resolved --signed-by "Luca Gatti"
as giulia; now 2026-03-20 10:00; mv $t3 chiuso
tk invoice $t3
now 2026-04-15 09:00; dc pay INV-2026-0003 --amount 100.00 --method contanti --reference "Acconto"

as giulia; now 2026-04-02 16:05
t4=$(new --customer C-0005 --title "Richiesta preventivo nuovo impianto clima" --priority low --problem "Lo studio chiede un preventivo per due split.")
now 2026-04-20 09:00; mv $t4 annullato -m "Preventivo accettato: si procede con vendita, non serve assistenza"

as giulia; now 2026-05-21 10:30
t5=$(new --serial AC09K00871 --title "Split sala d'attesa non raffresca" --problem "Dopo l'installazione non raggiunge la temperatura." --assignee luca --set contratto=base)
as luca; now 2026-05-22 09:00; mv $t5 diagnosi; note $t5 "Carica gas insufficiente: difetto di fabbrica."; mv $t5 in-lavorazione; mv $t5 risolto -m "Ricaricato R32, tenuta ok"
tk work $t5 --hours 1.5 --travel-hours 0.5 --activity "Ricerca perdite e ricarica R32" --outcome resolved --signed-by "Dott.ssa Ferrari"
as giulia; now 2026-05-25 09:00; mv $t5 chiuso
tk invoice $t5

as giulia; now 2026-06-16 12:00
t6=$(new --serial HP8-2023-0007 --title "Pompa di calore rumorosa" --problem "Rumore metallico dal ventilatore esterno." --warranty-override "Difetto noto del lotto 2023, il produttore copre la ventola" --assignee marco)
as marco; now 2026-06-18 08:00; mv $t6 diagnosi; mv $t6 attesa-ricambi -m "Ventola in arrivo dal produttore"
now 2026-07-01 09:00; mv $t6 in-lavorazione; mv $t6 risolto
tk work $t6 --start 09:00 --end 11:00 --activity "Sostituzione ventola unità esterna (fornita dal produttore)" --outcome resolved
as giulia; now 2026-07-03 09:00; mv $t6 chiuso
tk invoice $t6

as giulia; now 2026-07-08 09:15
t7=$(new --serial AC12M00913 --title "Camera 12: il condizionatore non si accende" --priority high --problem "Display spento, magnetotermico ok." --set piano=1)
as luca; now 2026-07-08 15:00; mv $t7 diagnosi; note $t7 "Scheda di potenza bruciata. Fuori garanzia: preventivo inviato."; mv $t7 attesa-cliente -m "In attesa di accettazione preventivo"
tk work $t7 --hours 1 --travel-hours 0.5 --activity "Diagnosi: scheda di potenza bruciata" --outcome unresolved --signed-by "Sig. Bruni"
now 2026-07-15 10:00; mv $t7 annullato -m "Il cliente sostituisce l'unità"
as giulia; tk invoice $t7 --notes "Diagnosi a pagamento come da preventivo"
now 2026-08-01 09:00; dc pay INV-2026-0006 --method "bonifico bancario" --reference "CRO 0801-9932"

as giulia; now 2026-08-25 08:50
t8=$(new --serial CV35-220417 --title "Centrale termica: controllo fumi annuale" --priority low --category manutenzione --due 2026-09-30 --set contratto=completo --set accesso="Chiavi in portineria, chiedere del sig. Bruni")
as marco; now 2026-09-10 09:00; mv $t8 diagnosi; mv $t8 in-lavorazione; mv $t8 risolto -m "Analisi fumi regolare, bollino aggiornato"
as giulia; now 2026-09-11 09:00; mv $t8 chiuso

as giulia; now 2026-09-14 17:30
t9=$(new --customer C-0003 --serial AC09H00456 --title "Telecomando non funziona" --priority low --no-warranty --problem "Il telecomando non comanda più lo split in camera.")
now 2026-09-15 09:00; note $t9 "Consigliato al cliente di cambiare le pile; richiamerà."; mv $t9 attesa-cliente
now 2026-10-01 09:00; mv $t9 annullato -m "Risolto dal cliente con pile nuove"

as giulia; now 2026-10-05 07:55
t10=$(new --serial CV24-104233 --title "Caldaia: acqua tiepida al mattino" --problem "Al mattino l'acqua calda sanitaria arriva tiepida per alcuni minuti." --assignee marco)
as marco; now 2026-10-06 14:00; mv $t10 diagnosi; note $t10 "Sonda NTC sanitaria fuori tolleranza."; mv $t10 in-lavorazione; mv $t10 risolto -m "Sostituita sonda NTC"
tk work $t10 --start 14:00 --end 15:30 --activity "Sostituzione sonda NTC sanitaria" --outcome resolved --signed-by "Mario Rossi"

as giulia; now 2026-10-19 10:10
t11=$(new --serial AC12M02210 --title "Camera 21: odore sgradevole dallo split" --problem "Gli ospiti segnalano cattivo odore all'accensione." --category manutenzione --set piano=2)
as luca; now 2026-10-20 09:00; mv $t11 diagnosi; mv $t11 in-lavorazione; note $t11 "Sanificazione batteria e filtri."; mv $t11 risolto

as giulia; now 2026-11-02 09:30
t12=$(new --serial HP8-2025-0031 --title "Pompa di calore in allarme E4" --priority high --problem "Allarme alta pressione durante la notte." --assignee marco --set contratto=base)
as marco; now 2026-11-03 08:30; mv $t12 diagnosi; note $t12 "Filtro a Y dell'impianto intasato; portata insufficiente."; mv $t12 attesa-ricambi -m "Ordinato filtro defangatore magnetico"
as giulia; tk order $t12 --line FILTRO-DEF:1 --delivery-date 2026-12-04 --notes "Installazione al ricevimento del filtro"

as giulia; now 2026-11-09 11:20
t13=$(new --serial CV24-098811 --title "Caldaia perde acqua dalla valvola di sicurezza" --priority high --problem "Gocciolamento continuo dalla valvola 3 bar." --assignee marco)
as marco; now 2026-11-10 08:00; mv $t13 diagnosi; mv $t13 attesa-cliente -m "Serve accesso al laboratorio di sabato"

as giulia; now 2026-11-16 15:00
t14=$(new --customer C-0004 --title "Richiesta manutenzione programmata split camere" --category manutenzione --due 2027-03-31 --problem "Pulizia filtri di tutte le camere prima della stagione estiva.")
as luca; now 2026-11-18 09:00; mv $t14 diagnosi; note $t14 "Sopralluogo fatto: 24 unità, servono due giornate."
as giulia; tk job $t14 --title "Manutenzione programmata 24 split camere" --budget-hours 16 --budget-amount 1200.00

as giulia; now 2026-11-20 08:45
t15=$(new --serial AC09K00872 --title "Studio 1: lo split fa ghiaccio" --priority high --problem "Formazione di ghiaccio sull'unità interna." --assignee luca)
as luca; now 2026-11-20 14:00; mv $t15 diagnosi; tk receive $t15 --transport-by sender --packages 1 --weight 9.5 --appearance "scatola"; mv $t15 in-lavorazione
now 2026-11-26 16:00; note $t15 "Sensore temperatura evaporatore guasto, sostituito in garanzia."; tk ship $t15 --purpose return --transport-by sender --packages 1 --weight 9.5 --appearance "scatola"

as giulia; now 2026-11-23 10:00
t16=$(new --serial CV35-220417 --title "Termosifoni freddi ai piani alti" --priority urgent --problem "Dal quinto piano in su i radiatori restano freddi." --set contratto=completo --set piano=5)
as marco; now 2026-11-23 16:00; mv $t16 diagnosi; note $t16 "Aria nell'impianto, circolatore da verificare."

as giulia; now 2026-11-24 09:05
t17=$(new --customer C-0002 --title "Cappa cucina: verificare scarico fumi" --category sopralluogo --problem "Il cliente chiede una verifica dello scarico fumi della cucina.")

as giulia; now 2026-11-25 18:20
t18=$(new --serial AC12M01544 --title "Split sala: rumore forte all'avvio" --problem "Colpi all'avvio del compressore.")
note $t18 "Il cliente preferisce un intervento dopo le 15."

as giulia; now 2026-11-26 08:10
t19=$(new --customer C-0006 --serial CV24-098811 --title "Richiesta contratto di manutenzione" --priority low --category commerciale --problem "Il cliente vuole un contratto annuale.")
mv $t19 attesa-cliente -m "Inviata proposta di contratto"

as giulia; now 2026-11-27 07:45
t20=$(new --serial CV24-104233 --title "Caldaia si spegne durante il funzionamento" --priority high --problem "Si spegne dopo circa 10 minuti, nessun codice di errore." --assignee marco)
tk receive $t20 --transport-by carrier --carrier "BRT S.p.A." --carrier-address "Via Emilia 18, 40011 Anzola dell'Emilia (BO)" --carrier-vat 04507990150 --packages 1 --weight 38 --appearance "caldaia su bancale" --transport-start 2026-11-27T07:30:00+01:00 --notes "Caldaia ritirata per prova al banco"
$T -q ticket edit $t10 --solution "Sostituita sonda NTC sanitaria; tempi di risposta tornati regolari."

# Requests not yet tickets: a phone call, a mail from a customer with an attachment, a
# mail from someone who is not a customer yet.
as giulia; now 2026-11-27 08:20
$T -q request create --channel phone --customer C-0001 --contact-name "Amm. Colombo" --contact-phone "+39 030 2233445" --subject "Controllo annuale caldaie condominio" --body "Chiede di fissare il controllo fumi di gennaio." >/dev/null
now 2026-11-27 09:05; $T -q import email "$MAIL/apple_mail_attachment.eml" >/dev/null
now 2026-11-27 09:40; $T -q import email "$MAIL/latin1_unknown_sender.eml" >/dev/null

# The history tkt init --example replays: every commit above, dated when its command ran,
# and the tag of the third quarter (the last commit on or before 30 September).
git tag 2026-Q3 "$(git rev-list -1 --before=2026-09-30T23:59:59+01:00 HEAD)"
git fast-export --all > "$repo/src/desk/example-history.fast-export"
# Files that are not records: the support form, and the sample message and post the
# README imports.
for extra in web examples; do cp -r "$repo/data-example/$extra" "$D/$extra" 2>/dev/null || true; done

$T check
rm -rf "$repo/data-example"
mkdir "$repo/data-example"
(cd "$D" && tar cf - --exclude=.git --exclude=.tkt --exclude=./.gitattributes .) | (cd "$repo/data-example" && tar xf -)
echo "data-example/ rebuilt: $(git -C "$D" rev-list --count HEAD) commits replayed"
