"""A TCP relay for tests that keeps what the client sent: every byte from
the client to the server is appended to a file as it passes, so that a
test can see what went out before a STARTTLS handshake (readable) and
after it (TLS records).

usage: capture_proxy.py UPSTREAM_PORT CAPTURE_FILE
Listens on 127.0.0.1 (a free port, printed on stdout once listening),
relays each connection to 127.0.0.1:UPSTREAM_PORT, one at a time.
"""
import select
import socket
import sys


def relay(client, upstream, capture):
    peers = {client: upstream, upstream: client}
    while True:
        ready, _, _ = select.select(list(peers), [], [], 120)
        if not ready:
            return
        for s in ready:
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                return
            if s is client:
                capture.write(data)
                capture.flush()
            peers[s].sendall(data)


def main():
    upstream_port = int(sys.argv[1])
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    print(srv.getsockname()[1], flush=True)
    with open(sys.argv[2], "ab") as capture:
        while True:
            client, _ = srv.accept()
            upstream = socket.create_connection(("127.0.0.1", upstream_port))
            try:
                relay(client, upstream, capture)
            finally:
                client.close()
                upstream.close()


if __name__ == "__main__":
    main()
