/*
 * mx.c -- the mail hosts of a domain and a probe of each of their
 * addresses: MX lookup (RFC 5321 5.1, RFC 7505), addresses, DANE TLSA
 * records (RFC 7672), the verdict.  DNS through dns.c, the conversations
 * through probe.c; the caller shows the results.
 */
#include "config.h"

#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mx.h"

static int	mx_hosts(const struct mx_opts *, struct mx_report *);
static void	mx_addresses(const struct mx_opts *, struct mx_report *);
static void	mx_tlsa(const struct mx_opts *, struct mx_report *);
static void	mx_judge(const struct mx_opts *, const struct mx_host *,
		    struct mx_address *);

/* The host list from the MX answer. */
static int
mx_hosts(const struct mx_opts *o, struct mx_report *rep)
{
	const struct dns_answer	*a = &rep->mx;
	size_t			 i;

	switch (a->status) {
	case DNS_OK:
		/* RFC 7505 3: a single "MX 0 ." says the domain takes no
		 * mail; a "." beside other hosts is ignored. */
		if (a->nrr == 1 && strcmp(a->rr[0].text, ".") == 0) {
			rep->kind = MX_NULL;
			return 0;
		}
		rep->kind = MX_LIST;
		break;
	case DNS_NODATA:
		/* RFC 5321 5.1: no MX records, the domain itself is an
		 * implicit MX with preference 0. */
		rep->kind = MX_IMPLICIT;
		break;
	case DNS_NXDOMAIN:
		rep->kind = MX_NXDOMAIN;
		return 0;
	default:
		rep->kind = MX_FAIL;
		return 0;
	}
	if ((rep->hosts = calloc(a->nrr > 0 ? a->nrr : 1,
	    sizeof rep->hosts[0])) == NULL)
		return -1;
	if (rep->kind == MX_IMPLICIT) {
		snprintf(rep->hosts[0].name, sizeof rep->hosts[0].name, "%s",
		    rep->domain);
		rep->nhosts = 1;
		return 0;
	}
	for (i = 0; i < a->nrr; i++) {
		if (strcmp(a->rr[i].text, ".") == 0 ||
		    strlen(a->rr[i].text) >= sizeof rep->hosts[0].name)
			continue;
		rep->hosts[rep->nhosts].pref = a->rr[i].pref;
		snprintf(rep->hosts[rep->nhosts].name,
		    sizeof rep->hosts[0].name, "%s", a->rr[i].text);
		rep->nhosts++;
	}
	return 0;
}

/* A and AAAA of every host, all at once. */
static void
mx_addresses(const struct mx_opts *o, struct mx_report *rep)
{
	struct dns_answer	*qs;
	struct mx_host		*h;
	size_t			 i, j, n = 0;
	char			 err[256];
	int			 secure, bogus;

	if ((qs = calloc(rep->nhosts * 2, sizeof qs[0])) == NULL)
		return;
	for (i = 0; i < rep->nhosts; i++) {
		h = &rep->hosts[i];
		if (o->family != AF_INET6)
			(void)dns_question(&qs[n++], h->name, DNS_A);
		if (o->family != AF_INET)
			(void)dns_question(&qs[n++], h->name, DNS_AAAA);
	}
	(void)dns_resolve(o->dns, qs, n, o->timeout_s * 1000, err,
	    sizeof err);
	for (i = 0, n = 0; i < rep->nhosts; i++) {
		h = &rep->hosts[i];
		secure = 1;
		bogus = 0;
		for (j = 0; j < 2; j++) {
			if ((j == 0 && o->family == AF_INET6) ||
			    (j == 1 && o->family == AF_INET)) {
				(void)dns_question(&h->addr[j], h->name,
				    j == 0 ? DNS_A : DNS_AAAA);
				h->addr[j].status = DNS_NODATA;
				continue;
			}
			h->addr[j] = qs[n++];
			secure &= h->addr[j].sec == DNS_SECURE;
			bogus |= h->addr[j].sec == DNS_BOGUS;
		}
		h->addr_sec = bogus ? DNS_BOGUS : secure ? DNS_SECURE :
		    DNS_INSECURE;
	}
	free(qs);	/* the records now belong to the hosts */
}

/*
 * RFC 7672 2.2.2: TLSA records at _PORT._tcp.HOST are looked up only for
 * a host whose address records are DNSSEC-secure; they count only when
 * secure themselves.
 */
static void
mx_tlsa(const struct mx_opts *o, struct mx_report *rep)
{
	struct dns_answer	*qs;
	struct mx_host		*h;
	size_t			 i, j, n = 0;
	char			 name[300], err[256];

	if ((qs = calloc(rep->nhosts, sizeof qs[0])) == NULL)
		return;
	for (i = 0; i < rep->nhosts; i++) {
		h = &rep->hosts[i];
		h->dane = MX_DANE_INSECURE;
		snprintf(name, sizeof name, "_%s._tcp.%s", o->port, h->name);
		(void)dns_question(&h->tlsa, name, DNS_TLSA);
		if (h->addr_sec == DNS_SECURE)
			(void)dns_question(&qs[n++], name, DNS_TLSA);
	}
	(void)dns_resolve(o->dns, qs, n, o->timeout_s * 1000, err,
	    sizeof err);
	for (i = 0, n = 0; i < rep->nhosts; i++) {
		h = &rep->hosts[i];
		if (h->addr_sec != DNS_SECURE)
			continue;
		h->tlsa = qs[n++];
		if (h->tlsa.sec == DNS_BOGUS || h->tlsa.status == DNS_FAIL ||
		    h->tlsa.status == DNS_TIMEOUT)
			h->dane = MX_DANE_BOGUS;
		else if (h->tlsa.sec != DNS_SECURE)
			h->dane = MX_DANE_INSECURE;
		else if (h->tlsa.status != DNS_OK)
			h->dane = MX_DANE_NONE;
		else {
			h->dane = MX_DANE_RECORDS;
			h->tlsa_recs = calloc(h->tlsa.nrr,
			    sizeof h->tlsa_recs[0]);
			if (h->tlsa_recs == NULL)
				continue;
			for (j = 0; j < h->tlsa.nrr; j++) {
				h->tlsa_recs[j].usage = h->tlsa.rr[j].usage;
				h->tlsa_recs[j].selector =
				    h->tlsa.rr[j].selector;
				h->tlsa_recs[j].mtype = h->tlsa.rr[j].mtype;
				h->tlsa_recs[j].data = h->tlsa.rr[j].data;
				h->tlsa_recs[j].len = h->tlsa.rr[j].len;
			}
			h->ntlsa = h->tlsa.nrr;
		}
	}
	free(qs);
}

int
mx_resolve(const struct mx_opts *o, struct mx_report *rep, char *err,
    size_t errlen)
{
	memset(rep, 0, sizeof *rep);
	if (dns_question(&rep->mx, o->domain, DNS_MX) == -1) {
		snprintf(err, errlen, "\"%s\" is not a domain name", o->domain);
		return -1;
	}
	snprintf(rep->domain, sizeof rep->domain, "%s", rep->mx.name);
	if (dns_resolve(o->dns, &rep->mx, 1, o->timeout_s * 1000, err,
	    errlen) == -1)
		return -1;
	if (mx_hosts(o, rep) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (rep->nhosts == 0)
		return 0;
	mx_addresses(o, rep);
	if (o->dane)
		mx_tlsa(o, rep);
	return 0;
}

/* The probe answered; does it pass DANE where DANE applies? */
static void
mx_judge(const struct mx_opts *o, const struct mx_host *h,
    struct mx_address *a)
{
	a->ok = a->probe.ok;
	if (!o->dane || !a->ok)
		return;
	if (h->dane == MX_DANE_BOGUS) {
		a->ok = 0;
		snprintf(a->why, sizeof a->why, "DANE: the TLSA lookup failed "
		    "or is bogus: a sender must not use this host (RFC 7672 "
		    "2.1.1)");
	} else if (h->dane == MX_DANE_RECORDS && !a->probe.tls) {
		a->ok = 0;
		snprintf(a->why, sizeof a->why, "DANE: TLSA records demand "
		    "STARTTLS, which this host does not offer (RFC 7672 2.2)");
	} else if (h->dane == MX_DANE_RECORDS && a->probe.dane_depth == -1) {
		a->ok = 0;
		snprintf(a->why, sizeof a->why, "DANE: no TLSA record "
		    "matched the certificate (RFC 7672 3)");
	}
}

int
mx_probe(const struct mx_opts *o, struct mx_report *rep,
    const struct mx_ops *ops, void *arg)
{
	struct probe_opts	 po;
	struct mx_address	 a;
	struct mx_host		*h;
	size_t			 i, j;

	for (i = 0; i < rep->nhosts; i++) {
		h = &rep->hosts[i];
		if (ops->host != NULL)
			ops->host(arg, h);
		memset(&po, 0, sizeof po);
		po.port = o->port;
		po.name = h->name;
		po.helo = o->helo;
		po.timeout_s = o->timeout_s;
		po.cafile = o->cafile;
		if (h->dane == MX_DANE_RECORDS) {
			po.tlsa = h->tlsa_recs;
			po.ntlsa = h->ntlsa;
		}
		for (j = 0; (po.addr = mx_host_address(h, j)) != NULL; j++) {
			memset(&a, 0, sizeof a);
			a.addr = po.addr;
			(void)probe_run(&po, &a.probe);
			mx_judge(o, h, &a);
			rep->probed++;
			if (a.ok)
				rep->answered++;
			if (ops->address != NULL)
				ops->address(arg, h, &a);
		}
	}
	if (rep->probed == 0 || rep->answered == 0)
		return 3;
	return rep->answered == rep->probed ? 0 : 1;
}

const char *
mx_host_address(const struct mx_host *h, size_t i)
{
	if (i < h->addr[0].nrr)
		return h->addr[0].rr[i].text;
	i -= h->addr[0].nrr;
	return i < h->addr[1].nrr ? h->addr[1].rr[i].text : NULL;
}

void
mx_report_free(struct mx_report *rep)
{
	size_t	i;

	for (i = 0; i < rep->nhosts; i++) {
		dns_answer_clear(&rep->hosts[i].addr[0]);
		dns_answer_clear(&rep->hosts[i].addr[1]);
		dns_answer_clear(&rep->hosts[i].tlsa);
		free(rep->hosts[i].tlsa_recs);
	}
	free(rep->hosts);
	dns_answer_clear(&rep->mx);
	memset(rep, 0, sizeof *rep);
}
