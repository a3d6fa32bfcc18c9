/*
 * test_probe.c -- the --quit-after points: the table in the order of the
 * steps, every point named once and explained, the lookup.  (The driver
 * itself runs against real servers: tests/integration/probe_*.sh.)
 */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>
#include <strings.h>

#include "probe.h"

Test(probe, points_table)
{
	const struct probe_point	*p = NULL;
	size_t				 i, j, n = 0;

	p = probe_points(&n);
	cr_assert_eq(n, 8);
	for (i = 0; i < n; i++) {
		cr_assert_not_null(p[i].name);
		cr_assert_not_null(p[i].what);
		cr_assert_gt(strlen(p[i].what), 10, "%s", p[i].name);
		cr_assert_lt(p[i].step, PROBE_DONE);
		for (j = 0; j < i; j++) {
			cr_assert_neq(strcasecmp(p[i].name, p[j].name), 0,
			    "%s twice", p[i].name);
			cr_assert_neq(p[i].step, p[j].step);
		}
		cr_assert_eq(probe_step_lookup(p[i].name), &p[i]);
	}
}

Test(probe, lookup)
{
	cr_assert_eq(probe_step_lookup("RCPT")->step, PROBE_RCPT);
	cr_assert_eq(probe_step_lookup("connect")->step, PROBE_CONNECT);
	cr_assert_eq(probe_step_lookup("tls")->step, PROBE_TLS);
	cr_assert_null(probe_step_lookup("quit"));
	cr_assert_null(probe_step_lookup(""));
	/* swaks' aliases are not ours: one name per point */
	cr_assert_null(probe_step_lookup("from"));
}
