# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tkt_global_optspecs
    string join \n C/desk= q/quiet h/help V/version
end

function __fish_tkt_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tkt_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tkt_using_subcommand
    set -l cmd (__fish_tkt_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tkt -n "__fish_tkt_needs_command" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_needs_command" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkt -n "__fish_tkt_needs_command" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_needs_command" -f -a "init" -d 'Create a desk: tkt.toml, the state catalog, a git repository and a first commit'
complete -c tkt -n "__fish_tkt_needs_command" -f -a "ticket" -d 'Open, follow and close tickets'
complete -c tkt -n "__fish_tkt_needs_command" -f -a "request" -d 'Customer requests (phone, e-mail, form) before they become tickets'
complete -c tkt -n "__fish_tkt_needs_command" -f -a "import" -d 'Import e-mail (one message or a maildir) and support-form posts'
complete -c tkt -n "__fish_tkt_needs_command" -f -a "state" -d 'Edit the state catalog: names, order, closed states, allowed transitions'
complete -c tkt -n "__fish_tkt_needs_command" -f -a "customer" -d 'Customers and their fiscal data'
complete -c tkt -n "__fish_tkt_needs_command" -f -a "item" -d 'Products and services, with price, VAT rate, serial pattern and warranty'
complete -c tkt -n "__fish_tkt_needs_command" -f -a "equipment" -d 'Serial-numbered units sold to customers, and their warranty'
complete -c tkt -n "__fish_tkt_needs_command" -f -a "doc" -d 'Documents: list, show, print; credit notes, payments, refunds; close orders'
complete -c tkt -n "__fish_tkt_needs_command" -f -a "report" -d 'Reports: summary, aging, hours, billing, receivables, warranty, equipment'
complete -c tkt -n "__fish_tkt_needs_command" -f -a "sync" -d 'Sync with the team\'s remote: commit hand edits, fetch, merge records, push'
complete -c tkt -n "__fish_tkt_needs_command" -f -a "check" -d 'Check every record of the desk and list what is wrong, one line each'
complete -c tkt -n "__fish_tkt_needs_command" -f -a "upgrade" -d 'Move a desk kept by an older tkt to this one\'s layout, in one commit (tickets and documents into folders of a thousand: tickets/2026/001/T-2026-1042.yaml)'
complete -c tkt -n "__fish_tkt_needs_command" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, elvish, powershell) or the man page'
complete -c tkt -n "__fish_tkt_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand init" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand init" -l example -d 'Fill the desk with the example data of an Italian service business'
complete -c tkt -n "__fish_tkt_using_subcommand init" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand init" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand init" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -f -a "create" -d 'Open a ticket; prints its id'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -f -a "list" -d 'List tickets, filtered and sorted'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -f -a "show" -d 'Show a ticket with its notes and history'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -f -a "edit" -d 'Change fields of a ticket; $EDITOR without flags'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -f -a "note" -d 'Add a note to a ticket'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -f -a "assign" -d 'Assign a ticket to a technician (yourself by default)'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -f -a "transition" -d 'Move a ticket to another state, as the catalog allows'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -f -a "log" -d 'Who changed what and when, field by field, from git history'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -f -a "receive" -d 'Receive the customer\'s item: a delivery note in (DDT di ricevimento)'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -f -a "ship" -d 'Send an item: a delivery note out for a sale, a return or a replacement'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -f -a "work" -d 'Write a work report (rapporto di intervento): hours, travel, materials, outcome'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -f -a "invoice" -d 'Invoice what is not yet invoiced: work reports and sales; warranty work at 0.00'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -f -a "job" -d 'Open a job order (commessa) with its budget'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -f -a "order" -d 'Take a customer order (ordine cliente) for goods'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and not __fish_seen_subcommand_from create list show edit note assign transition log receive ship work invoice job order help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from create" -l title -d 'A short title of the problem (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from create" -l customer -d 'The customer\'s id (C-0001); taken from the unit when --serial is given' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from create" -l item -d 'The item concerned; taken from the unit when --serial is given' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from create" -l serial -d 'The serial number of the unit concerned' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from create" -l warranty-override -d 'Warranty work although the unit\'s warranty does not cover it; the reason goes to the ticket\'s history' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from create" -l priority -d 'How urgent it is' -r -f -a "low\t''
normal\t''
high\t''
urgent\t''"
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from create" -l category -d 'A free category (e.g. caldaia, climatizzatore), for lists and reports' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from create" -l assignee -d 'Who works on it' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from create" -l problem -d 'What the customer reports (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from create" -l due -d 'When it must be solved (YYYY-MM-DD)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from create" -l set -d 'A custom field declared in tkt.toml: --set NAME=VALUE (repeatable)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from create" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from create" -l warranty -d 'Warranty work: refused unless the unit\'s warranty covers the opening date'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from create" -l no-warranty -d 'Not warranty work, even when the unit is in warranty'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -l state -d 'Only tickets in these states (comma-separated, repeatable)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -l customer -d 'Only tickets of this customer (C-0001)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -l assignee -d 'Only tickets assigned to USER; `-` for unassigned ones' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -l priority -d 'Only tickets of this priority' -r -f -a "low\t''
normal\t''
high\t''
urgent\t''"
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -l item -d 'Only tickets about this item code' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -l serial -d 'Only tickets about this unit (serial number)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -l warranty -d 'Only warranty tickets (`--warranty false` for the others)' -r -f -a "true\t''
false\t''"
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -l since -d 'From this day on (YYYY-MM-DD): tickets opened, documents dated, work done' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -l until -d 'Up to this day, included' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -l text -d 'Only tickets whose title or problem contains TEXT (any case)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -l where -d 'Only tickets whose custom field NAME is VALUE (repeatable)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -l sort -d 'Sort by this key' -r -f -a "id\t''
opened\t''
priority\t'Most urgent first'
due\t''
state\t'In catalog order'
customer\t''
assignee\t''"
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -s n -l limit -d 'Show at most N tickets' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -l open -d 'Only tickets in a state that is not closed'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -l closed -d 'Only tickets in a closed state'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -l replied -d 'Only closed tickets that received an e-mail after they were closed (a reply after close, see `[intake] reopen` in tkt.toml)'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -l overdue -d 'Only open tickets past their due day (due before today)'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -s r -l reverse -d 'Reverse the order'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from show" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from show" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -l title -d 'The ticket\'s title, in a line (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -l customer -d 'Move the ticket to another customer (C-0001)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -l item -d 'The item concerned (its code)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -l serial -d 'The unit concerned (its serial number); sets the customer and item' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -l warranty-override -d 'Warranty work although the unit\'s warranty does not cover it; the reason goes to the ticket\'s history' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -l priority -d 'How urgent it is' -r -f -a "low\t''
normal\t''
high\t''
urgent\t''"
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -l category -d 'A free category (e.g. caldaia, climatizzatore)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -l assignee -d 'The technician who follows it' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -l problem -d 'What the customer reports (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -l solution -d 'What was done to solve it (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -l due -d 'The day it is due (YYYY-MM-DD); lists and reports name it overdue after' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -l set -d 'Set a custom field: --set NAME=VALUE; an empty VALUE removes it (repeatable)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -l clear -d 'Empty optional fields (comma-separated or repeated): category, assignee, item, serial, problem, solution, due' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -l resolve -d 'Mark a sync conflict on FIELD resolved (keeping the current value, or the one set by the other flags); `all` for every conflict of the ticket' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -l warranty -d 'Warranty work: refused unless the unit\'s warranty covers the opening date'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -l no-warranty -d 'Not warranty work, even when the unit is in warranty'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from edit" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from note" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from note" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from note" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from note" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from assign" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from assign" -l clear -d 'Leave the ticket unassigned'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from assign" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from assign" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from assign" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from transition" -s m -l note -d 'Why, written to the ticket\'s history (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from transition" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from transition" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from transition" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from transition" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from log" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from log" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from log" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from log" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from log" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -l reason -d 'Why the item is received (repair, replacement, warranty, inspection); warranty when the ticket is warranty work, else repair' -r -f -a "repair\t''
replacement\t''
warranty\t''
inspection\t''"
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -l line -d 'What is received: CODE:QTY[:SERIAL] (repeatable); the ticket\'s item and serial by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -l their-ddt -d 'The number of the customer\'s own DDT the goods came with' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -l their-ddt-date -d 'The date of the customer\'s own DDT (YYYY-MM-DD)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -l packages -d 'Number of packages (colli)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -l weight -d 'Gross weight in kg' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -l appearance -d 'Outward appearance of the goods (aspetto dei beni): scatola, sfuso, pallet...' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -l transport-by -d 'Who carries the goods: sender, recipient or carrier' -r -f -a "sender\t''
recipient\t''
carrier\t''"
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -l carrier -d 'The carrier\'s name (with --transport-by carrier, which it implies)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -l carrier-address -d 'The carrier\'s address' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -l carrier-vat -d 'The carrier\'s Partita IVA' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -l transport-start -d 'When the transport starts (RFC 3339, e.g. 2026-11-27T15:00:00+01:00)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -l date -d 'The document\'s date (YYYY-MM-DD); today by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -l series -d 'Numbering series (sezionale), e.g. MR for a technician\'s tablet; the clone\'s own series from .tkt/settings.toml by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -l notes -d 'Notes printed on the document (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from receive" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -l purpose -d 'sale: goods sold, priced from the items; return: the received item goes back; replacement: a new unit replaces the customer\'s' -r -f -a "sale\t''
return\t''
replacement\t''"
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -l ddt-in -d 'The delivery note that received the item (a return sends back its lines); the ticket\'s latest one by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -l line -d 'What is sent: CODE:QTY[:SERIAL] (repeatable)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -l new-serial -d 'For a replacement: the serial of the new unit, registered to the customer with a warranty starting on the document\'s date' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -l packages -d 'Number of packages (colli)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -l weight -d 'Gross weight in kg' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -l appearance -d 'Outward appearance of the goods (aspetto dei beni): scatola, sfuso, pallet...' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -l transport-by -d 'Who carries the goods: sender, recipient or carrier' -r -f -a "sender\t''
recipient\t''
carrier\t''"
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -l carrier -d 'The carrier\'s name (with --transport-by carrier, which it implies)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -l carrier-address -d 'The carrier\'s address' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -l carrier-vat -d 'The carrier\'s Partita IVA' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -l transport-start -d 'When the transport starts (RFC 3339, e.g. 2026-11-27T15:00:00+01:00)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -l date -d 'The document\'s date (YYYY-MM-DD); today by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -l series -d 'Numbering series (sezionale), e.g. MR for a technician\'s tablet; the clone\'s own series from .tkt/settings.toml by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -l notes -d 'Notes printed on the document (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from ship" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from work" -l hours -d 'Hours worked, a decimal (2.5 = two and a half hours); from --start/--end if left out' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from work" -l start -d 'When work started (HH:MM)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from work" -l end -d 'When work ended (HH:MM)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from work" -l activity -d 'What was done (repeatable; \'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from work" -l technician -d 'Who did it; you by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from work" -l travel-hours -d 'Hours of travel' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from work" -l km -d 'Kilometres driven' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from work" -l material -d 'A material used: CODE:QTY[:SERIAL] (repeatable)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from work" -l outcome -d 'How the visit ended: resolved, unresolved or follow-up' -r -f -a "resolved\t''
unresolved\t''
follow-up\t''"
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from work" -l signed-by -d 'The name of the customer who signed the report' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from work" -l date -d 'The document\'s date (YYYY-MM-DD); today by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from work" -l series -d 'Numbering series (sezionale), e.g. MR for a technician\'s tablet; the clone\'s own series from .tkt/settings.toml by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from work" -l notes -d 'Notes printed on the document (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from work" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from work" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from work" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from work" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from invoice" -l terms -d 'Payment terms; the customer\'s by default (e.g. "30 gg data fattura")' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from invoice" -l method -d 'Payment method; billing.payment_method of tkt.toml by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from invoice" -l until -d 'Bill only the work reports and deliveries dated up to this day (YYYY-MM-DD): a deferred invoice bills one month\'s DDTs' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from invoice" -l date -d 'The document\'s date (YYYY-MM-DD); today by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from invoice" -l series -d 'Numbering series (sezionale), e.g. MR for a technician\'s tablet; the clone\'s own series from .tkt/settings.toml by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from invoice" -l notes -d 'Notes printed on the document (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from invoice" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from invoice" -l dry-run -d 'Print the invoice that would be issued, and write nothing'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from invoice" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from invoice" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from invoice" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from job" -l title -d 'What the job is; the ticket\'s title by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from job" -l budget-hours -d 'Hours budgeted' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from job" -l budget-amount -d 'Amount budgeted, in euro' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from job" -l date -d 'The document\'s date (YYYY-MM-DD); today by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from job" -l series -d 'Numbering series (sezionale), e.g. MR for a technician\'s tablet; the clone\'s own series from .tkt/settings.toml by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from job" -l notes -d 'Notes printed on the document (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from job" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from job" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from job" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from job" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from order" -l line -d 'What is ordered: CODE:QTY (repeatable), priced from the items' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from order" -l delivery-date -d 'When the goods are to be delivered' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from order" -l date -d 'The document\'s date (YYYY-MM-DD); today by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from order" -l series -d 'Numbering series (sezionale), e.g. MR for a technician\'s tablet; the clone\'s own series from .tkt/settings.toml by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from order" -l notes -d 'Notes printed on the document (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from order" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from order" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from order" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from order" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from help" -f -a "create" -d 'Open a ticket; prints its id'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from help" -f -a "list" -d 'List tickets, filtered and sorted'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show a ticket with its notes and history'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Change fields of a ticket; $EDITOR without flags'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from help" -f -a "note" -d 'Add a note to a ticket'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from help" -f -a "assign" -d 'Assign a ticket to a technician (yourself by default)'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from help" -f -a "transition" -d 'Move a ticket to another state, as the catalog allows'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from help" -f -a "log" -d 'Who changed what and when, field by field, from git history'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from help" -f -a "receive" -d 'Receive the customer\'s item: a delivery note in (DDT di ricevimento)'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from help" -f -a "ship" -d 'Send an item: a delivery note out for a sale, a return or a replacement'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from help" -f -a "work" -d 'Write a work report (rapporto di intervento): hours, travel, materials, outcome'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from help" -f -a "invoice" -d 'Invoice what is not yet invoiced: work reports and sales; warranty work at 0.00'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from help" -f -a "job" -d 'Open a job order (commessa) with its budget'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from help" -f -a "order" -d 'Take a customer order (ordine cliente) for goods'
complete -c tkt -n "__fish_tkt_using_subcommand ticket; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand request; and not __fish_seen_subcommand_from create list show promote reject note help" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand request; and not __fish_seen_subcommand_from create list show promote reject note help" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand request; and not __fish_seen_subcommand_from create list show promote reject note help" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand request; and not __fish_seen_subcommand_from create list show promote reject note help" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand request; and not __fish_seen_subcommand_from create list show promote reject note help" -f -a "create" -d 'Record a request (phone call, visit...); prints its id'
complete -c tkt -n "__fish_tkt_using_subcommand request; and not __fish_seen_subcommand_from create list show promote reject note help" -f -a "list" -d 'List requests'
complete -c tkt -n "__fish_tkt_using_subcommand request; and not __fish_seen_subcommand_from create list show promote reject note help" -f -a "show" -d 'Show one request'
complete -c tkt -n "__fish_tkt_using_subcommand request; and not __fish_seen_subcommand_from create list show promote reject note help" -f -a "promote" -d 'Open a ticket from a request; prints the ticket\'s id'
complete -c tkt -n "__fish_tkt_using_subcommand request; and not __fish_seen_subcommand_from create list show promote reject note help" -f -a "reject" -d 'Close a request without a ticket'
complete -c tkt -n "__fish_tkt_using_subcommand request; and not __fish_seen_subcommand_from create list show promote reject note help" -f -a "note" -d 'Add a note to a request (a reply from the customer, a call back)'
complete -c tkt -n "__fish_tkt_using_subcommand request; and not __fish_seen_subcommand_from create list show promote reject note help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from create" -l subject -d 'What the customer asks, in a line (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from create" -l body -d 'The request in full (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from create" -l channel -d 'How it came in' -r -f -a "phone\t''
email\t''
form\t''
walk-in\t''
other\t''"
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from create" -l customer -d 'The customer, when known' -r
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from create" -l contact-name -d 'Who asked, when no customer is known yet' -r
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from create" -l contact-email -d 'Their e-mail address' -r
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from create" -l contact-phone -d 'Their phone number' -r
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from create" -l item -d 'The item concerned (its code)' -r
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from create" -l serial -d 'The unit concerned (its serial number)' -r
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from create" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from list" -l status -d 'open, promoted or rejected' -r -f -a "open\t''
promoted\t''
rejected\t''"
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from list" -l channel -d 'Only requests that came in this way' -r -f -a "phone\t''
email\t''
form\t''
walk-in\t''
other\t''"
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from list" -l customer -d 'Only requests of this customer (C-0001)' -r
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from list" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from show" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from show" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from promote" -l title -d 'The ticket\'s title; the request\'s subject by default (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from promote" -l customer -d 'The customer, when the request has none (an unknown sender)' -r
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from promote" -l priority -d 'The ticket\'s priority' -r -f -a "low\t''
normal\t''
high\t''
urgent\t''"
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from promote" -l assignee -d 'The technician who follows the ticket' -r
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from promote" -l category -d 'The ticket\'s category' -r
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from promote" -l warranty-override -d 'Warranty work although the unit\'s warranty does not cover it; the reason goes to the ticket\'s history' -r
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from promote" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from promote" -l warranty -d 'Warranty work: refused unless the unit\'s warranty covers the opening date'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from promote" -l no-warranty -d 'Not warranty work, even when the unit is in warranty'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from promote" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from promote" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from promote" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from reject" -l reason -d 'Why, written to the request\'s notes' -r
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from reject" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from reject" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from reject" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from reject" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from note" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from note" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from note" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from note" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from help" -f -a "create" -d 'Record a request (phone call, visit...); prints its id'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from help" -f -a "list" -d 'List requests'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one request'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from help" -f -a "promote" -d 'Open a ticket from a request; prints the ticket\'s id'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from help" -f -a "reject" -d 'Close a request without a ticket'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from help" -f -a "note" -d 'Add a note to a request (a reply from the customer, a call back)'
complete -c tkt -n "__fish_tkt_using_subcommand request; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand import; and not __fish_seen_subcommand_from email maildir form sdi help" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand import; and not __fish_seen_subcommand_from email maildir form sdi help" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand import; and not __fish_seen_subcommand_from email maildir form sdi help" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand import; and not __fish_seen_subcommand_from email maildir form sdi help" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand import; and not __fish_seen_subcommand_from email maildir form sdi help" -f -a "email" -d 'Import one e-mail message (RFC 5322) from FILE, or standard input'
complete -c tkt -n "__fish_tkt_using_subcommand import; and not __fish_seen_subcommand_from email maildir form sdi help" -f -a "maildir" -d 'Import every message in DIR/new; each one imported moves to DIR/cur, seen'
complete -c tkt -n "__fish_tkt_using_subcommand import; and not __fish_seen_subcommand_from email maildir form sdi help" -f -a "form" -d 'Import one support-form post, JSON or urlencoded, from FILE or standard input'
complete -c tkt -n "__fish_tkt_using_subcommand import; and not __fish_seen_subcommand_from email maildir form sdi help" -f -a "sdi" -d 'Record SDI\'s receipts (RC delivered, NS rejected, MC not deliverable, NE, DT, AT) against the e-invoices they are about; prints each document\'s id'
complete -c tkt -n "__fish_tkt_using_subcommand import; and not __fish_seen_subcommand_from email maildir form sdi help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from email" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from email" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from email" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from email" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from maildir" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from maildir" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from maildir" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from maildir" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from form" -l content-type -d 'The body\'s media type (a CGI script passes $CONTENT_TYPE); JSON is recognised by its leading \'{\' otherwise' -r
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from form" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from form" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from form" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from form" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from sdi" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from sdi" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from sdi" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from sdi" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "email" -d 'Import one e-mail message (RFC 5322) from FILE, or standard input'
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "maildir" -d 'Import every message in DIR/new; each one imported moves to DIR/cur, seen'
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "form" -d 'Import one support-form post, JSON or urlencoded, from FILE or standard input'
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "sdi" -d 'Record SDI\'s receipts (RC delivered, NS rejected, MC not deliverable, NE, DT, AT) against the e-invoices they are about; prints each document\'s id'
complete -c tkt -n "__fish_tkt_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand state; and not __fish_seen_subcommand_from create list show edit delete help" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand state; and not __fish_seen_subcommand_from create list show edit delete help" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand state; and not __fish_seen_subcommand_from create list show edit delete help" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand state; and not __fish_seen_subcommand_from create list show edit delete help" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand state; and not __fish_seen_subcommand_from create list show edit delete help" -f -a "create" -d 'Add a state to the catalog'
complete -c tkt -n "__fish_tkt_using_subcommand state; and not __fish_seen_subcommand_from create list show edit delete help" -f -a "list" -d 'List the catalog in its order'
complete -c tkt -n "__fish_tkt_using_subcommand state; and not __fish_seen_subcommand_from create list show edit delete help" -f -a "show" -d 'Show one state'
complete -c tkt -n "__fish_tkt_using_subcommand state; and not __fish_seen_subcommand_from create list show edit delete help" -f -a "edit" -d 'Rename, re-order, open/close a state or change its transitions ($EDITOR without flags)'
complete -c tkt -n "__fish_tkt_using_subcommand state; and not __fish_seen_subcommand_from create list show edit delete help" -f -a "delete" -d 'Delete a state no ticket is in; transitions to it are removed'
complete -c tkt -n "__fish_tkt_using_subcommand state; and not __fish_seen_subcommand_from create list show edit delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from create" -l name -d 'The name shown to people (defaults to the id)' -r
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from create" -l description -d 'What the state means, for people' -r
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from create" -l to -d 'States a ticket may move to from this one (comma-separated, repeatable)' -r
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from create" -l from -d 'States that may move to this one (adds this state to their transitions)' -r
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from create" -l order -d 'Position in the catalog (default: after the last)' -r
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from create" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from create" -l closed -d 'Tickets in this state are done (entering it sets closed_at)'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from create" -l initial -d 'New tickets start here (the current initial state stops being initial)'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from list" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from show" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from show" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from edit" -l name -d 'New display name' -r
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from edit" -l description -d 'What the state means, for people' -r
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from edit" -l closed -d 'Whether tickets in this state are done' -r -f -a "true\t''
false\t''"
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from edit" -l to -d 'Replace the allowed transitions (comma-separated)' -r
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from edit" -l add-to -d 'Allow a transition to these states' -r
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from edit" -l remove-to -d 'Stop allowing a transition to these states' -r
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from edit" -l order -d 'Position in the catalog' -r
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from edit" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from edit" -l initial -d 'Make this the initial state (the current one stops being initial)'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from edit" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from edit" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from delete" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from help" -f -a "create" -d 'Add a state to the catalog'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the catalog in its order'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one state'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Rename, re-order, open/close a state or change its transitions ($EDITOR without flags)'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a state no ticket is in; transitions to it are removed'
complete -c tkt -n "__fish_tkt_using_subcommand state; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and not __fish_seen_subcommand_from create list show statement edit help" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand customer; and not __fish_seen_subcommand_from create list show statement edit help" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and not __fish_seen_subcommand_from create list show statement edit help" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and not __fish_seen_subcommand_from create list show statement edit help" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and not __fish_seen_subcommand_from create list show statement edit help" -f -a "create" -d 'Add a customer; prints the new id (C-0001...)'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and not __fish_seen_subcommand_from create list show statement edit help" -f -a "list" -d 'List customers'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and not __fish_seen_subcommand_from create list show statement edit help" -f -a "show" -d 'Show one customer'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and not __fish_seen_subcommand_from create list show statement edit help" -f -a "statement" -d 'The statement of account: each invoice, what was credited, paid and refunded, and what is still due'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and not __fish_seen_subcommand_from create list show statement edit help" -f -a "edit" -d 'Change fields (empty text clears one); $EDITOR without flags'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and not __fish_seen_subcommand_from create list show statement edit help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l id -d 'Give the id yourself instead of the next number' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l name -d 'Company or person name (required to create)' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l vat-number -d 'Partita IVA (checked for Italian customers)' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l tax-code -d 'Codice Fiscale (checked for Italian customers)' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l street -d 'Street and number (Via Roma 1); an e-invoice needs it' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l zip -d 'Postal code (CAP: 5 digits in Italy)' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l city -d 'City (comune)' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l province -d 'Two-letter province (MI, TO, ...)' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l country -d 'ISO country code; empty or IT means Italian fiscal checks apply' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l email -d 'E-mail address; mail from it is matched to the customer' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l phone -d 'Phone number' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l pec -d 'Certified e-mail (PEC)' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l sdi-code -d 'Codice destinatario for e-invoicing (7 characters)' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l payment-terms -d 'Payment terms, e.g. "30 days end of month"' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l notes -d 'Free notes' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l reverse-charge -d 'Bill building-system work net, the customer paying the VAT (inversione contabile)' -r -f -a "true\t''
false\t''"
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l condominio -d 'A condominium, which withholds 4% of the taxable amount (art. 25-ter DPR 600/73)' -r -f -a "true\t''
false\t''"
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l vat-rate -d 'Bill at a reduced rate of tkt.toml ([billing.reduced_rates.NAME]); empty for none' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -l allow-duplicate -d 'Create it even when a customer with the same Partita IVA, codice fiscale or e-mail exists'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from list" -l text -d 'Only customers whose name, VAT number, city or e-mail contains TEXT' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from list" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from show" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from show" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from statement" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from statement" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from statement" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from statement" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from statement" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l name -d 'Company or person name (required to create)' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l vat-number -d 'Partita IVA (checked for Italian customers)' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l tax-code -d 'Codice Fiscale (checked for Italian customers)' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l street -d 'Street and number (Via Roma 1); an e-invoice needs it' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l zip -d 'Postal code (CAP: 5 digits in Italy)' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l city -d 'City (comune)' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l province -d 'Two-letter province (MI, TO, ...)' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l country -d 'ISO country code; empty or IT means Italian fiscal checks apply' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l email -d 'E-mail address; mail from it is matched to the customer' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l phone -d 'Phone number' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l pec -d 'Certified e-mail (PEC)' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l sdi-code -d 'Codice destinatario for e-invoicing (7 characters)' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l payment-terms -d 'Payment terms, e.g. "30 days end of month"' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l notes -d 'Free notes' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l reverse-charge -d 'Bill building-system work net, the customer paying the VAT (inversione contabile)' -r -f -a "true\t''
false\t''"
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l condominio -d 'A condominium, which withholds 4% of the taxable amount (art. 25-ter DPR 600/73)' -r -f -a "true\t''
false\t''"
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l vat-rate -d 'Bill at a reduced rate of tkt.toml ([billing.reduced_rates.NAME]); empty for none' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l clear -d 'Empty an optional field (comma-separated or repeated): vat_number, tax_code, street, zip, city, province, country, email, phone, pec, sdi_code, payment_terms, notes, vat_rate' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -l resolve -d 'Mark a sync conflict on FIELD resolved (keeping the current value, or the one set by the other flags); `all` for every conflict of the customer' -r
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from edit" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from help" -f -a "create" -d 'Add a customer; prints the new id (C-0001...)'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from help" -f -a "list" -d 'List customers'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one customer'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from help" -f -a "statement" -d 'The statement of account: each invoice, what was credited, paid and refunded, and what is still due'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Change fields (empty text clears one); $EDITOR without flags'
complete -c tkt -n "__fish_tkt_using_subcommand customer; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand item; and not __fish_seen_subcommand_from create list show edit help" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand item; and not __fish_seen_subcommand_from create list show edit help" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand item; and not __fish_seen_subcommand_from create list show edit help" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand item; and not __fish_seen_subcommand_from create list show edit help" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand item; and not __fish_seen_subcommand_from create list show edit help" -f -a "create" -d 'Add an item; prints its code'
complete -c tkt -n "__fish_tkt_using_subcommand item; and not __fish_seen_subcommand_from create list show edit help" -f -a "list" -d 'List items'
complete -c tkt -n "__fish_tkt_using_subcommand item; and not __fish_seen_subcommand_from create list show edit help" -f -a "show" -d 'Show one item'
complete -c tkt -n "__fish_tkt_using_subcommand item; and not __fish_seen_subcommand_from create list show edit help" -f -a "edit" -d 'Change fields (empty text clears one); $EDITOR without flags'
complete -c tkt -n "__fish_tkt_using_subcommand item; and not __fish_seen_subcommand_from create list show edit help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from create" -l description -d 'What the item is (required to create)' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from create" -l kind -d 'goods (parts, units: a DDT carries them) or service (labour, travel)' -r -f -a "goods\t''
service\t''"
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from create" -l unit -d 'Unit of measure: pz, h, km...' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from create" -l price -d 'Unit price in euro, e.g. 45.00 (at most two decimals)' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from create" -l vat-rate -d 'VAT rate in percent, e.g. 22; 0 with --nature and --vat-note. A rate above 0 clears the item\'s nature and note' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from create" -l nature -d 'Why an item at VAT 0 bears none: its natura (N4 exempt, N2.2 not subject, N3.x not taxable...), carried onto every line that sells it' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from create" -l vat-note -d 'The rule that allows it, printed on the invoice and sent as RiferimentoNormativo (e.g. "Esente art. 10 DPR 633/72"; at most 100 characters)' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from create" -l serial-tracked -d 'Whether each unit has a serial number' -r -f -a "true\t''
false\t''"
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from create" -l serial-pattern -d 'Regular expression every serial of this item must match, whole (e.g. \'VX24-\\d{6}\')' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from create" -l warranty-months -d 'Months of warranty from the day a unit is sold' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from create" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from list" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from show" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from show" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from edit" -l description -d 'What the item is (required to create)' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from edit" -l kind -d 'goods (parts, units: a DDT carries them) or service (labour, travel)' -r -f -a "goods\t''
service\t''"
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from edit" -l unit -d 'Unit of measure: pz, h, km...' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from edit" -l price -d 'Unit price in euro, e.g. 45.00 (at most two decimals)' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from edit" -l vat-rate -d 'VAT rate in percent, e.g. 22; 0 with --nature and --vat-note. A rate above 0 clears the item\'s nature and note' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from edit" -l nature -d 'Why an item at VAT 0 bears none: its natura (N4 exempt, N2.2 not subject, N3.x not taxable...), carried onto every line that sells it' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from edit" -l vat-note -d 'The rule that allows it, printed on the invoice and sent as RiferimentoNormativo (e.g. "Esente art. 10 DPR 633/72"; at most 100 characters)' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from edit" -l serial-tracked -d 'Whether each unit has a serial number' -r -f -a "true\t''
false\t''"
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from edit" -l serial-pattern -d 'Regular expression every serial of this item must match, whole (e.g. \'VX24-\\d{6}\')' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from edit" -l warranty-months -d 'Months of warranty from the day a unit is sold' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from edit" -l clear -d 'Empty an optional field (comma-separated or repeated): unit, price, vat_rate, vat_nature, vat_note, serial_pattern, warranty_months' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from edit" -l resolve -d 'Mark a sync conflict on FIELD resolved (keeping the current value, or the one set by the other flags); `all` for every conflict of the item' -r
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from edit" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from edit" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from edit" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from help" -f -a "create" -d 'Add an item; prints its code'
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from help" -f -a "list" -d 'List items'
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one item'
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Change fields (empty text clears one); $EDITOR without flags'
complete -c tkt -n "__fish_tkt_using_subcommand item; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and not __fish_seen_subcommand_from create list show edit history help" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and not __fish_seen_subcommand_from create list show edit history help" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and not __fish_seen_subcommand_from create list show edit history help" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and not __fish_seen_subcommand_from create list show edit history help" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and not __fish_seen_subcommand_from create list show edit history help" -f -a "create" -d 'Register a unit sold to a customer; prints its serial'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and not __fish_seen_subcommand_from create list show edit history help" -f -a "list" -d 'List units, with their warranty status today'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and not __fish_seen_subcommand_from create list show edit history help" -f -a "show" -d 'Show one unit'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and not __fish_seen_subcommand_from create list show edit history help" -f -a "edit" -d 'Change fields (empty text clears one); $EDITOR without flags'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and not __fish_seen_subcommand_from create list show edit history help" -f -a "history" -d 'List the tickets opened on a unit'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and not __fish_seen_subcommand_from create list show edit history help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from create" -l item -d 'The item this unit is (required to create)' -r
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from create" -l customer -d 'The customer who owns it (required to create)' -r
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from create" -l sold-on -d 'The day it was sold or installed (YYYY-MM-DD)' -r
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from create" -l warranty-until -d 'Last day of warranty; by default sold_on plus the item\'s warranty months, less a day' -r
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from create" -l location -d 'Where the unit is installed' -r
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from create" -l notes -d 'Free notes' -r
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from create" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from list" -l customer -d 'Only units of this customer (C-0001)' -r
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from list" -l item -d 'Only units of this item' -r
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from list" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from list" -l in-warranty -d 'Only units whose warranty covers today'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from show" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from show" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from edit" -l item -d 'The item this unit is (required to create)' -r
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from edit" -l customer -d 'The customer who owns it (required to create)' -r
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from edit" -l sold-on -d 'The day it was sold or installed (YYYY-MM-DD)' -r
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from edit" -l warranty-until -d 'Last day of warranty; by default sold_on plus the item\'s warranty months, less a day' -r
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from edit" -l location -d 'Where the unit is installed' -r
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from edit" -l notes -d 'Free notes' -r
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from edit" -l clear -d 'Empty an optional field (comma-separated or repeated): sold_on, warranty_until, location, notes' -r
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from edit" -l resolve -d 'Mark a sync conflict on FIELD resolved (keeping the current value, or the one set by the other flags); `all` for every conflict of the unit' -r
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from edit" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from edit" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from edit" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from history" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from history" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from history" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from history" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from help" -f -a "create" -d 'Register a unit sold to a customer; prints its serial'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from help" -f -a "list" -d 'List units, with their warranty status today'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one unit'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Change fields (empty text clears one); $EDITOR without flags'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from help" -f -a "history" -d 'List the tickets opened on a unit'
complete -c tkt -n "__fish_tkt_using_subcommand equipment; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and not __fish_seen_subcommand_from list show print credit pay refund close export send help" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand doc; and not __fish_seen_subcommand_from list show print credit pay refund close export send help" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and not __fish_seen_subcommand_from list show print credit pay refund close export send help" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and not __fish_seen_subcommand_from list show print credit pay refund close export send help" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and not __fish_seen_subcommand_from list show print credit pay refund close export send help" -f -a "list" -d 'List documents, filtered'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and not __fish_seen_subcommand_from list show print credit pay refund close export send help" -f -a "show" -d 'Show one document (and an invoice\'s balance)'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and not __fish_seen_subcommand_from list show print credit pay refund close export send help" -f -a "print" -d 'Print a document as text or as a self-contained HTML page'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and not __fish_seen_subcommand_from list show print credit pay refund close export send help" -f -a "credit" -d 'Issue a credit note against an invoice: all of it, chosen lines, or an amount'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and not __fish_seen_subcommand_from list show print credit pay refund close export send help" -f -a "pay" -d 'Record a payment received against an invoice'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and not __fish_seen_subcommand_from list show print credit pay refund close export send help" -f -a "refund" -d 'Record a refund paid out against a credit note'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and not __fish_seen_subcommand_from list show print credit pay refund close export send help" -f -a "close" -d 'Close a job order, or mark a sales order fulfilled or cancelled'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and not __fish_seen_subcommand_from list show print credit pay refund close export send help" -f -a "export" -d 'Export invoices and credit notes as FatturaPA XML files for SDI'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and not __fish_seen_subcommand_from list show print credit pay refund close export send help" -f -a "send" -d 'Mail exported e-invoices to SDI from the desk\'s PEC account'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and not __fish_seen_subcommand_from list show print credit pay refund close export send help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from list" -l kind -d 'Only documents of these kinds (repeatable)' -r -f -a "ddt-in\t''
ddt-out\t''
work-report\t''
invoice\t''
credit-note\t''
job-order\t''
sales-order\t''
payment\t''
refund\t''"
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from list" -l ticket -d 'Only documents of this ticket' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from list" -l customer -d 'Only documents of this customer' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from list" -l since -d 'From this day on (YYYY-MM-DD): tickets opened, documents dated, work done' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from list" -l until -d 'Up to this day, included' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from list" -l sdi -d 'Only e-invoices in this state (pending: exported or sent, SDI has not answered)' -r -f -a "not-exported\t''
exported\t''
sent\t''
pending\t''
delivered\t''
not-deliverable\t''
rejected\t''
accepted\t''
refused\t''
terms-expired\t''"
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from list" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from list" -l unpaid -d 'Only invoices with something still due'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from show" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from show" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from print" -s f -l format -d 'text for a terminal or a printer; html for one self-contained page with print CSS' -r -f -a "text\t''
html\t''"
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from print" -s o -l output -d 'Write to FILE instead of standard output: a .txt file for text, .html for html; never over a file inside the desk, nor into its folders of records, attachments or templates' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from print" -l from-xml -d 'Print the exported e-invoice as the buyer\'s viewer shows it, read from its file in DIR (the export folder; the current one when no DIR), or FILE' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from print" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from print" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from print" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from print" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from credit" -l reason -d 'Why (reso, errore di fatturazione, sconto concordato...); printed on the note' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from credit" -l line -d 'Credit line N of the invoice, or QTY of it: --line 2 or --line 2:0.5 (repeatable)' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from credit" -l amount -d 'Credit this taxable amount (VAT is added at the invoice\'s rate, or --vat-rate)' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from credit" -l vat-rate -d 'The VAT rate of an --amount credit, when the invoice has several' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from credit" -l nature -d 'The natura of an --amount credit (N6.7), when the invoice has several at its rate' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from credit" -l date -d 'The document\'s date (YYYY-MM-DD); today by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from credit" -l series -d 'Numbering series (sezionale), e.g. MR for a technician\'s tablet; the clone\'s own series from .tkt/settings.toml by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from credit" -l notes -d 'Notes printed on the document (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from credit" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from credit" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from credit" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from credit" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from pay" -l amount -d 'The amount; when left out, all that is due (payment) or owed (refund)' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from pay" -l method -d 'How: contanti, assegno, bonifico bancario, carta, riba, sdd (or your own words)' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from pay" -l reference -d 'The bank\'s or the customer\'s reference (CRO, cheque number)' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from pay" -l date -d 'The document\'s date (YYYY-MM-DD); today by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from pay" -l series -d 'Numbering series (sezionale), e.g. MR for a technician\'s tablet; the clone\'s own series from .tkt/settings.toml by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from pay" -l notes -d 'Notes printed on the document (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from pay" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from pay" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from pay" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from pay" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from refund" -l amount -d 'The amount; when left out, all that is due (payment) or owed (refund)' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from refund" -l method -d 'How: contanti, assegno, bonifico bancario, carta, riba, sdd (or your own words)' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from refund" -l reference -d 'The bank\'s or the customer\'s reference (CRO, cheque number)' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from refund" -l date -d 'The document\'s date (YYYY-MM-DD); today by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from refund" -l series -d 'Numbering series (sezionale), e.g. MR for a technician\'s tablet; the clone\'s own series from .tkt/settings.toml by default' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from refund" -l notes -d 'Notes printed on the document (\'-\' reads standard input)' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from refund" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from refund" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from refund" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from refund" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from close" -l status -d 'For a sales order: fulfilled (the default) or cancelled' -r -f -a "fulfilled\t''
cancelled\t''"
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from close" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from close" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from close" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from close" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from export" -l since -d 'From this day on (YYYY-MM-DD): tickets opened, documents dated, work done' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from export" -l until -d 'Up to this day, included' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from export" -l dir -d 'Where the XML files go; the current folder by default' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from export" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from send" -l since -d 'From this day on (YYYY-MM-DD): tickets opened, documents dated, work done' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from send" -l until -d 'Up to this day, included' -r
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from send" -l dir -d 'The folder the files were exported to; the current folder by default' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from send" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from send" -l all -d 'Every exported e-invoice not sent yet (of the period, with --since/--until)'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from send" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from send" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from send" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from help" -f -a "list" -d 'List documents, filtered'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one document (and an invoice\'s balance)'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from help" -f -a "print" -d 'Print a document as text or as a self-contained HTML page'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from help" -f -a "credit" -d 'Issue a credit note against an invoice: all of it, chosen lines, or an amount'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from help" -f -a "pay" -d 'Record a payment received against an invoice'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from help" -f -a "refund" -d 'Record a refund paid out against a credit note'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from help" -f -a "close" -d 'Close a job order, or mark a sales order fulfilled or cancelled'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from help" -f -a "export" -d 'Export invoices and credit notes as FatturaPA XML files for SDI'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from help" -f -a "send" -d 'Mail exported e-invoices to SDI from the desk\'s PEC account'
complete -c tkt -n "__fish_tkt_using_subcommand doc; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand report" -l since -d 'From this day on (YYYY-MM-DD): tickets opened, documents dated, work done' -r
complete -c tkt -n "__fish_tkt_using_subcommand report" -l until -d 'Up to this day, included' -r
complete -c tkt -n "__fish_tkt_using_subcommand report" -l customer -d 'Only this customer\'s tickets and documents' -r
complete -c tkt -n "__fish_tkt_using_subcommand report" -l assignee -d 'Only tickets assigned to USER (and their documents)' -r
complete -c tkt -n "__fish_tkt_using_subcommand report" -l item -d 'Only tickets about this item' -r
complete -c tkt -n "__fish_tkt_using_subcommand report" -l state -d 'Only tickets in this state' -r
complete -c tkt -n "__fish_tkt_using_subcommand report" -l warranty -d 'Only warranty tickets (`--warranty false`: only the others)' -r -f -a "true\t''
false\t''"
complete -c tkt -n "__fish_tkt_using_subcommand report" -l group-by -d 'Group rows by: assignee or priority (aging); technician, customer or month (hours); month or customer (billing); item (equipment)' -r -f -a "assignee\t''
priority\t''
technician\t''
customer\t''
month\t''
item\t''"
complete -c tkt -n "__fish_tkt_using_subcommand report" -l as-of -d 'Compute the report on the desk as it was on this day (YYYY-MM-DD) or at this git revision (a commit, tag or branch), from history, leaving the work tree alone' -r
complete -c tkt -n "__fish_tkt_using_subcommand report" -l within -d 'equipment: a ticket on the same unit within N days of the previous one is a repeat' -r
complete -c tkt -n "__fish_tkt_using_subcommand report" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand report" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand report" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkt -n "__fish_tkt_using_subcommand report" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand sync" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand sync" -l resolve -d 'Take back this clone\'s fiscal documents whose numbers the remote took meanwhile (they never reached it, so they were never issued) and issue them again under the next free numbers'
complete -c tkt -n "__fish_tkt_using_subcommand sync" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand sync" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand sync" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand check" -s f -l format -d 'Output format: table for people; json, yaml and csv for scripts (keys are the YAML field names)' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''"
complete -c tkt -n "__fish_tkt_using_subcommand check" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand check" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand check" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand check" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand upgrade" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand upgrade" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand upgrade" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand upgrade" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand completions" -s C -l desk -d 'Use the desk in DIR instead of searching from the current folder' -r -F
complete -c tkt -n "__fish_tkt_using_subcommand completions" -s q -l quiet -d 'Print no messages on stderr except errors and warnings'
complete -c tkt -n "__fish_tkt_using_subcommand completions" -s h -l help -d 'Print help'
complete -c tkt -n "__fish_tkt_using_subcommand completions" -s V -l version -d 'Print version'
complete -c tkt -n "__fish_tkt_using_subcommand help; and not __fish_seen_subcommand_from init ticket request import state customer item equipment doc report sync check upgrade completions help" -f -a "init" -d 'Create a desk: tkt.toml, the state catalog, a git repository and a first commit'
complete -c tkt -n "__fish_tkt_using_subcommand help; and not __fish_seen_subcommand_from init ticket request import state customer item equipment doc report sync check upgrade completions help" -f -a "ticket" -d 'Open, follow and close tickets'
complete -c tkt -n "__fish_tkt_using_subcommand help; and not __fish_seen_subcommand_from init ticket request import state customer item equipment doc report sync check upgrade completions help" -f -a "request" -d 'Customer requests (phone, e-mail, form) before they become tickets'
complete -c tkt -n "__fish_tkt_using_subcommand help; and not __fish_seen_subcommand_from init ticket request import state customer item equipment doc report sync check upgrade completions help" -f -a "import" -d 'Import e-mail (one message or a maildir) and support-form posts'
complete -c tkt -n "__fish_tkt_using_subcommand help; and not __fish_seen_subcommand_from init ticket request import state customer item equipment doc report sync check upgrade completions help" -f -a "state" -d 'Edit the state catalog: names, order, closed states, allowed transitions'
complete -c tkt -n "__fish_tkt_using_subcommand help; and not __fish_seen_subcommand_from init ticket request import state customer item equipment doc report sync check upgrade completions help" -f -a "customer" -d 'Customers and their fiscal data'
complete -c tkt -n "__fish_tkt_using_subcommand help; and not __fish_seen_subcommand_from init ticket request import state customer item equipment doc report sync check upgrade completions help" -f -a "item" -d 'Products and services, with price, VAT rate, serial pattern and warranty'
complete -c tkt -n "__fish_tkt_using_subcommand help; and not __fish_seen_subcommand_from init ticket request import state customer item equipment doc report sync check upgrade completions help" -f -a "equipment" -d 'Serial-numbered units sold to customers, and their warranty'
complete -c tkt -n "__fish_tkt_using_subcommand help; and not __fish_seen_subcommand_from init ticket request import state customer item equipment doc report sync check upgrade completions help" -f -a "doc" -d 'Documents: list, show, print; credit notes, payments, refunds; close orders'
complete -c tkt -n "__fish_tkt_using_subcommand help; and not __fish_seen_subcommand_from init ticket request import state customer item equipment doc report sync check upgrade completions help" -f -a "report" -d 'Reports: summary, aging, hours, billing, receivables, warranty, equipment'
complete -c tkt -n "__fish_tkt_using_subcommand help; and not __fish_seen_subcommand_from init ticket request import state customer item equipment doc report sync check upgrade completions help" -f -a "sync" -d 'Sync with the team\'s remote: commit hand edits, fetch, merge records, push'
complete -c tkt -n "__fish_tkt_using_subcommand help; and not __fish_seen_subcommand_from init ticket request import state customer item equipment doc report sync check upgrade completions help" -f -a "check" -d 'Check every record of the desk and list what is wrong, one line each'
complete -c tkt -n "__fish_tkt_using_subcommand help; and not __fish_seen_subcommand_from init ticket request import state customer item equipment doc report sync check upgrade completions help" -f -a "upgrade" -d 'Move a desk kept by an older tkt to this one\'s layout, in one commit (tickets and documents into folders of a thousand: tickets/2026/001/T-2026-1042.yaml)'
complete -c tkt -n "__fish_tkt_using_subcommand help; and not __fish_seen_subcommand_from init ticket request import state customer item equipment doc report sync check upgrade completions help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, elvish, powershell) or the man page'
complete -c tkt -n "__fish_tkt_using_subcommand help; and not __fish_seen_subcommand_from init ticket request import state customer item equipment doc report sync check upgrade completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from ticket" -f -a "create" -d 'Open a ticket; prints its id'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from ticket" -f -a "list" -d 'List tickets, filtered and sorted'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from ticket" -f -a "show" -d 'Show a ticket with its notes and history'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from ticket" -f -a "edit" -d 'Change fields of a ticket; $EDITOR without flags'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from ticket" -f -a "note" -d 'Add a note to a ticket'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from ticket" -f -a "assign" -d 'Assign a ticket to a technician (yourself by default)'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from ticket" -f -a "transition" -d 'Move a ticket to another state, as the catalog allows'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from ticket" -f -a "log" -d 'Who changed what and when, field by field, from git history'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from ticket" -f -a "receive" -d 'Receive the customer\'s item: a delivery note in (DDT di ricevimento)'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from ticket" -f -a "ship" -d 'Send an item: a delivery note out for a sale, a return or a replacement'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from ticket" -f -a "work" -d 'Write a work report (rapporto di intervento): hours, travel, materials, outcome'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from ticket" -f -a "invoice" -d 'Invoice what is not yet invoiced: work reports and sales; warranty work at 0.00'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from ticket" -f -a "job" -d 'Open a job order (commessa) with its budget'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from ticket" -f -a "order" -d 'Take a customer order (ordine cliente) for goods'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from request" -f -a "create" -d 'Record a request (phone call, visit...); prints its id'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from request" -f -a "list" -d 'List requests'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from request" -f -a "show" -d 'Show one request'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from request" -f -a "promote" -d 'Open a ticket from a request; prints the ticket\'s id'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from request" -f -a "reject" -d 'Close a request without a ticket'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from request" -f -a "note" -d 'Add a note to a request (a reply from the customer, a call back)'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "email" -d 'Import one e-mail message (RFC 5322) from FILE, or standard input'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "maildir" -d 'Import every message in DIR/new; each one imported moves to DIR/cur, seen'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "form" -d 'Import one support-form post, JSON or urlencoded, from FILE or standard input'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "sdi" -d 'Record SDI\'s receipts (RC delivered, NS rejected, MC not deliverable, NE, DT, AT) against the e-invoices they are about; prints each document\'s id'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from state" -f -a "create" -d 'Add a state to the catalog'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from state" -f -a "list" -d 'List the catalog in its order'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from state" -f -a "show" -d 'Show one state'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from state" -f -a "edit" -d 'Rename, re-order, open/close a state or change its transitions ($EDITOR without flags)'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from state" -f -a "delete" -d 'Delete a state no ticket is in; transitions to it are removed'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from customer" -f -a "create" -d 'Add a customer; prints the new id (C-0001...)'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from customer" -f -a "list" -d 'List customers'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from customer" -f -a "show" -d 'Show one customer'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from customer" -f -a "statement" -d 'The statement of account: each invoice, what was credited, paid and refunded, and what is still due'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from customer" -f -a "edit" -d 'Change fields (empty text clears one); $EDITOR without flags'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from item" -f -a "create" -d 'Add an item; prints its code'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from item" -f -a "list" -d 'List items'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from item" -f -a "show" -d 'Show one item'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from item" -f -a "edit" -d 'Change fields (empty text clears one); $EDITOR without flags'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from equipment" -f -a "create" -d 'Register a unit sold to a customer; prints its serial'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from equipment" -f -a "list" -d 'List units, with their warranty status today'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from equipment" -f -a "show" -d 'Show one unit'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from equipment" -f -a "edit" -d 'Change fields (empty text clears one); $EDITOR without flags'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from equipment" -f -a "history" -d 'List the tickets opened on a unit'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from doc" -f -a "list" -d 'List documents, filtered'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from doc" -f -a "show" -d 'Show one document (and an invoice\'s balance)'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from doc" -f -a "print" -d 'Print a document as text or as a self-contained HTML page'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from doc" -f -a "credit" -d 'Issue a credit note against an invoice: all of it, chosen lines, or an amount'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from doc" -f -a "pay" -d 'Record a payment received against an invoice'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from doc" -f -a "refund" -d 'Record a refund paid out against a credit note'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from doc" -f -a "close" -d 'Close a job order, or mark a sales order fulfilled or cancelled'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from doc" -f -a "export" -d 'Export invoices and credit notes as FatturaPA XML files for SDI'
complete -c tkt -n "__fish_tkt_using_subcommand help; and __fish_seen_subcommand_from doc" -f -a "send" -d 'Mail exported e-invoices to SDI from the desk\'s PEC account'
complete -c tkt -n "__fish_tkt_using_subcommand report" -f -a "summary aging hours billing receivables warranty equipment"
complete -c tkt -n "__fish_tkt_using_subcommand completions" -f -a "bash zsh fish elvish powershell man"
