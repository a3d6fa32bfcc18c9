/*
 * tls.h -- OpenSSL: implicit TLS and the STARTTLS upgrade (RFC 3207),
 * SNI, verification that names each failed check (chain, expiry, name),
 * client certificates, protocol and cipher limits for probing, and the
 * picture of a handshake: a one-line summary and the details of the chain
 * the server sent.
 *
 * The details are gathered once, at the handshake, into struct tls_info;
 * every text shown (summary, details, fault lines) is formatted from that
 * struct here and nowhere else.  Nothing is printed: texts go back to the
 * caller, certificate fields already escaped to printable ASCII.
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
	const char	*servername;	/* SNI and the name checked; NULL:
					   none (--tls-name, else the host) */
	const char	*cafile;	/* --cafile; NULL and no capath: the
					   system's CAs */
	const char	*capath;	/* --capath DIR (hashed, c_rehash) */
	const char	*ca_pem;	/* certificates to trust, PEM text (the
					   practice server's); with it, the
					   system's CAs are not loaded */
	const char	*certfile;	/* --cert: client certificate (PEM,
					   chain after it) */
	const char	*keyfile;	/* --key: its key (default: certfile) */
	int		 min_version;	/* wire numbers (0x0303 = TLS 1.2); */
	int		 max_version;	/* 0: TLS 1.2 .. the highest known */
	const char	*ciphers;	/* --ciphers: TLS 1.2 and older */
	const char	*ciphersuites;	/* --ciphersuites: TLS 1.3 */
	int		 insecure;	/* a failed check does not end the
					   handshake (it is still reported) */
	/* DANE (RFC 7672): DNSSEC-validated TLSA records of servername;
	 * with a usable one the peer is verified against them instead of
	 * the CAs.  NULL: none. */
	const struct tls_tlsa *tlsa;
	size_t		 ntlsa;
};

/* What a check of the server's certificate found wrong. */
enum tls_check {
	TLS_CHECK_CHAIN,	/* no path to a CA trusted here */
	TLS_CHECK_EXPIRY,	/* outside its validity dates */
	TLS_CHECK_NAME,		/* does not hold the name asked for */
	TLS_CHECK_OTHER,	/* purpose, key size, signature, ... */
};

struct tls_fault {
	enum tls_check	 check;
	int		 depth;		/* in the verified chain; 0: the
					   server's own certificate */
	long		 error;		/* X509_V_ERR_* */
	char		 subject[256];	/* of the certificate concerned */
	char		 issuer[256];
	char		 date[32];	/* expiry: the date passed or ahead */
	long		 days;		/* expiry: days since / until it */
};

/* One certificate of the chain as the server sent it. */
struct tls_cert {
	char	 subject[256];	/* RFC 2253, escaped */
	char	 issuer[256];
	char	 sans[512];	/* "DNS:a, IP:1.2.3.4" or "none" */
	char	 not_before[32];	/* "2026-11-24 19:04:53 UTC" */
	char	 not_after[32];
	long	 days_left;	/* whole days to not_after (or since it,
				   negative); 0 within a day */
	int	 expired;	/* not_after has passed */
	int	 not_yet_valid;	/* not_before is ahead */
	char	 key[48];	/* "EC P-256", "RSA", "Ed25519" */
	int	 key_bits;
	char	 sigalg[48];	/* "ecdsa-with-SHA256" */
	char	 sha256[96];	/* "AB:CD:..." */
};

#define TLS_CHAIN_MAX	8	/* certificates kept (more are counted) */
#define TLS_FAULTS_MAX	8

struct tls_info {
	char		 protocol[16];	/* "TLSv1.3" */
	char		 cipher[64];
	char		 group[32];	/* key exchange: "X25519", "P-256",
					   "DH-2048"; "" none */
	char		 peer_sig[32];	/* "ECDSA-SHA256", "RSA-PSS-SHA256";
					   "" none */
	char		 name[256];	/* name checked, "" none */
	char		 sni[256];	/* server name sent, "" none */
	char		 alpn[64];	/* "" none */
	int		 resumed;	/* session resumption */
	int		 ccert_asked;	/* the server asked for a client
					   certificate */
	char		 ccert[256];	/* subject of ours, "" none sent */
	int		 verified;	/* every check passed */
	int		 nfaults;
	struct tls_fault faults[TLS_FAULTS_MAX];
	int		 nsent;		/* certificates the server sent */
	int		 ncerts;	/* of them in certs[] */
	struct tls_cert	 certs[TLS_CHAIN_MAX];
};

struct tls;

/* "1.0" .. "1.3" to the wire number (0x0301 .. 0x0304): 0, or -1. */
int tls_parse_version(const char *, int *version);

/* Check the options without connecting (CA file or dir, client
 * certificate and key, cipher lists, versions and the local OpenSSL
 * security level): 0, or -1 with one sentence in err. */
int tls_opts_check(const struct tls_opts *, char *err, size_t errlen);

/* Handshake on connected socket fd (blocking up to timeout_ms).  Returns
 * a TLS connection, or NULL with err set.  When the certificate fails a
 * check (without insecure), err holds a first line naming the failures,
 * then one line per failed check with its fix (tls_format_fault). */
struct tls *tls_start(int fd, const struct tls_opts *, int timeout_ms,
    char *err, size_t errlen);
void tls_free(struct tls *);

/* Same contract as conn_read/conn_write in net.h. */
ssize_t tls_read(struct tls *, void *buf, size_t size, char *err, size_t errlen);
int tls_write(struct tls *, const void *buf, size_t len, int timeout_ms,
    char *err, size_t errlen);
/* Bytes decrypted and waiting inside OpenSSL (poll cannot see them). */
int tls_pending(struct tls *);

/* What the handshake established (valid as long as the connection). */
const struct tls_info *tls_get_info(const struct tls *);
/* 1 when the peer certificate passed every check. */
int tls_verified(const struct tls *);
/* The summary of a connection (flags as for tls_format_summary), "no
 * TLS" for NULL. */
void tls_summary(const struct tls *, int flags, char *buf, size_t size);
/* The chain the server sent, PEM; NULL when out of memory.  Free it. */
char *tls_pem_chain(const struct tls *);

/*
 * Formatting, from the struct alone:
 *   summary: "TLSv1.3 TLS_AES_256_GCM_SHA384 group=X25519
 *     peer-sig=ECDSA-SHA256 verify=ok" (or "verify=failed (REASON; ...)"),
 *     one line; with TLS_SUMMARY_SHORT, for a status bar: "TLSv1.3
 *     TLS_AES_256_GCM_SHA384 verify=ok" (or "verify=failed");
 *   fault: "expiry: ... : what to do", one line;
 *   details: the session (SNI, ALPN, resumption, client
 *     certificate), each check, then each certificate of the chain
 *     (subject, issuer, names, validity and days left, key, signature
 *     algorithm, SHA-256 fingerprint), lines without a final newline;
 *     NULL when out of memory.  Free it.
 */
#define TLS_SUMMARY_SHORT	1
void tls_format_summary(const struct tls_info *, int flags, char *buf,
    size_t size);
void tls_format_fault(const struct tls_info *, const struct tls_fault *,
    char *buf, size_t size);
char *tls_format_details(const struct tls_info *);

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
/* The same for any OpenSSL connection, client or server (the practice
 * server's). */
struct ssl_st;
int tls_ssl_channel_binding(struct ssl_st *, const char **type,
    unsigned char *buf, size_t size);

/* err = "WHAT: the reasons in OpenSSL's error queue" ("error" when it is
 * empty; a system error in the system's own words), and the queue
 * emptied: for the other users of OpenSSL (the practice server). */
void tls_error(char *err, size_t errlen, const char *what);

#endif
