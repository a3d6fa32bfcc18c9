"""A hostile SMTP server for tests: it answers each client line with the
next canned reply from a file, byte for byte, and closes when the file is
used up.

usage: hostile_server.py REPLIES_FILE
The file holds one reply per paragraph (separated by a line "---"); the
first reply is the greeting.  Escapes \\r \\n \\xNN are decoded, so the
file can hold control bytes, bare LFs and over-long lines.  Prints the
port on stdout once listening on 127.0.0.1.
"""
import codecs
import socket
import sys


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
            pending = list(replies)
            conn.sendall(pending.pop(0))
            buf = b""
            while pending:
                data = conn.recv(4096)
                if not data:
                    break
                buf += data
                while b"\n" in buf and pending:
                    _, buf = buf.split(b"\n", 1)
                    conn.sendall(pending.pop(0))


if __name__ == "__main__":
    main()
