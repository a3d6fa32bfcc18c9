#!/usr/bin/python3
"""lmtp_server.py -- an LMTP server for the tests (aiosmtpd's LMTP class).

Speaks LMTP (RFC 2033) on 127.0.0.1 and, with --unix PATH, on a Unix
socket too, from one process.  Every recipient is accepted at RCPT; after
the data it answers once per recipient, in the order of the RCPT commands
(RFC 2033 4.2): 550 5.1.1 for a local part starting "refused", 250 for
the others.  Nothing is delivered.  Each message is logged on stderr as
"message from A to B,C: 250,550".  When both listeners are ready it prints
its TCP port on a line of its own on stdout.

    lmtp_server.py [--port N] [--unix PATH]

Debian package: python3-aiosmtpd.
"""

import argparse
import asyncio
import os
import sys

from aiosmtpd.lmtp import LMTP


class Handler:
    """One status line per recipient, joined by CRLF: aiosmtpd sends the
    string as it is."""

    async def handle_DATA(self, server, session, envelope):
        replies = []
        for rcpt in envelope.rcpt_tos:
            if rcpt.split("@")[0].lower().startswith("refused"):
                replies.append("550 5.1.1 <%s>: refused after the data"
                               % rcpt)
            else:
                replies.append("250 2.0.0 <%s>: delivered" % rcpt)
        print("message from %s to %s: %s"
              % (envelope.mail_from, ",".join(envelope.rcpt_tos),
                 ",".join(r[:3] for r in replies)),
              file=sys.stderr, flush=True)
        return "\r\n".join(replies)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--unix")
    ap.add_argument("--hostname", default="lmtp.smtpscope.test")
    opt = ap.parse_args()

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Handler()

    def factory():
        return LMTP(handler, hostname=opt.hostname,
                    ident="smtpscope test LMTP server", loop=loop)

    servers = [loop.run_until_complete(loop.create_server(
        factory, host="127.0.0.1", port=opt.port))]
    if opt.unix:
        if os.path.exists(opt.unix):
            os.unlink(opt.unix)
        servers.append(loop.run_until_complete(loop.create_unix_server(
            factory, path=opt.unix)))
    print(servers[0].sockets[0].getsockname()[1], flush=True)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        for s in servers:
            s.close()
            loop.run_until_complete(s.wait_closed())
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
