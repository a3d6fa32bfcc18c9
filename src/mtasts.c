/*
 * mtasts.c -- MTA-STS (RFC 8461): the TXT record (3.1), the policy file
 * (3.2), MX pattern matching (4.1), and the policy fetched over HTTPS
 * with libcurl (3.3).
 *
 * libcurl is loaded when a policy is first fetched (lazy.h), not linked:
 * with the 27 libraries it brings it cost every start of smtpscope 2 ms,
 * as much as a replay of 100 transactions, for a command few runs use.
 *
 * Both parsers read text from the network: they check it strictly
 * against the ABNF of RFC 8461 and name the first fault.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "lazy.h"
#include "mtasts.h"
#include "verbs.h"

/* RFC 8461 3.2: max_age is at most 31557600 seconds (about a year). */
#define MTASTS_MAX_AGE	31557600L

/* The functions of libcurl called here, once loaded. */
static struct {
	LAZY_FN(curl_, easy_cleanup);
	LAZY_FN(curl_, easy_getinfo);
	LAZY_FN(curl_, easy_init);
	LAZY_FN(curl_, easy_perform);
	LAZY_FN(curl_, easy_setopt);
	LAZY_FN(curl_, easy_strerror);
	LAZY_FN(curl_, global_init);
	LAZY_FN(curl_, slist_append);
	LAZY_FN(curl_, slist_free_all);
} cu;
static const struct lazy_sym mtasts_syms[] = {
	LAZY_SYM(cu, curl_, easy_cleanup),
	LAZY_SYM(cu, curl_, easy_getinfo),
	LAZY_SYM(cu, curl_, easy_init),
	LAZY_SYM(cu, curl_, easy_perform),
	LAZY_SYM(cu, curl_, easy_setopt),
	LAZY_SYM(cu, curl_, easy_strerror),
	LAZY_SYM(cu, curl_, global_init),
	LAZY_SYM(cu, curl_, slist_append),
	LAZY_SYM(cu, curl_, slist_free_all),
};
LAZY_CHECK(cu, mtasts_syms);
static struct lazy_lib mtasts_lib = LAZY_LIB(LIBCURL,
    "libcurl, which fetches MTA-STS policies", mtasts_syms);

/* The body being received. */
struct mtasts_buf {
	char	*data;
	size_t	 len;
	int	 toolong;
};

static int	mtasts_wsp(int);
static int	mtasts_ext_name(const char *, size_t);
static int	mtasts_pattern_ok(const char *, size_t);
static int	mtasts_policy_line(struct mtasts_policy *, const char *,
		    size_t, unsigned *, char *, size_t);
static size_t	mtasts_write(char *, size_t, size_t, void *);

static int
mtasts_wsp(int c)
{
	return c == ' ' || c == '\t';
}

/* sts-ext-name / sts-policy-ext-name = (ALPHA / DIGIT)
 * *31(ALPHA / DIGIT / "_" / "-" / ".") */
static int
mtasts_ext_name(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || n > 32 || !isalnum((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

/* sts-policy-mx-value = ["*."] Domain (RFC 5321's Domain, the grammar
 * of verbs.c; no address literal) */
static int
mtasts_pattern_ok(const char *s, size_t n)
{
	if (n >= 2 && s[0] == '*' && s[1] == '.') {
		s += 2;
		n -= 2;
	}
	return n > 0 && n < 254 && s[0] != '[' && verbs_domain_ok(s, n, 1);
}

const char *
mtasts_mode_name(enum mtasts_mode m)
{
	switch (m) {
	case MTASTS_TESTING:
		return "testing";
	case MTASTS_ENFORCE:
		return "enforce";
	default:
		return "none";
	}
}

/*
 * RFC 8461 3.1:
 *	sts-text-record = sts-version 1*(sts-field-delim sts-field)
 *	                  [sts-field-delim]
 *	sts-field-delim = *WSP ";" *WSP
 *	sts-version     = %s"v=STSv1"
 *	sts-id          = %s"id=" 1*32(ALPHA / DIGIT)
 *	sts-extension   = sts-ext-name "=" sts-ext-value
 *	sts-ext-value   = 1*(%x21-3A / %x3C / %x3E-7E)
 */
int
mtasts_parse_txt(const char *s, size_t len, struct mtasts_txt *t, char *err,
    size_t errlen)
{
	size_t	 i, name, nlen, val, vlen;
	int	 fields = 0;

	memset(t, 0, sizeof *t);
	if (len < 7 || memcmp(s, "v=STSv1", 7) != 0)
		return -1;
	/* a record that merely starts with the letters is not one */
	if (len > 7 && s[7] != ';' && !mtasts_wsp(s[7]))
		return -1;
	i = 7;
	for (;;) {
		while (i < len && mtasts_wsp(s[i]))
			i++;
		if (i == len)
			break;
		if (s[i] != ';') {
			snprintf(err, errlen, "expected \";\" at offset %zu "
			    "(RFC 8461 3.1)", i);
			return -2;
		}
		i++;
		while (i < len && mtasts_wsp(s[i]))
			i++;
		if (i == len)
			break;		/* a final delimiter is allowed */
		for (name = i; i < len && s[i] != '=' && s[i] != ';' &&
		    !mtasts_wsp(s[i]); i++)
			;
		nlen = i - name;
		if (i == len || s[i] != '=' || !mtasts_ext_name(s + name,
		    nlen)) {
			snprintf(err, errlen, "malformed field at offset %zu: "
			    "NAME=VALUE expected (RFC 8461 3.1)", name);
			return -2;
		}
		for (val = ++i; i < len && (unsigned char)s[i] > 0x20 &&
		    (unsigned char)s[i] < 0x7f && s[i] != ';' && s[i] != '=';
		    i++)
			;
		vlen = i - val;
		if (vlen == 0 || (i < len && s[i] != ';' &&
		    !mtasts_wsp(s[i]))) {
			snprintf(err, errlen, "malformed value at offset %zu "
			    "(RFC 8461 3.1)", val);
			return -2;
		}
		fields++;
		if (nlen == 2 && memcmp(s + name, "id", 2) == 0) {
			if (t->id[0] != '\0')
				continue;	/* the first one counts */
			if (vlen > 32) {
				snprintf(err, errlen, "id longer than 32 "
				    "characters (RFC 8461 3.1)");
				return -2;
			}
			for (; val < i; val++)
				if (!isalnum((unsigned char)s[val])) {
					snprintf(err, errlen, "id holds a "
					    "character other than letters and "
					    "digits (RFC 8461 3.1)");
					return -2;
				}
			memcpy(t->id, s + i - vlen, vlen);
			t->id[vlen] = '\0';
		}
	}
	if (t->id[0] == '\0') {
		snprintf(err, errlen, "no id field (RFC 8461 3.1)");
		return -2;
	}
	return 0;
}

/* One "key: value" line of a policy; seen collects the fields met. */
static int
mtasts_policy_line(struct mtasts_policy *p, const char *s, size_t n,
    unsigned *seen, char *err, size_t errlen)
{
	const char	*colon, *v;
	char		**mx, *pat, digits[11];
	size_t		 klen, vlen, i;
	long		 age = 0;

	if ((colon = memchr(s, ':', n)) == NULL) {
		snprintf(err, errlen, "no \":\" (RFC 8461 3.2)");
		return -1;
	}
	klen = (size_t)(colon - s);
	v = colon + 1;
	vlen = n - klen - 1;
	/* sts-policy-field-delim = ":" *WSP; trailing WSP are allowed too */
	while (vlen > 0 && mtasts_wsp(*v)) {
		v++;
		vlen--;
	}
	while (vlen > 0 && mtasts_wsp(v[vlen - 1]))
		vlen--;
	for (i = 0; i < vlen; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
			snprintf(err, errlen, "control character in the value "
			    "(RFC 8461 3.2)");
			return -1;
		}
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(s, k, klen) == 0)
#define VAL(x) (vlen == sizeof(x) - 1 && memcmp(v, x, vlen) == 0)
	if (KEY("version")) {
		if (*seen & 1)
			return 0;	/* the first one counts */
		*seen |= 1;
		if (!VAL("STSv1")) {
			snprintf(err, errlen, "version is not STSv1 (RFC 8461 "
			    "3.2)");
			return -1;
		}
	} else if (KEY("mode")) {
		if (*seen & 2)
			return 0;
		*seen |= 2;
		if (VAL("enforce"))
			p->mode = MTASTS_ENFORCE;
		else if (VAL("testing"))
			p->mode = MTASTS_TESTING;
		else if (VAL("none"))
			p->mode = MTASTS_NONE;
		else {
			snprintf(err, errlen, "mode is not enforce, testing or "
			    "none (RFC 8461 3.2)");
			return -1;
		}
	} else if (KEY("max_age")) {
		if (*seen & 4)
			return 0;
		*seen |= 4;
		/* 1*10(DIGIT), at most 31557600 */
		for (i = 0; i < vlen; i++)
			if (!isdigit((unsigned char)v[i]))
				break;
		if (vlen > 0 && vlen <= 10 && i == vlen) {
			/* the value is not NUL-terminated in buf */
			memcpy(digits, v, vlen);
			digits[vlen] = '\0';
			age = strtol(digits, NULL, 10);
		}
		if (vlen == 0 || vlen > 10 || i != vlen ||
		    age > MTASTS_MAX_AGE) {
			snprintf(err, errlen, "max_age is not a number of "
			    "seconds up to %ld (RFC 8461 3.2)", MTASTS_MAX_AGE);
			return -1;
		}
		p->max_age = age;
	} else if (KEY("mx")) {
		if (!mtasts_pattern_ok(v, vlen)) {
			snprintf(err, errlen, "mx is not a host name or "
			    "\"*.\" and a domain (RFC 8461 3.2)");
			return -1;
		}
		if ((pat = strndup(v, vlen)) == NULL ||
		    (mx = realloc(p->mx, (p->nmx + 1) * sizeof *mx)) ==
		    NULL) {
			free(pat);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		for (i = 0; i < vlen; i++)
			pat[i] = (char)tolower((unsigned char)pat[i]);
		p->mx = mx;
		p->mx[p->nmx++] = pat;
	} else if (!mtasts_ext_name(s, klen)) {
		snprintf(err, errlen, "malformed key (RFC 8461 3.2)");
		return -1;
	}
	/* other keys are extensions: ignored */
#undef KEY
#undef VAL
	return 0;
}

int
mtasts_parse_policy(const char *buf, size_t len, struct mtasts_policy *p,
    char *err, size_t errlen)
{
	const char	*s = buf, *end = buf + len, *nl;
	char		 why[200];
	unsigned	 seen = 0, line = 0;
	size_t		 n;

	memset(p, 0, sizeof *p);
	if (memchr(buf, '\0', len) != NULL) {
		snprintf(err, errlen, "the policy holds a NUL byte");
		goto bad;
	}
	while (s < end) {
		line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		n = nl != NULL ? (size_t)(nl - s) : (size_t)(end - s);
		/* sts-policy-term = LF / CRLF */
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (n == 0) {
			/* only the end may be blank */
			s = nl != NULL ? nl + 1 : end;
			while (s < end && (*s == '\r' || *s == '\n'))
				s++;
			if (s < end) {
				snprintf(err, errlen, "line %u: empty line "
				    "(RFC 8461 3.2)", line);
				goto bad;
			}
			break;
		}
		if (memchr(s, '\r', n) != NULL) {
			snprintf(err, errlen, "line %u: CR inside a line "
			    "(RFC 8461 3.2)", line);
			goto bad;
		}
		if (mtasts_policy_line(p, s, n, &seen, why, sizeof why) ==
		    -1) {
			snprintf(err, errlen, "line %u: %s", line, why);
			goto bad;
		}
		s = nl != NULL ? nl + 1 : end;
	}
	if ((seen & 7) != 7) {
		snprintf(err, errlen, "no %s field (RFC 8461 3.2)",
		    !(seen & 1) ? "version" : !(seen & 2) ? "mode" : "max_age");
		goto bad;
	}
	return 0;
bad:
	mtasts_policy_free(p);
	return -1;
}

void
mtasts_policy_free(struct mtasts_policy *p)
{
	size_t	i;

	for (i = 0; i < p->nmx; i++)
		free(p->mx[i]);
	free(p->mx);
	memset(p, 0, sizeof *p);
}

int
mtasts_match(const struct mtasts_policy *p, const char *host)
{
	const char	*dot;
	size_t		 i, hlen = strlen(host);

	if (hlen > 0 && host[hlen - 1] == '.')
		hlen--;
	for (i = 0; i < p->nmx; i++) {
		const char	*pat = p->mx[i];
		size_t		 plen = strlen(pat);

		if (pat[0] == '*') {
			/* "*.example.org" matches "mx.example.org" only:
			 * one leftmost label, never the domain itself */
			dot = memchr(host, '.', hlen);
			if (dot != NULL && dot > host &&
			    (size_t)(host + hlen - dot) == plen - 1 &&
			    strncasecmp(dot, pat + 1, plen - 1) == 0)
				return (int)i;
		} else if (plen == hlen && strncasecmp(host, pat, hlen) == 0)
			return (int)i;
	}
	return -1;
}

static size_t
mtasts_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct mtasts_buf	*b = arg;
	size_t			 n = size * nmemb;
	char			*p;

	if (b->len + n > MTASTS_MAX_POLICY) {
		b->toolong = 1;
		return 0;	/* libcurl stops */
	}
	if ((p = realloc(b->data, b->len + n + 1)) == NULL)
		return 0;
	b->data = p;
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

int
mtasts_fetch(const char *domain, const char *addr, const char *cafile,
    int timeout_s, char **body, size_t *len, char *err, size_t errlen)
{
	struct mtasts_buf	 b;
	struct curl_slist	*resolve = NULL;
	CURL			*c;
	CURLcode		 rc;
	char			 url[400], pin[400], cerr[CURL_ERROR_SIZE];
	const char		*ctype = NULL;
	long			 code = 0;
	int			 ret = -1;

	*body = NULL;
	*len = 0;
	memset(&b, 0, sizeof b);
	cerr[0] = '\0';
	snprintf(url, sizeof url, "https://mta-sts.%s/.well-known/mta-sts.txt",
	    domain);
	/* RFC 8461 3.3: the Policy Host is mta-sts.DOMAIN on port 443; its
	 * address comes from our resolver, not from libcurl's */
	snprintf(pin, sizeof pin, strchr(addr, ':') != NULL ?
	    "mta-sts.%s:443:[%s]" : "mta-sts.%s:443:%s", domain, addr);
	if (lazy_load(&mtasts_lib, err, errlen) == -1)
		return -1;
	if (cu.global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    (c = cu.easy_init()) == NULL) {
		snprintf(err, errlen, "cannot set up libcurl");
		return -1;
	}
	if ((resolve = cu.slist_append(NULL, pin)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	cu.easy_setopt(c, CURLOPT_URL, url);
	cu.easy_setopt(c, CURLOPT_RESOLVE, resolve);
	cu.easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	cu.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	cu.easy_setopt(c, CURLOPT_TIMEOUT, (long)timeout_s);
	/* RFC 8461 3.3: redirects are not followed */
	cu.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	cu.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	cu.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cafile != NULL)
		cu.easy_setopt(c, CURLOPT_CAINFO, cafile);
	cu.easy_setopt(c, CURLOPT_USERAGENT, PACKAGE_STRING);
	cu.easy_setopt(c, CURLOPT_WRITEFUNCTION, mtasts_write);
	cu.easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if ((rc = cu.easy_perform(c)) != CURLE_OK) {
		if (b.toolong)
			snprintf(err, errlen, "the policy is larger than %d "
			    "bytes (RFC 8461 3.3)", MTASTS_MAX_POLICY);
		else
			snprintf(err, errlen, "%s: %s", url, cerr[0] != '\0' ?
			    cerr : cu.easy_strerror(rc));
		goto out;
	}
	cu.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	cu.easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ctype);
	/* RFC 8461 3.3: 200 only, and the media type text/plain */
	if (code != 200) {
		snprintf(err, errlen, "%s: HTTP status %ld, not 200 (RFC 8461 "
		    "3.3)", url, code);
		goto out;
	}
	if (ctype == NULL || strncasecmp(ctype, "text/plain", 10) != 0 ||
	    (ctype[10] != '\0' && ctype[10] != ';' && ctype[10] != ' ')) {
		snprintf(err, errlen, "%s: media type %s, not text/plain (RFC "
		    "8461 3.3)", url, ctype != NULL ? ctype : "missing");
		goto out;
	}
	if (b.data == NULL && (b.data = strdup("")) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	*body = b.data;
	*len = b.len;
	b.data = NULL;
	ret = 0;
out:
	free(b.data);
	cu.slist_free_all(resolve);
	cu.easy_cleanup(c);
	return ret;
}
