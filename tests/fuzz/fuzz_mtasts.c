/*
 * fuzz_mtasts.c -- libFuzzer target for the MTA-STS parsers
 * (src/mtasts.c): the _mta-sts TXT record and the policy file.
 *
 * The whole input is parsed as a TXT record and as a policy.  A parsed
 * record's id must be 1 to 32 letters and digits; a parsed policy must
 * have a known mode, a max_age in range and lower-case patterns that
 * match themselves.  A broken invariant aborts.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mtasts.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mtasts_txt	 t;
	struct mtasts_policy	 p;
	char			 err[256];
	size_t			 i, j, n;

	if (mtasts_parse_txt((const char *)data, size, &t, err,
	    sizeof err) == 0) {
		n = strlen(t.id);
		if (n == 0 || n > 32)
			abort();
		for (i = 0; i < n; i++)
			if (!isalnum((unsigned char)t.id[i]))
				abort();
	}
	if (mtasts_parse_policy((const char *)data, size, &p, err,
	    sizeof err) == 0) {
		if (p.mode != MTASTS_NONE && p.mode != MTASTS_TESTING &&
		    p.mode != MTASTS_ENFORCE)
			abort();
		if (p.max_age < 0 || p.max_age > 31557600)
			abort();
		for (i = 0; i < p.nmx; i++) {
			for (j = 0; p.mx[i][j] != '\0'; j++)
				if (isupper((unsigned char)p.mx[i][j]))
					abort();
			if (p.mx[i][0] != '*' &&
			    mtasts_match(&p, p.mx[i]) != (int)i &&
			    mtasts_match(&p, p.mx[i]) < 0)
				abort();
		}
	} else if (p.nmx != 0 || p.mx != NULL)
		abort();
	mtasts_policy_free(&p);
	return 0;
}
