#!/usr/bin/env python3
"""docs_check.py -- the commands shown in the documentation, run again.

Convention (docs/tutorial.md, "How the examples stay true"): a fenced
block whose info string is ``console`` is a real run.  Each line that
starts with "$ " is a command (a line ending in a backslash continues
it); the lines up to the next command are its output, standard output
and standard error together.  The HTML comment right before the block
says what it runs against:

    <!-- run: PEER -->

PEER is "offline" (nothing), "practice" (a practice server the test
starts), "postfix" (the Postfix with TLS and Cyrus SASL of
tests/lib/auth.sh) or "mx" (the mail world of tests/lib/mx.sh).  The test starts those peers and hands over
the words of the documentation that stand for them (--sub PEER
DOC=REAL: "127.0.0.1:2525" for the practice server's real address ...):
they are replaced in each command before it runs, and back in its output
before the comparison.

In the expected output a line "..." stands for any number of lines, and
"…" inside a line for any text.  Before comparing, both sides have runs
of blanks squeezed and times written as N (latencies "[0.2 ms]",
"8.3 ms", "+1.8ms"), and the actual output has the run's temporary
directory written as ".".

Usage:
    docs_check.py --peers FILE...          the peers the files need
    docs_check.py [--only PEER,...] [--sub PEER DOC=REAL]...
                  --smtpscope BIN --examples DIR --work DIR FILE...
                                           run and compare; exit 1 on a
                                           difference, saying where
"""

import os
import re
import subprocess
import sys

PEERS = ("offline", "practice", "postfix", "mx")
DIRECTIVE = re.compile(r"^<!--\s*run:\s*([a-z]+)\s*-->\s*$")
FENCE = re.compile(r"^(`{3,})(.*)$")


def blocks(path):
    """(line number, peer, text lines) of each console block of path.
    A block of commands ("sh") right above one of output, or a block of
    "$ " lines, that is not a console block is refused: it would not be
    checked."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out = []
    i = 0
    last_nonblank = None
    after = None        # the info string of a block just above
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            if lines[i].strip():
                last_nonblank = lines[i]
                after = None
            i += 1
            continue
        fence, info = m.group(1), m.group(2).strip()
        start = i
        i += 1
        body = []
        while i < len(lines) and not lines[i].startswith(fence):
            body.append(lines[i])
            i += 1
        i += 1
        if info == "console":
            d = DIRECTIVE.match(last_nonblank or "")
            if not d or d.group(1) not in PEERS:
                raise SystemExit("%s:%d: a console block without "
                                 "<!-- run: PEER --> before it (PEER: %s)"
                                 % (path, start + 1, ", ".join(PEERS)))
            out.append((start + 1, d.group(1), body))
        elif (body and body[0].startswith("$ ")) or \
                (after in ("sh", "shell", "bash") and info == ""):
            raise SystemExit("%s:%d: a command with its output must be a "
                             "console block, run by the docs test"
                             % (path, start + 1))
        last_nonblank = None
        after = info
    return out


def commands(body):
    """Split a console block into (command, expected lines)."""
    runs = []
    i = 0
    while i < len(body):
        if not body[i].startswith("$ "):
            raise SystemExit("output before the first command: %r" % body[i])
        cmd = body[i][2:]
        while cmd.endswith("\\") and i + 1 < len(body):
            i += 1
            cmd = cmd + "\n" + body[i]
        i += 1
        expected = []
        while i < len(body) and not body[i].startswith("$ "):
            expected.append(body[i])
            i += 1
        runs.append((cmd, expected))
    return runs


TIMES = [
    (re.compile(r"\[\d+(\.\d+)? ms\]"), "[N ms]"),
    (re.compile(r"\b\d+(\.\d+)? ms\b"), "N ms"),
    (re.compile(r"# \+\d+(\.\d+)?ms"), "# +Nms"),
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\b"), "TIME"),
]


def normal(line):
    for rx, rep in TIMES:
        line = rx.sub(rep, line)
    return re.sub(r"[ \t]+", " ", line).rstrip()


def pattern(line):
    """A regular expression for one expected line ("…" matches anything)."""
    parts = normal(line).split("\u2026")
    return re.compile("^" + ".*".join(re.escape(p) for p in parts) + "$")


def match(expected, actual):
    """Expected lines ("..." for any lines) against actual; the index of
    the first expected line that fails, or -1."""
    memo = {}
    furthest = [0]

    def go(e, a):
        furthest[0] = max(furthest[0], e)
        key = (e, a)
        if key in memo:
            return memo[key]
        if e == len(expected):
            r = -1 if a == len(actual) else e
        elif expected[e].strip() == "...":
            r = e
            for k in range(a, len(actual) + 1):
                if go(e + 1, k) == -1:
                    r = -1
                    break
        elif a < len(actual) and pattern(expected[e]).match(normal(actual[a])):
            r = go(e + 1, a + 1)
        else:
            r = e
        memo[key] = r
        return r

    sys.setrecursionlimit(10000)
    if go(0, 0) == -1:
        return -1
    # the first expected line no way through the output got past
    return furthest[0]


def main(argv):
    subs = {p: [] for p in PEERS}
    files, smtpscope, examples, work, peers_only = [], None, None, None, False
    only = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--peers":
            peers_only = True
        elif a == "--sub":
            doc, real = argv[i + 2].split("=", 1)
            subs[argv[i + 1]].append((doc, real))
            i += 2
        elif a == "--only":
            only = argv[i + 1].split(",")
            i += 1
        elif a == "--smtpscope":
            smtpscope = argv[i + 1]
            i += 1
        elif a == "--examples":
            examples = argv[i + 1]
            i += 1
        elif a == "--work":
            work = argv[i + 1]
            i += 1
        else:
            files.append(a)
        i += 1
    found = [(f, b) for f in files for b in blocks(f)
             if only is None or b[1] in only]
    if peers_only:
        print(" ".join(sorted({b[1] for _, b in found})))
        return 0
    bindir = os.path.join(work, "bin")
    os.makedirs(bindir, exist_ok=True)
    link = os.path.join(bindir, "smtpscope")
    if not os.path.exists(link):
        os.symlink(smtpscope, link)
    if not os.path.exists(os.path.join(work, "examples")):
        os.symlink(examples, os.path.join(work, "examples"))
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"])
    env.pop("NO_COLOR", None)
    failed = 0
    ran = 0
    for path, (lineno, peer, body) in found:
        for cmd, expected in commands(body):
            real = cmd
            for doc, value in subs[peer]:
                real = real.replace(doc, value)
            try:
                p = subprocess.run(real, shell=True, cwd=work, env=env,
                                   stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, timeout=120)
                text = p.stdout.decode("utf-8", "replace")
            except subprocess.TimeoutExpired:
                text = "(timed out after 120 s)"
            # the real values back to the words of the documentation,
            # longest first so that a port inside an address goes whole
            for doc, value in sorted(subs[peer], key=lambda s: -len(s[1])):
                text = text.replace(value, doc)
            text = text.replace(work + "/", "").replace(work, ".")
            actual = text.split("\n")
            if actual and actual[-1] == "":
                actual.pop()
            ran += 1
            bad = match(expected, actual)
            if bad == -1:
                continue
            failed += 1
            print("%s:%d: the output of \"%s\" differs from the "
                  "documentation%s" % (path, lineno, cmd.split("\n")[0],
                  "" if bad >= len(expected) else
                  ", from the line \"%s\"" % expected[bad]))
            print("--- documented")
            print("\n".join(expected))
            print("--- real run")
            print("\n".join(actual))
    print("%d commands run, %d differ" % (ran, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
