#!/usr/bin/python3
"""mx_peers.py -- the mail hosts of the MX test zones (aiosmtpd, http.server).

Listens with SMTP on each ADDR given with --smtp (all on --port), offering
STARTTLS (RFC 3207) with --cert/--key unless the address is also given with
--no-tls, and accepts every message without delivering anything; it says
the name of each EHLO on stdout ("EHLO NAME").  With
--https ADDR it also serves the files under --www on ADDR port 443 over
TLS, as an MTA-STS policy host does (RFC 8461 3.3).  When every socket
listens it prints "ready" on a line of its own on stdout.

    mx_peers.py --port N --cert F --key F --smtp ADDR [--smtp ADDR ...]
                [--no-tls ADDR ...] [--https ADDR --www DIR]

Debian package: python3-aiosmtpd.
"""

import argparse
import asyncio
import functools
import http.server
import ssl
import sys
import threading

from aiosmtpd.smtp import SMTP


class Handler:
    """Accepts all mail, keeps nothing; says on stdout the name of each
    EHLO ("EHLO NAME"), for the tests of --ehlo."""

    async def handle_EHLO(self, server, session, envelope, hostname,
                          responses):
        session.host_name = hostname
        print("EHLO %s" % hostname, flush=True)
        return responses

    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 Ok: discarded by the test server"


class PolicyHandler(http.server.SimpleHTTPRequestHandler):
    """Serves each host's policy as text/plain (RFC 8461 3.3), logs
    nothing."""

    extensions_map = {".txt": "text/plain"}

    def translate_path(self, path):
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        if not host or "/" in host or host.startswith("."):
            host = "none"
        return super().translate_path("/" + host + path)

    def log_message(self, fmt, *args):
        pass


def serve_https(addr, www, tls):
    handler = functools.partial(PolicyHandler, directory=www)
    httpd = http.server.ThreadingHTTPServer((addr, 443), handler)
    httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return httpd


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--smtp", action="append", default=[])
    ap.add_argument("--no-tls", action="append", default=[])
    ap.add_argument("--https")
    ap.add_argument("--www")
    opt = ap.parse_args()

    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.minimum_version = ssl.TLSVersion.TLSv1_2
    tls.load_cert_chain(opt.cert, opt.key)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Handler()
    servers = []
    for addr in opt.smtp:
        def factory(addr=addr):
            return SMTP(handler, hostname="mx-" + addr,
                        ident="smtpscope test MX",
                        tls_context=None if addr in opt.no_tls else tls,
                        loop=loop)
        servers.append(loop.run_until_complete(loop.create_server(
            factory, host=addr, port=opt.port)))
    if opt.https:
        serve_https(opt.https, opt.www, tls)
    print("ready", flush=True)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
