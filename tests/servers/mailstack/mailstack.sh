#!/usr/bin/env bash
# mailstack.sh start|stop|restart|status|env|flush|logs DIR
#
# A private, loopback-only Postfix + Dovecot stack for check_mail's
# integration tests and demo. Everything (config, queue, sockets, logs, pid
# files, mailboxes, certificates) lives under DIR; /etc/postfix and
# /etc/dovecot are never read for configuration nor modified, and no
# systemd is needed. Must run as root (both daemons drop privileges).
#
# Environment:
#   MAILSTACK_PORT_BASE   port base (default 20000); ports are base+25, ...
#   MAILSTACK_VMAIL_USER  unprivileged owner of the mailboxes (default cmvmail,
#                         created with `useradd --system` when absent)
#   MAILSTACK_WAIT        seconds to wait for the ports at start (default 20)
#   MAILSTACK_SERVER_CERT certificate both daemons present (default server;
#                         also expired, notyet, selfsigned, wronghost, soon:
#                         the fault certs of make_certs.sh, for TLS-check demos)
#   MAILSTACK_AUTH_FAILURE_DELAY  Dovecot auth_failure_delay (default 0, i.e.
#                         a wrong password is answered at once; Dovecot's own
#                         default is 2s)
#
# See README.md next to this script.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TEMPLATES=$HERE/templates
MAKE_CERTS=$HERE/../certs/make_certs.sh
PF_DAEMON_DIR=/usr/lib/postfix/sbin
VMAIL_USER=${MAILSTACK_VMAIL_USER:-cmvmail}
WAIT_SECS=${MAILSTACK_WAIT:-20}
AUTH_FAILURE_DELAY=${MAILSTACK_AUTH_FAILURE_DELAY:-0}
SERVER_CERT=${MAILSTACK_SERVER_CERT:-server}

USERS=("monitor@example.test:Mon1tor-pass" "second@example.test:Second-pass")

die()  { echo "mailstack: ERROR: $*" >&2; exit 1; }
info() { echo "mailstack: $*" >&2; }

usage() {
    cat >&2 <<EOF
usage: $0 start|stop|restart|status|env|flush|logs DIR
  start    generate certs+configs under DIR, start Postfix and Dovecot, wait for all ports
  stop     stop both daemons and wait for them to exit (safe to repeat)
  restart  stop then start
  status   show what runs and which ports answer (exit 0 only if all is up)
  env      print shell variables (ports, users, passwords, CA, maildirs)
  flush    empty every Maildir and the Postfix queue (alias: clear-mailboxes)
  logs     print the tail of the Postfix and Dovecot logs
EOF
    exit 2
}

[ $# -eq 2 ] || usage
CMD=$1
DIR=$2

case "$DIR" in /*) ;; *) DIR=$(pwd)/$DIR ;; esac
DIR=${DIR%/}
# Postfix/Dovecot config values must not contain blanks, commas, '=' etc.
[[ "$DIR" =~ ^[A-Za-z0-9._/+-]+$ ]] || die "DIR '$DIR' must match [A-Za-z0-9._/+-]+"

# ------------------------------------------------------------------ layout
PF_CONF=$DIR/postfix
QUEUE=$DIR/postfix-queue
DATA=$DIR/postfix-data
DOVECOT=$DIR/dovecot
DC_CONF=$DOVECOT/dovecot.conf
RUN=$DOVECOT/run
MAIL=$DIR/mail
LOGS=$DIR/logs
CERTS=$DIR/certs
STATE=$DIR/mailstack.state

# Unix socket paths are limited to 107 bytes; the longest one Dovecot makes
# under base_dir is about 30 characters.
[ ${#RUN} -le 70 ] || die "DIR is too long for unix socket paths (${#RUN} > 70 chars for $RUN); use a shorter DIR"

ports_for_base() {
    local b=$1
    P_SMTP=$((b + 25)); P_SUBMISSION=$((b + 587)); P_SMTPS=$((b + 465)); P_SMTPS_CCERT=$((b + 466))
    P_IMAP=$((b + 143)); P_IMAPS=$((b + 993)); P_POP3=$((b + 110)); P_POP3S=$((b + 995))
    ALL_PORTS="$P_SMTP $P_SUBMISSION $P_SMTPS $P_SMTPS_CCERT $P_IMAP $P_IMAPS $P_POP3 $P_POP3S"
    # Not a daemon of the stack: where Dovecot's oauth2 passdb expects the OAuth test server
    # (tests/servers/oauth_server.py, started by the tests that need it) to introspect tokens.
    P_OAUTH=$((b + 808))
}

# Port base: the one recorded by the last start, else the environment.
recorded() { [ -f "$STATE" ] && sed -n "s/^$1=//p" "$STATE" | head -1; }
recorded_base() { recorded PORT_BASE; }
BASE=${MAILSTACK_PORT_BASE:-20000}
[[ "$BASE" =~ ^[0-9]+$ ]] && [ "$BASE" -ge 1 ] && [ "$BASE" -le 64500 ] || die "bad MAILSTACK_PORT_BASE '$BASE'"

# ------------------------------------------------------------------ helpers
port_answers() { # port_answers PORT -> TCP connect succeeds within 1s
    timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}
banner_of() { # banner_of PORT QUITCMD -> first line sent by the server
    timeout 3 bash -c '
        exec 3<>/dev/tcp/127.0.0.1/'"$1"' || exit 1
        IFS= read -r line <&3 || exit 1
        printf "%s\r\n" "'"$2"'" >&3
        printf "%s\n" "${line%$'"'"'\r'"'"'}"' 2>/dev/null
}

tls_ok() { # tls_ok PORT -> TLS handshake succeeds (and the cert verifies,
           # unless a fault certificate was asked for)
    local verify=-verify_return_error
    [ "$SERVER_CERT" = server ] || verify=
    timeout 5 openssl s_client -connect "127.0.0.1:$1" -CAfile "$CERTS/ca.pem" \
        $verify -brief < /dev/null 2>&1 | grep -q '^CONNECTION ESTABLISHED'
}

pf_pid() { # pid of our Postfix master, or nothing
    local f=$QUEUE/pid/master.pid pid
    [ -f "$f" ] || return 0
    pid=$(tr -dc 0-9 < "$f")
    [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 0
    # guard against pid reuse: our master's cwd is our queue directory
    [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$QUEUE" ] || return 0
    echo "$pid"
}
dc_pid() { # pid of our Dovecot master, or nothing
    local f=$RUN/master.pid pid
    [ -f "$f" ] || return 0
    pid=$(tr -dc 0-9 < "$f")
    [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 0
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DC_CONF" || return 0
    echo "$pid"
}

wait_gone() { # wait_gone PID SECONDS
    local pid=$1 n=$(( $2 * 10 ))
    while [ -d "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; do
        n=$((n - 1)); [ $n -gt 0 ] || return 1
        sleep 0.1
    done
}

stop_pid() { # stop_pid NAME PID PGID : wait for a TERMed master, then KILL its process group
    local name=$1 pid=$2 pgid=$3
    if ! wait_gone "$pid" 10; then
        info "$name (pid $pid) did not exit after SIGTERM; sending SIGKILL"
        if [ -n "$pgid" ] && [ "$pgid" = "$pid" ]; then
            kill -KILL -- "-$pgid" 2>/dev/null || true
        else
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait_gone "$pid" 5 || die "$name (pid $pid) would not die"
    fi
    # children of a master (same process group) exit with it; give them a moment
    if [ -n "$pgid" ] && [ "$pgid" = "$pid" ]; then
        local n=50
        while group_alive "$pgid" && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
        if group_alive "$pgid"; then kill -KILL -- "-$pgid" 2>/dev/null || true; fi
    fi
    return 0
}

group_alive() { # group_alive PGID -> a non-zombie process is left in the group
    # (zombies are ignored: in containers PID 1 may never reap the daemons)
    ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

log_tails() { # the warnings/errors of each log (else its last lines)
    local f
    for f in "$LOGS/dovecot-start.log" "$LOGS/postfix-start.log" "$LOGS/dovecot.log" "$LOGS/postfix.log"; do
        [ -s "$f" ] || continue
        if grep -qiE 'warn|error|fatal|panic' "$f"; then
            echo "----- warnings/errors in $f -----" >&2
            grep -iE 'warn|error|fatal|panic' "$f" | tail -n 15 >&2
        else
            echo "----- last lines of $f -----" >&2
            tail -n 10 "$f" >&2
        fi
    done
}

# ------------------------------------------------------------------ stop
do_stop() {
    local pf dc pf_pg="" dc_pg=""
    pf=$(pf_pid); dc=$(dc_pid)
    # SIGTERM both masters at once (each one stops its own children), then wait.
    if [ -n "$pf" ]; then
        info "stopping Postfix (pid $pf)"
        pf_pg=$(ps -o pgid= -p "$pf" 2>/dev/null | tr -d ' ' || true)
        kill -TERM "$pf" 2>/dev/null || true
    fi
    if [ -n "$dc" ]; then
        info "stopping Dovecot (pid $dc)"
        dc_pg=$(ps -o pgid= -p "$dc" 2>/dev/null | tr -d ' ' || true)
        kill -TERM "$dc" 2>/dev/null || true
    fi
    [ -z "$pf" ] || stop_pid postfix "$pf" "$pf_pg"
    [ -z "$dc" ] || stop_pid dovecot "$dc" "$dc_pg"
    rm -f "$QUEUE/pid/master.pid" "$RUN/master.pid" 2>/dev/null || true
    return 0
}

# ------------------------------------------------------------------ start
ensure_vmail_user() {
    if ! getent passwd "$VMAIL_USER" >/dev/null; then
        info "creating system user $VMAIL_USER"
        if getent group "$VMAIL_USER" >/dev/null; then
            useradd --system --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin --gid "$VMAIL_USER" "$VMAIL_USER"
        else
            useradd --system --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin --user-group "$VMAIL_USER"
        fi
    fi
    VMAIL_UID=$(id -u "$VMAIL_USER")
    VMAIL_GID=$(id -g "$VMAIL_USER")
    VMAIL_GROUP=$(id -gn "$VMAIL_USER")
}

check_prereqs() {
    [ "$(id -u)" = 0 ] || die "must run as root (Postfix and Dovecot masters need it)"
    case "$SERVER_CERT" in
        server|expired|notyet|selfsigned|wronghost|soon) ;;
        *) die "MAILSTACK_SERVER_CERT must be one of server expired notyet selfsigned wronghost soon" ;;
    esac
    local b
    for b in "$PF_DAEMON_DIR/master" /usr/sbin/dovecot /usr/sbin/postsuper openssl; do
        command -v "$b" >/dev/null || [ -x "$b" ] || die "missing $b (apt-get install postfix dovecot-imapd dovecot-pop3d dovecot-lmtpd openssl)"
    done
    [ -x /usr/lib/dovecot/lmtp ] || die "dovecot-lmtpd is not installed"
    [ -x /usr/lib/dovecot/imap ] || die "dovecot-imapd is not installed"
    [ -x /usr/lib/dovecot/pop3 ] || die "dovecot-pop3d is not installed"
    for b in postfix dovecot dovenull; do
        getent passwd "$b" >/dev/null || die "system user $b missing (is the postfix/dovecot package installed?)"
    done
    getent group postdrop >/dev/null || die "group postdrop missing (is postfix installed?)"
}

# Every unprivileged user involved must be able to reach DIR.
check_traversal() {
    local u
    for u in postfix dovecot "$VMAIL_USER"; do
        runuser -u "$u" -- test -x "$DIR" 2>/dev/null || \
            die "user $u cannot traverse $DIR (a parent directory is not world-searchable, e.g. mktemp -d makes 0700: chmod o+x it or pick another DIR)"
    done
}

render() { # render TEMPLATE OUT
    sed -e "s|@DIR@|$DIR|g" -e "s|@PF_CONF@|$PF_CONF|g" -e "s|@QUEUE@|$QUEUE|g" \
        -e "s|@DATA@|$DATA|g" -e "s|@CERTS@|$CERTS|g" -e "s|@LOGS@|$LOGS|g" \
        -e "s|@DOVECOT@|$DOVECOT|g" -e "s|@RUN@|$RUN|g" -e "s|@MAIL@|$MAIL|g" \
        -e "s|@P_SMTP@|$P_SMTP|g" -e "s|@P_SUBMISSION@|$P_SUBMISSION|g" \
        -e "s|@P_SMTPS@|$P_SMTPS|g" -e "s|@P_SMTPS_CCERT@|$P_SMTPS_CCERT|g" \
        -e "s|@P_IMAP@|$P_IMAP|g" -e "s|@P_IMAPS@|$P_IMAPS|g" \
        -e "s|@P_POP3@|$P_POP3|g" -e "s|@P_POP3S@|$P_POP3S|g" -e "s|@P_OAUTH@|$P_OAUTH|g" \
        -e "s|@VMAIL_USER@|$VMAIL_USER|g" -e "s|@VMAIL_GROUP@|$VMAIL_GROUP|g" \
        -e "s|@VMAIL_UID@|$VMAIL_UID|g" -e "s|@VMAIL_GID@|$VMAIL_GID|g" \
        -e "s|@INSTANCE@|mailstack-$BASE|g" -e "s|@SERVER_CERT@|$SERVER_CERT|g" -e "s|@AUTH_FAILURE_DELAY@|$AUTH_FAILURE_DELAY|g" \
        "$1" > "$2.tmp"
    if grep -n '@[A-Z_]*@' "$2.tmp" >&2; then die "unsubstituted placeholder in $2"; fi
    install_file "$2.tmp" "$2"
}

# install_file TMP DEST: replace DEST only if the content changed, and give
# it an mtime in the past. Postfix's dict_load_file() re-reads (sleeping
# 300ms per try, up to ~2s) any table or main.cf modified in the last second.
install_file() {
    if cmp -s "$1" "$2" 2>/dev/null; then rm -f "$1"; return 0; fi
    touch -d "@$(( $(date +%s) - 60 ))" "$1"
    mv -f "$1" "$2"
}

make_maildirs() {
    local entry user local_part domain md sub
    install -d -m 0755 -o "$VMAIL_USER" -g "$VMAIL_GROUP" "$MAIL"
    for entry in "${USERS[@]}"; do
        user=${entry%%:*}; local_part=${user%@*}; domain=${user#*@}
        md=$MAIL/$domain/$local_part/Maildir
        install -d -m 0700 -o "$VMAIL_USER" -g "$VMAIL_GROUP" "$MAIL/$domain" "$MAIL/$domain/$local_part" "$md"
        for sub in cur new tmp; do
            install -d -m 0700 -o "$VMAIL_USER" -g "$VMAIL_GROUP" "$md/$sub"
        done
    done
}

write_configs() {
    local entry user pass d
    umask 022
    mkdir -p "$PF_CONF" "$DOVECOT" "$LOGS" "$CERTS"
    chmod 0755 "$DIR" "$PF_CONF" "$DOVECOT" "$LOGS"

    MAKE_CERTS_QUIET=1 "$MAKE_CERTS" "$CERTS" || die "certificate generation failed"
    chmod 0755 "$CERTS"

    # Postfix: config + queue layout (as in /etc/postfix/postfix-files).
    render "$TEMPLATES/main.cf.in" "$PF_CONF/main.cf"
    render "$TEMPLATES/master.cf.in" "$PF_CONF/master.cf"
    : > "$PF_CONF/vmailbox.tmp"
    for entry in "${USERS[@]}"; do
        user=${entry%%:*}
        printf '%s\t%s/%s/\n' "$user" "${user#*@}" "${user%@*}" >> "$PF_CONF/vmailbox.tmp"
    done
    install_file "$PF_CONF/vmailbox.tmp" "$PF_CONF/vmailbox"
    install -d -m 0755 -o root -g root "$QUEUE" "$QUEUE/pid"
    for d in active bounce corrupt defer deferred flush hold incoming private saved trace; do
        install -d -m 0700 -o postfix -g root "$QUEUE/$d"
    done
    install -d -m 0730 -o postfix -g postdrop "$QUEUE/maildrop"
    install -d -m 0710 -o postfix -g postdrop "$QUEUE/public"
    install -d -m 0700 -o postfix -g root "$DATA"

    # Dovecot: config, users (plaintext scheme so CRAM-MD5 works), dirs.
    render "$TEMPLATES/dovecot.conf.in" "$DC_CONF"
    render "$TEMPLATES/dovecot-oauth2.conf.ext.in" "$DOVECOT/oauth2.conf.ext"
    : > "$DOVECOT/users.tmp"
    for entry in "${USERS[@]}"; do
        user=${entry%%:*}; pass=${entry#*:}
        printf '%s:{PLAIN}%s::::::\n' "$user" "$pass" >> "$DOVECOT/users.tmp"
    done
    chown root:dovecot "$DOVECOT/users.tmp"; chmod 0640 "$DOVECOT/users.tmp"
    install_file "$DOVECOT/users.tmp" "$DOVECOT/users"
    install -d -m 0750 -o root -g root "$DOVECOT/state"
    make_maildirs
}

wait_ready() {
    local deadline=$(( $(date +%s) + WAIT_SECS )) p missing line
    while :; do
        missing=""
        for p in $ALL_PORTS; do port_answers "$p" || missing="$missing $p"; done
        [ -S "$RUN/auth-postfix" ] || missing="$missing auth-socket"
        [ -S "$RUN/lmtp" ] || missing="$missing lmtp-socket"
        if [ -z "$missing" ]; then
            # real greetings from the spawned processes, not just the listen socket
            line=$(banner_of "$P_SMTP" QUIT || true);   [[ "$line" == 220* ]] || missing="$missing smtp-banner"
            line=$(banner_of "$P_IMAP" "a LOGOUT" || true); [[ "$line" == "* OK"* ]] || missing="$missing imap-banner"
            line=$(banner_of "$P_POP3" QUIT || true);   [[ "$line" == "+OK"* ]] || missing="$missing pop3-banner"
            # a TLS handshake verified against the test CA, one per daemon
            tls_ok "$P_SMTPS" || missing="$missing smtps-tls"
            tls_ok "$P_IMAPS" || missing="$missing imaps-tls"
            [ -z "$missing" ] && return 0
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "mailstack: ERROR: not ready after ${WAIT_SECS}s; not answering:$missing" >&2
            return 1
        fi
        sleep 0.2
    done
}

do_start() {
    check_prereqs
    local rec t0 t1 p busy=""
    t0=$(date +%s.%N)
    rec=$(recorded_base || true)
    if [ -n "$(pf_pid)" ] || [ -n "$(dc_pid)" ]; then
        if [ "${rec:-}" = "$BASE" ] && [ "$(recorded SERVER_CERT || true)" = "$SERVER_CERT" ] && do_status quiet; then
            info "already running in $DIR (port base $BASE)"
            return 0
        fi
        info "an instance with other settings (or half-started) runs in $DIR; restarting it"
        do_stop
    fi
    ports_for_base "$BASE"
    for p in $ALL_PORTS; do port_answers "$p" && busy="$busy $p"; done
    [ -z "$busy" ] || die "port(s)$busy on 127.0.0.1 already in use (another stack? set MAILSTACK_PORT_BASE)"

    mkdir -p "$DIR"
    chmod 0755 "$DIR"   # DIR is ours; mktemp -d creates it 0700
    ensure_vmail_user
    check_traversal
    write_configs
    printf 'PORT_BASE=%s\nVMAIL_USER=%s\nSERVER_CERT=%s\n' "$BASE" "$VMAIL_USER" "$SERVER_CERT" > "$STATE"

    # Stale sockets from a previous (killed) run confuse Dovecot: e.g. an old
    # anvil-auth-penalty socket that is no longer listened on makes the auth
    # process log errors and stall. Dovecot is not running here: start clean.
    rm -rf "$RUN"
    # One log generation per run: the previous run's logs become *.log.1.
    local lf
    for lf in postfix.log dovecot.log postfix-start.log dovecot-start.log; do
        [ -f "$LOGS/$lf" ] && mv -f "$LOGS/$lf" "$LOGS/$lf.1"
    done
    # Dovecot first: Postfix needs its auth and LMTP sockets.
    if ! /usr/sbin/dovecot -c "$DC_CONF" < /dev/null > "$LOGS/dovecot-start.log" 2>&1; then
        log_tails; do_stop >/dev/null 2>&1 || true
        die "Dovecot failed to start (see $LOGS/dovecot-start.log and $LOGS/dovecot.log)"
    fi
    # Not `postfix start`: its postfix-script runs `postconf -c /etc/postfix`,
    # which dies when /etc/postfix/main.cf does not exist. master -w waits
    # until the master daemon has initialised (and bound every port).
    if ! MAIL_CONFIG=$PF_CONF "$PF_DAEMON_DIR/master" -c "$PF_CONF" -w < /dev/null > "$LOGS/postfix-start.log" 2>&1; then
        log_tails; do_stop >/dev/null 2>&1 || true
        die "Postfix failed to start (see $LOGS/postfix-start.log and $LOGS/postfix.log)"
    fi
    if ! wait_ready; then
        log_tails; do_stop >/dev/null 2>&1 || true
        die "mail stack did not come up"
    fi
    t1=$(date +%s.%N)
    info "started in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')s: postfix pid $(pf_pid), dovecot pid $(dc_pid), ports $ALL_PORTS"
}

# ------------------------------------------------------------------ status
do_status() { # do_status [quiet]
    local quiet=${1:-} ok=0 p pf dc
    local b; b=$(recorded_base || true); ports_for_base "${b:-$BASE}"
    pf=$(pf_pid); dc=$(dc_pid)
    [ -n "$pf" ] || ok=1
    [ -n "$dc" ] || ok=1
    if [ -z "$quiet" ]; then
        if [ -n "$pf" ]; then echo "postfix: running (pid $pf)"; else echo "postfix: stopped"; fi
        if [ -n "$dc" ]; then echo "dovecot: running (pid $dc)"; else echo "dovecot: stopped"; fi
    fi
    for p in $ALL_PORTS; do
        if port_answers "$p"; then
            [ -n "$quiet" ] || echo "127.0.0.1:$p open"
        else
            [ -n "$quiet" ] || echo "127.0.0.1:$p closed"
            ok=1
        fi
    done
    return $ok
}

# ------------------------------------------------------------------ env
q() { printf "%s='%s'\n" "$1" "$2"; }
do_env() {
    local b; b=$(recorded_base || true); BASE=${b:-$BASE}; ports_for_base "$BASE"
    q MAILSTACK_DIR "$DIR"
    q MAILSTACK_HOST 127.0.0.1
    q MAILSTACK_HOSTNAME localhost
    q MAILSTACK_DOMAIN example.test
    q MAILSTACK_PORT_BASE "$BASE"
    q MAILSTACK_SMTP_PORT "$P_SMTP"
    q MAILSTACK_SUBMISSION_PORT "$P_SUBMISSION"
    q MAILSTACK_SMTPS_PORT "$P_SMTPS"
    q MAILSTACK_SMTPS_CLIENTCERT_PORT "$P_SMTPS_CCERT"
    q MAILSTACK_IMAP_PORT "$P_IMAP"
    q MAILSTACK_IMAPS_PORT "$P_IMAPS"
    q MAILSTACK_POP3_PORT "$P_POP3"
    q MAILSTACK_POP3S_PORT "$P_POP3S"
    q MAILSTACK_OAUTH_PORT "$P_OAUTH"
    q MAILSTACK_USER monitor@example.test
    q MAILSTACK_PASS Mon1tor-pass
    q MAILSTACK_USER2 second@example.test
    q MAILSTACK_PASS2 Second-pass
    q MAILSTACK_MAILDIR "$MAIL/example.test/monitor/Maildir"
    q MAILSTACK_MAILDIR2 "$MAIL/example.test/second/Maildir"
    q MAILSTACK_CERTS "$CERTS"
    q MAILSTACK_CA "$CERTS/ca.pem"
    local sc; sc=$(recorded SERVER_CERT || true)
    q MAILSTACK_SERVER_CERT_FILE "$CERTS/${sc:-server}.pem"
    q MAILSTACK_CLIENT_CERT "$CERTS/client.pem"
    q MAILSTACK_CLIENT_KEY "$CERTS/client.key"
    q MAILSTACK_CLIENT_KEY_ENC "$CERTS/client-enc.key"
    q MAILSTACK_CLIENT_KEY_PASS keypass
    q MAILSTACK_POSTFIX_CONF "$PF_CONF"
    q MAILSTACK_DOVECOT_CONF "$DC_CONF"
    q MAILSTACK_POSTFIX_LOG "$LOGS/postfix.log"
    q MAILSTACK_DOVECOT_LOG "$LOGS/dovecot.log"
}

# ------------------------------------------------------------------ flush
do_flush() {
    [ "$(id -u)" = 0 ] || die "must run as root"
    if [ -d "$QUEUE/pid" ] && [ -f "$PF_CONF/main.cf" ]; then
        MAIL_CONFIG=$PF_CONF /usr/sbin/postsuper -c "$PF_CONF" -d ALL >/dev/null 2>&1 || true
    fi
    if [ -d "$MAIL" ]; then
        find "$MAIL" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
        VMAIL_USER=$(sed -n 's/^VMAIL_USER=//p' "$STATE" 2>/dev/null | head -1)
        VMAIL_USER=${VMAIL_USER:-${MAILSTACK_VMAIL_USER:-cmvmail}}
        VMAIL_GROUP=$(id -gn "$VMAIL_USER")
        make_maildirs
    fi
    info "mailboxes and queue emptied"
}

case "$CMD" in
    start)   do_start ;;
    stop)    do_stop ;;
    restart) do_stop; do_start ;;
    status)  do_status ;;
    env)     do_env ;;
    flush|clear-mailboxes) do_flush ;;
    logs)    LINES=${MAILSTACK_LOG_LINES:-40}
             for f in "$LOGS/postfix.log" "$LOGS/dovecot.log"; do
                 echo "===== $f"; tail -n "$LINES" "$f" 2>/dev/null || true
             done ;;
    *) usage ;;
esac
