/*
 * dns.c -- DNS lookups with DNSSEC validation through libunbound.
 *
 * Questions are sent together with ub_resolve_async() and answered in a
 * poll() loop on ub_fd() up to one deadline, so that a console waiting on
 * them keeps its --timeout.  libunbound validates each answer from the
 * trust anchors loaded here and says whether it is secure, insecure or
 * bogus (RFC 4035 4.3); this file only decodes the records.
 *
 * libunbound is loaded when the first resolver is made (lazy.h), not
 * linked: with the four libraries it brings it cost every start of
 * smtpscope 0.3 ms of CPU, for the two commands that resolve names.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <unbound.h>

#include "dns.h"
#include "lazy.h"
#include "net.h"

/* Debian's dns-root-data: the root zone's trust anchor (DS records). */
#define DNS_ROOT_ANCHOR	"/usr/share/dns/root.key"

struct dns {
	struct ub_ctx	*ctx;
	int		 validating;
};

/* One question in flight. */
struct dns_job {
	struct dns_answer	*a;
	int			 id;
	int			 done;
};

/* The functions of libunbound called here, once loaded. */
static struct {
	LAZY_FN(ub_, cancel);
	LAZY_FN(ub_, ctx_add_ta_file);
	LAZY_FN(ub_, ctx_async);
	LAZY_FN(ub_, ctx_create);
	LAZY_FN(ub_, ctx_delete);
	LAZY_FN(ub_, ctx_resolvconf);
	LAZY_FN(ub_, ctx_set_fwd);
	LAZY_FN(ub_, ctx_set_option);
	LAZY_FN(ub_, ctx_zone_remove);
	LAZY_FN(ub_, fd);
	LAZY_FN(ub_, process);
	LAZY_FN(ub_, resolve_async);
	LAZY_FN(ub_, resolve_free);
	LAZY_FN(ub_, strerror);
} ub;
static const struct lazy_sym dns_syms[] = {
	LAZY_SYM(ub, ub_, cancel),
	LAZY_SYM(ub, ub_, ctx_add_ta_file),
	LAZY_SYM(ub, ub_, ctx_async),
	LAZY_SYM(ub, ub_, ctx_create),
	LAZY_SYM(ub, ub_, ctx_delete),
	LAZY_SYM(ub, ub_, ctx_resolvconf),
	LAZY_SYM(ub, ub_, ctx_set_fwd),
	LAZY_SYM(ub, ub_, ctx_set_option),
	LAZY_SYM(ub, ub_, ctx_zone_remove),
	LAZY_SYM(ub, ub_, fd),
	LAZY_SYM(ub, ub_, process),
	LAZY_SYM(ub, ub_, resolve_async),
	LAZY_SYM(ub, ub_, resolve_free),
	LAZY_SYM(ub, ub_, strerror),
};
LAZY_CHECK(ub, dns_syms);
static struct lazy_lib dns_lib = LAZY_LIB(UNBOUND,
    "libunbound, which resolves DNS", dns_syms);

static void	dns_callback(void *, int, struct ub_result *);
static void	dns_take(struct dns_answer *, struct ub_result *);
static int	dns_mx_cmp(const void *, const void *);

struct dns *
dns_new(const struct dns_opts *o, char *err, size_t errlen)
{
	struct dns	*d;
	unsigned char	 buf[sizeof(struct in6_addr)];
	char		 host[128], port[16], fwd[160];
	int		 rc;

	if (lazy_load(&dns_lib, err, errlen) == -1)
		return NULL;
	if ((d = calloc(1, sizeof *d)) == NULL ||
	    (d->ctx = ub.ctx_create()) == NULL) {
		snprintf(err, errlen, "cannot set up the DNS resolver");
		free(d);
		return NULL;
	}
	/* Answers are waited for in our poll loop, in a thread of
	 * libunbound rather than a forked process. */
	(void)ub.ctx_async(d->ctx, 1);
	/* A resolver on loopback (127.0.0.53, a test server) is a normal
	 * forwarder here, not a misconfiguration. */
	(void)ub.ctx_set_option(d->ctx, "do-not-query-localhost:", "no");
	/* libunbound logs to stderr by default: the core never prints. */
	(void)ub.ctx_set_option(d->ctx, "use-syslog:", "no");
	(void)ub.ctx_set_option(d->ctx, "logfile:", "/dev/null");

	if (o->resolver != NULL) {
		if (net_parse_hostport(o->resolver, "53", host, sizeof host,
		    port, sizeof port, err, errlen) != 0)
			goto fail;
		if (inet_pton(AF_INET, host, buf) != 1 &&
		    inet_pton(AF_INET6, host, buf) != 1) {
			snprintf(err, errlen, "--resolver wants an IP address "
			    "(ADDR or ADDR:PORT), not \"%s\"", o->resolver);
			goto fail;
		}
		snprintf(fwd, sizeof fwd, "%s@%s", host, port);
		if ((rc = ub.ctx_set_fwd(d->ctx, fwd)) != 0) {
			snprintf(err, errlen, "cannot use resolver %s: %s",
			    o->resolver, ub.strerror(rc));
			goto fail;
		}
	} else if ((rc = ub.ctx_resolvconf(d->ctx, NULL)) != 0) {
		snprintf(err, errlen, "cannot read /etc/resolv.conf: %s",
		    ub.strerror(rc));
		goto fail;
	}

	if (o->trust_anchor != NULL) {
		errno = 0;
		if (access(o->trust_anchor, R_OK) == -1 ||
		    (rc = ub.ctx_add_ta_file(d->ctx, o->trust_anchor)) != 0) {
			snprintf(err, errlen, "cannot read the trust anchor %s: "
			    "%s", o->trust_anchor, errno != 0 ?
			    strerror(errno) : "not DS or DNSKEY records");
			goto fail;
		}
		d->validating = 1;
	} else if (access(DNS_ROOT_ANCHOR, R_OK) == 0 &&
	    ub.ctx_add_ta_file(d->ctx, DNS_ROOT_ANCHOR) == 0)
		d->validating = 1;
	/* RFC 6761 6.2: libunbound answers "test." names itself (no such
	 * domain); a server named with --resolver (a lab, a test zone) is
	 * asked for them instead.  This ends the configuration. */
	if (o->resolver != NULL)
		(void)ub.ctx_zone_remove(d->ctx, "test.");
	return d;

fail:
	dns_free(d);
	return NULL;
}

void
dns_free(struct dns *d)
{
	if (d == NULL)
		return;
	if (d->ctx != NULL)
		ub.ctx_delete(d->ctx);
	free(d);
}

int
dns_validating(const struct dns *d)
{
	return d->validating;
}

int
dns_question(struct dns_answer *a, const char *name, enum dns_type type)
{
	size_t	len = strlen(name);

	memset(a, 0, sizeof *a);
	if (len > 0 && name[len - 1] == '.' && len > 1)
		len--;
	/* RFC 1035 2.3.4: 255 octets on the wire, 253 characters as text */
	if (len == 0 || len > 253)
		return -1;
	memcpy(a->name, name, len);
	a->name[len] = '\0';
	a->type = type;
	return 0;
}

const char *
dns_sec_name(enum dns_sec s)
{
	switch (s) {
	case DNS_SECURE:
		return "secure";
	case DNS_BOGUS:
		return "bogus";
	default:
		return "insecure";
	}
}

const char *
dns_status_name(enum dns_status s)
{
	switch (s) {
	case DNS_OK:
		return "ok";
	case DNS_NODATA:
		return "no records";
	case DNS_NXDOMAIN:
		return "no such domain (NXDOMAIN)";
	case DNS_FAIL:
		return "lookup failed";
	case DNS_TIMEOUT:
		return "timed out";
	default:
		return "not resolved";
	}
}

void
dns_record_clear(struct dns_record *r)
{
	free(r->text);
	free(r->data);
	memset(r, 0, sizeof *r);
}

void
dns_answer_clear(struct dns_answer *a)
{
	size_t	i;

	for (i = 0; i < a->nrr; i++)
		dns_record_clear(&a->rr[i]);
	free(a->rr);
	a->rr = NULL;
	a->nrr = 0;
}

int
dns_record_decode(enum dns_type type, const unsigned char *p, size_t len,
    struct dns_record *r)
{
	char	 name[NS_MAXDNAME];
	size_t	 i, n, o;
	int	 af;

	memset(r, 0, sizeof *r);
	switch (type) {
	case DNS_MX:
		/* RFC 1035 3.3.9: PREFERENCE (16 bits), EXCHANGE (a name,
		 * never compressed in the RDATA libunbound hands out: the
		 * name alone is the "message", so a pointer in it can only
		 * point into itself) */
		if (len < 3 || len > INT_MAX ||
		    dn_expand(p + 2, p + len, p + 2, name, sizeof name) !=
		    (int)len - 2)
			return -1;
		r->pref = (unsigned)p[0] << 8 | p[1];
		/* RFC 7505 3: the null MX is the root, "." */
		if ((r->text = strdup(name[0] == '\0' ? "." : name)) == NULL)
			return -1;
		r->textlen = strlen(r->text);
		return 0;
	case DNS_A:
	case DNS_AAAA:
		af = type == DNS_A ? AF_INET : AF_INET6;
		if (len != (type == DNS_A ? 4u : 16u) ||
		    inet_ntop(af, p, name, sizeof name) == NULL ||
		    (r->text = strdup(name)) == NULL)
			return -1;
		r->textlen = strlen(r->text);
		return 0;
	case DNS_TXT:
		/* RFC 1035 3.3.14: one or more <character-string>s, each a
		 * length octet and that many octets */
		if (len == 0 || (r->text = malloc(len)) == NULL)
			return -1;
		for (i = 0, o = 0; i < len; i += n) {
			n = p[i++];
			if (n > len - i) {
				dns_record_clear(r);
				return -1;
			}
			memcpy(r->text + o, p + i, n);
			o += n;
		}
		r->text[o] = '\0';
		r->textlen = o;
		return 0;
	case DNS_TLSA:
		/* RFC 6698 2.1: usage, selector, matching type, data */
		if (len < 4 || (r->data = malloc(len - 3)) == NULL)
			return -1;
		r->usage = p[0];
		r->selector = p[1];
		r->mtype = p[2];
		memcpy(r->data, p + 3, len - 3);
		r->len = len - 3;
		return 0;
	}
	return -1;
}

static int
dns_mx_cmp(const void *x, const void *y)
{
	const struct dns_record	*a = x, *b = y;

	if (a->pref != b->pref)
		return a->pref < b->pref ? -1 : 1;
	return strcasecmp(a->text, b->text);
}

/*
 * RFC 5321 5.1: lower preference first.  Hosts of equal preference a
 * sender takes in random order; a stable order by name keeps the report
 * readable and comparable between runs.
 */
void
dns_mx_sort(struct dns_record *rr, size_t n)
{
	if (n > 1)
		qsort(rr, n, sizeof rr[0], dns_mx_cmp);
}

/* Copy what libunbound found into the answer. */
static void
dns_take(struct dns_answer *a, struct ub_result *res)
{
	size_t	n, i;

	a->rcode = res->rcode;
	if (res->secure)
		a->sec = DNS_SECURE;
	else if (res->bogus) {
		a->sec = DNS_BOGUS;
		snprintf(a->why, sizeof a->why, "%s", res->why_bogus != NULL ?
		    res->why_bogus : "the answer does not validate");
	}
	if (a->sec == DNS_BOGUS) {
		a->status = DNS_FAIL;
		return;
	}
	if (res->nxdomain) {
		a->status = DNS_NXDOMAIN;
		return;
	}
	if (res->rcode != 0) {
		a->status = DNS_FAIL;
		snprintf(a->why, sizeof a->why, "%s", res->rcode == 2 ?
		    "the server failed (SERVFAIL)" : res->rcode == 5 ?
		    "the server refused (REFUSED)" : "error answer");
		return;
	}
	if (!res->havedata) {
		a->status = DNS_NODATA;
		return;
	}
	for (n = 0; res->data[n] != NULL; n++)
		;
	if ((a->rr = calloc(n, sizeof a->rr[0])) == NULL) {
		a->status = DNS_FAIL;
		snprintf(a->why, sizeof a->why, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		if (res->len[i] < 0 || dns_record_decode(a->type,
		    (const unsigned char *)res->data[i], (size_t)res->len[i],
		    &a->rr[a->nrr]) == -1)
			continue;	/* malformed: left out */
		a->nrr++;
	}
	if (a->type == DNS_MX)
		dns_mx_sort(a->rr, a->nrr);
	a->status = a->nrr > 0 ? DNS_OK : DNS_FAIL;
	if (a->nrr == 0)
		snprintf(a->why, sizeof a->why, "malformed records");
}

static void
dns_callback(void *arg, int err, struct ub_result *res)
{
	struct dns_job	*j = arg;

	j->done = 1;
	if (err != 0) {
		j->a->status = DNS_FAIL;
		snprintf(j->a->why, sizeof j->a->why, "%s", ub.strerror(err));
	} else if (res != NULL)
		dns_take(j->a, res);
	if (res != NULL)
		ub.resolve_free(res);
}

int
dns_resolve(struct dns *d, struct dns_answer *qs, size_t n, int timeout_ms,
    char *err, size_t errlen)
{
	struct dns_job	*jobs;
	double		 deadline = net_clock_ms() + timeout_ms;
	size_t		 i, left = 0;
	int		 rc, wait;

	if (n == 0)
		return 0;
	if ((jobs = calloc(n, sizeof jobs[0])) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		dns_answer_clear(&qs[i]);
		qs[i].status = DNS_PENDING;
		jobs[i].a = &qs[i];
		rc = ub.resolve_async(d->ctx, qs[i].name, (int)qs[i].type,
		    1 /* IN */, &jobs[i], dns_callback, &jobs[i].id);
		if (rc != 0) {
			jobs[i].done = 1;
			qs[i].status = DNS_FAIL;
			snprintf(qs[i].why, sizeof qs[i].why, "%s",
			    ub.strerror(rc));
		} else
			left++;
	}
	while (left > 0) {
		wait = (int)(deadline - net_clock_ms());
		if (wait <= 0)
			break;
		rc = net_wait(ub.fd(d->ctx), POLLIN, wait);
		if (rc < 0)
			break;
		if (rc > 0 && ub.process(d->ctx) != 0)
			break;
		for (i = 0, left = 0; i < n; i++)
			if (!jobs[i].done)
				left++;
	}
	for (i = 0; i < n; i++) {
		if (jobs[i].done)
			continue;
		(void)ub.cancel(d->ctx, jobs[i].id);
		qs[i].status = DNS_TIMEOUT;
		snprintf(qs[i].why, sizeof qs[i].why, "no answer within %d s",
		    (timeout_ms + 999) / 1000);
	}
	free(jobs);
	return 0;
}
