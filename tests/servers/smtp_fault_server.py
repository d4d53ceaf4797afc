#!/usr/bin/env python3
"""A scripted, misbehaving SMTP server for check_mail's fault tests (Python 3 stdlib only).

The server runs in its own thread of the test process; check_mail runs as a separate process
against it, so the binary sees a real socket peer. Every accepted connection plays the same
*script*: a list of steps executed in order. A step is a tuple whose first item names it:

    ("send", b"220 hi\\r\\n")          write bytes (one send call: "in one write")
    ("drip", b"220 hi\\r\\n", 1.0)     write one byte, sleep, next byte, ...
    ("line",)                         read one line (to LF); EOF ends the script
    ("expect", b"EHLO")               read one line, which must start with this (case-insensitive);
                                      a mismatch is recorded in errors and ends the script
    ("serve", {verb: reply, ...})     a small SMTP responder: read commands and answer each by its
                                      verb (EHLO, MAIL, RCPT, DATA, QUIT, AUTH, ...) until QUIT,
                                      EOF, or a verb mapped to None (leave the loop, go on with the
                                      next step). A reply may be a callable(line) -> bytes. After a
                                      354 to DATA the message is read up to CRLF.CRLF and answered
                                      with map["."] (default 250). Unknown verbs get 502.
    ("reply", fn)                     read one line and send fn(line) (bytes): a reply that depends on
                                      the command, e.g. an IMAP tag or a token the client chose
    ("sleep", 2.5)                    pause
    ("silent",)                       read and discard until the client closes (never answer)
    ("flood", 10 * 2**20, b"x")       send that many bytes without any line end (stops quietly
                                      when the client goes away)
    ("tls", "server")                 TLS handshake as server with certs/<name>.pem + .key
                                      (implicit TLS, or after a STARTTLS 220)
    ("close",)                        orderly close (FIN)
    ("rst",)                          abortive close: SO_LINGER 0, so the peer gets a RST
    ("read_raw", n)                   read up to n raw bytes (e.g. the start of a ClientHello)
    ("call", fn)                      fn(conn) plays a dialogue of its own on the connection (conn.sock,
                                      plain or TLS; conn.read_line(), conn.send()); False ends the
                                      script. For servers that need their TLS session, e.g. SCRAM
                                      channel binding (scram_server.py)

Everything the client sends is recorded in `received` (lines, without CRLF), so a test can
assert what the client did or did not send. Errors inside the script (including a handshake
the client aborted) are kept in `errors`, never raised into the test.

    with FaultServer(script, certs_dir) as server:
        run check_mail against 127.0.0.1:server.port

Command line, for poking at it by hand:
    smtp_fault_server.py --port 2525 --certs DIR SCENARIO     (see SCENARIOS at the bottom)
"""

import os
import socket
import ssl
import struct
import time

from loopback_server import LoopbackServer

READ_LIMIT = 1 << 20  # a line longer than this from the client ends the script


class _Conn:
    """One client connection: a socket (plain or TLS) with a small read buffer."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def read_line(self):
        while b"\n" not in self.buf:
            if len(self.buf) > READ_LIMIT:
                raise ConnectionError("client line too long")
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r")

    def read_until(self, marker):
        while marker not in self.buf:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                return None
            self.buf += chunk
        data, self.buf = self.buf.split(marker, 1)
        return data


class FaultServer(LoopbackServer):
    def __init__(self, script, certs_dir=None, host="127.0.0.1", port=0, family=socket.AF_INET):
        self.script = list(script)
        self.certs_dir = certs_dir
        self.received = []        # lines the client sent, in order (all connections)
        self.messages = []        # message contents received after DATA
        self.errors = []          # what went wrong inside scripts (for diagnostics)
        super().__init__(host, port, family)

    # -------------------------------------------------------------- the script
    def _context(self, name):
        if not self.certs_dir:
            raise RuntimeError("a TLS step needs certs_dir")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(self.certs_dir, name + ".pem"),
                            os.path.join(self.certs_dir, name + ".key"))
        return ctx

    def _record(self, line):
        with self._lock:
            self.received.append(line.decode("latin-1"))

    def _handle(self, sock):
        sock.settimeout(30)  # a script never outlives a test by much
        conn = _Conn(sock)
        try:
            for step in self.script:
                if self._stop.is_set() or not self._step(conn, step):
                    break
        except (OSError, ssl.SSLError, ConnectionError, ValueError) as e:
            with self._lock:
                self.errors.append(f"{type(e).__name__}: {e}")
        finally:
            try:
                conn.sock.close()
            except OSError:
                pass

    def _step(self, conn, step):
        """Runs one step; False ends the script (client gone, or a mismatch)."""
        kind = step[0]
        if kind == "send":
            conn.send(step[1])
        elif kind == "drip":
            for i in range(len(step[1])):
                conn.send(step[1][i:i + 1])
                if self._stop.wait(step[2]):
                    return False
        elif kind == "line":
            line = conn.read_line()
            if line is None:
                return False
            self._record(line)
        elif kind == "expect":
            line = conn.read_line()
            if line is None:
                return False
            self._record(line)
            if not line.upper().startswith(step[1].upper()):
                self.errors.append(f"expected {step[1]!r}, got {line!r}")
                return False
        elif kind == "reply":
            line = conn.read_line()
            if line is None:
                return False
            self._record(line)
            conn.send(step[1](line))
        elif kind == "serve":
            return self._serve(conn, step[1])
        elif kind == "sleep":
            return not self._stop.wait(step[1])
        elif kind == "silent":
            while conn.sock.recv(65536):
                if self._stop.is_set():
                    return False
            return False
        elif kind == "flood":
            remaining, chunk = step[1], step[2] * 65536
            while remaining > 0:
                n = min(remaining, len(chunk))
                try:
                    conn.send(chunk[:n])
                except OSError:
                    return False  # the client gave up reading: that is the point
                remaining -= n
        elif kind == "tls":
            if conn.buf:
                self.errors.append(f"client sent {len(conn.buf)} bytes before the handshake")
            conn.sock = self._context(step[1]).wrap_socket(conn.sock, server_side=True)
            conn.buf = b""
        elif kind == "call":
            return step[1](conn)
        elif kind == "read_raw":
            data = conn.sock.recv(step[1])
            if not data:
                return False
        elif kind == "close":
            try:
                conn.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return False
        elif kind == "rst":
            raw = conn.sock
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            raw.close()
            return False
        else:
            raise ValueError(f"unknown step {kind!r}")
        return True

    def _serve(self, conn, replies):
        while True:
            line = conn.read_line()
            if line is None:
                return False
            self._record(line)
            verb = line.split(b" ", 1)[0].split(b":", 1)[0].upper().decode("latin-1")
            if verb in replies and replies[verb] is None:
                return True  # hand over to the next step
            reply = replies.get(verb, b"502 5.5.2 command not recognised\r\n")
            if callable(reply):
                reply = reply(line)
            conn.send(reply)
            if verb == "QUIT":
                return False
            if verb == "DATA" and reply.startswith(b"354"):
                body = conn.read_until(b"\r\n.\r\n")
                if body is None:
                    return False
                with self._lock:
                    self.messages.append(body)
                conn.send(replies.get(".", b"250 2.0.0 Ok: queued\r\n"))


# ------------------------------------------------------------------ ready-made pieces
BANNER = b"220 fault.example ESMTP scripted\r\n"
EHLO_PLAIN = b"250-fault.example\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n"
EHLO_STARTTLS = b"250-fault.example\r\n250-STARTTLS\r\n250 ENHANCEDSTATUSCODES\r\n"
EHLO_AUTH = b"250-fault.example\r\n250-AUTH PLAIN LOGIN\r\n250 ENHANCEDSTATUSCODES\r\n"


def smtp_replies(**overrides):
    """A well-behaved transaction's replies; keyword arguments replace or add verbs."""
    replies = {
        "EHLO": EHLO_PLAIN,
        "HELO": b"250 fault.example\r\n",
        "MAIL": b"250 2.1.0 Ok\r\n",
        "RCPT": b"250 2.1.5 Ok\r\n",
        "DATA": b"354 End data with <CR><LF>.<CR><LF>\r\n",
        "NOOP": b"250 2.0.0 Ok\r\n",
        "RSET": b"250 2.0.0 Ok\r\n",
        "QUIT": b"221 2.0.0 Bye\r\n",
    }
    replies.update(overrides)
    return replies


SCENARIOS = {
    "ok": [("send", BANNER), ("serve", smtp_replies())],
    "silent": [("silent",)],
    "drip": [("drip", BANNER, 1.0), ("serve", smtp_replies())],
    "flood": [("flood", 10 * 1024 * 1024, b"x"), ("silent",)],
    "no-crlf-close": [("send", b"220 half a banner"), ("close",)],
    "mid-reply": [("send", BANNER), ("expect", b"EHLO"), ("send", b"250-fault.example\r\n250-PIPE"), ("close",)],
    "no-starttls": [("send", BANNER), ("serve", smtp_replies())],
    "starttls-injection": [("send", BANNER), ("serve", smtp_replies(EHLO=EHLO_STARTTLS, STARTTLS=None)),
                           ("send", b"220 ready\r\n250 injected\r\n"), ("tls", "server"),
                           ("serve", smtp_replies())],
    "implicit-tls": [("tls", "server"), ("send", BANNER), ("serve", smtp_replies())],
}


def main():
    import argparse
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=2525)
    p.add_argument("--certs", help="directory made by tests/servers/certs/make_certs.sh")
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    args = p.parse_args()
    with FaultServer(SCENARIOS[args.scenario], args.certs, port=args.port) as server:
        print(f"scenario {args.scenario} on 127.0.0.1:{server.port}; Ctrl-C to stop", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        for line in server.received:
            print("C:", line)
        for error in server.errors:
            print("error:", error)


if __name__ == "__main__":
    main()
