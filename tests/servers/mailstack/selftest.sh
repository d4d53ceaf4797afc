#!/usr/bin/env bash
# selftest.sh DIR -- prove the private mail stack works, with swaks, curl and
# openssl s_client. (Re)starts the stack in DIR (timing the start), runs the
# checks, prints "N passed, N failed" and exits non-zero on any failure.
# The stack is stopped at the end unless MAILSTACK_KEEP=1.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MS=$HERE/mailstack.sh
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
DIR=$1
for t in swaks curl openssl; do
    command -v "$t" >/dev/null || { echo "selftest: $t is required" >&2; exit 2; }
done

PASS=0; FAIL=0; FAILED=()
ok()   { PASS=$((PASS + 1)); printf '  ok    %s\n' "$1"; }
nok()  { FAIL=$((FAIL + 1)); FAILED+=("$1"); printf '  FAIL  %s\n' "$1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | tail -n 15 | sed 's/^/        | /'; }
check() { # check NAME OUTPUT REGEX...  (every regex must match OUTPUT)
    local name=$1 out=$2; shift 2
    local re
    for re in "$@"; do
        grep -Eq -- "$re" <<<"$out" || { nok "$name (missing /$re/)" "$out"; return 1; }
    done
    ok "$name"
}
check_not() { # check_not NAME OUTPUT REGEX
    if grep -Eq -- "$3" <<<"$2"; then nok "$1 (unexpected /$3/)" "$2"; return 1; fi
    ok "$1"
}

# ------------------------------------------------------------------ start
echo "== (re)starting the stack in $DIR"
"$MS" stop "$DIR" >/dev/null 2>&1 || true
t0=$(date +%s.%N)
if ! "$MS" start "$DIR"; then
    echo "selftest: start failed" >&2
    exit 1
fi
t1=$(date +%s.%N)
START_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')
echo "== start took ${START_SECS}s"
if [ "${MAILSTACK_KEEP:-0}" != 1 ]; then
    trap '"$MS" stop "$DIR" >/dev/null 2>&1' EXIT
fi
eval "$("$MS" env "$DIR")"
"$MS" flush "$DIR" >/dev/null 2>&1

H=$MAILSTACK_HOST
CA=$MAILSTACK_CA
U=$MAILSTACK_USER; P=$MAILSTACK_PASS
RUNID=$$-$(date +%s)
SWAKS=(swaks --timeout 15 --helo selftest.example.org --from probe@example.org)
TLSV=(--tls-verify --tls-ca-path "$CA")

# wait_delivered TOKEN [MAILDIR] -> file in new/ carrying the token within 10s
wait_delivered() {
    local tok=$1 md=${2:-$MAILSTACK_MAILDIR} n=100
    while [ $n -gt 0 ]; do
        grep -lqs -- "$tok" "$md"/new/* "$md"/cur/* 2>/dev/null && return 0
        sleep 0.1; n=$((n - 1))
    done
    return 1
}
send_ok() { # send_ok NAME TOKEN swaks-args...  (MAILDIR=... to check another box)
    local name=$1 tok=$2 out md=${MAILDIR:-$MAILSTACK_MAILDIR}; shift 2
    out=$("${SWAKS[@]}" --header "X-Selftest-Token: $tok" --header "Subject: selftest $name" "$@" 2>&1)
    if ! grep -Eq '^ *<[-~] +250 2\.0\.0 Ok: queued' <<<"$out"; then nok "$name: message accepted" "$out"; return; fi
    if wait_delivered "$tok" "$md"; then ok "$name: accepted and delivered to Maildir"
    else nok "$name: delivered to Maildir" "$(tail -n 5 "$MAILSTACK_POSTFIX_LOG")"; fi
}

# ------------------------------------------------------------------ SMTP 25
echo "== SMTP (plain, port $MAILSTACK_SMTP_PORT)"
out=$("${SWAKS[@]}" --server "$H:$MAILSTACK_SMTP_PORT" --quit-after EHLO 2>&1)
check "25: banner" "$out" '<- +220 mail\.example\.test ESMTP'
check "25: STARTTLS offered" "$out" '250-STARTTLS'
check_not "25: no AUTH before STARTTLS" "$out" '250.AUTH'
out=$("${SWAKS[@]}" --server "$H:$MAILSTACK_SMTP_PORT" -tls "${TLSV[@]}" --quit-after EHLO 2>&1)
check "25: STARTTLS with CA verification, AUTH after TLS" "$out" 'TLS started with cipher' '250-AUTH PLAIN LOGIN CRAM-MD5'
send_ok "25: plain send to $U" "plain-$RUNID" --server "$H:$MAILSTACK_SMTP_PORT" --to "$U"
out=$("${SWAKS[@]}" --server "$H:$MAILSTACK_SMTP_PORT" --to nobody@example.test 2>&1)
check "25: unknown recipient -> 550 5.1.1" "$out" '<\*\* +550 5\.1\.1 <nobody@example\.test>'
out=$("${SWAKS[@]}" --server "$H:$MAILSTACK_SMTP_PORT" --to someone@example.org 2>&1)
check "25: relaying refused -> 554 5.7.1" "$out" '<\*\* +554 5\.7\.1 .*Relay access denied'
MAILDIR=$MAILSTACK_MAILDIR2 send_ok "25: plain send to $MAILSTACK_USER2" "second-$RUNID" --server "$H:$MAILSTACK_SMTP_PORT" --to "$MAILSTACK_USER2"

# ------------------------------------------------------------------ submission
echo "== submission (port $MAILSTACK_SUBMISSION_PORT)"
out=$("${SWAKS[@]}" --server "$H:$MAILSTACK_SUBMISSION_PORT" --to "$U" 2>&1)
check "587: MAIL before STARTTLS refused (530)" "$out" '<\*\* +530 5\.7\.0 Must issue a STARTTLS command first'
check_not "587: no AUTH before STARTTLS" "$out" '250.AUTH'
for mech in PLAIN LOGIN CRAM-MD5; do
    send_ok "587: STARTTLS + AUTH $mech" "sub-$mech-$RUNID" --server "$H:$MAILSTACK_SUBMISSION_PORT" \
        -tls "${TLSV[@]}" -a "$mech" -au "$U" -ap "$P" --to "$U"
done
out=$("${SWAKS[@]}" --server "$H:$MAILSTACK_SUBMISSION_PORT" -tls "${TLSV[@]}" -a PLAIN -au "$U" -ap wrong-password --to "$U" 2>&1)
check "587: wrong password -> 535" "$out" '<~\* +535 5\.7\.8 Error: authentication failed'
out=$("${SWAKS[@]}" --server "$H:$MAILSTACK_SUBMISSION_PORT" -tls "${TLSV[@]}" -a CRAM-MD5 -au "$U" -ap wrong-password --to "$U" 2>&1)
check "587: wrong password (CRAM-MD5) -> 535" "$out" '<~\* +535 5\.7\.8'
out=$("${SWAKS[@]}" --server "$H:$MAILSTACK_SUBMISSION_PORT" -tls "${TLSV[@]}" --to "$U" 2>&1)
check "587: unauthenticated RCPT refused" "$out" '<~\* +554 5\.7\.1 .*Recipient address rejected: Access denied'
out=$("${SWAKS[@]}" --server "$H:$MAILSTACK_SUBMISSION_PORT" -tls "${TLSV[@]}" -a PLAIN -au "$U" -ap "$P" --to x@example.org 2>&1)
check "587: authenticated relaying refused too" "$out" '<~\* +554 5\.7\.1 .*Relay access denied'
out=$("${SWAKS[@]}" --server "$H:$MAILSTACK_SUBMISSION_PORT" -tls "${TLSV[@]}" -a PLAIN -au "$U" -ap "$P" --to nobody@example.test 2>&1)
check "587: authenticated, unknown recipient -> 550 5.1.1" "$out" '<~\* +550 5\.1\.1'

# ------------------------------------------------------------------ SMTPS
echo "== SMTPS (implicit TLS, port $MAILSTACK_SMTPS_PORT)"
for mech in PLAIN LOGIN CRAM-MD5; do
    send_ok "465: implicit TLS + AUTH $mech" "smtps-$mech-$RUNID" --server "$H:$MAILSTACK_SMTPS_PORT" \
        --tlsc "${TLSV[@]}" -a "$mech" -au "$MAILSTACK_USER2" -ap "$MAILSTACK_PASS2" --to "$U"
done
out=$("${SWAKS[@]}" --server "$H:$MAILSTACK_SMTPS_PORT" --tlsc "${TLSV[@]}" -a LOGIN -au "$U" -ap nope --to "$U" 2>&1)
check "465: wrong password -> 535" "$out" '<~\* +535 5\.7\.8'
out=$(timeout 10 openssl s_client -connect "$H:$MAILSTACK_SMTPS_PORT" -CAfile "$CA" -verify_return_error -verify_hostname localhost -brief </dev/null 2>&1)
check "465: certificate verifies for localhost against the test CA" "$out" 'Verification: OK' 'Verified peername: localhost'

# ------------------------------------------------------------------ client cert
echo "== SMTPS with required client certificate (port $MAILSTACK_SMTPS_CLIENTCERT_PORT)"
send_ok "466: client.pem accepted, mail relayed without AUTH" "ccert-$RUNID" --server "$H:$MAILSTACK_SMTPS_CLIENTCERT_PORT" \
    --tlsc "${TLSV[@]}" --tls-cert "$MAILSTACK_CLIENT_CERT" --tls-key "$MAILSTACK_CLIENT_KEY" --to "$U"
out=$("${SWAKS[@]}" --server "$H:$MAILSTACK_SMTPS_CLIENTCERT_PORT" --tlsc "${TLSV[@]}" --to "$U" 2>&1)
check "466: no client cert -> 421 4.7.1, session refused" "$out" '421 4\.7\.1 mail\.example\.test Error: No client certificate presented'
check_not "466: no client cert -> no EHLO" "$out" '250-mail\.example\.test'
out=$("${SWAKS[@]}" --server "$H:$MAILSTACK_SMTPS_CLIENTCERT_PORT" --tlsc "${TLSV[@]}" \
      --tls-cert "$MAILSTACK_CERTS/selfsigned.pem" --tls-key "$MAILSTACK_CERTS/selfsigned.key" --to "$U" 2>&1)
check "466: untrusted client cert -> 421 4.7.1" "$out" '421 4\.7\.1 .*Client certificate not trusted'
out=$( { sleep 0.5; printf 'EHLO selftest\r\n'; sleep 0.5; printf 'QUIT\r\n'; } | timeout 10 openssl s_client -quiet \
      -connect "$H:$MAILSTACK_SMTPS_CLIENTCERT_PORT" -CAfile "$CA" -cert "$MAILSTACK_CLIENT_CERT" \
      -key "$MAILSTACK_CLIENT_KEY_ENC" -pass "pass:$MAILSTACK_CLIENT_KEY_PASS" 2>&1)
check "466: encrypted client key (password keypass) accepted" "$out" '^220 mail\.example\.test' '^250-AUTH'

# ------------------------------------------------------------------ IMAP
echo "== IMAP ($MAILSTACK_IMAP_PORT) / IMAPS ($MAILSTACK_IMAPS_PORT)"
CURL=(curl -sS --max-time 15 --cacert "$CA")
banner=$(timeout 5 bash -c "exec 3<>/dev/tcp/$H/$MAILSTACK_IMAP_PORT; IFS= read -r l <&3; printf 'a LOGOUT\r\n' >&3; echo \"\$l\"")
check "143: banner advertises STARTTLS" "$banner" '^\* OK \[CAPABILITY .*STARTTLS.*\] Dovecot \(check_mail test stack\) ready'
out=$("${CURL[@]}" --user "$U:$P" "imap://$H:$MAILSTACK_IMAP_PORT/" 2>&1)
check "143: login + LIST" "$out" 'LIST .*INBOX'
out=$("${CURL[@]}" --ssl-reqd --user "$U:$P" "imap://$H:$MAILSTACK_IMAP_PORT/INBOX" -X "UID SEARCH HEADER X-Selftest-Token plain-$RUNID" 2>&1)
check "143: STARTTLS + login + SEARCH finds the delivered mail" "$out" '^\* SEARCH [0-9]+'
out=$("${CURL[@]}" --resolve "localhost:$MAILSTACK_IMAPS_PORT:127.0.0.1" --user "$U:$P" "imaps://localhost:$MAILSTACK_IMAPS_PORT/" 2>&1)
check "993: implicit TLS (verified as localhost) + LIST" "$out" 'LIST .*INBOX'
out=$("${CURL[@]}" --user "$U:$P" "imaps://$H:$MAILSTACK_IMAPS_PORT/INBOX" -X 'EXAMINE INBOX' 2>&1)
check "993: EXAMINE INBOX sees messages" "$out" '^\* [1-9][0-9]* EXISTS'
out=$("${CURL[@]}" --user "$U:wrong" "imaps://$H:$MAILSTACK_IMAPS_PORT/" 2>&1); rc=$?
[ $rc -eq 67 ] && ok "993: wrong password refused (curl 67)" || nok "993: wrong password refused (curl rc=$rc)" "$out"
out=$("${CURL[@]}" --user "$U:$P" --login-options 'AUTH=CRAM-MD5' "imap://$H:$MAILSTACK_IMAP_PORT/" 2>&1)
check "143: AUTHENTICATE CRAM-MD5" "$out" 'LIST .*INBOX'

# ------------------------------------------------------------------ POP3
echo "== POP3 ($MAILSTACK_POP3_PORT) / POP3S ($MAILSTACK_POP3S_PORT)"
capa=$(timeout 5 bash -c "exec 3<>/dev/tcp/$H/$MAILSTACK_POP3_PORT; IFS= read -r l <&3; printf 'CAPA\r\n' >&3; while IFS= read -r l <&3; do echo \"\$l\"; [ \"\${l%$'\r'}\" = . ] && break; done; printf 'QUIT\r\n' >&3")
check "110: CAPA offers STLS" "$capa" '^STLS'
out=$("${CURL[@]}" --user "$U:$P" "pop3://$H:$MAILSTACK_POP3_PORT/" 2>&1)
check "110: login + LIST" "$out" '^1 [0-9]+'
out=$("${CURL[@]}" --ssl-reqd --user "$U:$P" "pop3://$H:$MAILSTACK_POP3_PORT/" 2>&1)
check "110: STLS + login + LIST" "$out" '^1 [0-9]+'
out=$("${CURL[@]}" --user "$U:$P" "pop3s://$H:$MAILSTACK_POP3S_PORT/" 2>&1)
check "995: implicit TLS + LIST" "$out" '^1 [0-9]+'
out=$("${CURL[@]}" --user "$U:$P" "pop3s://$H:$MAILSTACK_POP3S_PORT/1" 2>&1)
check "995: RETR 1 returns a message" "$out" '^X-Selftest-Token: '
out=$("${CURL[@]}" --user "$U:wrong" "pop3s://$H:$MAILSTACK_POP3S_PORT/" 2>&1); rc=$?
[ $rc -eq 67 ] && ok "995: wrong password refused (curl 67)" || nok "995: wrong password refused (curl rc=$rc)" "$out"

# ------------------------------------------------------------------ flush / status
echo "== housekeeping"
"$MS" flush "$DIR" >/dev/null 2>&1
n=$(find "$MAILSTACK_MAILDIR" "$MAILSTACK_MAILDIR2" -type f -path '*/new/*' | wc -l)
[ "$n" = 0 ] && ok "flush empties the Maildirs" || nok "flush empties the Maildirs ($n files left)"
out=$("${CURL[@]}" --user "$U:$P" "pop3://$H:$MAILSTACK_POP3_PORT/" 2>&1); rc=$?
[ $rc -eq 0 ] && ! grep -Eq '^[0-9]' <<<"$out" && ok "after flush: POP3 LIST is empty" || nok "after flush: POP3 LIST is empty (rc=$rc)" "$out"
"$MS" status "$DIR" >/dev/null && ok "status reports all up" || nok "status reports all up"

echo
echo "start time: ${START_SECS}s"
[ $FAIL -eq 0 ] || printf 'failed: %s\n' "${FAILED[@]}"
echo "$PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
