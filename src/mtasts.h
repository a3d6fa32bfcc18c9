/*
 * mtasts.h -- MTA-STS (RFC 8461): the _mta-sts TXT record, the policy
 * file and its MX patterns, and fetching the policy over HTTPS (libcurl).
 * Never prints.
 */
#ifndef SMTPSCOPE_MTASTS_H
#define SMTPSCOPE_MTASTS_H

#include <stddef.h>

/* RFC 8461 3.3: a policy body larger than this is refused. */
#define MTASTS_MAX_POLICY	(64 * 1024)

enum mtasts_mode {
	MTASTS_NONE,		/* "none": no policy in force */
	MTASTS_TESTING,		/* report failures, deliver anyway */
	MTASTS_ENFORCE,		/* do not deliver without valid TLS */
};

/* What an _mta-sts TXT record says (RFC 8461 3.1). */
struct mtasts_txt {
	char	id[33];		/* 1 to 32 letters and digits */
};

struct mtasts_policy {
	enum mtasts_mode mode;
	long		 max_age;	/* seconds, 0..31557600 */
	char		**mx;		/* patterns: "mx.example.org" or
					   "*.example.org", lower case */
	size_t		 nmx;
};

/*
 * Parse one TXT record.  Returns 0; -1 when it is not an MTA-STS record
 * at all (it does not start with "v=STSv1"), which a sender ignores; -2
 * when it is one but malformed, with err set.
 */
int mtasts_parse_txt(const char *txt, size_t len, struct mtasts_txt *,
    char *err, size_t errlen);

/*
 * Parse a policy body (RFC 8461 3.2): lines of "key: value" ended by LF
 * or CRLF; version, mode and max_age are required, mx may repeat, other
 * keys are extensions and ignored.  Returns 0, or -1 with err naming the
 * line and the fault (the policy is then empty).  Free with
 * mtasts_policy_free() either way.
 */
int mtasts_parse_policy(const char *buf, size_t len, struct mtasts_policy *,
    char *err, size_t errlen);
void mtasts_policy_free(struct mtasts_policy *);

/* RFC 8461 4.1: the index of the first mx pattern host matches (a
 * wildcard stands for exactly one leftmost label, case does not count),
 * or -1 when none does. */
int mtasts_match(const struct mtasts_policy *, const char *host);

/* "none", "testing", "enforce". */
const char *mtasts_mode_name(enum mtasts_mode);

/*
 * Fetch https://mta-sts.DOMAIN/.well-known/mta-sts.txt (RFC 8461 3.3),
 * connecting to addr (found by the caller's resolver) on port 443, the
 * certificate verified for mta-sts.DOMAIN against cafile (NULL: the
 * system CAs).  No redirects; the answer must be 200 with text/plain, at
 * most MTASTS_MAX_POLICY bytes.  Returns 0 with the body in *body (the
 * caller frees it; NUL-terminated, *len bytes), or -1 with err set.
 */
int mtasts_fetch(const char *domain, const char *addr, const char *cafile,
    int timeout_s, char **body, size_t *len, char *err, size_t errlen);

#endif
