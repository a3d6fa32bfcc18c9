/*
 * mx.h -- the mail hosts of a domain: its MX records in preference order
 * (RFC 5321 5.1), the implicit MX of a domain without any, the null MX
 * (RFC 7505), each host's addresses and, when asked, its DANE TLSA
 * records (RFC 7672) and the domain's MTA-STS policy (RFC 8461); then a
 * probe of every address and a verdict.
 * Results are data; the caller formats them.  Never prints.
 */
#ifndef SMTPSCOPE_MX_H
#define SMTPSCOPE_MX_H

#include <stddef.h>
#include "dns.h"
#include "exitcode.h"
#include "mtasts.h"
#include "probe.h"

struct mx_opts {
	struct dns	*dns;
	const char	*domain;
	const char	*port;		/* "25", or --port */
	int		 family;	/* AF_UNSPEC, AF_INET, AF_INET6 */
	int		 timeout_s;
	const char	*cafile;
	const char	*helo;		/* EHLO name for the probes (--ehlo;
					   NULL: client_ehlo_name()) */
	int		 dane;		/* look up and check TLSA records */
	int		 mta_sts;	/* fetch and check the MTA-STS policy */
};

/* What the MX lookup of the domain gave. */
enum mx_kind {
	MX_LIST,	/* MX records */
	MX_IMPLICIT,	/* none: the domain itself is the host (RFC 5321
			   5.1), with preference 0 */
	MX_NULL,	/* "MX 0 .": accepts no mail (RFC 7505 3) */
	MX_NXDOMAIN,	/* the domain does not exist */
	MX_FAIL,	/* the lookup failed (why in mx.why) */
};

/* DANE for one host (RFC 7672 2.2). */
enum mx_dane {
	MX_DANE_OFF,		/* not asked */
	MX_DANE_INSECURE,	/* not applicable: its addresses are not
				   DNSSEC-secure (RFC 7672 2.2.2) */
	MX_DANE_NONE,		/* secure, no TLSA records */
	MX_DANE_RECORDS,	/* secure TLSA records: DANE applies */
	MX_DANE_BOGUS,		/* TLSA bogus or failed: the host must not
				   be used (RFC 7672 2.1.1) */
};

/* The domain's MTA-STS policy (RFC 8461). */
enum mx_sts {
	MX_STS_OFF,		/* not asked */
	MX_STS_NONE,		/* no _mta-sts TXT record: no policy */
	MX_STS_BAD_TXT,		/* the TXT lookup failed, several records, or
				   a malformed one (RFC 8461 3.1): no policy */
	MX_STS_NO_POLICY,	/* the policy could not be fetched or parsed
				   (RFC 8461 3.3): no policy */
	MX_STS_POLICY,		/* a policy: sts.policy */
};

struct mx_sts_report {
	enum mx_sts	 state;
	struct dns_answer txt;		/* _mta-sts.DOMAIN TXT */
	struct dns_answer addr[2];	/* mta-sts.DOMAIN A, AAAA */
	char		 id[33];	/* the record's id */
	const char	*host_addr;	/* address the policy came from */
	struct mtasts_policy policy;
	char		 why[800];	/* why there is no policy */
};

struct mx_host {
	unsigned	 pref;
	char		 name[256];
	struct dns_answer addr[2];	/* A, AAAA */
	enum dns_sec	 addr_sec;	/* secure only if every answer is */
	enum mx_dane	 dane;
	struct dns_answer tlsa;		/* _PORT._tcp.NAME */
	struct tls_tlsa	*tlsa_recs;	/* its records, for the handshake */
	size_t		 ntlsa;
	int		 sts_match;	/* the policy's mx pattern it matches
					   (index), or -1 */
};

/* One address probed, and the verdict on it. */
struct mx_address {
	const char		*addr;
	struct probe_result	 probe;
	int			 ok;		/* answered, and DANE and an
						   enforced MTA-STS policy (where
						   they apply) passed */
	char			 why[512];	/* why not, beyond the probe;
						   or what MTA-STS in testing
						   mode would refuse */
};

struct mx_report {
	char		 domain[256];
	enum mx_kind	 kind;
	struct dns_answer mx;
	struct mx_host	*hosts;
	size_t		 nhosts;
	struct mx_sts_report sts;
	size_t		 probed, answered;
};

struct mx_ops {
	/* Before the addresses of host are probed. */
	void	(*host)(void *arg, const struct mx_host *);
	/* One address probed. */
	void	(*address)(void *arg, const struct mx_host *,
		    const struct mx_address *);
};

/* Look up the MX records, every host's addresses (and TLSA records with
 * o->dane, the MTA-STS record and policy with o->mta_sts).  Returns 0
 * (rep->kind says what was found), or -1 with err set when the domain
 * name is unusable. */
int mx_resolve(const struct mx_opts *, struct mx_report *, char *err,
    size_t errlen);

/* Probe every address of every host in order, reporting each through
 * ops.  Returns the exit status: EXIT_OK all answered, EXIT_FAILED some
 * did not, EXIT_CONNECT none did (or there was nothing to probe). */
enum exitcode mx_probe(const struct mx_opts *, struct mx_report *,
    const struct mx_ops *, void *arg);

/* The i-th address of a host (IPv4 first, in the order of the answer),
 * or NULL past the last. */
const char *mx_host_address(const struct mx_host *, size_t i);

void mx_report_free(struct mx_report *);

#endif
