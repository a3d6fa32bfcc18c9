/*
 * dns.h -- DNS lookups with DNSSEC validation (libunbound): MX, A, AAAA,
 * TLSA and TXT records, resolved together and asynchronously up to a
 * deadline.  Never prints.
 */
#ifndef SMTPSCOPE_DNS_H
#define SMTPSCOPE_DNS_H

#include <stddef.h>
#include <stdint.h>

/* Record types asked for (RFC 1035 3.2.2, RFC 3596, RFC 6698). */
enum dns_type {
	DNS_A = 1,
	DNS_MX = 15,
	DNS_TXT = 16,
	DNS_AAAA = 28,
	DNS_TLSA = 52,
};

/* What the answer is, whatever its DNSSEC state. */
enum dns_status {
	DNS_PENDING = 0,	/* not resolved yet */
	DNS_OK,			/* records in rr[] */
	DNS_NODATA,		/* the name exists, no records of that type */
	DNS_NXDOMAIN,		/* the name does not exist */
	DNS_FAIL,		/* SERVFAIL, REFUSED, a bogus answer, ... */
	DNS_TIMEOUT,		/* no answer before the deadline */
};

/* DNSSEC validation state of an answer (RFC 4033 5, RFC 4035 4.3). */
enum dns_sec {
	DNS_INSECURE = 0,	/* no chain of trust covers it */
	DNS_SECURE,		/* validated from a trust anchor */
	DNS_BOGUS,		/* should be signed, does not validate */
};

/* One record.  Which fields hold data depends on the type. */
struct dns_record {
	unsigned	 pref;		/* MX preference */
	uint8_t		 usage;		/* TLSA certificate usage */
	uint8_t		 selector;	/* TLSA selector */
	uint8_t		 mtype;		/* TLSA matching type */
	char		*text;		/* MX: host name without the final dot
					   ("." for the root: RFC 7505 null MX);
					   A/AAAA: the address as text;
					   TXT: the strings joined (RFC 7208
					   3.3); TLSA: NULL */
	size_t		 textlen;	/* bytes in text (TXT may hold NULs) */
	unsigned char	*data;		/* TLSA association data, else NULL */
	size_t		 len;
};

/* One question and its answer. */
struct dns_answer {
	char		 name[256];	/* the name asked for */
	enum dns_type	 type;
	enum dns_status	 status;
	enum dns_sec	 sec;
	int		 rcode;		/* the DNS RCODE (RFC 1035 4.1.1) */
	char		 why[256];	/* why bogus, or why it failed */
	struct dns_record *rr;		/* MX sorted by preference, then name */
	size_t		 nrr;
};

struct dns_opts {
	const char	*resolver;	/* "ADDR[:PORT]" to forward to; NULL:
					   the servers of /etc/resolv.conf */
	const char	*trust_anchor;	/* file of DS or DNSKEY records; NULL:
					   the system's root key, if installed */
};

struct dns;

/* A resolver.  Returns NULL with err set ("--resolver wants an IP
 * address ...", "cannot read trust anchor FILE"). */
struct dns *dns_new(const struct dns_opts *, char *err, size_t errlen);
void dns_free(struct dns *);

/* 1 when answers can be validated: a trust anchor was loaded. */
int dns_validating(const struct dns *);

/* Set up a question: name (a trailing dot is allowed) and type.
 * Returns 0, or -1 when the name is too long. */
int dns_question(struct dns_answer *, const char *name, enum dns_type);

/*
 * Resolve the n questions together, waiting up to timeout_ms for all of
 * them.  Each answer gets its status, DNSSEC state and records; those not
 * answered in time are DNS_TIMEOUT.  Returns 0, or -1 with err set when
 * the queries could not be started at all.
 */
int dns_resolve(struct dns *, struct dns_answer *, size_t n, int timeout_ms,
    char *err, size_t errlen);

/* Free the records of an answer (the question stays). */
void dns_answer_clear(struct dns_answer *);

/* Decode the RDATA of one record of type into rec (fields as above).
 * Returns 0, or -1 when the data is malformed for that type. */
int dns_record_decode(enum dns_type, const unsigned char *rdata, size_t len,
    struct dns_record *rec);
void dns_record_clear(struct dns_record *);

/* Sort MX records by preference, then by name (RFC 5321 5.1). */
void dns_mx_sort(struct dns_record *, size_t n);

/* "secure", "insecure", "bogus". */
const char *dns_sec_name(enum dns_sec);
/* "NXDOMAIN", "no records", "timed out", ... */
const char *dns_status_name(enum dns_status);

#endif
