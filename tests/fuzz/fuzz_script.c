/*
 * fuzz_script.c -- libFuzzer target for the session file reader and the
 * escape rules of docs/session-format.md: the input is a whole session
 * file, validated, rewound and read event by event as replay does; every
 * event line the reader takes must be of the grammar (no raw control byte,
 * DEL, C1 control or invalid UTF-8, a backslash only in "\\" or "\xHH",
 * no NUL in a C: or D: line).  The input is also written by the
 * transcript writer as a C: line, a D: line and a comment: the file must
 * read back, the lines as the same bytes.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "script.h"
#include "transcript.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The file's line at offset, as the reader took it: its text is of the
 * grammar (docs/session-format.md, text). */
static void
grammar(const uint8_t *data, size_t size, const struct script_event *ev)
{
	const uint8_t	*line, *end;
	size_t		 i, n, len;
	uint32_t	 cp;

	if (ev->offset < 0 || (size_t)ev->offset >= size)
		abort();
	line = data + ev->offset;
	end = memchr(line, '\n', size - (size_t)ev->offset);
	len = end != NULL ? (size_t)(end - line) : size - (size_t)ev->offset;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len < 2 || line[0] != (uint8_t)ev->tag || line[1] != ':')
		abort();
	for (i = 3; i < len; i += n) {
		n = 1;
		if (line[i] < 0x20 || line[i] == 0x7f)
			abort();
		if (line[i] == '\\') {
			if (i + 1 < len && line[i + 1] == '\\')
				n = 2;
			else if (i + 3 < len && line[i + 1] == 'x')
				n = 4;
			else
				abort();
			continue;
		}
		if (line[i] < 0x80)
			continue;
		if ((n = sanitize_utf8(line + i, len - i, &cp)) == 0 ||
		    cp <= 0x9f)
			abort();
	}
	if ((ev->tag == SCRIPT_CLIENT || ev->tag == SCRIPT_DATA) &&
	    memchr(ev->text, '\0', ev->len) != NULL)
		abort();
}

/* Write text as a D: line and read it back: the round trip is exact. */
static void
round_trip(const char *text, size_t len)
{
	FILE *f;
	struct transcript *t;
	struct script *s;
	struct script_event ev;
	char err[256], *copy, *masked;

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
	/* a comment of anything, a command line, a body line */
	transcript_comment(t, copy);
	transcript_command(t, copy, ANNOTATE_COMMAND);
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
	/* what the writer writes, the reader takes: the same bytes back,
	 * or for an AUTH line its masked form */
	if ((masked = malloc(len + sizeof SCRIPT_MASK + 2)) == NULL)
		abort();
	transcript_mask_auth(copy, masked, len + sizeof SCRIPT_MASK + 2);
	if (script_next(s, &ev, err, sizeof err) != 1 ||
	    ev.tag != SCRIPT_CLIENT || ev.len != strlen(masked) ||
	    memcmp(ev.text, masked, ev.len) != 0)
		abort();
	/* ... and a line the writer masked reads back as masked: replay
	 * sends the secret in its place */
	if (transcript_mask_auth(copy, NULL, 0) && !script_is_masked(ev.text))
		abort();
	free(masked);
	if (script_next(s, &ev, err, sizeof err) != 1 ||
	    script_next(s, &ev, err, sizeof err) != 1 ||
	    ev.tag != SCRIPT_DATA || ev.len != len ||
	    memcmp(ev.text, copy, len) != 0)
		abort();
	if (script_next(s, &ev, err, sizeof err) != 0)
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
		while ((rc = script_next(s, &ev, err, sizeof err)) == 1) {
			grammar(data, size, &ev);
			if (ev.tag == SCRIPT_CLIENT)
				(void)script_is_masked(ev.text);
		}
	}
	script_close(s);
	if (size < 4096)
		round_trip((const char *)data, size);
	return 0;
}
