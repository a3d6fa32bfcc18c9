/* test_dns.c -- decoding DNS records, MX order, questions, resolver set-up. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dns.h"

static int
decode(enum dns_type t, const char *rdata, size_t len, struct dns_record *r)
{
	return dns_record_decode(t, (const unsigned char *)rdata, len, r);
}

Test(dns, mx_record)
{
	struct dns_record r;
	/* 10 mx1.example.test. */
	static const char rd[] = "\x00\x0a\x03mx1\x07" "example\x04test";

	cr_assert_eq(decode(DNS_MX, rd, sizeof rd, &r), 0);
	cr_assert_eq(r.pref, 10);
	cr_assert_str_eq(r.text, "mx1.example.test");
	dns_record_clear(&r);
}

Test(dns, null_mx_is_the_root)
{
	struct dns_record r;

	/* RFC 7505 3: MX 0 . */
	cr_assert_eq(decode(DNS_MX, "\x00\x00\x00", 3, &r), 0);
	cr_assert_eq(r.pref, 0);
	cr_assert_str_eq(r.text, ".");
	dns_record_clear(&r);
}

Test(dns, mx_malformed)
{
	struct dns_record r;

	cr_assert_eq(decode(DNS_MX, "\x00\x0a", 2, &r), -1);
	/* a label longer than the data */
	cr_assert_eq(decode(DNS_MX, "\x00\x0a\x09mx\x00", 6, &r), -1);
	/* bytes after the name */
	cr_assert_eq(decode(DNS_MX, "\x00\x0a\x02mx\x00zz", 8, &r), -1);
	/* a compression pointer has nothing but itself to point to */
	cr_assert_eq(decode(DNS_MX, "\x00\x0a\xc0\x00", 4, &r), -1);
}

Test(dns, names_with_odd_bytes_are_escaped)
{
	struct dns_record r;
	static const char rd[] = "\x00\x01\x04" "a\x1b.b\x04test";

	cr_assert_eq(decode(DNS_MX, rd, sizeof rd, &r), 0);
	/* RFC 1035 5.1 master-file escapes, never a raw ESC */
	cr_assert_null(strchr(r.text, 0x1b));
	cr_assert_str_eq(r.text, "a\\027\\.b.test");
	dns_record_clear(&r);
}

Test(dns, addresses)
{
	struct dns_record r;

	cr_assert_eq(decode(DNS_A, "\x7f\x00\x00\x0b", 4, &r), 0);
	cr_assert_str_eq(r.text, "127.0.0.11");
	dns_record_clear(&r);
	cr_assert_eq(decode(DNS_AAAA, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x19",
	    16, &r), 0);
	cr_assert_str_eq(r.text, "2001:db8::19");
	dns_record_clear(&r);
	cr_assert_eq(decode(DNS_A, "\x7f\x00\x00", 3, &r), -1);
	cr_assert_eq(decode(DNS_AAAA, "\x7f\x00\x00\x01", 4, &r), -1);
}

Test(dns, txt_strings_are_joined)
{
	struct dns_record r;
	static const char rd[] = "\x08v=STSv1;\x0c id=20261201";

	cr_assert_eq(decode(DNS_TXT, rd, sizeof rd - 1, &r), 0);
	cr_assert_str_eq(r.text, "v=STSv1; id=20261201");
	cr_assert_eq(r.textlen, 20);
	dns_record_clear(&r);
	/* an empty string is allowed; a length past the end is not */
	cr_assert_eq(decode(DNS_TXT, "\x00", 1, &r), 0);
	cr_assert_eq(r.textlen, 0);
	dns_record_clear(&r);
	cr_assert_eq(decode(DNS_TXT, "\x05" "abc", 4, &r), -1);
	cr_assert_eq(decode(DNS_TXT, "", 0, &r), -1);
}

Test(dns, tlsa_record)
{
	struct dns_record r;

	cr_assert_eq(decode(DNS_TLSA, "\x03\x01\x01\xaa\xbb", 5, &r), 0);
	cr_assert_eq(r.usage, 3);
	cr_assert_eq(r.selector, 1);
	cr_assert_eq(r.mtype, 1);
	cr_assert_eq(r.len, 2);
	cr_assert_eq(r.data[0], 0xaa);
	cr_assert_eq(r.data[1], 0xbb);
	dns_record_clear(&r);
	/* no association data */
	cr_assert_eq(decode(DNS_TLSA, "\x03\x01\x01", 3, &r), -1);
}

Test(dns, mx_order)
{
	struct dns_record rr[4];
	static const char *names[] = { "b.test", "c.test", "a.test", "z.test" };
	static const unsigned prefs[] = { 20, 10, 20, 5 };
	size_t i;

	memset(rr, 0, sizeof rr);
	for (i = 0; i < 4; i++) {
		rr[i].pref = prefs[i];
		rr[i].text = (char *)names[i];
	}
	dns_mx_sort(rr, 4);
	/* RFC 5321 5.1: preference first; equal ones by name */
	cr_assert_str_eq(rr[0].text, "z.test");
	cr_assert_str_eq(rr[1].text, "c.test");
	cr_assert_str_eq(rr[2].text, "a.test");
	cr_assert_str_eq(rr[3].text, "b.test");
}

Test(dns, questions)
{
	struct dns_answer a;
	char long_name[300];

	cr_assert_eq(dns_question(&a, "example.test.", DNS_MX), 0);
	cr_assert_str_eq(a.name, "example.test");
	cr_assert_eq(a.type, DNS_MX);
	cr_assert_eq(a.status, DNS_PENDING);
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	cr_assert_eq(dns_question(&a, long_name, DNS_A), -1);
	cr_assert_eq(dns_question(&a, "", DNS_A), -1);
}

Test(dns, resolver_must_be_an_address)
{
	struct dns_opts o = { .resolver = "ns.example.test:53" };
	char err[256];

	cr_assert_null(dns_new(&o, err, sizeof err));
	cr_assert(strstr(err, "--resolver wants an IP address") != NULL, "%s",
	    err);
	o.resolver = "127.0.0.1:99999";
	cr_assert_null(dns_new(&o, err, sizeof err));
	cr_assert(strstr(err, "out of range") != NULL, "%s", err);
}

Test(dns, trust_anchor_must_be_readable)
{
	struct dns_opts o = { .resolver = "127.0.0.1",
	    .trust_anchor = "/nonexistent/anchor.key" };
	char err[256];

	cr_assert_null(dns_new(&o, err, sizeof err));
	cr_assert(strstr(err, "cannot read the trust anchor "
	    "/nonexistent/anchor.key") != NULL, "%s", err);
}

Test(dns, forwarder_and_anchor)
{
	struct dns_opts o = { .resolver = "[::1]:5353" };
	struct dns *d;
	char err[256], path[] = "/tmp/smtpscope-anchor.XXXXXX";
	FILE *f;
	int fd;

	cr_assert_not_null(d = dns_new(&o, err, sizeof err), "%s", err);
	dns_free(d);
	/* a DS record is a trust anchor: answers can be validated */
	cr_assert((fd = mkstemp(path)) != -1);
	cr_assert_not_null(f = fdopen(fd, "w"));
	fputs("example.test. IN DS 2371 13 2 "
	    "C988EC423E3880EB8DD8A46A4C5A2A2A57C1A4EE3D8C5DE7AA5D4AA6B6F4F2A1\n",
	    f);
	fclose(f);
	o.trust_anchor = path;
	d = dns_new(&o, err, sizeof err);
	unlink(path);
	cr_assert_not_null(d, "%s", err);
	cr_assert_eq(dns_validating(d), 1);
	dns_free(d);
}
