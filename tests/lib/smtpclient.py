#!/usr/bin/python3
"""smtpclient.py -- a tiny raw-socket SMTP client for the integration tests.

It sends bytes exactly as given (no CRLF fixing, no dot-stuffing) and writes
everything the server sends back to stdout, so a test can compare bytes.

  smtpclient.py PORT [options] [FILE]      send FILE (default: stdin)

options:
  --clients N    open N connections first, read every greeting, then send
                 FILE on each, interleaved in chunks; output of client i
                 goes to OUT.i (needs --out OUT)
  --out PATH     write the server's bytes here instead of stdout
  --chunk N      send in pieces of N octets (default: all at once)
  --vanish       after sending, close at once without reading (a client
                 that disappears)
  --half-close   after sending, shut the write side, then read to the end

Without --vanish it reads until the server closes the connection.  A
safety timeout of 20 seconds per read keeps a broken server from hanging
the test; hitting it is reported and gives exit status 3.
"""

import socket
import sys

TIMEOUT = 20.0


def read_line(sock, buf):
    """Read until buf holds a CRLF; return (line, rest)."""
    while b"\r\n" not in buf:
        data = sock.recv(65536)
        if not data:
            return buf, b""
        buf += data
    i = buf.index(b"\r\n") + 2
    return buf[:i], buf[i:]


def read_all(sock):
    out = b""
    while True:
        try:
            data = sock.recv(65536)
        except ConnectionResetError:
            break
        if not data:
            break
        out += data
    return out


def main(argv):
    args = argv[1:]
    if not args:
        sys.stderr.write(__doc__)
        return 2
    port = int(args.pop(0))
    clients = 1
    chunk = 0
    out_path = None
    vanish = half_close = False
    path = None
    while args:
        a = args.pop(0)
        if a == "--clients":
            clients = int(args.pop(0))
        elif a == "--chunk":
            chunk = int(args.pop(0))
        elif a == "--out":
            out_path = args.pop(0)
        elif a == "--vanish":
            vanish = True
        elif a == "--half-close":
            half_close = True
        else:
            path = a
    if path is None:
        payload = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as f:
            payload = f.read()

    socks = []
    greetings = []
    for _ in range(clients):
        s = socket.create_connection(("127.0.0.1", port), TIMEOUT)
        s.settimeout(TIMEOUT)
        socks.append(s)
    try:
        # Every client is greeted before any of them sends a byte: the
        # server serves them all at once.
        for s in socks:
            line, rest = read_line(s, b"")
            greetings.append(line + rest)
        size = chunk if chunk > 0 else len(payload)
        for off in range(0, max(len(payload), 1), max(size, 1)):
            for s in reversed(socks):
                s.sendall(payload[off:off + size])
        if vanish:
            for s in socks:
                s.close()
            return 0
        if half_close:
            for s in socks:
                s.shutdown(socket.SHUT_WR)
        results = [g + read_all(s) for g, s in zip(greetings, socks)]
    except socket.timeout:
        sys.stderr.write("smtpclient: timed out waiting for the server\n")
        return 3
    finally:
        for s in socks:
            s.close()
    if clients == 1 and out_path is None:
        sys.stdout.buffer.write(results[0])
    elif clients == 1:
        with open(out_path, "wb") as f:
            f.write(results[0])
    else:
        for i, r in enumerate(results):
            with open("%s.%d" % (out_path, i), "wb") as f:
                f.write(r)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
