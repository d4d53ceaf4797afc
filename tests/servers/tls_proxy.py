#!/usr/bin/env python3
"""A TLS-terminating proxy for tests (Python 3 stdlib only): the man in the middle that SASL
-PLUS channel binding (RFC 5056, RFC 5802 6) must expose.

It accepts the client's TLS with its own certificate (proxy.pem of certs_dir, made by
tests/servers/certs/make_certs.sh: issued by the same test CA for localhost and 127.0.0.1, so the
client's verification passes), opens a TLS connection of its own to the backend (verified against
ca.pem), and relays the plaintext both ways. The two
TLS sessions differ, so do their channel bindings: the tls-exporter values (RFC 9266) always,
the tls-server-end-point values (RFC 5929) when the proxy's certificate is not the backend's.

    starttls=None      implicit TLS on both sides (smtps, imaps, pop3s)
    starttls="smtp"    SMTP STARTTLS (RFC 3207): the plain-text dialogue is relayed reply by
                       reply until the client's STARTTLS and the backend's 220, then TLS is
                       terminated on each side separately
    front_version, back_version   an ssl.TLSVersion that side is held to (TLS 1.3: tls-exporter,
                       TLS 1.2: tls-server-end-point); default TLS 1.2 to 1.3
    cert               the certificate shown to the client ("server" plays a proxy that holds
                       the backend's own key)
    rewrite            fn(bytes) -> bytes applied to what the backend sends, e.g. to strip -PLUS
                       from its offer. It sees one TLS record (one reply of the scripted servers,
                       which write each reply at once) or, before STARTTLS, one SMTP reply.

`sessions` holds (client side, backend side) TLS versions of every relayed connection; `errors`
what went wrong (never raised into the test).

    with TlsProxy(backend.port, certs_dir) as proxy:
        run check_mail against 127.0.0.1:proxy.port

Command line, for poking at it by hand:
    tls_proxy.py --certs DIR --backend-port N [--port P] [--starttls smtp] [--tls 1.2|1.3]
"""

import os
import selectors
import socket
import ssl
import time

from loopback_server import LoopbackServer

IO_TIMEOUT = 30  # a relay never outlives a test by much
CHUNK = 65536


class _Lines:
    """Line reads on a plain socket, for the SMTP dialogue before STARTTLS."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(CHUNK)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line + b"\n"

    def reply(self):
        """One SMTP reply, all its lines ("250-..." up to "250 ...")."""
        lines = []
        while True:
            line = self.line()
            if line is None:
                return None
            lines.append(line)
            if line[3:4] != b"-":
                return b"".join(lines)


class TlsProxy(LoopbackServer):
    def __init__(self, backend_port, certs_dir, starttls=None, front_version=None, back_version=None,
                 cert="proxy", rewrite=None, backend_host="127.0.0.1", backend_name="localhost", port=0):
        if starttls not in (None, "smtp"):
            raise ValueError(f"STARTTLS is relayed for SMTP only, not {starttls!r}")
        self.backend = (backend_host, backend_port)
        self.backend_name = backend_name
        self.certs_dir = certs_dir
        self.starttls = starttls
        self.front_version, self.back_version = front_version, back_version
        self.cert = cert
        self.rewrite = rewrite or (lambda data: data)
        self.sessions = []      # (client side, backend side) TLS versions, per connection
        self.errors = []
        # Written to by stop(): wakes every relay out of its select at once.
        self._wake_reader, self._wake_writer = socket.socketpair()
        super().__init__("127.0.0.1", port)

    # -------------------------------------------------------------- life cycle (LoopbackServer)
    def _wake(self):
        try:
            self._wake_writer.send(b"x")
        except OSError:
            pass

    def _closed(self):
        self._wake_reader.close()
        self._wake_writer.close()

    # -------------------------------------------------------------- one connection
    def _contexts(self):
        front = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        front.load_cert_chain(os.path.join(self.certs_dir, self.cert + ".pem"),
                              os.path.join(self.certs_dir, self.cert + ".key"))
        back = ssl.create_default_context(cafile=os.path.join(self.certs_dir, "ca.pem"))
        for ctx, version in ((front, self.front_version), (back, self.back_version)):
            if version is not None:
                ctx.minimum_version = ctx.maximum_version = version
        return front, back

    def _handle(self, client):
        backend = None
        try:
            client.settimeout(IO_TIMEOUT)
            backend = socket.create_connection(self.backend, timeout=IO_TIMEOUT)
            for sock in (client, backend):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # relay each piece at once
            if self.starttls == "smtp" and not self._smtp_until_starttls(client, backend):
                return
            front_context, back_context = self._contexts()
            client = front_context.wrap_socket(client, server_side=True)
            backend = back_context.wrap_socket(backend, server_hostname=self.backend_name)
            with self._lock:
                self.sessions.append((client.version(), backend.version()))
            self._relay(client, backend)
        except (OSError, ssl.SSLError, ConnectionError, ValueError) as e:
            with self._lock:
                self.errors.append(f"{type(e).__name__}: {e}")
        finally:
            for sock in (client, backend):
                if sock is not None:
                    try:
                        sock.close()
                    except OSError:
                        pass

    def _smtp_until_starttls(self, client, backend):
        """Relays the plain-text SMTP dialogue, reply by reply (RFC 3207: no pipelining past
        STARTTLS); True once the client's STARTTLS got the backend's 220."""
        from_client, from_backend = _Lines(client), _Lines(backend)
        command = b""
        reply = from_backend.reply()  # the banner
        while reply is not None:
            client.sendall(self.rewrite(reply))
            if command.strip().upper() == b"STARTTLS" and reply.startswith(b"220"):
                if from_client.buf or from_backend.buf:
                    raise ConnectionError("bytes sent after STARTTLS, before the handshake")
                return True
            command = from_client.line()
            if command is None:
                return False
            backend.sendall(command)
            reply = from_backend.reply()
        return False

    def _relay(self, client, backend):
        """Plaintext both ways until either side ends. Non-blocking reads: a TLS record that
        carries no data (a TLS 1.3 NewSessionTicket) must not block the other direction."""
        peers = {client: backend, backend: client}
        with selectors.DefaultSelector() as selector:
            for sock in peers:
                sock.setblocking(False)
                selector.register(sock, selectors.EVENT_READ)
            selector.register(self._wake_reader, selectors.EVENT_READ)
            while not self._stop.is_set():
                # Data OpenSSL already decrypted is not seen by select.
                ready = [sock for sock in peers if sock.pending()]
                if not ready:
                    events = selector.select(IO_TIMEOUT)
                    if not events:
                        raise ConnectionError(f"nothing relayed for {IO_TIMEOUT} s")
                    ready = [key.fileobj for key, _ in events if key.fileobj in peers]
                for sock in ready:
                    try:
                        data = sock.recv(CHUNK)
                    except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                        continue
                    except ssl.SSLZeroReturnError:
                        data = b""
                    if not data:
                        return
                    if sock is backend:
                        data = self.rewrite(data)
                    other = peers[sock]
                    other.settimeout(IO_TIMEOUT)  # a blocking write (OpenSSL retries it whole)
                    other.sendall(data)
                    other.setblocking(False)


def main():
    import argparse
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--certs", required=True, help="directory made by tests/servers/certs/make_certs.sh")
    p.add_argument("--backend-port", type=int, required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--starttls", choices=["smtp"])
    p.add_argument("--tls", choices=["1.2", "1.3"], help="both sides held to this version")
    args = p.parse_args()
    version = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}.get(args.tls)
    with TlsProxy(args.backend_port, args.certs, starttls=args.starttls, front_version=version,
                  back_version=version, port=args.port) as proxy:
        print(f"proxy on 127.0.0.1:{proxy.port} to 127.0.0.1:{args.backend_port}; Ctrl-C to stop", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        for sides in proxy.sessions:
            print("sessions:", *sides)
        for error in proxy.errors:
            print("error:", error)


if __name__ == "__main__":
    main()
