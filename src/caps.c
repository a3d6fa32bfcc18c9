/*
 * caps.c -- what a server advertised in its EHLO reply, and word lists.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "caps.h"
#include "codes.h"
#include "reply.h"

static void	caps_add_mechs(struct caps *, const char *);
static void	caps_flags(struct caps *);

void
caps_clear(struct caps *c)
{
	size_t i;

	for (i = 0; i < c->nkeywords; i++)
		free(c->keywords[i]);
	memset(c, 0, sizeof *c);
}

const char *
caps_find(const struct caps *c, const char *keyword)
{
	return caps_findn(c, keyword, strlen(keyword));
}

const char *
caps_findn(const struct caps *c, const char *keyword, size_t n)
{
	size_t	i;

	for (i = 0; i < c->nkeywords; i++) {
		const char *k = c->keywords[i];
		if (strncasecmp(k, keyword, n) == 0 &&
		    (k[n] == '\0' || k[n] == ' ' || k[n] == '='))
			return k + n;
	}
	return NULL;
}

int
caps_list_has(const char *list, const char *word, size_t n)
{
	size_t l;

	while (*list != '\0') {
		while (*list == ' ')
			list++;
		l = strcspn(list, " ");
		if (l > 0 && l == n && strncasecmp(list, word, n) == 0)
			return 1;
		list += l;
	}
	return 0;
}

/* Add the mechanisms of one AUTH line to c->auth, once each (the old
 * "AUTH=LOGIN PLAIN" form usually repeats the real line's). */
static void
caps_add_mechs(struct caps *c, const char *p)
{
	size_t	len, used;

	while (*p == ' ' || *p == '=')
		p++;
	while (*p != '\0') {
		len = strcspn(p, " ");
		used = strlen(c->auth);
		if (len > 0 && len < 64 && !caps_list_has(c->auth, p, len) &&
		    used + len + 2 < sizeof c->auth)
			snprintf(c->auth + used, sizeof c->auth - used, "%s%.*s",
			    used ? " " : "", (int)len, p);
		p += len;
		while (*p == ' ')
			p++;
	}
}

/* The flags and the AUTH list, from the keyword lines. */
static void
caps_flags(struct caps *c)
{
	const char	*v;
	size_t		 i;

	c->pipelining = caps_find(c, "PIPELINING") != NULL;
	if ((v = caps_find(c, "SIZE")) != NULL) {
		c->size = 1;
		/* RFC 1870 4: "SIZE" [SP number] */
		c->size_max = strtoul(v, NULL, 10);
	}
	c->eightbitmime = caps_find(c, "8BITMIME") != NULL;
	c->smtputf8 = caps_find(c, "SMTPUTF8") != NULL;
	c->starttls = caps_find(c, "STARTTLS") != NULL;
	c->dsn = caps_find(c, "DSN") != NULL;
	c->chunking = caps_find(c, "CHUNKING") != NULL;
	c->binarymime = caps_find(c, "BINARYMIME") != NULL;
	c->requiretls = caps_find(c, "REQUIRETLS") != NULL;
	/* RFC 4954 3: "AUTH" SP mechanism *(SP mechanism) */
	for (i = 0; i < c->nkeywords; i++)
		if (strncasecmp(c->keywords[i], "AUTH", 4) == 0 &&
		    (c->keywords[i][4] == ' ' || c->keywords[i][4] == '=' ||
		    c->keywords[i][4] == '\0'))
			caps_add_mechs(c, c->keywords[i] + 4);
}

/* RFC 5321 4.1.1.1: ehlo-ok-rsp; the first line greets, each further line
 * is an ehlo-keyword with optional parameters. */
void
caps_from_ehlo(struct caps *c, const struct reply *r)
{
	size_t i;

	caps_clear(c);
	c->ehlo = 1;
	for (i = 1; i < r->nlines && c->nkeywords < CAPS_KEYWORDS_MAX; i++)
		if ((c->keywords[c->nkeywords] = strdup(r->lines[i].text)) != NULL)
			c->nkeywords++;
	caps_flags(c);
}

/*
 * "SIZE 1000 8BITMIME AUTH PLAIN LOGIN": each keyword becomes a line as an
 * EHLO reply would have sent it ("SIZE 1000", "AUTH PLAIN LOGIN").  A
 * number after SIZE is its limit; the words after AUTH are mechanisms up
 * to the next registered EHLO keyword (codes_ehlo.def).
 */
int
caps_from_spec(struct caps *c, const char *spec)
{
	char	*copy, *w, *next, line[512];
	size_t	 len = 0;
	int	 in_auth = 0, after_size = 0, rc = 0;

	caps_clear(c);
	c->ehlo = 1;
	if ((copy = strdup(spec)) == NULL)
		return -1;
	line[0] = '\0';
	for (w = copy; w != NULL && rc == 0; w = next) {
		w += strspn(w, " ,");
		if (*w == '\0')
			break;
		next = strpbrk(w, " ,");
		if (next != NULL)
			*next++ = '\0';
		if ((after_size && strspn(w, "0123456789") == strlen(w)) ||
		    (in_auth && strchr(w, '=') == NULL &&
		    codes_lookup_keyword(w) == NULL)) {
			/* a parameter of the keyword before */
			len += (size_t)snprintf(line + len, len < sizeof line ?
			    sizeof line - len : 0, " %s", w);
			after_size = 0;
			continue;
		}
		if (line[0] != '\0' && c->nkeywords < CAPS_KEYWORDS_MAX &&
		    (c->keywords[c->nkeywords++] = strdup(line)) == NULL)
			rc = -1;
		in_auth = strncasecmp(w, "AUTH=", 5) == 0 ||
		    strcasecmp(w, "AUTH") == 0;
		after_size = strcasecmp(w, "SIZE") == 0;
		if (in_auth && w[4] == '=')
			len = (size_t)snprintf(line, sizeof line, "AUTH %s",
			    w + 5);
		else
			len = (size_t)snprintf(line, sizeof line, "%s", w);
	}
	if (rc == 0 && line[0] != '\0' && c->nkeywords < CAPS_KEYWORDS_MAX &&
	    (c->keywords[c->nkeywords++] = strdup(line)) == NULL)
		rc = -1;
	free(copy);
	if (c->nkeywords > 0 && c->keywords[c->nkeywords - 1] == NULL)
		c->nkeywords--;
	caps_flags(c);
	return rc;
}
