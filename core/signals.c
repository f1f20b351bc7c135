/*
 * signals: a stop flag set by SIGINT and SIGTERM, a reload flag set by
 * SIGHUP.  See signals.h.
 */
#include "core/signals.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stopping, reload;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload = 1;
	else
		stopping = 1;
}

void lm_signals_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: a blocked read returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

bool lm_signals_take_reload(void)
{
	bool r = reload != 0;
	reload = 0;
	return r;
}

static void our_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

void lm_signals_block_thread(void)
{
	sigset_t block;
	our_signals(&block);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
}

void lm_signals_block(sigset_t *wait_mask)
{
	sigset_t block;
	our_signals(&block);
	pthread_sigmask(SIG_BLOCK, &block, wait_mask);
	sigdelset(wait_mask, SIGINT);
	sigdelset(wait_mask, SIGTERM);
	sigdelset(wait_mask, SIGHUP);
}

bool lm_signals_stopping(void)
{
	return stopping != 0;
}
