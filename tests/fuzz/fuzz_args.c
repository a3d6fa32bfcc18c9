/*
 * fuzz_args.c -- libFuzzer target for the small parsers of user and
 * server input: HOST[:PORT] (net.c), explain queries (annotate.c), and a
 * whole dialogue through the session (EHLO capability parsing, pairing).
 *
 * The input, NUL-terminated, is used three ways:
 *   1. as a HOST[:PORT] argument: on success host and port are non-empty
 *      and fit their buffers;
 *   2. as an explain query: on success the text is non-empty;
 *   3. as server bytes: fed to the reply parser, every reply goes to a
 *      session that has sent EHLO, MAIL, RCPT and DATA, and the state and
 *      capabilities must stay within their ranges.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"
#include "net.h"
#include "reply.h"
#include "session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_hostport(const char *s)
{
	char	host[256], port[32], err[256];

	if (net_parse_hostport(s, "25", host, sizeof host, port, sizeof port,
	    err, sizeof err) == 0) {
		if (host[0] == '\0' || port[0] == '\0' ||
		    strlen(host) >= sizeof host || strlen(port) >= sizeof port)
			abort();
	} else if (err[0] == '\0')
		abort();
}

static void
check_query(const char *s)
{
	char	 err[256], esc[12];
	char	*text;
	int	 code;

	err[0] = '\0';
	if (annotate_parse_query(s, &code, esc, err, sizeof err) == 0) {
		if (code < 0 || code > 999)
			abort();
		if (code == 0 && esc[0] == '\0')
			abort();
	} else if (err[0] == '\0')
		abort();
	if ((text = annotate_query(s, 0, err, sizeof err)) != NULL) {
		if (text[0] == '\0')
			abort();
		free(text);
	}
}

static void
check_dialogue(const char *s, size_t len)
{
	struct reply_parser		*p = reply_parser_new();
	struct session			*ss = session_new(0);
	struct reply			*r;
	const struct caps	*caps;
	struct session_answer		 a;
	char				 next[256], *w[8];
	size_t				 i, n;
	static const char		*lines[] = {
		"EHLO fuzz.example", "MAIL FROM:<a@b.example>",
		"RCPT TO:<c@d.example>", "DATA",
	};

	if (p == NULL || ss == NULL)
		abort();
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++)
		session_on_send(ss, lines[i], ANNOTATE_COMMAND, 0);
	reply_feed(p, s, len);
	reply_parser_finish(p);
	while ((r = reply_parser_next(p)) != NULL) {
		session_on_reply(ss, r, &a);
		if ((unsigned)session_state(ss) >= STATE_COUNT)
			abort();
		reply_free(r);
	}
	caps = session_caps(ss);
	if (caps->nkeywords > 64 || strlen(caps->auth) >= sizeof caps->auth)
		abort();
	session_next_verbs(ss, next, sizeof next);
	n = session_check_order(ss, "RCPT TO:<x@y.example>", w, 8);
	for (i = 0; i < n; i++)
		free(w[i]);
	session_free(ss);
	reply_parser_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_hostport(s);
	check_query(s);
	check_dialogue(s, size);
	free(s);
	return 0;
}
