/*
 * fuzz_script.c -- libFuzzer target for the session file reader: the
 * input is a whole session file, validated, rewound and read event by
 * event as replay does; every escape is also written back by the
 * transcript writer and must read back as the same bytes.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script.h"
#include "transcript.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Write text as a D: line and read it back: the round trip is exact. */
static void
round_trip(const char *text, size_t len)
{
	FILE *f;
	struct transcript *t;
	struct script *s;
	struct script_event ev;
	char err[256], *copy;

	if (memchr(text, '\0', len) != NULL || (copy = malloc(len + 1)) == NULL)
		return;
	memcpy(copy, text, len);
	copy[len] = '\0';
	if ((f = tmpfile()) == NULL) {
		free(copy);
		return;
	}
	/* transcript_fopen writes the version line itself. */
	if ((t = transcript_fopen(f, 0, NULL, 0, 0)) == NULL) {
		fclose(f);
		free(copy);
		return;
	}
	transcript_command(t, "DATA", ANNOTATE_COMMAND);
	transcript_body(t, copy);
	transcript_close(t);
	rewind(f);
	s = script_fopen(f, 1, "fuzz");
	if (s == NULL) {
		fclose(f);
		free(copy);
		return;
	}
	if (script_next(s, &ev, err, sizeof err) != 1 ||
	    script_next(s, &ev, err, sizeof err) != 1 ||
	    ev.tag != SCRIPT_DATA || ev.len != len ||
	    memcmp(ev.text, copy, len) != 0)
		abort();
	script_close(s);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f;
	struct script *s;
	struct script_info info;
	struct script_event ev;
	char err[512];
	int rc;

	if ((f = fmemopen((void *)(uintptr_t)data, size, "rb")) == NULL)
		return 0;
	if ((s = script_fopen(f, 1, "fuzz.smtp")) == NULL) {
		fclose(f);
		return 0;
	}
	(void)script_validate(s, &info, err, sizeof err);
	if (script_rewind(s) == 0) {
		while ((rc = script_next(s, &ev, err, sizeof err)) == 1)
			if (ev.tag == SCRIPT_CLIENT)
				(void)script_is_masked(ev.text);
	}
	script_close(s);
	if (size < 4096)
		round_trip((const char *)data, size);
	return 0;
}
