/*
 * replay.h -- drive a server from a session file, check each reply
 * against its expectation and report (text or TAP).
 */
#ifndef SMTPSCOPE_REPLAY_H
#define SMTPSCOPE_REPLAY_H

#endif
