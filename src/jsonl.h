/*
 * jsonl.h -- JSON Lines for scripts (--json): one JSON object per event,
 * the schema of docs/json.md, each object with "v" (JSONL_VERSION) and
 * "type".
 *
 * One writer for the three commands that take --json: the console in
 * line mode, replay and mx.  It is fed by the engine's own callbacks
 * (struct client_ops, struct replay_ops, struct mx_ops, whose arg is the
 * writer): there is no second path for events.  The objects are built
 * and escaped by json-c; each finished line goes to the caller's emit
 * function (without its newline), so nothing here prints.  Text from a
 * server or a file is given as the session file writes it (control
 * bytes, C1 controls and invalid UTF-8 as \xHH), and secrets are masked
 * as on the screen.
 */
#ifndef SMTPSCOPE_JSONL_H
#define SMTPSCOPE_JSONL_H

#include "client.h"
#include "exitcode.h"
#include "mx.h"
#include "replay.h"

/* The schema's version, the "v" of every object (docs/json.md). */
#define JSONL_VERSION	1

struct jsonl;

/* One line of JSON, without its newline. */
typedef void (*jsonl_emit_fn)(void *arg, const char *line);

/*
 * A writer for command ("session", "replay" or "mx"); show_secrets as
 * --show-secrets (otherwise AUTH lines and SASL responses are masked).
 * Emits the "start" object.  NULL when out of memory.
 */
struct jsonl *jsonl_new(const char *command, int show_secrets,
    jsonl_emit_fn emit, void *arg);

/* Emit the "end" object with the exit status (once; later calls do
 * nothing), then free the writer.  NULL is ignored. */
void jsonl_end(struct jsonl *, enum exitcode status);

/* A console session: the engine's callbacks, arg the writer, and the
 * client they report on (call before client_connect()).  Before the
 * client is freed, attach NULL: what it still shows is told (its last
 * state) and its byte counters kept for "end". */
extern const struct client_ops jsonl_client_ops;
void jsonl_attach(struct jsonl *, struct client *);

/* replay: its callbacks, arg the writer. */
extern const struct replay_ops jsonl_replay_ops;

/* mx: its callbacks, arg the writer; jsonl_mx_domain() once the lookups
 * are done (the "domain" object, and "mta_sts" when asked), before the
 * probes; jsonl_mx_verdict() after them. */
extern const struct mx_ops jsonl_mx_ops;
void jsonl_mx_domain(struct jsonl *, const struct mx_report *,
    int validating);
void jsonl_mx_verdict(struct jsonl *, const struct mx_report *,
    enum exitcode);

#endif
