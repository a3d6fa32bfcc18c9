/*
 * complete.h -- Readline completion of verbs, local commands, FROM:< /
 * TO:<, the ESMTP parameters and AUTH mechanisms the server advertised,
 * and file names after :data / :bdat / :save.
 */
#ifndef SMTPSCOPE_COMPLETE_H
#define SMTPSCOPE_COMPLETE_H

#include "session.h"

/* Install the completer; session (may change, may be NULL) tells what
 * the server advertised and where the dialogue stands. */
void complete_install(const struct session *(*get_session)(void));

/* Readline's rl_attempted_completion_function; exposed for tests.  It
 * reads the whole line from rl_line_buffer. */
char **complete_attempt(const char *text, int start, int end);

/* Tests: use caps (may be NULL: nothing known) instead of asking the
 * installed session getter. */
void complete_set_caps_for_test(const struct caps *caps);

#endif
