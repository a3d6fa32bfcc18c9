/*
 * annotate.c -- a reply, the command it answers and the session context
 * turned into the explanation both front ends show.
 *
 * All knowledge comes from codes.c; this file only picks the right rows
 * and words them.  Anything that came from the server (EHLO keywords,
 * AUTH challenges) goes through sanitize() before it is shown.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "annotate.h"
#include "auth.h"
#include "base64.h"
#include "codes.h"
#include "sanitize.h"
#include "transcript.h"

/* Front ends wrap anyway; keep lines below this where we can. */
#define ANNOTATE_WIDTH		96
/* Longest server-supplied text shown in an annotation line. */
#define ANNOTATE_SHOW_MAX	200

struct sbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 oom;
	int	 nowrap;	/* ANNOTATE_NO_WRAP: logical lines only */
};

static void	sb_vprintf(struct sbuf *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));
static void	sb_printf(struct sbuf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static size_t	annotate_word(const char *);
static void	sb_wrap(struct sbuf *, const char *, const char *);
static char	*sb_finish(struct sbuf *);
static void	annotate_verb(const char *, char *, size_t, char *, size_t);
static void	annotate_digits(struct sbuf *, int);
static const char *annotate_class_action(int);
static void	annotate_esc(struct sbuf *, const char *, int);
static void	annotate_ehlo(struct sbuf *, const struct reply *, int);
static void	annotate_ehlo_auth(struct sbuf *, const char *, size_t, int);
static void	annotate_challenge(struct sbuf *, const struct reply *,
		    const char *);
static void	annotate_size(char *, size_t, unsigned long long);
static int	annotate_cites(const char *, const char *);
static void	annotate_rfc_keep(const char *, const char *, char *, size_t);
static void	annotate_rfcs(struct sbuf *, const char *, const char *,
		    const char *);
static size_t	annotate_esc_token(const char *, char *);
static int	annotate_has_last(const char *);
static char	*annotate_quote(const char *, size_t);

static void
sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list	 aq;
	int	 n;
	char	*np;

	if (sb->oom)
		return;
	va_copy(aq, ap);
	n = vsnprintf(sb->p != NULL ? sb->p + sb->len : NULL,
	    sb->p != NULL ? sb->cap - sb->len : 0, fmt, aq);
	va_end(aq);
	if (n < 0) {
		sb->oom = 1;
		return;
	}
	if (sb->p == NULL || sb->len + (size_t)n + 1 > sb->cap) {
		size_t ncap = sb->cap ? sb->cap : 512;

		while (ncap < sb->len + (size_t)n + 1)
			ncap *= 2;
		if ((np = realloc(sb->p, ncap)) == NULL) {
			sb->oom = 1;
			return;
		}
		sb->p = np;
		sb->cap = ncap;
		vsnprintf(sb->p + sb->len, sb->cap - sb->len, fmt, ap);
	}
	sb->len += (size_t)n;
}

static void
sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

/*
 * Length of the unit to keep on one line at p: a word, or "RFC nnnn s.s"
 * (an RFC number with its section) so that references do not break.
 */
static size_t
annotate_word(const char *p)
{
	size_t w = strcspn(p, " "), n, glued = 0;

	if (w >= 3 && strncmp(p + w - 3, "RFC", 3) == 0) {
		while (glued < 2 && p[w] == ' ' &&
		    (isdigit((unsigned char)p[w + 1]) ||
		    (isupper((unsigned char)p[w + 1]) && p[w + 2] == '.'))) {
			n = strcspn(p + w + 1, " ");
			w += 1 + n;
			glued++;
		}
	}
	return w;
}

/*
 * Append "\n" (unless the buffer is empty), prefix and text, breaking the
 * text at spaces so that lines stay within ANNOTATE_WIDTH; continuation
 * lines are indented by four spaces.
 */
static void
sb_wrap(struct sbuf *sb, const char *prefix, const char *text)
{
	size_t col, w;
	const char *p = text;
	int first;

	if (sb->len > 0)
		sb_printf(sb, "\n");
	sb_printf(sb, "%s", prefix);
	col = strlen(prefix);
	while (*p == ' ')
		p++;
	for (first = 1; *p != '\0'; first = 0) {
		w = annotate_word(p);
		if (!sb->nowrap && col > 4 &&
		    col + (first ? 0 : 1) + w > ANNOTATE_WIDTH) {
			sb_printf(sb, "\n    ");
			col = 4;
		} else if (!first) {
			sb_printf(sb, " ");
			col++;
		}
		sb_printf(sb, "%.*s", (int)w, p);
		col += w;
		p += w;
		while (*p == ' ')
			p++;
	}
}

static char *
sb_finish(struct sbuf *sb)
{
	if (sb->oom) {
		free(sb->p);
		return NULL;
	}
	if (sb->p == NULL)
		return strdup("");
	return sb->p;
}

/*
 * The command's verb, upper case (first word, any case, any leading
 * blanks; stops at blank or ':'), and for AUTH the mechanism.
 */
static void
annotate_verb(const char *cmd, char *verb, size_t vsize, char *arg,
    size_t asize)
{
	size_t n = 0;

	verb[0] = '\0';
	arg[0] = '\0';
	if (cmd == NULL)
		return;
	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	while (*cmd != '\0' && (isalnum((unsigned char)*cmd) || *cmd == '-' ||
	    *cmd == '.') && n + 1 < vsize)
		verb[n++] = (char)toupper((unsigned char)*cmd++);
	verb[n] = '\0';
	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	n = 0;
	while (*cmd != '\0' && (isalnum((unsigned char)*cmd) || *cmd == '-' ||
	    *cmd == '_') && n + 1 < asize)
		arg[n++] = (char)toupper((unsigned char)*cmd++);
	arg[n] = '\0';
}

/* "class 5yz: ...; category x5z: ..." from the digits (RFC 5321 4.2.1). */
static void
annotate_digits(struct sbuf *sb, int code)
{
	char line[256];
	const char *k = codes_class_meaning(code / 100);
	const char *c = codes_category_meaning(code / 10 % 10);

	snprintf(line, sizeof line, "%dyz %s; x%dz %s", code / 100,
	    k != NULL ? k : "not a defined class", code / 10 % 10,
	    c != NULL ? c : "not a defined category");
	sb_wrap(sb, "class: ", line);
}

/* RFC 5321 4.3.2: a client must be able to act on the first digit alone. */
static const char *
annotate_class_action(int klass)
{
	switch (klass) {
	case 2:
		return "Go on as if the command succeeded.";
	case 3:
		return "Send what the server waits for.";
	case 4:
		return "Retry later; the condition is temporary.";
	case 5:
		return "Do not repeat the same command unchanged.";
	default:
		return "Treat the reply as an error: it is not SMTP.";
	}
}

/*
 * The enhanced code esc ("5.1.1"): title and meaning, or class and
 * subject when the detail is not registered (RFC 3463 2: report the
 * subject when the detail is unknown).  basic is the reply code (0 when
 * none) to check the class against (RFC 2034 4).
 */
static void
annotate_esc(struct sbuf *sb, const char *esc, int basic)
{
	const struct esc_info *e = codes_lookup_enhanced(esc);
	char line[512];
	int klass = esc[0] - '0', subject;
	const char *kt, *st;

	subject = (int)strtol(esc + 2, NULL, 10);
	kt = codes_esc_class_meaning(klass);
	st = codes_esc_subject_meaning(subject);
	if (e != NULL) {
		snprintf(line, sizeof line, "%s %s", esc, e->title);
		sb_wrap(sb, "", line);
		/* RFC 3463 2: the class says whether it worked; a success
		 * is never "something caused this result". */
		if (klass == 2)
			sb_wrap(sb, "  ", e->success != NULL ? e->success :
			    codes_esc_subject_success(subject));
		else
			sb_wrap(sb, "  ", e->meaning);
	} else {
		snprintf(line, sizeof line, "%s: detail not registered; %c.x.x %s, "
		    "x.%d.x %s", esc, esc[0], kt != NULL ? kt : "unknown class",
		    subject, st != NULL ? st : "unknown subject");
		sb_wrap(sb, "", line);
	}
	if (e != NULL && kt != NULL && st != NULL) {
		snprintf(line, sizeof line, "%c.x.x %s (%s), x.%d.x %s", esc[0],
		    kt, codes_esc_class_effect(klass), subject, st);
		sb_wrap(sb, "  class: ", line);
	}
	if (e != NULL && e->hint != NULL && klass != 2)
		sb_wrap(sb, "hint: ", e->hint);
	if (basic >= 200 && basic / 100 != klass) {
		snprintf(line, sizeof line, "enhanced class %d does not match "
		    "reply code %d (RFC 2034 4)", klass, basic);
		sb_wrap(sb, "warning: ", line);
	}
}

static void
annotate_size(char *out, size_t size, unsigned long long n)
{
	static const char *unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		snprintf(out, size, "%llu bytes", n);
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(out, size, "%.1f %s", v, unit[u]);
}

/* The mechanisms after "AUTH" (or "AUTH="), one line each. */
static void
annotate_ehlo_auth(struct sbuf *sb, const char *p, size_t len, int flags)
{
	const struct ehlo_keyword *m;
	char name[64], line[256], pre[320], *shown;
	size_t i = 0, n;

	while (i < len) {
		while (i < len && p[i] == ' ')
			i++;
		for (n = 0; i < len && p[i] != ' '; i++)
			if (n + 1 < sizeof name)
				name[n++] = p[i];
		if (n == 0)
			break;
		name[n] = '\0';
		if ((shown = sanitize(name, n, 0)) == NULL) {
			sb->oom = 1;
			return;
		}
		if ((m = codes_lookup_sasl(name)) != NULL) {
			if (flags & ANNOTATE_NO_RFC)
				snprintf(line, sizeof line, "%s%s", m->title,
				    m->deprecated ? " [weak or obsolete]" : "");
			else
				snprintf(line, sizeof line, "%s%s (%s)", m->title,
				    m->deprecated ? " [weak or obsolete]" : "",
				    m->rfc);
		} else
			snprintf(line, sizeof line, "SASL mechanism unknown here");
		snprintf(pre, sizeof pre, "      %s: ", shown);
		sb_wrap(sb, pre, line);
		free(shown);
	}
}

/* 250 after EHLO: one line for each advertised keyword (RFC 5321 4.1.1.1). */
static void
annotate_ehlo(struct sbuf *sb, const struct reply *r, int flags)
{
	const struct ehlo_keyword *k;
	char kw[64], line[512], num[32], pre[1024], *shown;
	size_t i, n, plen;
	const char *t, *params;
	int old_auth;

	if (r->nlines <= 1) {
		sb_wrap(sb, "", "no extensions advertised (plain RFC 5321 service)");
		return;
	}
	sb_wrap(sb, "", "extensions advertised:");
	for (i = 1; i < r->nlines; i++) {
		t = r->lines[i].text;
		plen = r->lines[i].len;
		if (t == NULL)
			continue;
		for (n = 0; n < plen && t[n] != ' ' && t[n] != '=' &&
		    n + 1 < sizeof kw; n++)
			kw[n] = (char)toupper((unsigned char)t[n]);
		kw[n] = '\0';
		old_auth = n < plen && t[n] == '=' && strcmp(kw, "AUTH") == 0;
		params = t + n;
		plen -= n;
		while (plen > 0 && (*params == ' ' || *params == '=')) {
			params++;
			plen--;
		}
		if (plen > ANNOTATE_SHOW_MAX)
			plen = ANNOTATE_SHOW_MAX;
		if ((shown = sanitize(t, (size_t)(params - t) + plen, 0)) == NULL) {
			sb->oom = 1;
			return;
		}
		k = codes_lookup_keyword(kw);
		if (k == NULL)
			snprintf(line, sizeof line, "not a keyword known here "
			    "(vendor-specific, or X- private)");
		else if (strcmp(k->name, "SIZE") == 0) {
			unsigned long long v;
			char *end;

			if (plen == 0)
				snprintf(line, sizeof line, "SIZE= accepted on MAIL; "
				    "no limit stated");
			else {
				v = strtoull(params, &end, 10);
				if (end == params || !isdigit((unsigned char)*params))
					snprintf(line, sizeof line, "malformed SIZE "
					    "value");
				else if (v == 0)
					snprintf(line, sizeof line, "no fixed maximum "
					    "message size (RFC 1870 3)");
				else {
					annotate_size(num, sizeof num, v);
					snprintf(line, sizeof line, "messages up to %s "
					    "(%llu bytes) are accepted", num, v);
				}
			}
		} else if (old_auth)
			snprintf(line, sizeof line, "old pre-standard form of AUTH "
			    "for early clients [deprecated]");
		else
			snprintf(line, sizeof line, "%s%s", k->title,
			    k->deprecated ? " [deprecated]" : "");
		if (k != NULL && !(flags & ANNOTATE_NO_RFC) && !old_auth) {
			size_t l = strlen(line);

			snprintf(line + l, sizeof line - l, " (%s)", k->rfc);
		}
		snprintf(pre, sizeof pre, "  %s: ", shown);
		sb_wrap(sb, pre, line);
		if (k != NULL && strcmp(k->name, "AUTH") == 0)
			annotate_ehlo_auth(sb, params, plen, flags);
		free(shown);
	}
}

/*
 * 334: decode the base64 challenge (RFC 4954 4) and, when the mechanism
 * is known (mech: "SCRAM-SHA-256", or NULL), say what this step of it
 * does: what the server sent or proves, what the client answers.
 */
static void
annotate_challenge(struct sbuf *sb, const struct reply *r, const char *mech)
{
	const char *t = r->nlines > 0 ? r->lines[0].text : NULL;
	size_t len = r->nlines > 0 ? r->lines[0].len : 0, n;
	unsigned char *out;
	char *shown, step[1024];

	while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == '\t'))
		len--;
	if (t == NULL || len == 0) {
		sb_wrap(sb, "challenge: ", "empty: the server waits for the initial "
		    "response (RFC 4954 4)");
		if (auth_explain_challenge(mech, NULL, 0, step, sizeof step) == 0)
			sb_wrap(sb, "sasl: ", step);
		return;
	}
	if (base64_decode(t, len, &out, &n) == -1) {
		sb_wrap(sb, "challenge: ", "not valid base64; a client must cancel "
		    "with \"*\" (RFC 4954 4)");
		return;
	}
	shown = sanitize((const char *)out, n > ANNOTATE_SHOW_MAX ?
	    ANNOTATE_SHOW_MAX : n, 0);
	if (shown == NULL) {
		free(out);
		sb->oom = 1;
		return;
	}
	if (sb->len > 0)
		sb_printf(sb, "\n");
	sb_printf(sb, "challenge (base64 decoded): \"%s\"", shown);
	free(shown);
	if (auth_explain_challenge(mech, out, n, step, sizeof step) == 0)
		sb_wrap(sb, "sasl: ", step);
	free(out);
}

/*
 * "rfc: A; B; C" with references to one document merged and repeats left
 * out: "RFC 5321 4.1.1.2" and "RFC 5321 4.2.2; RFC 3463 3.2" give
 * "RFC 5321 4.1.1.2, 4.2.2; RFC 3463 3.2".
 */
static void
annotate_rfcs(struct sbuf *sb, const char *a, const char *b, const char *c)
{
	struct {
		char	doc[48];
		char	secs[128];
	} ref[12];
	const char *in[3] = { a, b, c }, *p, *e, *sp;
	char item[160], line[512], sec[48], have[136], want[56];
	size_t nref = 0, i, j, l, dl;

	for (i = 0; i < 3; i++) {
		for (p = in[i]; p != NULL && *p != '\0'; p = *e ? e + 1 : e) {
			e = p + strcspn(p, ";");
			while (*p == ' ')
				p++;
			snprintf(item, sizeof item, "%.*s", (int)(e - p), p);
			/* "RFC nnnn" is the document; the rest are sections. */
			dl = strlen(item);
			if (strncmp(item, "RFC ", 4) == 0 &&
			    (sp = strchr(item + 4, ' ')) != NULL)
				dl = (size_t)(sp - item);
			for (j = 0; j < nref; j++)
				if (strlen(ref[j].doc) == dl &&
				    strncmp(ref[j].doc, item, dl) == 0)
					break;
			if (j == nref) {
				if (nref == sizeof ref / sizeof ref[0])
					continue;
				snprintf(ref[j].doc, sizeof ref[j].doc, "%.*s",
				    (int)dl, item);
				ref[j].secs[0] = '\0';
				nref++;
			}
			/* Add each section not listed yet. */
			for (sp = item + dl; *sp != '\0'; ) {
				while (*sp == ' ' || *sp == ',')
					sp++;
				l = strcspn(sp, ",");
				if (l == 0)
					break;
				snprintf(sec, sizeof sec, "%.*s", (int)l, sp);
				sp += l;
				snprintf(have, sizeof have, ", %s,", ref[j].secs);
				snprintf(want, sizeof want, ", %s,", sec);
				if (strstr(have, want) == NULL) {
					size_t sl = strlen(ref[j].secs);

					snprintf(ref[j].secs + sl,
					    sizeof ref[j].secs - sl, "%s%s",
					    sl ? ", " : "", sec);
				}
			}
		}
	}
	line[0] = '\0';
	for (i = 0, l = 0; i < nref && l < sizeof line; i++)
		l += (size_t)snprintf(line + l, sizeof line - l, "%s%s%s%s",
		    i ? "; " : "", ref[i].doc, ref[i].secs[0] ? " " : "",
		    ref[i].secs);
	if (line[0] != '\0')
		sb_wrap(sb, "rfc: ", line);
}

/* Whether references refs cite document doc ("RFC 3207"). */
static int
annotate_cites(const char *refs, const char *doc)
{
	const char	*p;
	size_t		 n = strlen(doc);

	for (p = refs; (p = strstr(p, doc)) != NULL; p += n)
		if (p[n] == '\0' || p[n] == ' ' || p[n] == ';' || p[n] == ',')
			return 1;
	return 0;
}

/*
 * The references of refs ("RFC 5321 4.2.2, 4.3.2; RFC 3207 4") to RFC
 * 5321 and to the documents ctx cites, into out: the others go.
 */
static void
annotate_rfc_keep(const char *refs, const char *ctx, char *out, size_t size)
{
	const char	*p, *e;
	char		 doc[16];
	size_t		 len = 0, dl;

	out[0] = '\0';
	for (p = refs; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = p + strcspn(p, ";");
		while (*p == ' ')
			p++;
		/* "RFC nnnn" is the document */
		dl = strncmp(p, "RFC ", 4) == 0 ? 4 + strcspn(p + 4, " ;") :
		    (size_t)(e - p);
		snprintf(doc, sizeof doc, "%.*s", (int)dl, p);
		if (strcmp(doc, "RFC 5321") != 0 && !annotate_cites(ctx, doc))
			continue;
		len += (size_t)snprintf(out + len, len < size ? size - len : 0,
		    "%s%.*s", len > 0 ? "; " : "", (int)(e - p), p);
	}
}

/* The words for the context keys that are not shown as they are. */
static const struct {
	const char	*key;
	const char	*label;		/* in "250 after ..." */
	const char	*heading;	/* in a table's "After" column */
} ctx_labels[] = {
	{ CODES_CTX_GREETING,	 "greeting",	"(greeting)" },
	{ CODES_CTX_DATA_END,	 "end of data",	"(end of data)" },
	{ CODES_CTX_BDAT_LAST,	 "BDAT LAST",	"BDAT ... LAST" },
	{ CODES_CTX_UNSOLICITED, "unsolicited",	"(unsolicited)" },
	{ CODES_CTX_ANY,	 "any command",	"(any command)" },
	{ "MAIL",		 "MAIL FROM",	"MAIL" },
	{ "RCPT",		 "RCPT TO",	"RCPT" },
};

const char *
annotate_ctx_label(const char *key, int heading)
{
	size_t i;

	for (i = 0; i < sizeof ctx_labels / sizeof ctx_labels[0]; i++)
		if (strcmp(key, ctx_labels[i].key) == 0)
			return heading ? ctx_labels[i].heading :
			    ctx_labels[i].label;
	return key;
}

char *
annotate_reply(const struct reply *r, const char *command,
    enum annotate_ctx ctx, int flags)
{
	struct sbuf sb = { NULL, 0, 0, 0, 0 };
	const struct code_info *ci;
	const struct code_ctx *cx = NULL;
	const struct auth_mech *mech;
	char verb[16], arg[24], label[64], line[512], rfc[96], faults[512];
	char general[256];
	const char *key = NULL, *next, *why;
	int code = r->code;

	sb.nowrap = (flags & ANNOTATE_NO_WRAP) != 0;
	annotate_verb(command, verb, sizeof verb, arg, sizeof arg);
	switch (ctx) {
	case ANNOTATE_GREETING:
		key = CODES_CTX_GREETING;
		break;
	case ANNOTATE_DATA_END:
		key = CODES_CTX_DATA_END;
		break;
	case ANNOTATE_BDAT:
		key = "BDAT";
		if (annotate_has_last(command))
			key = CODES_CTX_BDAT_LAST;
		break;
	case ANNOTATE_AUTH_STEP:
		key = "AUTH";
		break;
	case ANNOTATE_UNSOLICITED:
		key = CODES_CTX_UNSOLICITED;
		break;
	case ANNOTATE_COMMAND:
		if (strcmp(verb, ".") == 0)
			key = CODES_CTX_DATA_END;
		else if (strcmp(verb, "LHLO") == 0)
			/* RFC 2033 4.1: LHLO has EHLO's semantics */
			key = "EHLO";
		else if (verb[0] != '\0')
			key = verb;
		break;
	}
	if (ctx == ANNOTATE_AUTH_STEP)
		/* the session names the exchange: "AUTH CRAM-MD5" */
		snprintf(label, sizeof label, "AUTH%s%s response",
		    strcmp(verb, "AUTH") == 0 && arg[0] != '\0' ? " " : "",
		    strcmp(verb, "AUTH") == 0 ? arg : "");
	else if (key == NULL)
		snprintf(label, sizeof label, "reply");
	else if (strcmp(key, "AUTH") == 0 && arg[0] != '\0')
		snprintf(label, sizeof label, "AUTH %s", arg);
	else if (strcmp(verb, "LHLO") == 0)
		snprintf(label, sizeof label, "LHLO");
	else
		snprintf(label, sizeof label, "%s", annotate_ctx_label(key, 0));
#define AFTER(l)	(strcmp((l), "reply") == 0 || \
			    strcmp((l), "greeting") == 0 || \
			    strcmp((l), "unsolicited") == 0 ? "" : "after ")

	ci = codes_lookup(code);
	if (key != NULL)
		cx = codes_lookup_context(key, code);
	else if (code >= 200 && code <= 599)
		cx = codes_lookup_context(CODES_CTX_ANY, code);
	rfc[0] = '\0';

	/* First line: a self-contained summary. */
	if (code < 200 || code > 599) {
		if (code == 0)
			snprintf(line, sizeof line, "%s%s: no valid 3-digit reply "
			    "code; not SMTP", AFTER(label)[0] != '\0' ?
			    "reply after " : "", label);
		else
			snprintf(line, sizeof line, "%d %s%s: not a valid SMTP reply "
			    "code (the first digit must be 2 to 5)", code,
			    AFTER(label), label);
		if (!(flags & ANNOTATE_NO_RFC))
			snprintf(rfc, sizeof rfc, " (RFC 5321 4.2.1, 4.3.2)");
	} else if (cx != NULL) {
		char what[160];

		if (key != NULL && strcmp(key, "EHLO") == 0 && code == 250)
			snprintf(what, sizeof what, "greeting accepted, %zu "
			    "extension%s advertised", r->nlines > 0 ?
			    r->nlines - 1 : 0, r->nlines == 2 ? "" : "s");
		else
			snprintf(what, sizeof what, "%s", cx->summary);
		if (cx->next != NULL && (flags & ANNOTATE_SHORT))
			snprintf(line, sizeof line, "%d %s%s: %s; %s", code,
			    AFTER(label), label, what, cx->next);
		else
			snprintf(line, sizeof line, "%d %s%s: %s", code,
			    AFTER(label), label, what);
		if (!(flags & ANNOTATE_NO_RFC))
			snprintf(rfc, sizeof rfc, " (%s)", cx->rfc);
	} else if (ci != NULL) {
		snprintf(line, sizeof line, "%d %s%s: %s", code, AFTER(label),
		    label, ci->title);
		if (!(flags & ANNOTATE_NO_RFC))
			snprintf(rfc, sizeof rfc, " (%s)", ci->rfc);
	} else {
		snprintf(line, sizeof line, "%d %s%s: non-standard code; read as "
		    "%dyz %s", code, AFTER(label), label, code / 100,
		    code / 100 == 2 ? "success" : code / 100 == 3 ?
		    "intermediate" : code / 100 == 4 ? "temporary failure" :
		    "permanent failure");
		if (!(flags & ANNOTATE_NO_RFC))
			snprintf(rfc, sizeof rfc, " (RFC 5321 4.2.1, 4.3.2)");
	}
#undef AFTER
	/* --learn: why it works so, for this command or the class. */
	why = NULL;
	if ((flags & ANNOTATE_LEARN) && code >= 200 && code <= 599)
		why = cx != NULL && cx->why != NULL ? cx->why :
		    codes_class_why(code / 100);
	if (flags & ANNOTATE_SHORT) {
		sb_printf(&sb, "%s%s", line, rfc);
		if (why != NULL)
			sb_printf(&sb, "\nwhy: %s", why);
		/* a challenge means nothing until decoded: its lines come
		 * too, one each */
		if (code == 334) {
			sb.nowrap = 1;
			annotate_challenge(&sb, r, strcmp(verb, "AUTH") == 0 &&
			    arg[0] != '\0' ? arg : NULL);
		}
		return sb_finish(&sb);
	}
	{
		size_t l = strlen(line);

		snprintf(line + l, sizeof line - l, "%s", rfc);
		sb_wrap(&sb, "", line);
	}
	if (why != NULL)
		sb_wrap(&sb, "why: ", why);

	/* The code in general. */
	if (code >= 200 && code <= 599) {
		if (ci != NULL) {
			if (cx != NULL) {
				snprintf(line, sizeof line, "%d %s", code, ci->title);
				sb_wrap(&sb, "code: ", line);
			}
			sb_wrap(&sb, "meaning: ", ci->meaning);
		} else
			sb_wrap(&sb, "meaning: ", "not defined by any RFC: a client "
			    "must act on the first digit alone (RFC 5321 4.3.2)");
		annotate_digits(&sb, code);
	}

	/* Context details. */
	if (key != NULL && strcmp(key, "EHLO") == 0 && code == 250)
		annotate_ehlo(&sb, r, flags);
	if (code == 334)
		annotate_challenge(&sb, r, strcmp(verb, "AUTH") == 0 &&
		    arg[0] != '\0' ? arg : NULL);
	if (code == 235 && strcmp(verb, "AUTH") == 0 &&
	    (mech = auth_mech_lookup(arg)) != NULL) {
		snprintf(line, sizeof line, "the client proved %s; the server "
		    "proved back %s (%s)", mech->proves, mech->back, mech->rfc);
		sb_wrap(&sb, "sasl: ", line);
	}

	/* Enhanced code (RFC 3463; RFC 2034 4). */
	if (r->enhanced[0] != '\0')
		annotate_esc(&sb, r->enhanced, code);
	else if (ci != NULL && ci->hint != NULL && code / 100 != 2)
		sb_wrap(&sb, "hint: ", ci->hint);

	/* What to do next: the advice for this command in this context
	 * first; the code's own action only where the context has none. */
	if (code >= 200 && code <= 599) {
		next = cx != NULL && cx->next != NULL ? cx->next : ci != NULL ?
		    ci->action : annotate_class_action(code / 100);
		sb_wrap(&sb, "next: ", next);
	}

	if (!(flags & ANNOTATE_NO_RFC)) {
		const struct esc_info *e = r->enhanced[0] != '\0' ?
		    codes_lookup_enhanced(r->enhanced) : NULL;

		/* After a command with a row of its own, the code's general
		 * references to other extensions' documents (RFC 3207 and
		 * RFC 4954 for any 501) would cite what does not apply. */
		if (ci != NULL && cx != NULL && cx->rfc != NULL)
			annotate_rfc_keep(ci->rfc, cx->rfc, general,
			    sizeof general);
		else
			snprintf(general, sizeof general, "%s",
			    ci != NULL && ci->rfc != NULL ? ci->rfc : "");
		annotate_rfcs(&sb, cx != NULL ? cx->rfc : NULL, general,
		    e != NULL ? e->rfc : NULL);
	}

	if (r->faults != 0) {
		faults[0] = '\0';
		reply_faults_describe(r->faults, faults, sizeof faults);
		if (faults[0] == '\0')
			snprintf(faults, sizeof faults, "fault bits 0x%x",
			    r->faults);
		sb_wrap(&sb, "faults: ", faults);
	}
	return sb_finish(&sb);
}

/*
 * The parts, read from the explanation itself so that they never differ
 * from what the consoles show: its first line without RFC sections, and
 * its "next: " and "rfc: " lines, one item a line (ANNOTATE_NO_WRAP); the
 * "rfc: " line ("RFC 5321 4.1.1.2, 4.2.2; RFC 3463 3.2", annotate_rfcs())
 * is cut into one section a string.
 */
int
annotate_reply_parts(const struct reply *r, const char *command,
    enum annotate_ctx ctx, struct annotate_parts *out)
{
	char		*text, *line, *nl, *doc, *semi, *sec, *comma;
	size_t		 dl;

	memset(out, 0, sizeof *out);
	if ((text = annotate_reply(r, command, ctx, ANNOTATE_NO_RFC |
	    ANNOTATE_NO_WRAP)) == NULL)
		return -1;
	snprintf(out->summary, sizeof out->summary, "%.*s",
	    (int)strcspn(text, "\n"), text);
	free(text);
	if ((text = annotate_reply(r, command, ctx, ANNOTATE_NO_WRAP)) == NULL)
		return -1;
	for (line = text; line != NULL; line = nl != NULL ? nl + 1 : NULL) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if (strncmp(line, "next: ", 6) == 0)
			snprintf(out->next, sizeof out->next, "%s", line + 6);
		if (strncmp(line, "rfc: ", 5) != 0)
			continue;
		for (doc = line + 5; doc != NULL; doc = semi != NULL ?
		    semi + 2 : NULL) {
			if ((semi = strstr(doc, "; ")) != NULL)
				*semi = '\0';
			/* "RFC nnnn" is the document, the rest its sections */
			dl = strncmp(doc, "RFC ", 4) == 0 ? 4 +
			    strcspn(doc + 4, " ") : strlen(doc);
			if (doc[dl] == '\0' && out->nrfc < ANNOTATE_RFC_MAX)
				snprintf(out->rfc[out->nrfc++],
				    sizeof out->rfc[0], "%s", doc);
			for (sec = doc + dl; *sec != '\0' &&
			    out->nrfc < ANNOTATE_RFC_MAX; sec = comma) {
				sec += strspn(sec, " ,");
				if (*sec == '\0')
					break;
				comma = sec + strcspn(sec, ",");
				snprintf(out->rfc[out->nrfc++],
				    sizeof out->rfc[0], "%.*s %.*s", (int)dl,
				    doc, (int)(comma - sec), sec);
			}
		}
	}
	free(text);
	return 0;
}

char *
annotate_code(int code, const char *esc, int flags, char *err, size_t errlen)
{
	struct sbuf sb = { NULL, 0, 0, 0, 0 };
	const struct code_info *ci = NULL;
	const struct code_ctx *t;
	const struct esc_info *e = NULL;
	char line[512], pre[48];
	size_t n, i;
	int subject = 0, heading = 0;

	sb.nowrap = (flags & ANNOTATE_NO_WRAP) != 0;
	if (esc != NULL && esc[0] == '\0')
		esc = NULL;
	if (code == 0 && esc == NULL) {
		snprintf(err, errlen, "nothing to explain: give a reply code like 550 "
		    "or an enhanced code like 5.1.1");
		return NULL;
	}
	if (code != 0) {
		if (code < 200 || code > 599) {
			snprintf(err, errlen, "%d is not an SMTP reply code: the first "
			    "digit must be 2 to 5 (RFC 5321 4.2.1)", code);
			return NULL;
		}
		if ((ci = codes_lookup(code)) == NULL) {
			const char *c = codes_category_meaning(code / 10 % 10);

			snprintf(err, errlen, "%d is not defined by any RFC (read as "
			    "%dyz: %s; x%dz: %s)", code, code / 100,
			    codes_class_meaning(code / 100), code / 10 % 10,
			    c != NULL ? c : "no defined category");
			return NULL;
		}
	}
	if (esc != NULL) {
		char tmp[12];

		if (annotate_esc_token(esc, tmp) != strlen(esc)) {
			snprintf(err, errlen, "\"%.20s\" is not an enhanced status code "
			    "(class.subject.detail, e.g. 5.1.1)", esc);
			return NULL;
		}
		subject = (int)strtol(esc + 2, NULL, 10);
		if (codes_esc_subject_meaning(subject) == NULL) {
			snprintf(err, errlen, "%s: subject %d is not defined (0 to 7, "
			    "RFC 3463 2)", esc, subject);
			return NULL;
		}
		e = codes_lookup_enhanced(esc);
	}

	if (ci != NULL) {
		snprintf(line, sizeof line, "%d %s", code, ci->title);
		sb_wrap(&sb, "", line);
		sb_wrap(&sb, "meaning: ", ci->meaning);
		annotate_digits(&sb, code);
		sb_wrap(&sb, "next: ", ci->action);
		if (ci->hint != NULL)
			sb_wrap(&sb, "hint: ", ci->hint);
		t = codes_ctx_table(&n);
		for (i = 0; i < n; i++) {
			if (t[i].code != code)
				continue;
			snprintf(line, sizeof line, "%s%s%s", t[i].summary,
			    t[i].next != NULL ? "; " : "",
			    t[i].next != NULL ? t[i].next : "");
			snprintf(pre, sizeof pre, "  %s%s: ",
			    strcmp(t[i].verb, CODES_CTX_GREETING) == 0 ||
			    strcmp(t[i].verb, CODES_CTX_UNSOLICITED) == 0 ?
			    "as " : "after ", annotate_ctx_label(t[i].verb, 0));
			if (!heading++)
				sb_wrap(&sb, "", "in context:");
			sb_wrap(&sb, pre, line);
		}
	}
	if (esc != NULL) {
		char shown[12];

		snprintf(shown, sizeof shown, "%s", esc);
		if (shown[0] == 'x')
			shown[0] = 'X';
		if (shown[0] == 'X' && code != 0)
			shown[0] = (char)('0' + code / 100);
		if (shown[0] == 'X') {
			/* No class given: explain the subject and detail. */
			if (e != NULL) {
				snprintf(line, sizeof line, "%s %s", shown, e->title);
				sb_wrap(&sb, "", line);
				sb_wrap(&sb, "  ", e->meaning);
				if (e->hint != NULL)
					sb_wrap(&sb, "hint: ", e->hint);
			} else {
				snprintf(line, sizeof line, "%s: detail not registered; "
				    "x.%d.x %s", shown, subject,
				    codes_esc_subject_meaning(subject));
				sb_wrap(&sb, "", line);
			}
		} else
			annotate_esc(&sb, shown, code);
	}
	annotate_rfcs(&sb, ci != NULL ? ci->rfc : NULL, e != NULL ? e->rfc : NULL,
	    NULL);
	if (sb.oom) {
		snprintf(err, errlen, "out of memory");
		free(sb.p);
		return NULL;
	}
	return sb_finish(&sb);
}

/*
 * Length of an enhanced status code at the start of s (class 2, 4, 5 or
 * X; subject and detail 1-3 digits, RFC 3463 2), copied to out (>= 12);
 * 0 when there is none.  The code must end at a blank or the end.
 */
static size_t
annotate_esc_token(const char *s, char *out)
{
	size_t i = 0, n;
	int part;

	if (s[0] != '2' && s[0] != '4' && s[0] != '5' && s[0] != 'X' &&
	    s[0] != 'x')
		return 0;
	i = 1;
	for (part = 0; part < 2; part++) {
		if (s[i] != '.')
			return 0;
		i++;
		for (n = 0; isdigit((unsigned char)s[i]); n++, i++)
			if (n == 3)
				return 0;
		if (n == 0)
			return 0;
	}
	if (s[i] != '\0' && s[i] != ' ' && s[i] != '\t')
		return 0;
	memcpy(out, s, i);
	out[i] = '\0';
	return i;
}

/* Whether a BDAT command line has the LAST argument (RFC 3030 2). */
static int
annotate_has_last(const char *cmd)
{
	const char *p;

	if (cmd == NULL)
		return 0;
	for (p = cmd; (p = strchr(p, ' ')) != NULL; ) {
		while (*p == ' ')
			p++;
		if (strncasecmp(p, "LAST", 4) == 0 &&
		    (p[4] == '\0' || p[4] == ' ' || p[4] == '\r'))
			return 1;
	}
	return 0;
}

/* What the user typed, quoted in an error: sanitised, and shortened with
 * an ellipsis when long (a new string, NULL when out of memory). */
static char *
annotate_quote(const char *s, size_t len)
{
	size_t	col, cols;

	return sanitize_shorten(s, len, 0, 1, SANITIZE_SHORTEN_MIN, 0, &col,
	    &cols);
}

int
annotate_parse_query(const char *s, int *code, char *esc, char *err,
    size_t errlen)
{
	const char *p = s;
	char *q;
	size_t n;

	*code = 0;
	esc[0] = '\0';
	if (s == NULL)
		s = p = "";
	while (*p == ' ' || *p == '\t')
		p++;
	if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && (p[3] == '\0' || p[3] == ' ' ||
	    p[3] == '-' || p[3] == '\t')) {
		*code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
		if (*code == 0) {
			/* 0 means "no code" to the caller: say so here */
			snprintf(err, errlen, "000 is not an SMTP reply code: the "
			    "first digit must be 2 to 5 (RFC 5321 4.2.1)");
			return -1;
		}
		p += 3;
		if (*p == '-')
			p++;
		while (*p == ' ' || *p == '\t')
			p++;
		/* A reply line's text may start with an enhanced code. */
		if (isdigit((unsigned char)p[0]) && p[1] == '.' &&
		    annotate_esc_token(p, esc) == 0) {
			q = annotate_quote(p, strcspn(p, " \t"));
			snprintf(err, errlen, "\"%s\" is not a valid enhanced "
			    "status code (class.subject.detail, e.g. 5.1.1)",
			    q != NULL ? q : "");
			free(q);
			return -1;
		}
		if (esc[0] == '\0')
			annotate_esc_token(p, esc);
		return 0;
	}
	if ((n = annotate_esc_token(p, esc)) > 0)
		return 0;
	if (*p == '\0')
		snprintf(err, errlen, "nothing to explain: give a reply code like 550 "
		    "or an enhanced code like 5.1.1");
	else {
		/* a pasted AUTH line is quoted with its secret masked */
		char masked[80];

		transcript_mask_auth(p, masked, sizeof masked);
		if (strcmp(masked, p) != 0 && strncmp(masked, p,
		    strlen(masked)) != 0)
			p = masked;
		q = annotate_quote(p, strlen(p));
		snprintf(err, errlen, "\"%s\" is not a reply code (try 550, "
		    "5.1.1 or \"550 5.1.1 text\")", q != NULL ? q : "");
		free(q);
	}
	return -1;
}

char *
annotate_query(const char *s, int flags, char *err, size_t errlen)
{
	char esc[12];
	int code;

	if (annotate_parse_query(s, &code, esc, err, errlen) == -1)
		return NULL;
	return annotate_code(code, esc, flags, err, errlen);
}
