#!/usr/bin/env python3
"""A scripted SMTP, IMAP or POP3 server doing the server side of SCRAM (RFC 5802, RFC 7677), with
-PLUS channel binding checked against its own TLS session (Python 3 stdlib only).

Dovecot 2.3, the server of the test stack, offers no -PLUS mechanism; this one does, so
check_mail's -PLUS can be tested end to end, also behind the TLS-terminating proxy of
tls_proxy.py. The binding data is what this server derives from its own TLS session, never the
client's word:

  tls-exporter (RFC 9266, TLS 1.3 only here)  the TLS 1.3 exporter (RFC 8446 7.5) with the label
      "EXPORTER-Channel-Binding" and an empty context, 32 bytes. Python's ssl module has no
      keying-material exporter, so it is computed from the exporter master secret that OpenSSL
      hands to the key log callback (SSLContext.keylog_filename, one file per connection).
  tls-server-end-point (RFC 5929 4.1)  the hash of this server's own certificate (DER), with the
      hash of its signature algorithm, SHA-256 where that is MD5 or SHA-1.

A client that names another type is refused (unsupported-channel-binding-type), and so is one that
says "y" (it could bind but thinks the server cannot) while -PLUS is offered
(server-does-support-channel-binding, RFC 5802 6: a stripped offer, a downgrade).

The server-final-message goes as a challenge ("334 ", "+ "), an e= one too (RFC 5802 7); after the
client's empty answer comes the protocol's verdict: 235 / 535 5.7.8, OK / NO [AUTHENTICATIONFAILED],
+OK / -ERR [AUTH]. A client-first-message refused (e.g. server-does-support-channel-binding) gets
the protocol's refusal at once, as a server-first-message cannot carry an error. Every exchange is
recorded in `exchanges` (mechanism, gs2 flag, whether the proof was right, the result: "ok" or the
e= value), what the client sent in `received` (client steps as sent, base64).

    with ScramServer("smtp", certs_dir, security="starttls") as server:
        run check_mail against 127.0.0.1:server.port

Built on smtp_fault_server.FaultServer (its threads, `received`, `errors`, stop()).

Command line, for poking at it by hand (user monitor, password Scram-Pass-42):
    scram_server.py --certs DIR [--port P] [--security ssl|starttls] [--tls 1.2|1.3] smtp|imap|pop3
"""

import base64
import hashlib
import hmac
import os
import secrets
import shutil
import socket
import ssl
import tempfile
import time

from smtp_fault_server import FaultServer

PLUS_AND_PLAIN = ("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-1")
EXPORTER_LABEL = b"EXPORTER-Channel-Binding"  # RFC 9266 2

# signatureAlgorithm OIDs (DER content octets) -> the hash tls-server-end-point uses (RFC 5929 4.1).
_SIGNATURE_HASHES = {
    bytes.fromhex("2a8648ce3d040302"): "sha256",    # ecdsa-with-SHA256
    bytes.fromhex("2a8648ce3d040303"): "sha384",    # ecdsa-with-SHA384
    bytes.fromhex("2a8648ce3d040304"): "sha512",    # ecdsa-with-SHA512
    bytes.fromhex("2a8648ce3d0401"): "sha256",      # ecdsa-with-SHA1: SHA-256 instead
    bytes.fromhex("2a864886f70d01010b"): "sha256",  # sha256WithRSAEncryption
    bytes.fromhex("2a864886f70d01010c"): "sha384",  # sha384WithRSAEncryption
    bytes.fromhex("2a864886f70d01010d"): "sha512",  # sha512WithRSAEncryption
    bytes.fromhex("2a864886f70d010105"): "sha256",  # sha1WithRSAEncryption: SHA-256 instead
    bytes.fromhex("2a864886f70d010104"): "sha256",  # md5WithRSAEncryption: SHA-256 instead
}


# ------------------------------------------------------------------ channel bindings
def _der_item(data, at):
    """(tag, content start, content end) of the DER item at offset `at`."""
    tag, length = data[at], data[at + 1]
    at += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[at:at + count], "big")
        at += count
    return tag, at, at + length


def server_end_point(der):
    """tls-server-end-point data of a certificate (RFC 5929 4.1)."""
    _, body, _ = _der_item(der, 0)               # Certificate ::= SEQUENCE {
    _, _, tbs_end = _der_item(der, body)         #   tbsCertificate,
    _, algorithm, _ = _der_item(der, tbs_end)    #   signatureAlgorithm SEQUENCE { OID, ... }
    tag, oid, oid_end = _der_item(der, algorithm)
    name = _SIGNATURE_HASHES.get(der[oid:oid_end]) if tag == 0x06 else None
    if name is None:
        raise ValueError(f"tls-server-end-point: unknown signature algorithm {der[oid:oid_end].hex()}")
    return hashlib.new(name, der).digest()


def _hkdf_expand_label(name, secret, label, context, length):
    """HKDF-Expand-Label of TLS 1.3 (RFC 8446 7.1), HKDF-Expand of RFC 5869 2.3."""
    full = b"tls13 " + label
    info = length.to_bytes(2, "big") + bytes([len(full)]) + full + bytes([len(context)]) + context
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(secret, block + info + bytes([counter]), name).digest()
        out += block
        counter += 1
    return out[:length]


def tls13_exporter(name, exporter_master_secret, label, context, length):
    """TLS-Exporter(label, context, length) of RFC 8446 7.5, `name` the cipher suite's hash."""
    digest_size = hashlib.new(name).digest_size
    derived = _hkdf_expand_label(name, exporter_master_secret, label, hashlib.new(name, b"").digest(), digest_size)
    return _hkdf_expand_label(name, derived, b"exporter", hashlib.new(name, context).digest(), length)


# ------------------------------------------------------------------ SCRAM, the server side
class ScramExchange:
    """One SCRAM exchange (RFC 5802 5, 7), the server's side. `binding(type)` returns the
    server's own channel-binding data of that type, or None for a type it cannot give."""

    def __init__(self, mechanism, username, password, binding, plus_offered):
        self.mechanism = mechanism
        self.hash = "sha1" if mechanism.startswith("SCRAM-SHA-1") else "sha256"
        self.plus = mechanism.endswith("-PLUS")
        self.username, self.password = username, password
        self.binding, self.plus_offered = binding, plus_offered
        self.salt = secrets.token_bytes(16)
        self.iterations = 4096
        self.record = {"mechanism": mechanism, "flag": None, "proof_ok": None, "result": None}

    def first(self, client_first):
        """client-first-message -> server-first-message, or "e=..." to refuse at once."""
        flag, authzid, bare = (client_first.split(",", 2) + ["", ""])[:3]
        self.record["flag"] = flag
        self.gs2_header = f"{flag},{authzid},"
        self.client_first_bare = bare
        attributes = dict(part.split("=", 1) for part in bare.split(",") if "=" in part)
        user = attributes.get("n", "").replace("=2C", ",").replace("=3D", "=")
        if not attributes.get("r") or not bare.startswith("n="):
            return self._end("e=invalid-encoding")
        if user != self.username:
            return self._end("e=unknown-user")
        if flag == "y" and self.plus_offered:
            return self._end("e=server-does-support-channel-binding")  # RFC 5802 6: a downgrade
        if flag.startswith("p="):
            if not self.plus:
                return self._end("e=other-error")
            self.cbind_data = self.binding(flag[2:])
            if self.cbind_data is None:
                return self._end("e=unsupported-channel-binding-type")
        elif self.plus or flag not in ("n", "y"):
            return self._end("e=other-error")
        else:
            self.cbind_data = b""
        self.nonce = attributes["r"] + base64.b64encode(secrets.token_bytes(18)).decode()
        self.server_first = f"r={self.nonce},s={base64.b64encode(self.salt).decode()},i={self.iterations}"
        return self.server_first

    def final(self, client_final):
        """client-final-message -> server-final-message ("v=..." or "e=...")."""
        without_proof, _, proof = client_final.rpartition(",p=")
        attributes = dict(part.split("=", 1) for part in without_proof.split(",") if "=" in part)
        if not without_proof or "c" not in attributes or "r" not in attributes:
            return self._end("e=invalid-encoding")
        if attributes["r"] != self.nonce:
            return self._end("e=other-error")
        salted = hashlib.pbkdf2_hmac(self.hash, self.password.encode(), self.salt, self.iterations)
        client_key = hmac.new(salted, b"Client Key", self.hash).digest()
        stored_key = hashlib.new(self.hash, client_key).digest()
        auth_message = f"{self.client_first_bare},{self.server_first},{without_proof}".encode()
        signature = hmac.new(stored_key, auth_message, self.hash).digest()
        try:
            sent_key = bytes(a ^ b for a, b in zip(base64.b64decode(proof, validate=True), signature))
        except ValueError:
            return self._end("e=invalid-encoding")
        self.record["proof_ok"] = hmac.compare_digest(hashlib.new(self.hash, sent_key).digest(), stored_key)
        # The proof covers the client's c=, so it can be right while the binding is not: both are
        # recorded, and the binding is judged first, as the server's own session is the truth.
        expected = base64.b64encode(self.gs2_header.encode() + self.cbind_data).decode()
        if not hmac.compare_digest(attributes["c"], expected):
            return self._end("e=channel-bindings-dont-match")
        if not self.record["proof_ok"]:
            return self._end("e=invalid-proof")
        server_key = hmac.new(salted, b"Server Key", self.hash).digest()
        self._end("ok")
        return "v=" + base64.b64encode(hmac.new(server_key, auth_message, self.hash).digest()).decode()

    def _end(self, result):
        self.record["result"] = result[2:] if result.startswith("e=") else result
        return result


# ------------------------------------------------------------------ the server
class ScramServer(FaultServer):
    """protocol: "smtp", "imap" or "pop3"; security: "ssl" (implicit TLS) or "starttls" (SMTP);
    tls_version: an ssl.TLSVersion to hold the server to (both ends of its range), else TLS 1.2
    to 1.3; mechanisms: those offered (after TLS only)."""

    def __init__(self, protocol, certs_dir, security="ssl", username="monitor", password="Scram-Pass-42",
                 mechanisms=PLUS_AND_PLAIN, tls_version=None, cert="server", port=0):
        if protocol not in ("smtp", "imap", "pop3") or security not in ("ssl", "starttls"):
            raise ValueError(f"unsupported {protocol} with {security}")
        if security == "starttls" and protocol != "smtp":
            raise ValueError("STARTTLS is scripted for SMTP only")
        super().__init__([("call", getattr(self, "_" + protocol))], certs_dir, port=port)
        self.protocol, self.security = protocol, security
        self.username, self.password = username, password
        self.mechanisms = tuple(mechanisms)
        self.tls_version = tls_version
        self.cert = cert
        with open(os.path.join(certs_dir, cert + ".pem")) as f:
            self._certificate_der = ssl.PEM_cert_to_DER_cert(f.read())
        self.exchanges = []          # ScramExchange.record of every exchange, in order
        self.tls_versions = []       # the TLS version of every connection
        self._keylogs = tempfile.mkdtemp(prefix="cm-scram-keylog-")
        self._keylog_count = 0

    def stop(self):
        super().stop()
        shutil.rmtree(self._keylogs, ignore_errors=True)

    # -------------------------------------------------------------- TLS and its binding
    def _start_tls(self, conn):
        if conn.buf:
            raise ConnectionError(f"client sent {len(conn.buf)} bytes before the handshake")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(self.certs_dir, self.cert + ".pem"),
                            os.path.join(self.certs_dir, self.cert + ".key"))
        if self.tls_version is not None:
            ctx.minimum_version = ctx.maximum_version = self.tls_version
        # Replies go out at once, not held back (Nagle) behind the unacknowledged session tickets.
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self._keylog_count += 1
            # One context and key log per connection: the file holds this session's secrets only.
            ctx.keylog_filename = os.path.join(self._keylogs, f"{self._keylog_count}.log")
        conn.sock = ctx.wrap_socket(conn.sock, server_side=True)
        with self._lock:
            self.tls_versions.append(conn.sock.version())

    def _binding(self, sock, kind):
        if kind == "tls-server-end-point":
            return server_end_point(self._certificate_der)
        if kind == "tls-exporter" and sock.version() == "TLSv1.3":
            with open(sock.context.keylog_filename) as f:
                lines = [line.split() for line in f if line.startswith("EXPORTER_SECRET ")]
            if len(lines) != 1:
                raise ConnectionError(f"{len(lines)} exporter secrets in this connection's key log")
            # The cipher suite's hash: TLS_AES_256_GCM_SHA384 -> sha384, the others SHA-256.
            name = "sha384" if sock.cipher()[0].endswith("SHA384") else "sha256"
            return tls13_exporter(name, bytes.fromhex(lines[0][2]), EXPORTER_LABEL, b"", 32)
        return None  # tls-exporter is computed for TLS 1.3 only; tls-unique is not supported

    # -------------------------------------------------------------- the SASL exchange
    def _read(self, conn):
        line = conn.read_line()
        if line is not None:
            self._record(line)
        return line

    def _scram(self, conn, mechanism, initial, challenge):
        """Runs one exchange; True when the client proved itself (and took the server's
        signature), False otherwise. initial: the initial response as sent (base64, "=" for
        empty) or None; challenge: the protocol's challenge prefix (b"334 ", b"+ ")."""
        plus_offered = any(m.endswith("-PLUS") for m in self.mechanisms)
        exchange = ScramExchange(mechanism, self.username, self.password,
                                 lambda kind: self._binding(conn.sock, kind), plus_offered)
        with self._lock:
            self.exchanges.append(exchange.record)

        def ask(message):
            conn.send(challenge + base64.b64encode(message.encode()) + b"\r\n")
            line = self._read(conn)
            if line is None or line.strip() == b"*":
                exchange.record["result"] = exchange.record["result"] or "cancelled"
                return None
            return base64.b64decode(line.strip(), validate=True).decode("utf-8")

        if initial is None:
            conn.send(challenge + b"\r\n")  # an empty challenge asks for the initial response
            line = self._read(conn)
            initial = line.strip() if line is not None else b"*"
        if initial.strip() == b"*":
            exchange.record["result"] = "cancelled"
            return False
        client_first = "" if initial == b"=" else base64.b64decode(initial, validate=True).decode("utf-8")
        server_first = exchange.first(client_first)
        if server_first.startswith("e="):
            return False  # no e= in a server-first-message (RFC 5802 7): the protocol's refusal
        client_final = ask(server_first)
        if client_final is None:
            return False
        server_final = exchange.final(client_final)
        # The client's answer to the server-final-message is empty (RFC 5802 5).
        return ask(server_final) == "" and server_final.startswith("v=")

    # -------------------------------------------------------------- SMTP (RFC 5321, RFC 4954)
    def _smtp(self, conn):
        if self.security == "ssl":
            self._start_tls(conn)
        conn.send(b"220 scram.example ESMTP scripted\r\n")
        tls = self.security == "ssl"
        while True:
            line = self._read(conn)
            if line is None:
                return False
            words = line.split()
            verb = words[0].upper() if words else b""
            if verb in (b"EHLO", b"HELO"):
                lines = [b"scram.example", b"ENHANCEDSTATUSCODES"]
                if not tls:
                    lines.append(b"STARTTLS")
                elif self.mechanisms:
                    lines.append(b"AUTH " + " ".join(self.mechanisms).encode())
                conn.send(b"".join(b"250-" + text + b"\r\n" for text in lines[:-1]) + b"250 " + lines[-1] + b"\r\n")
            elif verb == b"STARTTLS" and not tls:
                conn.send(b"220 2.0.0 Ready to start TLS\r\n")
                self._start_tls(conn)
                tls = True
            elif verb == b"AUTH" and tls and len(words) >= 2:
                mechanism = words[1].decode("latin-1").upper()
                if mechanism not in self.mechanisms:
                    conn.send(b"504 5.5.4 Unrecognized authentication type\r\n")
                elif self._scram(conn, mechanism, words[2] if len(words) > 2 else None, b"334 "):
                    conn.send(b"235 2.7.0 Authentication successful\r\n")
                else:
                    conn.send(b"535 5.7.8 Authentication credentials invalid\r\n")
            elif verb in (b"NOOP", b"RSET"):
                conn.send(b"250 2.0.0 Ok\r\n")
            elif verb == b"QUIT":
                conn.send(b"221 2.0.0 Bye\r\n")
                return False
            else:
                conn.send(b"502 5.5.2 command not recognised\r\n")

    # -------------------------------------------------------------- IMAP (RFC 9051, RFC 4959)
    def _imap(self, conn):
        self._start_tls(conn)
        capability = b"IMAP4rev1 SASL-IR" + b"".join(b" AUTH=" + m.encode() for m in self.mechanisms)
        conn.send(b"* OK [CAPABILITY " + capability + b"] scripted IMAP ready\r\n")
        while True:
            line = self._read(conn)
            if line is None:
                return False
            words = line.split()
            tag = words[0] if words else b"*"
            command = words[1].upper() if len(words) > 1 else b""
            if command == b"CAPABILITY":
                conn.send(b"* CAPABILITY " + capability + b"\r\n" + tag + b" OK done\r\n")
            elif command == b"AUTHENTICATE" and len(words) >= 3:
                mechanism = words[2].decode("latin-1").upper()
                if mechanism not in self.mechanisms:
                    conn.send(tag + b" NO [CANNOT] Unsupported authentication mechanism\r\n")
                elif self._scram(conn, mechanism, words[3] if len(words) > 3 else None, b"+ "):
                    conn.send(tag + b" OK [CAPABILITY IMAP4rev1] Logged in\r\n")
                else:
                    conn.send(tag + b" NO [AUTHENTICATIONFAILED] Authentication failed.\r\n")
            elif command in (b"EXAMINE", b"SELECT"):
                conn.send(b"* 0 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] UIDs valid\r\n"
                          + tag + b" OK [READ-ONLY] Examine completed\r\n")
            elif command == b"STATUS" and len(words) >= 3:
                conn.send(b"* STATUS " + words[2] + b" (MESSAGES 0)\r\n" + tag + b" OK Status completed\r\n")
            elif command == b"NOOP":
                conn.send(tag + b" OK done\r\n")
            elif command == b"LOGOUT":
                conn.send(b"* BYE Logging out\r\n" + tag + b" OK Logout completed\r\n")
                return False
            else:
                conn.send(tag + b" BAD Unknown command\r\n")

    # -------------------------------------------------------------- POP3 (RFC 1939, RFC 5034)
    def _pop3(self, conn):
        self._start_tls(conn)
        conn.send(b"+OK scripted POP3 ready\r\n")
        while True:
            line = self._read(conn)
            if line is None:
                return False
            words = line.split()
            command = words[0].upper() if words else b""
            if command == b"CAPA":
                sasl = b"SASL " + " ".join(self.mechanisms).encode() + b"\r\n" if self.mechanisms else b""
                conn.send(b"+OK Capability list follows\r\nTOP\r\nUIDL\r\n" + sasl + b".\r\n")
            elif command == b"AUTH" and len(words) >= 2:
                mechanism = words[1].decode("latin-1").upper()
                if mechanism not in self.mechanisms:
                    conn.send(b"-ERR Unsupported authentication mechanism\r\n")
                elif self._scram(conn, mechanism, words[2] if len(words) > 2 else None, b"+ "):
                    conn.send(b"+OK Logged in.\r\n")
                else:
                    conn.send(b"-ERR [AUTH] Authentication failed.\r\n")
            elif command == b"STAT":
                conn.send(b"+OK 0 0\r\n")
            elif command == b"NOOP":
                conn.send(b"+OK\r\n")
            elif command == b"QUIT":
                conn.send(b"+OK Logging out.\r\n")
                return False
            else:
                conn.send(b"-ERR Unknown command\r\n")


def main():
    import argparse
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--certs", required=True, help="directory made by tests/servers/certs/make_certs.sh")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--security", choices=["ssl", "starttls"], default="ssl")
    p.add_argument("--tls", choices=["1.2", "1.3"])
    p.add_argument("protocol", choices=["smtp", "imap", "pop3"])
    args = p.parse_args()
    version = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}.get(args.tls)
    with ScramServer(args.protocol, args.certs, security=args.security, tls_version=version, port=args.port) as server:
        print(f"{args.protocol} on 127.0.0.1:{server.port}; Ctrl-C to stop", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        for exchange in server.exchanges:
            print("exchange:", exchange)
        for error in server.errors:
            print("error:", error)


if __name__ == "__main__":
    main()
