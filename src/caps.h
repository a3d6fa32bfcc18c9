/*
 * caps.h -- what a server advertised in its EHLO reply (RFC 5321
 * 4.1.1.1), and the space-separated word lists it is made of.
 *
 * One place builds capabilities, whether from a real EHLO reply (the
 * client's session) or from a list of keywords typed by the user
 * (`smtpscope lint --caps`); one place answers "is this keyword
 * advertised" and "is this word in that list".  Nothing here prints.
 */
#ifndef SMTPSCOPE_CAPS_H
#define SMTPSCOPE_CAPS_H

#include <stddef.h>

struct reply;

#define CAPS_KEYWORDS_MAX	64

struct caps {
	int	 ehlo;			/* an EHLO reply was read */
	int	 pipelining;		/* RFC 2920 */
	int	 size;			/* RFC 1870: SIZE advertised */
	unsigned long size_max;		/* its value, 0 = no limit given */
	int	 eightbitmime;		/* RFC 6152 */
	int	 smtputf8;		/* RFC 6531 */
	int	 starttls;		/* RFC 3207 */
	int	 dsn;			/* RFC 3461 */
	int	 chunking;		/* RFC 3030 */
	int	 binarymime;		/* RFC 3030 */
	int	 requiretls;		/* RFC 8689 */
	char	 auth[256];		/* AUTH mechanisms, space-separated, "" none */
	size_t	 nkeywords;
	char	*keywords[CAPS_KEYWORDS_MAX];	/* each keyword line as sent (owned) */
};

/* Forget everything (frees the keyword lines); c is then all zero. */
void caps_clear(struct caps *c);

/* From a 250 reply to EHLO: the first line greets, each further line is
 * an ehlo-keyword with optional parameters.  Replaces what c held. */
void caps_from_ehlo(struct caps *c, const struct reply *r);

/* From keywords typed by the user, as an EHLO reply would list them:
 * "SIZE 10240000 8BITMIME DSN AUTH=PLAIN LOGIN" (words after AUTH or
 * AUTH= are its mechanisms, a number after SIZE its limit; commas count
 * as spaces).  Replaces what c held.  Returns 0, or -1 when out of
 * memory. */
int caps_from_spec(struct caps *c, const char *spec);

/* The parameters of keyword when the EHLO reply lists it (first word,
 * any case): "" or " 10240000" or "=PLAIN"; NULL when not advertised. */
const char *caps_find(const struct caps *c, const char *keyword);
/* The same for keyword[0..n). */
const char *caps_findn(const struct caps *c, const char *keyword, size_t n);

/* 1 when the space-separated list holds word[0..n) (any case). */
int caps_list_has(const char *list, const char *word, size_t n);

#endif
