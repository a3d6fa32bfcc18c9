/*
 * script.h -- read a session file (docs/session-format.md) back, one
 * event at a time, so that nothing is held whole.
 */
#ifndef SMTPSCOPE_SCRIPT_H
#define SMTPSCOPE_SCRIPT_H

#endif
