/*
 * test_jsonl.c -- the JSON Lines writer fed by hand through the engine's
 * callbacks: every line parses back (json-c's own parser), holds "v" and
 * "type", escapes what a server sent, and masks what is secret.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "jsonl.h"

static char	*out[64];
static size_t	 nout;

static void
sink(void *arg, const char *line)
{
	(void)arg;
	cr_assert_lt(nout, 64);
	out[nout] = strdup(line);
	cr_assert_not_null(out[nout]);
	nout++;
}

static void
reset(void)
{
	size_t	i;

	for (i = 0; i < nout; i++)
		free(out[i]);
	nout = 0;
}

TestSuite(jsonl, .fini = reset);

/* Line i parsed back; the caller puts it. */
static json_object *
parsed(size_t i)
{
	json_object	*o, *v;

	cr_assert_lt(i, nout);
	cr_assert(strchr(out[i], '\n') == NULL, "one object a line");
	o = json_tokener_parse(out[i]);
	cr_assert_not_null(o, "not JSON: %s", out[i]);
	cr_assert(json_object_object_get_ex(o, "v", &v));
	cr_assert_eq(json_object_get_int(v), JSONL_VERSION);
	cr_assert(json_object_object_get_ex(o, "type", &v));
	return o;
}

static const char *
field(json_object *o, const char *key)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return NULL;
	return json_object_get_string(v);
}

Test(jsonl, start_and_end)
{
	struct jsonl	*j = jsonl_new("replay", 0, sink, NULL);
	json_object	*o;

	cr_assert_not_null(j);
	cr_assert_eq(nout, 1);
	o = parsed(0);
	cr_assert_str_eq(field(o, "type"), "start");
	cr_assert_str_eq(field(o, "command"), "replay");
	cr_assert_str_eq(field(o, "program"), PACKAGE_STRING);
	json_object_put(o);
	jsonl_end(j, EXIT_CONNECT);
	cr_assert_eq(nout, 2);
	o = parsed(1);
	cr_assert_str_eq(field(o, "type"), "end");
	cr_assert_str_eq(field(o, "status"), "3");
	cr_assert_str_eq(field(o, "status_name"), "connect");
	cr_assert_null(field(o, "tests"), "no summary came");
	json_object_put(o);
	jsonl_end(NULL, EXIT_OK);
}

/* Commands masked as on the screen, unless --show-secrets. */
Test(jsonl, secrets_masked)
{
	struct jsonl	*j = jsonl_new("replay", 0, sink, NULL);
	json_object	*o;

	jsonl_replay_ops.sent(j, "AUTH PLAIN dGVzdAB0ZXN0AHNlY3JldA==",
	    CLIENT_LINE_COMMAND);
	jsonl_replay_ops.sent(j, "c2VjcmV0", CLIENT_LINE_SECRET);
	jsonl_replay_ops.sent(j, "AUTH PLAIN x", CLIENT_LINE_BODY);
	o = parsed(1);
	cr_assert_str_eq(field(o, "line"), "AUTH PLAIN ********");
	cr_assert_str_eq(field(o, "kind"), "command");
	json_object_put(o);
	o = parsed(2);
	cr_assert_str_eq(field(o, "line"), "********");
	cr_assert_str_eq(field(o, "kind"), "secret");
	json_object_put(o);
	o = parsed(3);
	cr_assert_str_eq(field(o, "line"), "AUTH PLAIN x", "a body line");
	json_object_put(o);
	jsonl_end(j, EXIT_OK);
	reset();

	j = jsonl_new("replay", 1, sink, NULL);
	jsonl_replay_ops.sent(j, "c2VjcmV0", CLIENT_LINE_SECRET);
	o = parsed(1);
	cr_assert_str_eq(field(o, "line"), "c2VjcmV0", "--show-secrets");
	json_object_put(o);
	jsonl_end(j, EXIT_OK);
}

/* Server text: valid UTF-8 JSON that drives no terminal, escaped as the
 * session file escapes it; quotes and backslashes by json-c. */
Test(jsonl, server_text_escaped)
{
	struct jsonl		*j = jsonl_new("replay", 0, sink, NULL);
	struct replay_result	 res;
	struct reply		*r;
	json_object		*o, *rep, *lines;

	r = fixture_reply(550, "5.1.1", 2, "a \"b\" \\c \x1b[2J", "\xff\xfe");
	memset(&res, 0, sizeof res);
	res.file = "f.smtp";
	res.test = 3;
	res.line = 9;
	res.ok = 0;
	res.why = "expected 250";
	res.expected = "250";
	res.after = "RCPT TO:<b@example.org>";
	res.reply = r;
	res.command = "RCPT TO:<b@example.org>";
	res.ctx = ANNOTATE_COMMAND;
	res.rcpt = "b@example.org";
	res.rcpt_index = 2;
	res.rcpt_count = 3;
	jsonl_replay_ops.result(j, &res);
	jsonl_replay_ops.summary(j, &(struct replay_summary){ .tests = 3,
	    .failed = 1, .status = EXIT_FAILED });
	jsonl_end(j, EXIT_FAILED);
	reply_free(r);

	o = parsed(1);
	cr_assert_str_eq(field(o, "type"), "expect");
	cr_assert_str_eq(field(o, "why"), "expected 250");
	cr_assert(json_object_object_get_ex(o, "reply", &rep));
	cr_assert_str_eq(field(rep, "enhanced"), "5.1.1");
	cr_assert(json_object_object_get_ex(rep, "lines", &lines));
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    lines, 0)), "a \"b\" \\\\c \\x1b[2J");
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    lines, 1)), "\\xff\\xfe");
	cr_assert(strstr(out[1], "\x1b") == NULL, "no raw ESC on the line");
	cr_assert(strstr(field(o, "summary"), "550 after RCPT TO") != NULL,
	    "%s", field(o, "summary"));
	cr_assert(json_object_object_get_ex(o, "recipient", &rep));
	cr_assert_str_eq(field(rep, "mailbox"), "b@example.org");
	cr_assert_str_eq(field(rep, "index"), "2");
	json_object_put(o);
	o = parsed(2);
	cr_assert_str_eq(field(o, "tests"), "3");
	cr_assert_str_eq(field(o, "failed"), "1");
	cr_assert_str_eq(field(o, "status_name"), "failed");
	json_object_put(o);
}

Test(jsonl, messages)
{
	struct jsonl	*j = jsonl_new("session", 0, sink, NULL);
	json_object	*o;

	jsonl_client_ops.message(j, CLIENT_MSG_WARNING, "w \x1b");
	jsonl_client_ops.message(j, CLIENT_MSG_DIAG, "EHLO\n^\nerror: x");
	jsonl_end(j, EXIT_OK);
	o = parsed(1);
	cr_assert_str_eq(field(o, "type"), "warning");
	cr_assert_str_eq(field(o, "text"), "w \\x1b");
	json_object_put(o);
	o = parsed(2);
	cr_assert_str_eq(field(o, "type"), "diag");
	cr_assert_str_eq(field(o, "text"), "EHLO\n^\nerror: x");
	json_object_put(o);
}

Test(jsonl, mx_objects)
{
	struct jsonl		*j = jsonl_new("mx", 0, sink, NULL);
	struct mx_report	 rep;
	struct mx_host		 h;
	struct mx_address	 a;
	json_object		*o, *v;

	memset(&rep, 0, sizeof rep);
	snprintf(rep.domain, sizeof rep.domain, "example.test");
	rep.kind = MX_NULL;
	jsonl_mx_domain(j, &rep, 1);
	memset(&h, 0, sizeof h);
	h.pref = 10;
	snprintf(h.name, sizeof h.name, "mx\x01.example.test");
	h.sts_match = -1;
	jsonl_mx_ops.host(j, &h);
	memset(&a, 0, sizeof a);
	a.addr = "192.0.2.1";
	a.probe.dane_depth = -2;
	a.probe.greeting = 220;
	snprintf(a.probe.error, sizeof a.probe.error, "EHLO answered 554");
	jsonl_mx_ops.address(j, &h, &a);
	rep.probed = 1;
	jsonl_mx_verdict(j, &rep, EXIT_CONNECT);
	jsonl_end(j, EXIT_CONNECT);
	cr_assert_eq(nout, 6);
	o = parsed(1);
	cr_assert_str_eq(field(o, "kind"), "null");
	cr_assert_str_eq(field(o, "validating"), "true");
	json_object_put(o);
	o = parsed(2);
	cr_assert_str_eq(field(o, "name"), "mx\\x01.example.test");
	cr_assert_str_eq(field(o, "dane"), "off");
	json_object_put(o);
	o = parsed(3);
	cr_assert_str_eq(field(o, "address"), "192.0.2.1");
	cr_assert(json_object_object_get_ex(o, "tls", &v) && v == NULL);
	cr_assert(json_object_object_get_ex(o, "dane_match", &v) && v == NULL);
	cr_assert_str_eq(field(o, "ok"), "false");
	json_object_put(o);
	o = parsed(4);
	cr_assert_str_eq(field(o, "verdict"), "none answers");
	json_object_put(o);
}
