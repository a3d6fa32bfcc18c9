/*
 * cmd_mx.c -- `smtpscope mx [options] DOMAIN`: the MX hosts of a domain,
 * each of their addresses probed, one line per address, then a verdict.
 * The lookups and probes are mx.c's; this file parses the options and
 * formats the results.
 */
#include "config.h"

#include <sys/socket.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "exitcode.h"
#include "jsonl.h"
#include "mx.h"
#include "net.h"
#include "sanitize.h"

enum {
	OPT_TIMEOUT = 256, OPT_PORT, OPT_CAFILE, OPT_RESOLVER, OPT_ANCHOR,
	OPT_DANE, OPT_MTA_STS, OPT_EHLO, OPT_JSON,
};

static const struct option mx_options[] = {
	{ "timeout",		required_argument,	NULL, OPT_TIMEOUT },
	{ "port",		required_argument,	NULL, OPT_PORT },
	{ "cafile",		required_argument,	NULL, OPT_CAFILE },
	{ "resolver",		required_argument,	NULL, OPT_RESOLVER },
	{ "dns-trust-anchor",	required_argument,	NULL, OPT_ANCHOR },
	{ "dane",		no_argument,		NULL, OPT_DANE },
	{ "mta-sts",		no_argument,		NULL, OPT_MTA_STS },
	{ "ehlo",		required_argument,	NULL, OPT_EHLO },
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL,			0,			NULL, 0 },
};

struct mx_out {
	const struct mx_opts	*o;
	const struct mx_report	*rep;
};

static void	mx_show_host(void *, const struct mx_host *);
static enum exitcode mx_json(const struct mx_opts *, struct dns *);
static void	mx_show_address(void *, const struct mx_host *,
		    const struct mx_address *);
static void	mx_put(FILE *, const char *, const char *, size_t,
		    const char *);
static void	mx_show_domain(FILE *, const struct mx_report *, int);
static void	mx_show_sts(const struct mx_report *);
static const char *mx_usage_name(unsigned);
static const char *mx_selector_name(unsigned);
static const char *mx_mtype_name(unsigned);

static const struct mx_ops mx_text_ops = {
	.host = mx_show_host,
	.address = mx_show_address,
};

static void
mx_usage(FILE *f)
{
	fputs(
"usage: smtpscope mx [options] DOMAIN\n"
"  lists the MX hosts of DOMAIN in preference order and probes each address\n"
"  (connect, greeting, EHLO, STARTTLS when offered, QUIT); exit 0 when all\n"
"  answer, 1 when some do not, 3 when none does\n"
"options:\n"
"  -4, -6                  IPv4 / IPv6 addresses only\n"
"  --port N                probe port N (default 25)\n"
"  --timeout S             DNS, connect and reply timeout (default 30)\n"
"  --cafile FILE           verify certificates against these CAs\n"
"  --resolver ADDR[:PORT]  ask this DNS server (default: /etc/resolv.conf)\n"
"  --dns-trust-anchor FILE DNSSEC trust anchor (default: the root key)\n"
"  --dane                  check DANE TLSA records (RFC 7672)\n"
"  --mta-sts               fetch and check the MTA-STS policy (RFC 8461)\n"
"  --ehlo NAME             the name to say EHLO with (default: this host's\n"
"                          name when it has a dot, else the address literal\n"
"                          of our end, as [192.0.2.1])\n"
"  --json                  print JSON Lines instead: one object per event\n"
"                          (docs/json.md)\n", f);
}

/* prefix, then text (from the network) made safe, then suffix. */
static void
mx_put(FILE *f, const char *prefix, const char *text, size_t len,
    const char *suffix)
{
	char	*safe = sanitize(text, len, SANITIZE_KEEP_BACKSLASH);

	fprintf(f, "%s%s%s", prefix, safe != NULL ? safe : "?", suffix);
	free(safe);
}

/* RFC 6698 2.1.1-2.1.3, with the RFC 7218 acronyms. */
static const char *
mx_usage_name(unsigned u)
{
	static const char *const n[] = { "PKIX-TA", "PKIX-EE", "DANE-TA",
	    "DANE-EE" };

	return u < 4 ? n[u] : "unknown usage";
}

static const char *
mx_selector_name(unsigned s)
{
	return s == 0 ? "Cert" : s == 1 ? "SPKI" : "unknown selector";
}

static const char *
mx_mtype_name(unsigned m)
{
	return m == 0 ? "Full" : m == 1 ? "SHA2-256" : m == 2 ? "SHA2-512" :
	    "unknown matching type";
}

static void
mx_show_domain(FILE *f, const struct mx_report *rep, int validating)
{
	const char	*d = rep->domain;

	switch (rep->kind) {
	case MX_LIST:
		mx_put(f, "", d, strlen(d), "");
		fprintf(f, ": %zu MX host%s, DNSSEC %s%s (RFC 5321 5.1: lowest "
		    "preference first)\n", rep->nhosts,
		    rep->nhosts == 1 ? "" : "s", dns_sec_name(rep->mx.sec),
		    validating ? "" : " (no trust anchor)");
		break;
	case MX_IMPLICIT:
		mx_put(f, "", d, strlen(d), "");
		fprintf(f, ": no MX records: the domain's own addresses stand in "
		    "as an implicit MX of preference 0 (RFC 5321 5.1)\n");
		break;
	case MX_NULL:
		mx_put(f, "", d, strlen(d), "");
		fprintf(f, ": null MX (MX 0 \".\"): accepts no mail (RFC 7505 "
		    "3)\n");
		break;
	case MX_NXDOMAIN:
		mx_put(f, "", d, strlen(d), "");
		fprintf(f, ": no such domain (NXDOMAIN)\n");
		break;
	case MX_FAIL:
		mx_put(f, "", d, strlen(d), "");
		fprintf(f, ": no MX answer (%s)", rep->mx.sec == DNS_BOGUS ?
		    "DNSSEC bogus" : dns_status_name(rep->mx.status));
		mx_put(f, rep->mx.why[0] != '\0' ? ": " : "", rep->mx.why,
		    strlen(rep->mx.why), "\n");
		break;
	}
}

/* The domain's MTA-STS record and policy, one line. */
static void
mx_show_sts(const struct mx_report *rep)
{
	const struct mx_sts_report	*st = &rep->sts;
	size_t				 i;

	switch (st->state) {
	case MX_STS_OFF:
		return;
	case MX_STS_NONE:
		mx_put(stdout, "MTA-STS: no policy (no v=STSv1 TXT record at ",
		    st->txt.name, strlen(st->txt.name), ")\n");
		return;
	case MX_STS_BAD_TXT:
	case MX_STS_NO_POLICY:
		mx_put(stdout, "MTA-STS: no policy applies: ", st->why,
		    strlen(st->why), "\n");
		return;
	case MX_STS_POLICY:
		break;
	}
	mx_put(stdout, "MTA-STS: id=", st->id, strlen(st->id), ", policy from ");
	mx_put(stdout, "mta-sts.", rep->domain, strlen(rep->domain), "");
	printf(" (%s): mode %s, max_age %ld, mx", st->host_addr,
	    mtasts_mode_name(st->policy.mode), st->policy.max_age);
	for (i = 0; i < st->policy.nmx; i++)
		mx_put(stdout, " ", st->policy.mx[i], strlen(st->policy.mx[i]),
		    "");
	printf("%s\n", st->policy.nmx == 0 ? " (none)" : "");
}

static void
mx_show_host(void *arg, const struct mx_host *h)
{
	struct mx_out		*out = arg;
	const struct dns_answer	*a;
	const struct dns_record	*r;
	size_t			 n = h->addr[0].nrr + h->addr[1].nrr, i, j;

	printf("MX %u ", h->pref);
	mx_put(stdout, "", h->name, strlen(h->name), "");
	if (n > 0)
		printf(": %zu address%s, DNSSEC %s\n", n, n == 1 ? "" : "es",
		    dns_sec_name(h->addr_sec));
	else {
		/* say why, from the first answer that failed */
		a = h->addr[0].status != DNS_NODATA ? &h->addr[0] :
		    &h->addr[1];
		printf(": no address (%s%s", dns_status_name(a->status),
		    a->why[0] != '\0' ? ": " : "");
		mx_put(stdout, "", a->why, strlen(a->why), ")\n");
	}
	if (out->rep->sts.state == MX_STS_POLICY) {
		if (h->sts_match >= 0)
			mx_put(stdout, "  MTA-STS: matches mx ",
			    out->rep->sts.policy.mx[h->sts_match],
			    strlen(out->rep->sts.policy.mx[h->sts_match]),
			    "\n");
		else
			printf("  MTA-STS: matches no mx pattern of the "
			    "policy\n");
	}
	if (!out->o->dane)
		return;
	switch (h->dane) {
	case MX_DANE_INSECURE:
		printf("  DANE not applicable (insecure)\n");
		break;
	case MX_DANE_NONE:
		mx_put(stdout, "  DANE: no TLSA records at ", h->tlsa.name,
		    strlen(h->tlsa.name), " (DNSSEC secure): not used here\n");
		break;
	case MX_DANE_BOGUS:
		mx_put(stdout, "  DANE: TLSA lookup at ", h->tlsa.name,
		    strlen(h->tlsa.name), "");
		printf(" %s: ", h->tlsa.sec == DNS_BOGUS ? "bogus" :
		    dns_status_name(h->tlsa.status));
		mx_put(stdout, "", h->tlsa.why, strlen(h->tlsa.why), "\n");
		break;
	case MX_DANE_RECORDS:
		mx_put(stdout, "  DANE: TLSA at ", h->tlsa.name, strlen(h->tlsa.name),
		    ", DNSSEC secure:");
		for (i = 0; i < h->tlsa.nrr; i++) {
			r = &h->tlsa.rr[i];
			printf(" %u %u %u ", r->usage, r->selector, r->mtype);
			for (j = 0; j < r->len && j < 6; j++)
				printf("%02x", r->data[j]);
			printf("%s", r->len > 6 ? "..." : "");
		}
		printf("\n");
		break;
	default:
		break;
	}
}

static void
mx_show_address(void *arg, const struct mx_host *h, const struct mx_address *a)
{
	const struct probe_result	*p = &a->probe;

	printf("  %-15s %-4s %7.1f ms  ", a->addr, a->ok ? "ok" : "FAIL",
	    p->ms);
	if (p->greeting != 0)
		printf("%d", p->greeting);
	if (p->ehlo != 0)
		printf(", EHLO %d", p->ehlo);
	if (p->step > PROBE_EHLO || p->ehlo == 250) {
		if (p->tls)
			printf(", STARTTLS %s", p->tls_summary);
		else if (!p->starttls)
			printf(", no STARTTLS");
	}
	if (p->dane_depth >= 0)
		printf(", DANE match %u %u %u (%s, %s, %s) at depth %d",
		    p->dane_usage, p->dane_selector, p->dane_mtype,
		    mx_usage_name(p->dane_usage),
		    mx_selector_name(p->dane_selector),
		    mx_mtype_name(p->dane_mtype), p->dane_depth);
	if (!p->ok)
		mx_put(stdout, p->greeting != 0 ? ": " : "", p->error,
		    strlen(p->error), "");
	if (a->why[0] != '\0')
		mx_put(stdout, "; ", a->why, strlen(a->why), "");
	printf("\n");
	fflush(stdout);
}

int
cmd_mx(int argc, char **argv)
{
	struct mx_opts		 o;
	struct mx_report	 rep;
	struct mx_out		 out;
	struct dns_opts		 dopts;
	struct dns		*dns;
	char			 err[512], port[16] = "25";
	long			 v;
	int			 ch, json = 0;
	enum exitcode		 rc;

	memset(&o, 0, sizeof o);
	memset(&dopts, 0, sizeof dopts);
	o.family = AF_UNSPEC;
	o.timeout_s = 30;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "46h", mx_options, NULL)) != -1) {
		switch (ch) {
		case '4':
			o.family = AF_INET;
			break;
		case '6':
			o.family = AF_INET6;
			break;
		case OPT_TIMEOUT:
			if (cmd_number("mx", "--timeout", optarg, &v) == -1)
				return EXIT_USAGE;
			o.timeout_s = (int)v;
			break;
		case OPT_PORT:
			if (cmd_number("mx", "--port", optarg, &v) == -1)
				return EXIT_USAGE;
			snprintf(port, sizeof port, "%ld", v);
			break;
		case OPT_CAFILE:
			o.cafile = optarg;
			break;
		case OPT_RESOLVER:
			dopts.resolver = optarg;
			break;
		case OPT_ANCHOR:
			dopts.trust_anchor = optarg;
			break;
		case OPT_DANE:
			o.dane = 1;
			break;
		case OPT_MTA_STS:
			o.mta_sts = 1;
			break;
		case OPT_EHLO:
			if (cmd_ehlo_check(optarg) == -1)
				return EXIT_USAGE;
			o.helo = optarg;
			break;
		case OPT_JSON:
			json = 1;
			break;
		case 'h':
			mx_usage(stdout);
			return EXIT_OK;
		default:
			mx_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		cmd_error(NULL, "mx wants one domain");
		mx_usage(stderr);
		return EXIT_USAGE;
	}
	if ((dns = dns_new(&dopts, err, sizeof err)) == NULL) {
		cmd_error(NULL, "%s", err);
		return EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	o.dns = dns;
	o.domain = argv[optind];
	o.port = port;
	out.o = &o;
	out.rep = &rep;
	if (json)
		return mx_json(&o, dns);
	if (mx_resolve(&o, &rep, err, sizeof err) == -1) {
		cmd_error(NULL, "%s", err);
		dns_free(dns);
		return EXIT_USAGE;
	}
	mx_show_domain(stdout, &rep, dns_validating(dns));
	mx_show_sts(&rep);
	rc = mx_probe(&o, &rep, &mx_text_ops, &out);
	if (rep.probed > 0)
		printf("verdict: %zu of %zu address%s answered%s\n",
		    rep.answered, rep.probed, rep.probed == 1 ? "" : "es",
		    rc == EXIT_OK ? "" : rc == EXIT_FAILED ? ": some fail" :
		    ": none does");
	else if (rep.kind == MX_LIST || rep.kind == MX_IMPLICIT)
		printf("verdict: no address to probe\n");
	mx_report_free(&rep);
	dns_free(dns);
	return rc;
}

/* mx --json: the same lookups and probes, told as JSON Lines by the one
 * writer (jsonl.h) through mx.c's callbacks.  Frees dns. */
static enum exitcode
mx_json(const struct mx_opts *o, struct dns *dns)
{
	struct mx_report	 rep;
	struct jsonl		*j;
	char			 err[512];
	enum exitcode		 rc;

	if ((j = jsonl_new("mx", 0, cmd_json_emit, NULL)) == NULL) {
		cmd_error(NULL, "out of memory");
		dns_free(dns);
		return EXIT_FAILED;
	}
	if (mx_resolve(o, &rep, err, sizeof err) == -1) {
		jsonl_client_ops.message(j, CLIENT_MSG_ERROR, err);
		rc = EXIT_USAGE;
	} else {
		jsonl_mx_domain(j, &rep, dns_validating(dns));
		rc = mx_probe(o, &rep, &jsonl_mx_ops, j);
		jsonl_mx_verdict(j, &rep, rc);
		mx_report_free(&rep);
	}
	jsonl_end(j, rc);
	dns_free(dns);
	return rc;
}

enum exitcode
cmd_mx_pick(const char *domain, const char *resolver, const char *anchor,
    const char *port, int family, int timeout_s, char *addr, size_t addrlen,
    char *name, size_t namelen)
{
	struct dns_opts		 dopts;
	struct mx_opts		 o;
	struct mx_report	 rep;
	struct dns		*dns;
	const struct mx_host	*h;
	const char		*a;
	char			 err[512];
	size_t			 i, j;
	int			 fd;
	enum exitcode		 rc = EXIT_CONNECT;

	memset(&dopts, 0, sizeof dopts);
	dopts.resolver = resolver;
	dopts.trust_anchor = anchor;
	if ((dns = dns_new(&dopts, err, sizeof err)) == NULL) {
		cmd_error(NULL, "%s", err);
		return EXIT_USAGE;
	}
	memset(&o, 0, sizeof o);
	o.dns = dns;
	o.domain = domain;
	o.port = port;
	o.family = family;
	o.timeout_s = timeout_s;
	if (mx_resolve(&o, &rep, err, sizeof err) == -1) {
		cmd_error(NULL, "%s", err);
		dns_free(dns);
		return EXIT_USAGE;
	}
	if (rep.kind != MX_LIST && rep.kind != MX_IMPLICIT) {
		/* the same words as `smtpscope mx` */
		fputs("smtpscope: ", stderr);
		mx_show_domain(stderr, &rep, dns_validating(dns));
	}
	for (i = 0; i < rep.nhosts && rc != EXIT_OK; i++) {
		h = &rep.hosts[i];
		for (j = 0; (a = mx_host_address(h, j)) != NULL; j++) {
			fd = net_connect(a, port, family, timeout_s * 1000, err,
			    sizeof err);
			if (fd < 0) {
				mx_put(stderr, "smtpscope: --mx: ", h->name,
				    strlen(h->name), "");
				fprintf(stderr, " (MX %u): %s; trying the next\n",
				    h->pref, err);
				continue;
			}
			close(fd);
			snprintf(addr, addrlen, "%s", a);
			snprintf(name, namelen, "%s", h->name);
			fprintf(stderr, "smtpscope: --mx: MX %u ", h->pref);
			mx_put(stderr, "", h->name, strlen(h->name), "");
			fprintf(stderr, " (%s) answers\n", a);
			rc = EXIT_OK;
			break;
		}
	}
	if (rc != EXIT_OK && (rep.kind == MX_LIST || rep.kind == MX_IMPLICIT))
		mx_put(stderr, "smtpscope: --mx: no MX host of ", rep.domain,
		    strlen(rep.domain), " answers\n");
	mx_report_free(&rep);
	dns_free(dns);
	return rc;
}
