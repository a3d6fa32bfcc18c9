"""wait_server.py -- wait until a test server serves (for tests/lib/common.sh).

usage: wait_server.py PID OUTFILE HOST SECONDS [PORT...]

Without PORT, the server says where it listens: wait for the first line
of OUTFILE (its standard output) that is a port number alone ("2525") or
ends "listening on HOST:PORT" (smtpscope serve), and print that port.
With PORTs, they were given to the server: wait until each accepts a TCP
connection on HOST, and print the first.

Exit status: 0 ready, 1 the process PID exited first (PID "-": none to
watch), 2 SECONDS passed.  One process polls every 50 ms, so waiting costs
one start of Python, not one per try.
"""
import re
import socket
import sys
import time

ANNOUNCE = re.compile(rb"^(?:(\d+)|.*listening on \S+:(\d+))\s*$", re.M)


def alive(pid):
    """True while PID runs (a zombie has exited: its parent has not
    reaped it yet)."""
    if pid == "-":
        return True
    try:
        with open("/proc/%s/stat" % pid, "rb") as f:
            stat = f.read()
    except OSError:
        return False
    # "pid (comm) S ...": the state follows the last ")"
    return stat[stat.rindex(b")") + 2:][:1] not in (b"Z", b"X")


def announced(path):
    try:
        with open(path, "rb") as f:
            m = ANNOUNCE.search(f.read())
    except OSError:
        return None
    return int(m.group(1) or m.group(2)) if m else None


def accepts(host, port):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family)
    s.settimeout(1)
    try:
        s.connect((host, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def main():
    pid, out, host, seconds = sys.argv[1:5]
    ports = [int(p) for p in sys.argv[5:]]
    pending = ports
    deadline = time.monotonic() + float(seconds)
    while True:
        if ports:
            pending = [p for p in pending if not accepts(host, p)]
            if not pending:
                print(ports[0])
                return 0
        else:
            port = announced(out)
            if port is not None:
                print(port)
                return 0
        if not alive(pid):
            return 1
        if time.monotonic() > deadline:
            return 2
        time.sleep(0.05)


if __name__ == "__main__":
    sys.exit(main())
