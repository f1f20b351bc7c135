/*
 * loop: the live poll loop.  See loop.h.  It owns no source: it only asks
 * each for its next event in turn and decides how long to sleep.
 */
#include "core/loop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>

#include "core/clock.h"
#include "core/signals.h"

/* Events handled before the loop looks at timers and signals again. */
#define BATCH 512
/* Longest sleep: held-back input and housekeeping are looked at this often. */
#define MAX_SLEEP (250 * LM_NS_PER_MS)

struct clock_state {
	bool seen;
	lm_time_t last_event; /* the latest event time handled */
	lm_time_t last_mono;  /* the monotonic clock when it was handled */
};

/* The next event from any source, in turn; NULL when none is ready.  *ended
 * is set when standard input reached its end. */
static const struct lm_event *next_event(struct lm_loop *l, unsigned *turn, bool *ended)
{
	const struct lm_event *ev = NULL;
	for (unsigned tried = 0; tried < 3 && !ev; tried++, *turn = (*turn + 1) % 3) {
		if (*turn == 0 && l->stdin_src) {
			enum lm_source_status st = lm_source_next(l->stdin_src);
			if (st == LM_SOURCE_EVENT)
				ev = l->stdin_src->out;
			else if (st == LM_SOURCE_END)
				*ended = true;
		} else if (*turn == 1 && l->follow) {
			lm_follow_next(l->follow, &ev);
		} else if (*turn == 2 && l->kafka) {
			lm_kafka_next(l->kafka, &ev);
		}
	}
	return ev;
}

/* Handles what is ready, up to BATCH events; returns how many. */
static unsigned drain(struct lm_loop *l, struct clock_state *c, unsigned *turn, bool *ended)
{
	unsigned n = 0;
	const struct lm_event *ev;
	while (n < BATCH && (ev = next_event(l, turn, ended)) != NULL) {
		lm_engine_event(l->engine, ev);
		if (!c->seen || ev->time > c->last_event)
			c->last_event = ev->time;
		c->last_mono = lm_clock_mono();
		c->seen = true;
		n++;
	}
	return n;
}

static lm_time_t earlier(lm_time_t a, lm_time_t b)
{
	return b > 0 && b < a ? b : a;
}

/* How long to sleep: until the next engine deadline (on the clock that
 * moves while quiet), a source's housekeeping or a Kafka commit. */
static int sleep_ms(const struct lm_loop *l, const struct clock_state *c, lm_time_t now,
		    lm_time_t next_commit)
{
	lm_time_t until = now + MAX_SLEEP;
	lm_time_t deadline = lm_engine_next_deadline(l->engine);
	if (c->seen && deadline)
		until = earlier(until, c->last_mono + (deadline - c->last_event));
	if (l->follow)
		until = earlier(until, lm_follow_wake_at(l->follow));
	if (l->kafka)
		until = earlier(until, next_commit);
	if (until <= now)
		return 0;
	return (int)((until - now + LM_NS_PER_MS - 1) / LM_NS_PER_MS);
}

/* Lets the blocked signals in for a moment, when the loop has no time to
 * wait for them (a backlog of input). */
static void take_signals(const sigset_t *wait_mask)
{
	static const struct timespec zero = { 0, 0 };
	ppoll(NULL, 0, &zero, wait_mask);
}

void lm_loop_run(struct lm_loop *l)
{
	struct clock_state c = { 0 };
	unsigned turn = 0;
	bool ended = false;
	lm_time_t next_commit = lm_clock_mono() + l->commit_interval;
	while (!lm_signals_stopping()) {
		if (lm_signals_take_reload() && l->reload)
			l->reload(l, l->arg);
		if (l->follow)
			lm_follow_tick(l->follow);
		l->tick(l->arg);
		bool backlog = drain(l, &c, &turn, &ended) == BATCH;
		lm_time_t now = lm_clock_mono();
		if (l->kafka && now >= next_commit) { /* on time, backlog or not */
			lm_kafka_commit(l->kafka, false);
			next_commit = now + l->commit_interval;
		}
		if (backlog) {
			take_signals(&l->wait_mask);
			continue;
		}
		if (ended && !l->follow && !l->kafka)
			break;
		l->flush(l->arg);
		if (c.seen)
			lm_engine_advance(l->engine, c.last_event + (now - c.last_mono));
		struct pollfd fds[3];
		nfds_t n = 0;
		if (l->stdin_src && !ended)
			fds[n++] = (struct pollfd){ .fd = l->stdin_src->reader.fd, .events = POLLIN };
		if (l->follow && lm_follow_fd(l->follow) >= 0)
			fds[n++] = (struct pollfd){ .fd = lm_follow_fd(l->follow), .events = POLLIN };
		if (l->kafka)
			fds[n++] = (struct pollfd){ .fd = lm_kafka_fd(l->kafka), .events = POLLIN };
		int ms = sleep_ms(l, &c, now, next_commit);
		struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
		if (ppoll(fds, n, &ts, &l->wait_mask) < 0 && errno != EINTR)
			break;
	}
}
