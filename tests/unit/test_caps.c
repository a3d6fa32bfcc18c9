/*
 * test_caps.c -- capabilities from an EHLO reply and from a typed list,
 * and the word-list helper.
 */
#include <criterion/criterion.h>

#include "caps.h"
#include "fixture.h"

Test(caps, from_ehlo_reply)
{
	struct reply	*r = fixture_reply(250, NULL, 6, "mx.example greets you",
	    "PIPELINING", "SIZE 10240000", "AUTH PLAIN LOGIN",
	    "AUTH=LOGIN PLAIN", "8BITMIME");
	struct caps	 c;

	memset(&c, 0, sizeof c);
	caps_from_ehlo(&c, r);
	cr_assert(c.ehlo);
	cr_assert(c.pipelining);
	cr_assert(c.size);
	cr_assert_eq(c.size_max, 10240000);
	cr_assert(c.eightbitmime);
	cr_assert_not(c.starttls);
	/* the old AUTH= line repeats the mechanisms: each is listed once */
	cr_assert_str_eq(c.auth, "PLAIN LOGIN");
	cr_assert_eq(c.nkeywords, 5);
	cr_assert_str_eq(caps_find(&c, "size"), " 10240000");
	cr_assert_null(caps_find(&c, "SIZ"));
	cr_assert_not_null(caps_findn(&c, "PIPELININGX", 10));
	caps_clear(&c);
	cr_assert_eq(c.nkeywords, 0);
	cr_assert_not(c.ehlo);
	reply_free(r);
}

Test(caps, from_spec_like_ehlo)
{
	struct caps c;

	memset(&c, 0, sizeof c);
	cr_assert_eq(caps_from_spec(&c, "SIZE 1000, 8BITMIME AUTH PLAIN "
	    "CRAM-MD5 DSN AUTH=LOGIN"), 0);
	cr_assert(c.ehlo);
	cr_assert(c.size);
	cr_assert_eq(c.size_max, 1000);
	cr_assert(c.eightbitmime);
	/* DSN is a registered keyword: it ends the mechanism list */
	cr_assert(c.dsn);
	cr_assert_str_eq(c.auth, "PLAIN CRAM-MD5 LOGIN");
	cr_assert_str_eq(c.keywords[0], "SIZE 1000");
	cr_assert_str_eq(c.keywords[2], "AUTH PLAIN CRAM-MD5");
	caps_clear(&c);

	cr_assert_eq(caps_from_spec(&c, "SIZE X-FOO"), 0);
	cr_assert(c.size);
	cr_assert_eq(c.size_max, 0);
	cr_assert_not_null(caps_find(&c, "X-FOO"));
	caps_clear(&c);
}

Test(caps, list_has_whole_words)
{
	cr_assert(caps_list_has("PLAIN LOGIN", "login", 5));
	cr_assert(caps_list_has("  PLAIN   LOGIN ", "PLAIN", 5));
	cr_assert_not(caps_list_has("PLAINX LOGIN", "PLAIN", 5));
	cr_assert_not(caps_list_has("PLAIN", "PLAINX", 6));
	cr_assert_not(caps_list_has("", "PLAIN", 5));
	cr_assert_not(caps_list_has("PLAIN", "", 0));
}
