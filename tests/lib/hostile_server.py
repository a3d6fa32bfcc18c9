"""A hostile SMTP server for tests: it answers each client line with the
next canned reply from a file, byte for byte, and closes when the file is
used up.

usage: hostile_server.py REPLIES_FILE
The file holds one reply per paragraph (separated by a line "---"); the
first reply is the greeting.  Escapes \\r \\n \\xNN are decoded, so the
file can hold control bytes, bare LFs and over-long lines.  A reply whose
last line is "!reset" is sent, then, half a second later (once the client
has read it: an RST makes the client's kernel drop unread data), the
connection is reset (SO_LINGER 0: an RST, not a FIN).  When the replies
run out the server closes in order: it shuts its side down and reads
what the client still sends, so that the client sees a FIN, not a reset
caused by unread input.  Prints the port on stdout once listening on
127.0.0.1.
"""
import codecs
import socket
import struct
import sys
import time

RESET = b"\n!reset"


def load(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    replies = []
    for part in text.split("\n---\n"):
        part = part.strip("\n")
        replies.append(codecs.escape_decode(part.encode("utf-8"))[0])
    return replies


def main():
    replies = load(sys.argv[1])
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    print(srv.getsockname()[1], flush=True)
    while True:
        conn, _ = srv.accept()
        with conn:
            serve(conn, list(replies))


def serve(conn, pending):
    """Answer each client line with the next reply, then close."""
    if send(conn, pending.pop(0)):
        return                  # reset: closing now sends the RST
    buf = b""
    while pending:
        data = conn.recv(4096)
        if not data:
            return
        buf += data
        while b"\n" in buf and pending:
            _, buf = buf.split(b"\n", 1)
            if send(conn, pending.pop(0)):
                return
    drain(conn)


def drain(conn):
    """Close in order: FIN first, then read until the client closes."""
    try:
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(5)
        while conn.recv(4096):
            pass
    except OSError:
        pass


def send(conn, reply):
    """Send one reply; True when it asked for a reset (then done)."""
    if not reply.endswith(RESET):
        conn.sendall(reply)
        return False
    conn.sendall(reply[: -len(RESET)])
    time.sleep(0.5)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return True


if __name__ == "__main__":
    main()
