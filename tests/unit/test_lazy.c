/*
 * test_lazy.c -- libraries loaded when first used: the table filled from
 * the library configure found, kept once loaded; a library or a function
 * that cannot be found said in one line naming the package, and tried
 * again at the next call.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include <gsasl.h>

#include "lazy.h"

/* A table of one GNU SASL function, as a module keeps one. */
static struct {
	LAZY_FN(gsasl_, check_version);
} g;
static const struct lazy_sym syms[] = {
	LAZY_SYM(g, gsasl_, check_version),
};
LAZY_CHECK(g, syms);

/* The same member, under a name no GNU SASL has. */
static const struct lazy_sym missing[] = {
	{ "gsasl_smtpscope_missing", &g.check_version },
};

Test(lazy, loads_and_keeps)
{
	struct lazy_lib	 l = LAZY_LIB(GSASL, "GNU SASL, for this test", syms);
	void		*h;
	char		 err[512] = "";

	cr_assert_eq(lazy_load(&l, err, sizeof err), 0, "%s", err);
	cr_assert_not_null(l.handle);
	cr_assert_not_null(g.check_version);
	/* the function is GNU SASL's: it knows its version */
	cr_assert_not_null(g.check_version(NULL));
	cr_assert_null(g.check_version("999.0"));
	h = l.handle;
	cr_assert_eq(lazy_load(&l, err, sizeof err), 0);
	cr_assert_eq(l.handle, h, "loaded once, then kept");
}

/* The loader's reason between what the library is for and the package
 * that installs it. */
static void
assert_said(const char *err, const char *what, const char *why,
    const char *package)
{
	char	head[256], tail[256];

	snprintf(head, sizeof head, "cannot load %s: ", what);
	snprintf(tail, sizeof tail, "; on Debian: apt-get install %s",
	    package);
	cr_assert(strncmp(err, head, strlen(head)) == 0, "%s", err);
	cr_assert(strstr(err, why) != NULL, "no \"%s\" in: %s", why, err);
	cr_assert(strlen(err) > strlen(tail) && strcmp(err + strlen(err) -
	    strlen(tail), tail) == 0, "%s", err);
	cr_assert_null(strchr(err, '\n'), "one line: %s", err);
}

Test(lazy, no_library)
{
	struct lazy_lib	 l = {
		"libsmtpscope-none.so.0", "a library that is not there",
		"smtpscope-none", syms, 1, NULL
	};
	char		 err[512] = "";

	cr_assert_eq(lazy_load(&l, err, sizeof err), -1);
	cr_assert_null(l.handle);
	assert_said(err, "a library that is not there",
	    "libsmtpscope-none.so.0", "smtpscope-none");
}

Test(lazy, no_function)
{
	struct lazy_lib	 l = LAZY_LIB(GSASL, "GNU SASL, for this test",
			    missing);
	char		 err[512] = "";

	cr_assert_eq(lazy_load(&l, err, sizeof err), -1);
	cr_assert_null(l.handle, "not kept without its functions");
	assert_said(err, "GNU SASL, for this test", "gsasl_smtpscope_missing",
	    GSASL_PACKAGE);
	/* tried again at the next call: here with the right table */
	l.syms = syms;
	cr_assert_eq(lazy_load(&l, err, sizeof err), 0, "%s", err);
	cr_assert_not_null(l.handle);
}
