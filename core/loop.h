/*
 * loop: the live pipeline, one thread: live sources (standard input that
 * stays open, followed files, a Kafka consumer) read as data arrives, each
 * event analysed at once, the outputs flushed whenever the input goes quiet.
 *
 * Time: events carry their own; while the input is quiet the engine's clock
 * moves on by the wall-clock time since the last event, so an absence fires
 * and a diagnosis resolves without new lines.  The loop sleeps in ppoll()
 * until a source's descriptor is readable, the next engine deadline, a
 * source's housekeeping time, or a signal: SIGINT and SIGTERM end the loop
 * (the caller then drains, saves and commits), SIGHUP calls reload.  Under
 * a backlog it lets signals in after every batch and still commits on time.
 */
#ifndef LM_LOOP_H
#define LM_LOOP_H

#include <signal.h>

#include "analyzers/engine.h"
#include "ingest/follow.h"
#include "ingest/kafka.h"
#include "ingest/source.h"

struct lm_loop {
	struct lm_source *stdin_src;  /* live standard input, or NULL */
	struct lm_follow *follow;     /* or NULL */
	struct lm_kafka *kafka;       /* or NULL */
	struct lm_engine *engine;     /* reload may replace it */
	lm_time_t commit_interval;    /* Kafka offsets committed at most this far apart */
	bool (*flush)(void *arg);     /* hand what is buffered to the outputs */
	void (*reload)(struct lm_loop *l, void *arg);
	void (*tick)(void *arg);      /* once per turn of the loop (metrics) */
	void *arg;
	/* The signal mask to wait with: the caller blocked SIGINT, SIGTERM and
	 * SIGHUP (lm_signals_block) before starting any thread. */
	sigset_t wait_mask;
};

/* Runs until a stop signal, or until standard input ends when it is the
 * only source. */
void lm_loop_run(struct lm_loop *l);

#endif
