/*
 * tls.h -- OpenSSL: implicit TLS and the STARTTLS upgrade (RFC 3207),
 * SNI, verification against the system CAs or --cafile, and a one-line
 * summary of the result.
 */
#ifndef SMTPSCOPE_TLS_H
#define SMTPSCOPE_TLS_H

#include <stddef.h>
#include <sys/types.h>

/* A TLSA record (RFC 6698 2.1) for DANE. */
struct tls_tlsa {
	unsigned char		 usage, selector, mtype;
	const unsigned char	*data;
	size_t			 len;
};

struct tls_opts {
	const char	*servername;	/* SNI and name to verify; NULL: none */
	const char	*cafile;	/* NULL: system default paths */
	int		 insecure;	/* do not fail on a verification error */
	/* DANE (RFC 7672): DNSSEC-validated TLSA records of servername;
	 * with a usable one the peer is verified against them instead of
	 * the CAs.  NULL: none. */
	const struct tls_tlsa *tlsa;
	size_t		 ntlsa;
};

struct tls;

/* Handshake on connected socket fd (blocking up to timeout_ms).  Returns
 * a TLS connection or NULL with err set. */
struct tls *tls_start(int fd, const struct tls_opts *, int timeout_ms,
    char *err, size_t errlen);
void tls_free(struct tls *);

/* Same contract as conn_read/conn_write in net.h. */
ssize_t tls_read(struct tls *, void *buf, size_t size, char *err, size_t errlen);
int tls_write(struct tls *, const void *buf, size_t len, int timeout_ms,
    char *err, size_t errlen);
/* Bytes decrypted and waiting inside OpenSSL (poll cannot see them). */
int tls_pending(struct tls *);

/* "TLSv1.3 TLS_AES_256_GCM_SHA384 verify=ok" */
void tls_summary(const struct tls *, char *buf, size_t size);
/* Multi-line certificate details (subject, issuer, SANs, validity). */
void tls_cert_details(const struct tls *, char *buf, size_t size);
/* 1 when the peer certificate verified. */
int tls_verified(const struct tls *);
/* DANE after a handshake with opts->tlsa: the certificate depth at which
 * a record matched (0: the server's own) and that record in *match; -1
 * when no record matched (tls_summary says why); -2 when DANE was not in
 * use (no usable record). */
int tls_dane(const struct tls *, struct tls_tlsa *match);

/*
 * Channel binding data for SCRAM-*-PLUS: with TLS 1.3 "tls-exporter"
 * (RFC 9266: 32 octets of exported keying material), before it
 * "tls-unique" (RFC 5929 3.1: the first Finished message of the latest
 * handshake).  Sets *type, copies the data into buf and returns its
 * length, or -1 when there is none (buf too small, no handshake).
 */
int tls_channel_binding(const struct tls *, const char **type,
    unsigned char *buf, size_t size);

#endif
