/*
 * signals: SIGINT and SIGTERM end the input instead of the process.
 *
 * A handler only sets a flag.  A read interrupted by the signal sees the flag
 * and ends its input, so the run still finishes: pending updates go out, the
 * summary is printed and the exit status is right.
 */
#ifndef LM_SIGNALS_H
#define LM_SIGNALS_H

#include <stdbool.h>

void lm_signals_install(void);
bool lm_signals_stopping(void);

#endif
