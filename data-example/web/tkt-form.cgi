#!/bin/sh
# CGI wrapper for the support form: the web server runs it for each POST and passes the
# body on stdin and its type in $CONTENT_TYPE. tkt checks every field and writes the
# request; this script only turns tkt's exit code into an HTTP status and a short page.
#
# Install: copy to the server's cgi-bin, make it executable, and set DESK to a clone of
# the desk that the web server's user may write (and that a cron job syncs).
DESK=${TKT_DESK:-/srv/assistenza}
export TKT_USER="modulo-web"
# The office reads and writes what the form stores: a desk shared through a group (README,
# "Shared desk") needs files the group may write.
umask 002

if [ "$REQUEST_METHOD" != "POST" ]; then
  printf 'Status: 405 Method Not Allowed\r\nAllow: POST\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nUsare il modulo.\n'
  exit 0
fi

# The body is CONTENT_LENGTH bytes (RFC 3875: the server may leave stdin open after
# them, and what follows is not the post); tkt reads at most 1 MiB.
reply() {
  printf 'Status: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\n' "$1" "$2"
  exit 0
}
case $CONTENT_LENGTH in
  "" ) reply "411 Length Required" "Usare il modulo." ;;
  *[!0-9]* ) reply "400 Bad Request" "Usare il modulo." ;;
esac
if [ "${#CONTENT_LENGTH}" -gt 7 ] || [ "$CONTENT_LENGTH" -gt 1048576 ]; then
  reply "413 Content Too Large" "Il testo è troppo lungo."
fi

# The id of the new request is tkt's only output on stdout.
err=$(mktemp) || exit 1
id=$(head -c "$CONTENT_LENGTH" | tkt -q -C "$DESK" import form - 2>"$err")
status=$?
errors=$(cat "$err"); rm -f "$err"

# Only a refusal of the post itself ("the form post is not valid:", then one
# "  field: problem" line each, after any warning) is the visitor's to fix; any other
# error is the desk's (a broken record, git, a full disk) and stays in the server's log,
# not on the page.
fields=""
if [ "$status" = 4 ] && printf '%s\n' "$errors" | grep -q '^error: the form post is not valid:$'; then
  fields=$(printf '%s\n' "$errors" | sed -n '/^error: the form post is not valid:$/,$s/^  //p')
fi

case $status in
  0) code="200 OK"; message="Richiesta ricevuta: $id. Vi ricontatteremo al più presto." ;;
  5) code="503 Service Unavailable"; message="Servizio occupato, riprovare tra un minuto."
     # Busy for a minute (the lock), or until a person acts (git mid-rebase, a detached
     # HEAD): said on the server's log either way.
     printf 'tkt-form.cgi: tkt exited 5: %s\n' "$errors" >&2 ;;
  *)
    if [ -n "$fields" ]; then
      code="400 Bad Request"; message="Controllare i campi:
$fields"
    else
      printf 'tkt-form.cgi: tkt exited %s: %s\n' "$status" "$errors" >&2
      code="500 Internal Server Error"; message="Errore interno, riprovare più tardi."
    fi ;;
esac

# Plain text, so nothing the visitor typed can run in the page.
reply "$code" "$message"
