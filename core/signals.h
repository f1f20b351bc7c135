/*
 * signals: SIGINT and SIGTERM end the input instead of the process; SIGHUP
 * asks a live run to load the rules again (a batch run ignores it).
 *
 * A handler only sets a flag.  A read interrupted by the signal sees the flag
 * and ends its input, so the run still finishes: pending updates go out, the
 * summary is printed and the exit status is right.  A live run blocks the
 * signals before it starts any thread (so none lands on a library's thread)
 * and its loop lets them in only while it waits (ppoll), so none is missed
 * between a check of the flags and the wait.  logmedic's own threads block
 * them, so in a batch run they interrupt the main thread's reads.
 */
#ifndef LM_SIGNALS_H
#define LM_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

void lm_signals_install(void);
bool lm_signals_stopping(void);
/* Whether SIGHUP came since the last call. */
bool lm_signals_take_reload(void);
/* A live run, before it starts threads: blocks the three signals;
 * *wait_mask is the mask to wait with. */
void lm_signals_block(sigset_t *wait_mask);
/* At the start of a thread of logmedic's own: the signals are not its. */
void lm_signals_block_thread(void);

#endif
