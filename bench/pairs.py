"""pairs.py -- time two commands in interleaved pairs (for bench/replay.sh,
bench/starttls.sh).

usage: pairs.py PAIRS LOG [--peer PID] [--stdin FILE] -- COMMAND_A [ARG...]
           -- COMMAND_B [ARG...]

Runs A, B, A, B, ... PAIRS times each, as whole processes (from fork to
exit, output to LOG), and prints one line:

    MEDIAN_A MEDIAN_B MEDIAN_RATIO MIN_RATIO MAX_RATIO CPU_A CPU_B PEER_A PEER_B

wall times in seconds, where each ratio is A / B within one pair:
interleaving means a change of load hits both sides of a pair alike, and
the median of the pairs' ratios ignores a pair that a burst of load
spoiled.  CPU_A and CPU_B are the median CPU time (user + system, the
process and its children) of a run: the work done, which load changes
less than the wall time, and which leaves out the time spent waiting
for the peer.  PEER_A and PEER_B are the median CPU time the server
process PID (--peer; Linux /proc/PID/schedstat) spent while A, or B, ran:
the cost of serving each ("-" without --peer).  Each run reads FILE on
its standard input (--stdin), or nothing.  Every
run must exit 0; otherwise the command, its status and the end of LOG go
to stderr and pairs.py exits 1.
"""
import resource
import statistics
import subprocess
import sys
import time


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def peer_cpu(pid):
    """CPU seconds process pid has run so far, or 0 without a pid."""
    if pid is None:
        return 0.0
    with open("/proc/%s/schedstat" % pid) as f:
        return int(f.read().split()[0]) / 1e9


def timed(cmd, log, peer, stdin):
    """Wall, CPU and the peer's CPU seconds of one run of cmd."""
    with open(log, "wb") as out, \
            open(stdin if stdin is not None else "/dev/null", "rb") as inp:
        p0 = peer_cpu(peer)
        c0 = cpu()
        t0 = time.perf_counter()
        rc = subprocess.run(cmd, stdin=inp, stdout=out,
                            stderr=subprocess.STDOUT).returncode
        t = time.perf_counter() - t0
        c = cpu() - c0
        p = peer_cpu(peer) - p0
    if rc != 0:
        with open(log, "rb") as f:
            tail = f.read()[-2000:].decode("utf-8", "replace")
        sys.stderr.write("bench: exit status %d: %s\n%s\n"
                         % (rc, " ".join(cmd), tail))
        sys.exit(1)
    return t, c, p


def main():
    pairs, log = int(sys.argv[1]), sys.argv[2]
    rest = sys.argv[3:]
    peer = stdin = None
    if rest[:1] == ["--peer"]:
        peer, rest = rest[1], rest[2:]
    if rest[:1] == ["--stdin"]:
        stdin, rest = rest[1], rest[2:]
    if len(rest) < 4 or rest[0] != "--" or "--" not in rest[1:]:
        sys.exit(__doc__)
    mid = rest.index("--", 1)
    a, b = rest[1:mid], rest[mid + 1:]
    runs = {"a": [], "b": []}    # (wall, cpu, peer) of each run
    ratios = []
    for _ in range(pairs):
        runs["a"].append(timed(a, log, peer, stdin))
        runs["b"].append(timed(b, log, peer, stdin))
        ratios.append(runs["a"][-1][0] / runs["b"][-1][0])

    def med(side, i):
        return statistics.median(r[i] for r in runs[side])

    line = "%.6f %.6f %.4f %.4f %.4f %.6f %.6f" % (
        med("a", 0), med("b", 0), statistics.median(ratios), min(ratios),
        max(ratios), med("a", 1), med("b", 1))
    if peer is None:
        line += " - -"
    else:
        line += " %.6f %.6f" % (med("a", 2), med("b", 2))
    print(line)


if __name__ == "__main__":
    main()
