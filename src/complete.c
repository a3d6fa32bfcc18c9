/*
 * complete.c -- Readline completion for the console.
 *
 * What is offered depends on the word's place on the line: verbs (those
 * valid now, and advertised) and ":" commands first, then "FROM:<" / "TO:<", then the ESMTP parameters
 * of the service extensions -- only those the server advertised when its
 * EHLO reply is known, all of them otherwise -- AUTH mechanisms, HELP
 * topics and file names.  Words are separated by spaces only, so
 * "BODY=8" and "FROM:<" are completed as one word.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <readline/readline.h>

#include "auth.h"
#include "complete.h"
#include "console.h"
#include "verbs.h"

/* ESMTP parameters, RFC 5321 4.1.2 esmtp-param, as offered: whether the
 * server advertised each is the grammar's to say
 * (verbs_param_advertised()). */
static const struct {
	const char		*text;		/* as offered */
	size_t			 keylen;	/* length of its keyword */
	int			 rcpt;		/* 1: RCPT parameter, 0: MAIL */
	enum verbs_param_id	 id;
} params[] = {
	{ "SIZE=",		4, 0, VERBS_PARAM_SIZE },
	{ "BODY=7BIT",		4, 0, VERBS_PARAM_BODY },
	{ "BODY=8BITMIME",	4, 0, VERBS_PARAM_BODY },
	{ "BODY=BINARYMIME",	4, 0, VERBS_PARAM_BODY },
	{ "SMTPUTF8",		8, 0, VERBS_PARAM_SMTPUTF8 },
	{ "RET=FULL",		3, 0, VERBS_PARAM_RET },
	{ "RET=HDRS",		3, 0, VERBS_PARAM_RET },
	{ "ENVID=",		5, 0, VERBS_PARAM_ENVID },
	{ "AUTH=",		4, 0, VERBS_PARAM_AUTH },
	{ "REQUIRETLS",		10, 0, VERBS_PARAM_REQUIRETLS },
	{ "NOTIFY=NEVER",	6, 1, VERBS_PARAM_NOTIFY },
	{ "NOTIFY=SUCCESS",	6, 1, VERBS_PARAM_NOTIFY },
	{ "NOTIFY=FAILURE",	6, 1, VERBS_PARAM_NOTIFY },
	{ "NOTIFY=DELAY",	6, 1, VERBS_PARAM_NOTIFY },
	{ "ORCPT=rfc822;",	5, 1, VERBS_PARAM_ORCPT },
};
#define NPARAMS	(sizeof params / sizeof params[0])


#define MAX_CANDIDATES	64

/* The candidate list the generator walks (Readline's interface has no
 * user pointer, hence file scope). */
static struct {
	char	*items[MAX_CANDIDATES];
	size_t	 n;
	size_t	 next;
} cand;

/* Offer verbs and keywords in lower case: the user types that way. */
static int	 complete_lower;

static const struct session *(*complete_getter)(void);
static const struct caps *test_caps;
static int	 test_caps_set;

static const struct caps *complete_caps(void);
static void	 cand_reset(void);
static void	 cand_add(const char *, const char *, int);
static char	*cand_generator(const char *, int);
static int	 is_lower_word(const char *);
static int	 has_letter(const char *);
static void	 add_verbs(const char *, int);
static void	 add_local_commands(const char *);
static void	 add_params(const char *, const char *, int, int);
static void	 add_mechs(const char *);
static void	 line_words(const char *, int, char *, size_t, int *);

void
complete_install(const struct session *(*get_session)(void))
{
	complete_getter = get_session;
	rl_attempted_completion_function = complete_attempt;
	/* Only spaces separate words: "FROM:<" and "BODY=" stay whole. */
	rl_completer_word_break_characters = (char *)" ";
}

void
complete_set_caps_for_test(const struct caps *caps)
{
	test_caps = caps;
	test_caps_set = 1;
}

static const struct caps *
complete_caps(void)
{
	const struct session *s;

	if (test_caps_set)
		return test_caps;
	if (complete_getter == NULL || (s = complete_getter()) == NULL)
		return NULL;
	return session_caps(s);
}

static void
cand_reset(void)
{
	size_t	 i;

	for (i = 0; i < cand.n; i++)
		free(cand.items[i]);
	cand.n = cand.next = 0;
}

/*
 * Add s when it starts with text (any case).  lower: offer it in lower
 * case, to follow what the user typed.
 */
static void
cand_add(const char *s, const char *text, int lower)
{
	size_t	 i, n = strlen(text);
	char	*c;

	if (strncasecmp(s, text, n) != 0 || cand.n >= MAX_CANDIDATES)
		return;
	for (i = 0; i < cand.n; i++)
		if (strcasecmp(cand.items[i], s) == 0)
			return;
	c = strdup(s);
	if (c == NULL)
		return;
	/* Keep what was typed as typed; case the rest like its start. */
	memcpy(c, text, n);
	if (lower)
		for (i = n; c[i] != '\0'; i++)
			if (c[i] >= 'A' && c[i] <= 'Z')
				c[i] = (char)(c[i] - 'A' + 'a');
	cand.items[cand.n++] = c;
}

static char *
cand_generator(const char *text, int state)
{
	(void)text;
	if (state == 0)
		cand.next = 0;
	if (cand.next >= cand.n)
		return NULL;
	return strdup(cand.items[cand.next++]);
}

static int
has_letter(const char *s)
{
	for (; *s != '\0'; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
			return 1;
	return 0;
}

/* The user types in lower case: the last letter typed is lower case. */
static int
is_lower_word(const char *text)
{
	int	 lower = 0;

	for (; *text != '\0'; text++) {
		if (*text >= 'a' && *text <= 'z')
			lower = 1;
		else if (*text >= 'A' && *text <= 'Z')
			lower = 0;
	}
	return lower;
}

/*
 * RFC 5321 2.4: verbs are case-insensitive; offer them as typed.  As a
 * command, only the verbs valid now that the server advertised
 * (session_verb_next(): of this protocol too, RFC 2033 4.1); while the
 * session is not known, the current SMTP verbs.  Every verb, the
 * obsolete ones too, as a HELP topic (all = 1).  Any verb may still be
 * typed.
 */
static void
add_verbs(const char *text, int all)
{
	const struct verb_info *t;
	const struct session *s;
	size_t	 n, i;

	s = complete_getter != NULL ? complete_getter() : NULL;
	t = verbs_table(&n);
	for (i = 0; i < n; i++) {
		if (!all && (s != NULL ? !session_verb_next(s, &t[i]) :
		    t[i].obsolete || !verbs_in_protocol(&t[i], 0)))
			continue;
		cand_add(t[i].name, text, complete_lower);
	}
}

static void
add_local_commands(const char *text)
{
	const struct console_cmd *c;
	size_t	 n, i;

	c = console_commands(&n);
	for (i = 0; i < n; i++)
		cand_add(c[i].name, text, 0);
}

/*
 * The parameters of MAIL (rcpt = 0) or RCPT (rcpt = 1) that the server
 * advertised, minus those already on the line.
 */
static void
add_params(const char *text, const char *line, int start, int rcpt)
{
	const struct caps *c = complete_caps();
	const char *value;
	size_t	 i, k;
	int	 ok, dup, w;

	for (i = 0; i < NPARAMS; i++) {
		if (params[i].rcpt != rcpt)
			continue;
		/* the value offered, after "=" ("" for a keyword alone) */
		value = params[i].text + params[i].keylen;
		value += *value == '=';
		ok = verbs_param_advertised(c, params[i].id, value,
		    strlen(value));
		/* A parameter already given before this word is not offered
		 * again. */
		dup = 0;
		k = params[i].keylen;
		for (w = 1; w < start; w++)
			if (line[w - 1] == ' ' && w + (int)k <= start &&
			    strncasecmp(line + w, params[i].text, k) == 0 &&
			    (line[w + k] == '=' || line[w + k] == ' ' ||
			    line[w + k] == '\0'))
				dup = 1;
		if (ok && !dup)
			cand_add(params[i].text, text, complete_lower);
	}
}

/*
 * RFC 4954 3: the mechanisms are the words after AUTH in EHLO.  They are
 * the server's bytes: only names of printable ASCII (RFC 4422 3.1 allows
 * upper-case letters, digits, '-' and '_') may go into the input line.
 */
static void
add_mechs(const char *text)
{
	const struct caps *c = complete_caps();
	const struct auth_mech *t;
	const char *s;
	char	 m[32];
	size_t	 k, i, j, n;

	if (c != NULL && c->ehlo) {
		for (s = c->auth; *s != '\0'; s += k) {
			while (*s == ' ')
				s++;
			for (k = 0; s[k] != '\0' && s[k] != ' '; k++)
				continue;
			for (j = 0; j < k && s[j] > ' ' && s[j] < 127; j++)
				continue;
			if (k > 0 && k < sizeof m && j == k) {
				memcpy(m, s, k);
				m[k] = '\0';
				cand_add(m, text, 0);
			}
		}
		return;
	}
	/* no EHLO reply yet: the mechanisms :auth can run */
	t = auth_mechs(&n);
	for (i = 0; i < n; i++)
		cand_add(t[i].name, text, 0);
}

/* The first word of line[0..start) into first, and how many words come
 * before start. */
static void
line_words(const char *line, int start, char *first, size_t size, int *nwords)
{
	int	 i, inword = 0;
	size_t	 k = 0;

	*nwords = 0;
	first[0] = '\0';
	for (i = 0; i < start && line[i] != '\0'; i++) {
		if (line[i] == ' ') {
			inword = 0;
			continue;
		}
		if (!inword) {
			inword = 1;
			(*nwords)++;
		}
		if (*nwords == 1 && k + 1 < size)
			first[k++] = line[i];
	}
	first[k] = '\0';
}

char **
complete_attempt(const char *text, int start, int end)
{
	const struct session *s;
	const struct verb_info *v;
	const char *line = rl_line_buffer != NULL ? rl_line_buffer : "";
	char	 first[32], **m;
	int	 nwords;

	(void)end;
	rl_attempted_completion_over = 1;	/* never fall back to files */
	cand_reset();

	/* The body of a message and SASL responses are not commands. */
	if (complete_getter != NULL &&
	    (s = complete_getter()) != NULL &&
	    (session_state(s) == STATE_DATA ||
	    session_state(s) == STATE_AUTH))
		return NULL;

	line_words(line, start, first, sizeof first, &nwords);
	complete_lower = has_letter(text) ? is_lower_word(text) :
	    is_lower_word(first);
	if (nwords == 0) {
		if (text[0] == ':')
			add_local_commands(text);
		else if (text[0] == '!')
			return NULL;
		else
			add_verbs(text, 0);
	} else if (first[0] == ':') {
		if (nwords == 1 && (strcmp(first, ":data") == 0 ||
		    strcmp(first, ":bdat") == 0 || strcmp(first, ":save") == 0)) {
			rl_attempted_completion_over = 0;
			return rl_completion_matches(text,
			    rl_filename_completion_function);
		}
		if (nwords == 1 && strcmp(first, ":help") == 0)
			add_verbs(text, 1);
		else if (nwords == 1 && strcmp(first, ":auth") == 0)
			add_mechs(text);
	} else if ((v = verbs_lookup(first, strlen(first))) != NULL) {
		switch (v->id) {
		case VERB_MAIL:
			if (nwords == 1)
				cand_add("FROM:<", text, complete_lower);
			else if (strchr(line, '>') != NULL &&
			    strchr(line, '>') < line + start)
				add_params(text, line, start, 0);
			break;
		case VERB_RCPT:
			if (nwords == 1)
				cand_add("TO:<", text, complete_lower);
			else if (strchr(line, '>') != NULL &&
			    strchr(line, '>') < line + start)
				add_params(text, line, start, 1);
			break;
		case VERB_AUTH:
			if (nwords == 1)
				add_mechs(text);
			break;
		case VERB_HELP:
			if (nwords == 1)
				add_verbs(text, 1);
			break;
		case VERB_BDAT:
			if (nwords == 2)
				cand_add("LAST", text, complete_lower);
			break;
		default:
			break;
		}
	}
	if (cand.n == 0)
		return NULL;
	m = rl_completion_matches(text, cand_generator);
	/* No space after "FROM:<", "SIZE=", "ORCPT=rfc822;". */
	if (m != NULL && m[0] != NULL && m[1] == NULL && m[0][0] != '\0' &&
	    strchr("<=;", m[0][strlen(m[0]) - 1]) != NULL)
		rl_completion_append_character = '\0';
	return m;
}
