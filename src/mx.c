/*
 * mx.c -- the mail hosts of a domain and a probe of each of their
 * addresses: MX lookup (RFC 5321 5.1, RFC 7505), addresses, DANE TLSA
 * records (RFC 7672), the MTA-STS policy (RFC 8461), the verdict.  DNS
 * through dns.c, the policy through mtasts.c, the conversations through
 * probe.c; the caller shows the results.
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
static void	mx_sts(const struct mx_opts *, struct mx_report *);
static void	mx_judge_sts(const struct mx_report *, const struct mx_host *,
		    struct mx_address *);
static void	mx_judge(const struct mx_opts *, const struct mx_report *,
		    const struct mx_host *, struct mx_address *);

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
	size_t	i;

	memset(rep, 0, sizeof *rep);
	if (dns_question(&rep->mx, o->domain, DNS_MX) == -1) {
		snprintf(err, errlen, "\"%s\" is not a domain name", o->domain);
		return -1;
	}
	snprintf(rep->domain, sizeof rep->domain, "%s", rep->mx.name);
	if (o->mta_sts)
		mx_sts(o, rep);		/* does the MX lookup too */
	else if (dns_resolve(o->dns, &rep->mx, 1, o->timeout_s * 1000, err,
	    errlen) == -1)
		return -1;
	if (mx_hosts(o, rep) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < rep->nhosts; i++)
		rep->hosts[i].sts_match = rep->sts.state != MX_STS_POLICY ? -1 :
		    mtasts_match(&rep->sts.policy, rep->hosts[i].name);
	if (rep->nhosts == 0)
		return 0;
	mx_addresses(o, rep);
	if (o->dane)
		mx_tlsa(o, rep);
	return 0;
}

/*
 * RFC 8461 3: the _mta-sts TXT record says a policy exists, the policy
 * host mta-sts.DOMAIN serves it.  Both are looked up with the MX records,
 * in one round; any failure means no policy applies (RFC 8461 3.1, 3.3).
 */
static void
mx_sts(const struct mx_opts *o, struct mx_report *rep)
{
	struct mx_sts_report	*st = &rep->sts;
	struct dns_answer	 qs[4];
	struct mtasts_txt	 t;
	const struct dns_record	*r;
	char			 name[300], err[200], *body = NULL;
	size_t			 i, len, found = 0;
	int			 rc;

	st->state = MX_STS_BAD_TXT;
	qs[0] = rep->mx;
	snprintf(name, sizeof name, "_mta-sts.%s", rep->domain);
	(void)dns_question(&qs[1], name, DNS_TXT);
	snprintf(name, sizeof name, "mta-sts.%s", rep->domain);
	(void)dns_question(&qs[2], name, DNS_A);
	(void)dns_question(&qs[3], name, DNS_AAAA);
	if (dns_resolve(o->dns, qs, 4, o->timeout_s * 1000, err,
	    sizeof err) == -1) {
		rep->mx.status = DNS_FAIL;
		snprintf(rep->mx.why, sizeof rep->mx.why, "%s", err);
		snprintf(st->why, sizeof st->why, "%s", err);
		return;
	}
	rep->mx = qs[0];
	st->txt = qs[1];
	st->addr[0] = qs[2];
	st->addr[1] = qs[3];
	if (st->txt.status == DNS_NXDOMAIN || st->txt.status == DNS_NODATA) {
		st->state = MX_STS_NONE;
		return;
	}
	if (st->txt.status != DNS_OK) {
		snprintf(st->why, sizeof st->why, "TXT lookup of %s: %s%s%s",
		    st->txt.name, dns_status_name(st->txt.status),
		    st->txt.why[0] != '\0' ? ": " : "", st->txt.why);
		return;
	}
	/* RFC 8461 3.1: records not starting "v=STSv1" are discarded;
	 * anything but exactly one left means no policy */
	for (i = 0; i < st->txt.nrr; i++) {
		r = &st->txt.rr[i];
		rc = mtasts_parse_txt(r->text, r->textlen, &t, err,
		    sizeof err);
		if (rc == -1)
			continue;
		if (++found == 1 && rc == -2)
			snprintf(st->why, sizeof st->why, "%s: %s",
			    st->txt.name, err);
		else if (found == 1)
			memcpy(st->id, t.id, sizeof st->id);
	}
	if (found == 0) {
		st->state = MX_STS_NONE;
		return;
	}
	if (found > 1) {
		snprintf(st->why, sizeof st->why, "%s: %zu STSv1 records, not "
		    "one (RFC 8461 3.1)", st->txt.name, found);
		return;
	}
	if (st->id[0] == '\0')
		return;
	st->state = MX_STS_NO_POLICY;
	if (o->family != AF_INET6 && st->addr[0].nrr > 0)
		st->host_addr = st->addr[0].rr[0].text;
	else if (o->family != AF_INET && st->addr[1].nrr > 0)
		st->host_addr = st->addr[1].rr[0].text;
	if (st->host_addr == NULL) {
		snprintf(st->why, sizeof st->why, "no address for the policy "
		    "host %s", qs[2].name);
		return;
	}
	if (mtasts_fetch(rep->domain, st->host_addr, o->cafile, o->timeout_s,
	    &body, &len, err, sizeof err) == -1) {
		snprintf(st->why, sizeof st->why, "%s", err);
		return;
	}
	if (mtasts_parse_policy(body, len, &st->policy, err, sizeof err) ==
	    -1)
		snprintf(st->why, sizeof st->why, "the policy: %s", err);
	else
		st->state = MX_STS_POLICY;
	free(body);
}

/*
 * RFC 8461 4: under a policy, a host must match one of its mx patterns
 * (4.1) and offer STARTTLS with a certificate valid for its name (4.2).
 * In enforce mode a failure means no delivery there; in testing mode it
 * is only reported.  Where DANE applies it takes precedence (RFC 8461 2).
 */
static void
mx_judge_sts(const struct mx_report *rep, const struct mx_host *h,
    struct mx_address *a)
{
	const struct mtasts_policy	*p = &rep->sts.policy;
	const char			*fault = NULL;

	if (rep->sts.state != MX_STS_POLICY || p->mode == MTASTS_NONE ||
	    !a->probe.ok)
		return;
	if (h->sts_match == -1)
		fault = "the host matches no mx pattern of the policy (RFC "
		    "8461 4.1)";
	else if (h->dane == MX_DANE_RECORDS)
		return;
	else if (!a->probe.tls)
		fault = "no STARTTLS, which the policy demands (RFC 8461 4.2)";
	else if (!a->probe.verified)
		fault = "the certificate does not verify for the MX name (RFC "
		    "8461 4.2)";
	if (fault == NULL)
		return;
	if (p->mode == MTASTS_ENFORCE) {
		a->ok = 0;
		snprintf(a->why, sizeof a->why, "MTA-STS enforce: %s", fault);
	} else
		snprintf(a->why, sizeof a->why, "MTA-STS testing: %s (reported "
		    "only)", fault);
}

/* The probe answered; does it pass DANE and MTA-STS where they apply? */
static void
mx_judge(const struct mx_opts *o, const struct mx_report *rep,
    const struct mx_host *h, struct mx_address *a)
{
	a->ok = a->probe.ok;
	mx_judge_sts(rep, h, a);
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

enum exitcode
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
			mx_judge(o, rep, h, &a);
			rep->probed++;
			if (a.ok)
				rep->answered++;
			if (ops->address != NULL)
				ops->address(arg, h, &a);
		}
	}
	if (rep->probed == 0 || rep->answered == 0)
		return EXIT_CONNECT;
	return rep->answered == rep->probed ? EXIT_OK : EXIT_FAILED;
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
	dns_answer_clear(&rep->sts.txt);
	dns_answer_clear(&rep->sts.addr[0]);
	dns_answer_clear(&rep->sts.addr[1]);
	mtasts_policy_free(&rep->sts.policy);
	memset(rep, 0, sizeof *rep);
}
