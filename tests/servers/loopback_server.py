"""The life cycle the scripted test servers share (Python 3 stdlib only): a listening socket,
one thread per accepted connection, and stop(), which wakes accept() up and joins them.

A subclass calls LoopbackServer.__init__, gives _handle(sock) for one connection, and may give
_wake() (called by stop() first: end its own waits) and _closed() (called by stop() last).

    with Server(...) as server:      # start() on entry, stop() on exit
        connect to server.port
"""

import socket
import threading


class LoopbackServer:
    def __init__(self, host="127.0.0.1", port=0, family=socket.AF_INET):
        self.connections = 0
        self._lock = threading.Lock()
        self._listener = socket.socket(family, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((host, port))
        self._listener.listen(16)
        self._address = self._listener.getsockname()[:2]
        self.port = self._address[1]
        self._stop = threading.Event()
        self._threads = []
        self._accepter = threading.Thread(target=self._accept_loop, daemon=True)

    def start(self):
        self._accepter.start()
        return self

    def stop(self):
        self._stop.set()
        self._wake()
        try:
            with socket.create_connection(self._address, timeout=0.5):
                pass  # wakes accept() up
        except OSError:
            pass
        self._listener.close()
        self._accepter.join(2)
        for t in self._threads:
            t.join(2)
        self._closed()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _accept_loop(self):
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            if self._stop.is_set():
                sock.close()
                return
            with self._lock:
                self.connections += 1
            t = threading.Thread(target=self._handle, args=(sock,), daemon=True)
            self._threads.append(t)
            t.start()

    def _handle(self, sock):
        raise NotImplementedError

    def _wake(self):
        pass

    def _closed(self):
        pass
