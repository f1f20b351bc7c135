/*
 * signals: SIGINT and SIGTERM end the input instead of the process; SIGHUP
 * asks for the rules to be loaded again.
 *
 * A handler only sets a flag.  A read interrupted by the signal sees the flag
 * and ends its input, so the run still finishes: pending updates go out, the
 * summary is printed and the exit status is right.  The live loop blocks the
 * signals and lets them in only while it waits (ppoll), so none is missed
 * between a check of the flags and the wait.
 */
#ifndef LM_SIGNALS_H
#define LM_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

void lm_signals_install(void);
bool lm_signals_stopping(void);
/* Whether SIGHUP came since the last call. */
bool lm_signals_take_reload(void);
/* For the live loop: SIGHUP now sets the reload flag; the three signals are
 * blocked and *wait_mask is the mask to wait with. */
void lm_signals_block(sigset_t *wait_mask);

#endif
