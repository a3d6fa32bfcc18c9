#!/usr/bin/python3
"""auth_server.py -- an SMTP AUTH server for the tests (aiosmtpd).

Listens on 127.0.0.1, accepts one fixed user and secret with AUTH PLAIN,
LOGIN (RFC 4616, draft-murchison-sasl-login), CRAM-MD5 (RFC 2195), and
one fixed token with XOAUTH2 and OAUTHBEARER (RFC 7628; a refused token
gets the error in JSON as a 334 challenge first, as the providers do),
optionally offers STARTTLS (RFC 3207) or speaks TLS from the first
byte (RFC 8314), and accepts every MAIL, RCPT and DATA without delivering
anything.  When ready it prints its port on a line of its own on stdout.

    auth_server.py [--port N] [--user U] [--password P] [--token T]
                   [--cert F --key F [--implicit-tls] [--require-tls]]

Debian package: python3-aiosmtpd.
"""

import argparse
import asyncio
import base64
import hmac
import json
import os
import ssl
import sys
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

DEFAULT_USER = "smtpscope"
DEFAULT_PASSWORD = "test-secret"
DEFAULT_TOKEN = "test-token"


class Handler:
    """Accepts all mail, keeps nothing; adds CRAM-MD5 and XOAUTH2."""

    def __init__(self, user, password, token):
        self.user = user.encode()
        self.password = password.encode()
        self.token = token.encode()

    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 Ok: discarded by the test server"

    # aiosmtpd maps auth_CRAM__MD5 to the mechanism name CRAM-MD5.
    async def auth_CRAM__MD5(self, server, args):
        # RFC 2195 2: the challenge is a msg-id style string with a
        # timestamp; the answer is "user hex(HMAC-MD5(secret, challenge))".
        challenge = "<%d.%d@%s>" % (os.getpid(), time.time_ns(),
                                    server.hostname)
        answer = await server.challenge_auth(challenge)
        if not isinstance(answer, bytes):
            return AuthResult(success=False, handled=True)
        user, _, digest = answer.rpartition(b" ")
        want = hmac.new(self.password, challenge.encode(), "md5")
        ok = (hmac.compare_digest(user, self.user) and
              hmac.compare_digest(digest.lower(),
                                  want.hexdigest().encode()))
        return AuthResult(success=ok, handled=False)

    async def _initial(self, server, args):
        """The initial response (RFC 4954 4), or the answer to an empty
        challenge; None once the exchange has been answered."""
        if len(args) > 1:
            try:
                return base64.b64decode(args[1], validate=True)
            except ValueError:
                await server.push("501 5.5.2 Can't decode base64")
                return None
        blob = await server.challenge_auth("")
        return blob if isinstance(blob, bytes) else None

    async def _refuse(self, server, error):
        """RFC 7628 3.2.2: the error goes in a challenge; the client's
        answer (%x01, or an empty line for XOAUTH2) ends the exchange."""
        answer = await server.challenge_auth(json.dumps(error))
        # "*" (or bad base64) was answered with 501 already
        return AuthResult(success=False,
                          handled=not isinstance(answer, bytes))

    async def auth_XOAUTH2(self, server, args):
        # "user=U\x01auth=Bearer T\x01\x01", base64
        blob = await self._initial(server, args)
        if blob is None:
            return AuthResult(success=False, handled=True)
        fields = dict(f.split(b"=", 1) for f in blob.split(b"\x01")
                      if b"=" in f)
        if (fields.get(b"user") == self.user and
                fields.get(b"auth") == b"Bearer " + self.token):
            return AuthResult(success=True, handled=False)
        return await self._refuse(server, {
            "status": "401", "schemes": "bearer",
            "scope": "https://mail.example.test/"})

    async def auth_OAUTHBEARER(self, server, args):
        # RFC 7628 3.1: "n,a=USER," ^A key=value ^A ... ^A
        blob = await self._initial(server, args)
        if blob is None:
            return AuthResult(success=False, handled=True)
        head, _, rest = blob.partition(b"\x01")
        gs2 = head.split(b",")
        user = (gs2[1][2:].replace(b"=2C", b",").replace(b"=3D", b"=")
                if len(gs2) > 1 and gs2[1].startswith(b"a=") else None)
        fields = dict(f.split(b"=", 1) for f in rest.split(b"\x01")
                      if b"=" in f)
        if (gs2[0] == b"n" and user == self.user and
                fields.get(b"auth") == b"Bearer " + self.token):
            return AuthResult(success=True, handled=False)
        return await self._refuse(server, {
            "status": "invalid_token", "scope": "mail",
            "openid-configuration":
                "https://auth.example.test/.well-known/openid-configuration"})


def make_authenticator(user, password):
    def authenticator(server, session, envelope, mechanism, data):
        if isinstance(data, LoginPassword):
            ok = (hmac.compare_digest(data.login, user.encode()) and
                  hmac.compare_digest(data.password, password.encode()))
            return AuthResult(success=ok, handled=False)
        return AuthResult(success=False, handled=False)
    return authenticator


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--user", default=DEFAULT_USER)
    ap.add_argument("--password", default=DEFAULT_PASSWORD)
    ap.add_argument("--token", default=DEFAULT_TOKEN)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--implicit-tls", action="store_true")
    ap.add_argument("--require-tls", action="store_true",
                    help="offer AUTH only after STARTTLS")
    ap.add_argument("--hostname", default="auth.smtpscope.test")
    opt = ap.parse_args()

    tls = None
    if opt.cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.minimum_version = ssl.TLSVersion.TLSv1_2
        tls.load_cert_chain(opt.cert, opt.key)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Handler(opt.user, opt.password, opt.token)

    def factory():
        return SMTP(handler,
                    hostname=opt.hostname,
                    ident="smtpscope test AUTH server",
                    # STARTTLS is offered only on a plain listener.
                    tls_context=None if opt.implicit_tls else tls,
                    auth_require_tls=opt.require_tls,
                    authenticator=make_authenticator(opt.user,
                                                     opt.password),
                    loop=loop)

    server = loop.run_until_complete(loop.create_server(
        factory, host="127.0.0.1", port=opt.port,
        ssl=tls if opt.implicit_tls else None))
    print(server.sockets[0].getsockname()[1], flush=True)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
