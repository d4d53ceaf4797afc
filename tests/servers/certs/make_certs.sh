#!/usr/bin/env bash
# make_certs.sh OUTDIR -- generate the test PKI used by check_mail's
# integration tests and by tests/servers/mailstack.
#
# Only the `openssl` CLI is used. The script is idempotent: files that
# already exist and are still "right" are kept; a missing or stale file is
# (re)created. If the CA itself is missing or changes, every leaf is redone.
#
# Environment:
#   MAKE_CERTS_KEYTYPE  ec (default, P-256, fast) | rsa (2048-bit RSA)
#   MAKE_CERTS_FORCE=1  regenerate everything
#
# See README.md next to this script for the list of files.
set -euo pipefail

usage() { echo "usage: $0 OUTDIR" >&2; exit 2; }
[ $# -eq 1 ] || usage
OUT=$1
KEYTYPE=${MAKE_CERTS_KEYTYPE:-ec}
FORCE=${MAKE_CERTS_FORCE:-0}

command -v openssl >/dev/null || { echo "make_certs.sh: openssl not found" >&2; exit 1; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
umask 022

FILES="ca.pem ca.key server.pem server.key server-chain.pem client.pem client.key client-enc.key
       expired.pem expired.key notyet.pem notyet.key selfsigned.pem selfsigned.key
       wronghost.pem wronghost.key soon.pem soon.key proxy.pem proxy.key"

# Fast path: a full check (below) ran less than 12 hours ago and every file
# is still there -> nothing can have gone stale (soon.pem keeps > 4 days).
if [ "$FORCE" != 1 ] && [ -n "$(find "$OUT/.complete" -mmin -720 2>/dev/null)" ]; then
    ok=1
    for f in $FILES; do [ -s "$OUT/$f" ] && [ ! "$OUT/$f" -nt "$OUT/.complete" ] || { ok=0; break; }; done
    [ "$ok" = 1 ] && exit 0
fi
rm -f "$OUT/.complete"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/make_certs.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

log() { [ -n "${MAKE_CERTS_QUIET:-}" ] || echo "make_certs: $*" >&2; }

genkey() { # genkey FILE
    case "$KEYTYPE" in
        ec)  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
                 -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null ;;
        rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
                 -out "$1" 2>/dev/null ;;
        *) echo "make_certs.sh: MAKE_CERTS_KEYTYPE must be ec or rsa" >&2; exit 2 ;;
    esac
    chmod 0644 "$1"   # test keys: readable on purpose (tests may run unprivileged)
}

# Extension sections, written once into the work dir.
cat > "$WORK/ext.cnf" <<'EOF'
[req]
distinguished_name = req_dn
[req_dn]

[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[server_localhost]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[server_wronghost]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[selfsigned]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash

[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

# ---------------------------------------------------------------- checks
# valid_for FILE SECONDS: cert exists and is still valid SECONDS from now
valid_for() { [ -s "$1" ] && openssl x509 -in "$1" -noout -checkend "$2" >/dev/null 2>&1; }
# signed_by_ca FILE: cert verifies against the current CA (ignoring time)
signed_by_ca() {
    [ -s "$1" ] && openssl verify -no_check_time -CAfile "$OUT/ca.pem" "$1" >/dev/null 2>&1
}
# key_matches CERT KEY
key_matches() {
    [ -s "$1" ] && [ -s "$2" ] || return 1
    [ "$(openssl x509 -in "$1" -noout -pubkey 2>/dev/null)" = \
      "$(openssl pkey -in "$2" -pubout 2>/dev/null)" ]
}

# ---------------------------------------------------------------- CA
ca_new=0
if [ "$FORCE" = 1 ] || ! valid_for "$OUT/ca.pem" $((30*86400)) || ! key_matches "$OUT/ca.pem" "$OUT/ca.key"; then
    log "creating CA"
    genkey "$OUT/ca.key"; chmod 0600 "$OUT/ca.key"
    openssl req -new -x509 -key "$OUT/ca.key" -sha256 -days 3650 \
        -subj "/O=check_mail tests/CN=check_mail Test CA" \
        -config "$WORK/ext.cnf" -extensions v3_ca -out "$OUT/ca.pem"
    rm -f "$OUT/ca.srl"
    ca_new=1
fi

# sign NAME CN EXTSECTION DAYS : CSR + x509 -req signed by the CA
sign() {
    local name=$1 cn=$2 ext=$3 days=$4
    genkey "$OUT/$name.key"
    openssl req -new -key "$OUT/$name.key" -subj "/O=check_mail tests/CN=$cn" \
        -config "$WORK/ext.cnf" -out "$WORK/$name.csr"
    openssl x509 -req -in "$WORK/$name.csr" -CA "$OUT/ca.pem" -CAkey "$OUT/ca.key" \
        -CAcreateserial -CAserial "$WORK/ca.srl" -set_serial "0x$(openssl rand -hex 12)" \
        -sha256 -days "$days" -extfile "$WORK/ext.cnf" -extensions "$ext" \
        -out "$OUT/$name.pem" 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
}

# ca_sign NAME CN EXTSECTION STARTDATE ENDDATE : `openssl ca` with explicit
# validity dates (x509 -req cannot backdate / postdate in OpenSSL 3.0).
ca_sign() {
    local name=$1 cn=$2 ext=$3 start=$4 end=$5 d="$WORK/ca-$1"
    mkdir -p "$d/new"; : > "$d/index.txt"; openssl rand -hex 12 > "$d/serial"
    cat > "$d/ca.cnf" <<EOF
[ca]
default_ca = tca
[tca]
database = $d/index.txt
new_certs_dir = $d/new
serial = $d/serial
certificate = $OUT/ca.pem
private_key = $OUT/ca.key
default_md = sha256
policy = pol
unique_subject = no
email_in_dn = no
copy_extensions = none
[pol]
organizationName = optional
commonName = supplied
EOF
    cat "$WORK/ext.cnf" >> "$d/ca.cnf"
    genkey "$OUT/$name.key"
    openssl req -new -key "$OUT/$name.key" -subj "/O=check_mail tests/CN=$cn" \
        -config "$WORK/ext.cnf" -out "$d/req.csr"
    openssl ca -batch -notext -config "$d/ca.cnf" -extensions "$ext" \
        -startdate "$start" -enddate "$end" -in "$d/req.csr" -out "$OUT/$name.pem" 2>"$d/err" \
      || { cat "$d/err" >&2; exit 1; }
}

need() { # need NAME -> true if NAME must be (re)generated (generic checks)
    [ "$FORCE" = 1 ] || [ "$ca_new" = 1 ] || ! key_matches "$OUT/$1.pem" "$OUT/$1.key"
}

# ---------------------------------------------------------------- leaves
if need server || ! signed_by_ca "$OUT/server.pem" || ! valid_for "$OUT/server.pem" $((30*86400)); then
    log "creating server.pem (localhost, 127.0.0.1)"
    sign server localhost server_localhost 825
fi

# proxy.pem: a TLS-terminating proxy's own certificate, for the same names as server.pem but
# another key (tests/servers/tls_proxy.py; SASL -PLUS must notice it).
if need proxy || ! signed_by_ca "$OUT/proxy.pem" || ! valid_for "$OUT/proxy.pem" $((30*86400)); then
    log "creating proxy.pem (localhost, 127.0.0.1; a proxy's own)"
    sign proxy localhost server_localhost 825
fi

if need client || ! signed_by_ca "$OUT/client.pem" || ! valid_for "$OUT/client.pem" $((30*86400)); then
    log "creating client.pem (CN=monitor-client)"
    sign client monitor-client client 825
    rm -f "$OUT/client-enc.key"
fi
if [ ! -s "$OUT/client-enc.key" ] || \
   [ "$(openssl pkey -in "$OUT/client-enc.key" -passin pass:keypass -pubout 2>/dev/null)" != \
     "$(openssl pkey -in "$OUT/client.key" -pubout 2>/dev/null)" ]; then
    log "creating client-enc.key (password keypass)"
    openssl pkey -in "$OUT/client.key" -aes256 -passout pass:keypass -out "$OUT/client-enc.key"
    chmod 0644 "$OUT/client-enc.key"
fi

if need wronghost || ! signed_by_ca "$OUT/wronghost.pem" || ! valid_for "$OUT/wronghost.pem" $((30*86400)); then
    log "creating wronghost.pem (wrong.example)"
    sign wronghost wrong.example server_wronghost 825
fi

# soon.pem: must expire in (4, 5] days; regenerate once fewer than 4 remain.
if need soon || ! signed_by_ca "$OUT/soon.pem" || ! valid_for "$OUT/soon.pem" $((4*86400)); then
    log "creating soon.pem (expires in 5 days)"
    sign soon localhost server_localhost 5
fi

# expired.pem: validity entirely in the past.
if need expired || ! signed_by_ca "$OUT/expired.pem"; then
    log "creating expired.pem (2020-01-01 .. 2021-01-01)"
    ca_sign expired localhost server_localhost 20200101000000Z 20210101000000Z
fi

# notyet.pem: starts in one year; regenerated once less than 30 days remain
# before it becomes valid.
notyet_ok() {
    local nb
    nb=$(openssl x509 -in "$OUT/notyet.pem" -noout -startdate 2>/dev/null | sed 's/^notBefore=//') || return 1
    [ -n "$nb" ] && [ "$(date -u -d "$nb" +%s)" -gt $(( $(date +%s) + 30*86400 )) ]
}
if need notyet || ! signed_by_ca "$OUT/notyet.pem" || ! notyet_ok; then
    log "creating notyet.pem (valid from now+1y for 1y)"
    start=$(date -u -d '+365 days' +%Y%m%d%H%M%SZ)
    end=$(date -u -d '+730 days' +%Y%m%d%H%M%SZ)
    ca_sign notyet localhost server_localhost "$start" "$end"
fi

if [ "$FORCE" = 1 ] || ! key_matches "$OUT/selfsigned.pem" "$OUT/selfsigned.key" || \
   ! valid_for "$OUT/selfsigned.pem" $((30*86400)); then
    log "creating selfsigned.pem (localhost, not CA-signed)"
    genkey "$OUT/selfsigned.key"
    openssl req -new -x509 -key "$OUT/selfsigned.key" -sha256 -days 825 \
        -subj "/O=check_mail tests/CN=localhost" -config "$WORK/ext.cnf" \
        -extensions selfsigned -out "$OUT/selfsigned.pem"
fi

# Convenience: server chain (leaf + CA) for servers that want a full chain.
cat "$OUT/server.pem" "$OUT/ca.pem" > "$OUT/server-chain.pem.tmp"
if ! cmp -s "$OUT/server-chain.pem.tmp" "$OUT/server-chain.pem" 2>/dev/null; then
    mv "$OUT/server-chain.pem.tmp" "$OUT/server-chain.pem"
else
    rm -f "$OUT/server-chain.pem.tmp"
fi
chmod 0644 "$OUT"/*.pem
for f in $FILES; do [ -s "$OUT/$f" ] || { echo "make_certs.sh: $f missing" >&2; exit 1; }; done
touch "$OUT/.complete"
exit 0
