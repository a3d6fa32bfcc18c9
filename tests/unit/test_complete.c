/*
 * test_complete.c -- Readline completion, through complete_attempt() as
 * Readline itself calls it, with the line in rl_line_buffer.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/readline.h>

#include "complete.h"
#include "fixture.h"

static char	 linebuf[512];
static char	**matches;

/* Complete the last word of line as Readline would. */
static char **
complete(const char *line)
{
	const char *sp;
	int	 start;
	size_t	 i;

	if (matches != NULL) {
		for (i = 0; matches[i] != NULL; i++)
			free(matches[i]);
		free(matches);
	}
	snprintf(linebuf, sizeof linebuf, "%s", line);
	rl_line_buffer = linebuf;
	sp = strrchr(linebuf, ' ');
	start = sp != NULL ? (int)(sp - linebuf) + 1 : 0;
	rl_completion_append_character = ' ';
	matches = complete_attempt(linebuf + start, start, (int)strlen(linebuf));
	return matches;
}

/* The candidates (not the common prefix Readline puts first). */
static size_t
count(char **m)
{
	size_t	 n = 0;

	if (m == NULL)
		return 0;
	while (m[n] != NULL)
		n++;
	return n == 1 ? 1 : n - 1;
}

static int
has(char **m, const char *s)
{
	size_t	 i;

	if (m == NULL)
		return 0;
	for (i = m[1] == NULL ? 0 : 1; m[i] != NULL; i++)
		if (strcmp(m[i], s) == 0)
			return 1;
	return 0;
}

static struct caps caps;

static void
setup(void)
{
	memset(&caps, 0, sizeof caps);
	complete_set_caps_for_test(NULL);
}

static void
teardown(void)
{
	complete(":quit");	/* frees the last matches */
	rl_line_buffer = NULL;
}

TestSuite(complete, .init = setup, .fini = teardown);

Test(complete, verbs_follow_case)
{
	char	**m;

	m = complete("MA");
	cr_assert_eq(count(m), 1);
	cr_assert_str_eq(m[0], "MAIL");
	m = complete("ma");
	cr_assert_str_eq(m[0], "mail");
	m = complete("Rc");
	cr_assert_str_eq(m[0], "Rcpt");
	m = complete("st");
	cr_assert_str_eq(m[0], "starttls");

	m = complete("");
	cr_assert(has(m, "EHLO") && has(m, "QUIT") && has(m, "BDAT"));
	cr_assert(!has(m, "TURN"), "obsolete verbs are not offered");
	cr_assert(!has(m, "SEND"));
	cr_assert_eq(count(m), 17);
	cr_assert_null(complete("ZZ"));
}

Test(complete, local_commands)
{
	char	**m;

	m = complete(":");
	cr_assert(has(m, ":help") && has(m, ":data") && has(m, ":quit"));
	cr_assert(!has(m, "MAIL"));
	m = complete(":he");
	cr_assert_eq(count(m), 1);
	cr_assert_str_eq(m[0], ":help");
	m = complete(":help MA");
	cr_assert_str_eq(m[0], "MAIL");
	m = complete(":help tu");
	cr_assert_str_eq(m[0], "turn", "help covers obsolete verbs too");
}

Test(complete, from_and_to)
{
	char	**m;

	m = complete("MAIL F");
	cr_assert_eq(count(m), 1);
	cr_assert_str_eq(m[0], "FROM:<");
	cr_assert_eq(rl_completion_append_character, '\0',
	    "no space after FROM:<");
	m = complete("mail ");
	cr_assert_str_eq(m[0], "from:<");
	m = complete("RCPT ");
	cr_assert_str_eq(m[0], "TO:<");
	m = complete("rcpt t");
	cr_assert_str_eq(m[0], "to:<");
	/* Inside the path there is nothing to offer. */
	cr_assert_null(complete("MAIL FROM:<a"));
	cr_assert_null(complete("DATA "));
	cr_assert_null(complete("QUIT x"));
}

Test(complete, params_all_when_unknown)
{
	char	**m;

	m = complete("MAIL FROM:<a@b> ");
	cr_assert(has(m, "SIZE=") && has(m, "BODY=8BITMIME") &&
	    has(m, "BODY=7BIT") && has(m, "BODY=BINARYMIME") &&
	    has(m, "SMTPUTF8") && has(m, "RET=FULL") && has(m, "RET=HDRS") &&
	    has(m, "ENVID=") && has(m, "AUTH=") && has(m, "REQUIRETLS"));
	cr_assert(!has(m, "NOTIFY=NEVER"), "NOTIFY is for RCPT");
	m = complete("RCPT TO:<a@b> ");
	cr_assert(has(m, "NOTIFY=NEVER") && has(m, "NOTIFY=SUCCESS") &&
	    has(m, "NOTIFY=FAILURE") && has(m, "NOTIFY=DELAY") &&
	    has(m, "ORCPT=rfc822;"));
	cr_assert(!has(m, "SIZE="));
	m = complete("MAIL FROM:<a@b> BO");
	cr_assert_eq(count(m), 3);
	cr_assert_str_eq(m[0], "BODY=", "common prefix");
	m = complete("MAIL FROM:<a@b> si");
	cr_assert_str_eq(m[0], "size=");
	cr_assert_eq(rl_completion_append_character, '\0');
	m = complete("MAIL FROM:<a@b> SMTPU");
	cr_assert_str_eq(m[0], "SMTPUTF8");
	cr_assert_eq(rl_completion_append_character, ' ');
	m = complete("RCPT TO:<a@b> OR");
	cr_assert_str_eq(m[0], "ORCPT=rfc822;");
	cr_assert_eq(rl_completion_append_character, '\0');
}

Test(complete, params_only_advertised)
{
	char	**m;

	caps.ehlo = 1;
	caps.size = 1;
	complete_set_caps_for_test(&caps);
	m = complete("MAIL FROM:<a@b> ");
	cr_assert_eq(count(m), 1);
	cr_assert_str_eq(m[0], "SIZE=");
	cr_assert_null(complete("RCPT TO:<a@b> "), "no DSN, nothing");

	caps.size = 0;
	caps.eightbitmime = 1;
	caps.dsn = 1;
	m = complete("MAIL FROM:<a@b> ");
	cr_assert(has(m, "BODY=8BITMIME") && has(m, "BODY=7BIT") &&
	    has(m, "RET=FULL") && has(m, "ENVID="));
	cr_assert(!has(m, "SIZE=") && !has(m, "BODY=BINARYMIME") &&
	    !has(m, "SMTPUTF8") && !has(m, "AUTH=") && !has(m, "REQUIRETLS"));
	m = complete("RCPT TO:<a@b> ");
	cr_assert(has(m, "NOTIFY=NEVER") && has(m, "ORCPT=rfc822;"));

	caps.binarymime = caps.chunking = caps.smtputf8 = 1;
	caps.requiretls = 1;
	snprintf(caps.auth, sizeof caps.auth, "PLAIN");
	m = complete("MAIL FROM:<a@b> ");
	cr_assert(has(m, "BODY=BINARYMIME") && has(m, "SMTPUTF8") &&
	    has(m, "AUTH=") && has(m, "REQUIRETLS"));
}

Test(complete, params_not_repeated)
{
	char	**m;

	m = complete("MAIL FROM:<a@b> SIZE=100 ");
	cr_assert(!has(m, "SIZE="));
	cr_assert(has(m, "BODY=8BITMIME"));
	m = complete("MAIL FROM:<a@b> BODY=8BITMIME RET=HDRS ");
	cr_assert(!has(m, "BODY=7BIT") && !has(m, "RET=FULL"));
	cr_assert(has(m, "ENVID="));
}

Test(complete, auth_mechanisms)
{
	char	**m;

	caps.ehlo = 1;
	snprintf(caps.auth, sizeof caps.auth, "PLAIN LOGIN CRAM-MD5");
	complete_set_caps_for_test(&caps);
	m = complete("AUTH ");
	cr_assert_eq(count(m), 3);
	cr_assert(has(m, "PLAIN") && has(m, "LOGIN") && has(m, "CRAM-MD5"));
	m = complete("AUTH C");
	cr_assert_str_eq(m[0], "CRAM-MD5");
	m = complete("auth p");
	cr_assert_str_eq(m[0], "pLAIN", "what was typed is kept");
	cr_assert_null(complete("AUTH X"));
	/* Server bytes that are no mechanism name never reach the line. */
	snprintf(caps.auth, sizeof caps.auth, "PLAIN X\x1b]0;pwned\x07 "
	    "\xc3\xa9 LOGIN");
	m = complete("AUTH ");
	cr_assert_eq(count(m), 2);
	cr_assert(has(m, "PLAIN") && has(m, "LOGIN"));
	caps.auth[0] = '\0';
	cr_assert_null(complete("AUTH "), "the server offers none");
	/* Nothing known: the mechanisms :auth runs. */
	complete_set_caps_for_test(NULL);
	m = complete("AUTH ");
	cr_assert(has(m, "PLAIN") && has(m, "LOGIN"));
	cr_assert(has(m, "SCRAM-SHA-256-PLUS") && has(m, "OAUTHBEARER"));
}

/* :auth exists, and completes the mechanisms the server advertised. */
Test(complete, auth_local_command)
{
	char	**m;

	m = complete(":au");
	cr_assert_eq(count(m), 1);
	cr_assert_str_eq(m[0], ":auth");
	caps.ehlo = 1;
	snprintf(caps.auth, sizeof caps.auth, "SCRAM-SHA-256 PLAIN");
	complete_set_caps_for_test(&caps);
	m = complete(":auth ");
	cr_assert_eq(count(m), 2);
	cr_assert(has(m, "SCRAM-SHA-256") && has(m, "PLAIN"));
	m = complete(":auth S");
	cr_assert_str_eq(m[0], "SCRAM-SHA-256");
	cr_assert_null(complete(":auth PLAIN "), "the user is not guessed");
	complete_set_caps_for_test(NULL);
}

Test(complete, help_and_bdat)
{
	char	**m;

	m = complete("HELP ");
	cr_assert(has(m, "MAIL") && has(m, "TURN"));
	m = complete("HELP rs");
	cr_assert_str_eq(m[0], "rset");
	m = complete("BDAT 100 ");
	cr_assert_str_eq(m[0], "LAST");
	cr_assert_null(complete("BDAT "));
}

Test(complete, file_names)
{
	char	 dir[] = "/tmp/test_complete.XXXXXX", path[256], line[512];
	char	**m;
	FILE	*f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/message.eml", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fclose(f);
	snprintf(line, sizeof line, ":data %s/mess", dir);
	m = complete(line);
	cr_assert_not_null(m);
	cr_assert_str_eq(m[0], path);
	snprintf(line, sizeof line, ":bdat %s/m", dir);
	m = complete(line);
	cr_assert_str_eq(m[0], path);
	snprintf(line, sizeof line, ":save %s/me", dir);
	m = complete(line);
	cr_assert_str_eq(m[0], path);
	/* Not after other commands. */
	snprintf(line, sizeof line, ":explain %s/me", dir);
	cr_assert_null(complete(line));
	snprintf(line, sizeof line, "NOOP %s/me", dir);
	cr_assert_null(complete(line));
	unlink(path);
	rmdir(dir);
}

static struct session *sess;

static const struct session *
get_session(void)
{
	return sess;
}

/* A session past its greeting. */
static struct session *
greeted(void)
{
	struct session		*s = session_new(0);
	struct session_answer	 a;
	struct reply		*r = fixture_reply(220, NULL, 1, "mx ESMTP");

	cr_assert_not_null(s);
	session_on_reply(s, r, &a);
	reply_free(r);
	return s;
}

static void
answer(struct session *s, const char *line, struct reply *r)
{
	struct session_answer a;

	cr_assert_eq(session_on_send(s, line, ANNOTATE_COMMAND, 1.0), 0);
	session_on_reply(s, r, &a);
	reply_free(r);
}

/* An empty line offers the verbs valid now that the server advertised:
 * no ATRN, AUTH, BURL, ETRN, STARTTLS to a server without them, no DATA
 * before a recipient; every verb is still a HELP topic. */
Test(complete, only_verbs_valid_now)
{
	char	**m;

	sess = greeted();
	complete_install(get_session);
	m = complete("");
	cr_assert(has(m, "EHLO") && has(m, "HELO") && has(m, "QUIT"));
	cr_assert(!has(m, "MAIL") && !has(m, "STARTTLS") && !has(m, "DATA"),
	    "before EHLO");
	answer(sess, "EHLO me", fixture_reply(250, NULL, 3, "mx", "PIPELINING",
	    "SIZE 1000"));
	m = complete("");
	cr_assert(has(m, "MAIL") && has(m, "NOOP") && has(m, "RSET"));
	cr_assert(!has(m, "ATRN") && !has(m, "AUTH") && !has(m, "BURL") &&
	    !has(m, "ETRN") && !has(m, "STARTTLS") && !has(m, "BDAT"),
	    "not advertised");
	cr_assert(!has(m, "DATA") && !has(m, "RCPT"), "not valid yet");
	cr_assert_null(complete("DA"));
	cr_assert_null(complete("ST"));
	m = complete(":help ST");
	cr_assert_str_eq(m[0], "STARTTLS", "every verb is a HELP topic");
	answer(sess, "MAIL FROM:<a@b>", fixture_reply(250, NULL, 1, "ok"));
	answer(sess, "RCPT TO:<c@d>", fixture_reply(250, NULL, 1, "ok"));
	m = complete("DA");
	cr_assert_str_eq(m[0], "DATA");
	complete_install(NULL);
	session_free(sess);
	sess = NULL;
}

/* Through the installed getter: nothing is offered in body mode. */
Test(complete, session_state)
{
	char	**m;

	sess = greeted();
	complete_install(get_session);
	cr_assert_eq(rl_attempted_completion_function, complete_attempt);
	session_set_state(sess, STATE_READY);
	m = complete("MA");
	cr_assert_str_eq(m[0], "MAIL");
	session_set_state(sess, STATE_DATA);
	cr_assert_null(complete("MA"), "body lines are not commands");
	session_set_state(sess, STATE_AUTH);
	cr_assert_null(complete("MA"), "SASL responses are not commands");
	/* RFC 2033 4.1: each protocol's own greeting */
	session_set_state(sess, STATE_GREETED);
	m = complete("");
	cr_assert(has(m, "EHLO") && has(m, "HELO") && !has(m, "LHLO"));
	session_set_lmtp(sess, 1);
	m = complete("");
	cr_assert(has(m, "LHLO") && !has(m, "EHLO") && !has(m, "HELO"));
	m = complete(":help L");
	cr_assert_str_eq(m[0], "LHLO");
	session_set_lmtp(sess, 0);
	m = complete(":help LH");
	cr_assert_str_eq(m[0], "LHLO", "HELP covers both protocols");
	complete_install(NULL);
	session_free(sess);
	sess = NULL;
}
