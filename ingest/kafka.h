/*
 * kafka: a Kafka consumer-group member as a live source of events.
 *
 * `--kafka BROKERS --topic T[,T...] --group G [-X key=value]...`: librdkafka's
 * high-level consumer, each message's value decoded like a line of a file
 * (Filebeat, Fluent Bit and Vector envelopes, JSON, logfmt, raw lines), its
 * Kafka timestamp used when the record carries no time.  One trailing "\n"
 * (and "\r") is dropped; a message is one record (a CRI or Docker piece is
 * not joined with the next message).  Events are named "kafka:TOPIC/PARTITION"
 * with the message's offset + 1 as their line number.
 *
 * Settings: enable.auto.commit=false, enable.auto.offset.store=false,
 * auto.offset.reset=earliest (a new group starts at the beginning),
 * client.id=logmedic, log.connection.close=false and log.queue=true, then the
 * -X settings in order, which may override any of them.  librdkafka's log
 * lines and errors come out through core/log, each kind of error once.
 *
 * At-least-once: offsets are stored only for messages the caller is done
 * with (asking for the next event means the previous one was processed), and
 * committed by lm_kafka_commit() after the caller's flush callback has handed
 * what they caused to the outputs.  On a rebalance the revoked partitions'
 * processed offsets are flushed and committed before they go; lm_kafka_free()
 * commits and leaves the group.
 *
 * Not thread-safe; the caller's poll loop waits on lm_kafka_fd().  Every
 * callback (rebalances, flush) runs inside lm_kafka_next(), lm_kafka_commit()
 * or lm_kafka_free(), in the caller's thread.
 */
#ifndef LM_KAFKA_H
#define LM_KAFKA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "ingest/decode.h"

struct lm_kafka_opts {
	const char *brokers;
	const char *topics;          /* comma-separated */
	const char *group;
	const char *const *conf;     /* "key=value" strings from -X, passed to librdkafka */
	unsigned n_conf;
	const struct lm_decoder *format; /* NULL: detect per message */
	size_t max_line;             /* longer values are cut (counted); 0: the default */
	/* Called before offsets are committed (lm_kafka_commit, a revocation,
	 * lm_kafka_free): hand everything processed so far to the outputs
	 * (flush them).  May be NULL.  False when they failed: then nothing is
	 * committed, and the messages will be read again. */
	bool (*flush)(void *arg);
	void *flush_arg;
};

struct lm_kafka_stats {
	uint64_t messages;   /* messages handed out as events */
	uint64_t cut;        /* values longer than max_line, cut */
	uint64_t future;     /* message times too far ahead, not believed */
	uint64_t errors;     /* consumer errors reported by librdkafka */
	uint64_t commits;    /* successful commits */
	int64_t lag;         /* messages behind the high watermark, summed over
	                        assigned partitions something was read from (from
	                        librdkafka's cache: no request), -1 when unknown;
	                        updated by lm_kafka_commit() and lm_kafka_stats() */
};

struct lm_kafka;

/* Creates the consumer and subscribes.  NULL after logging the problem (an
 * unknown -X key or bad value is named). */
struct lm_kafka *lm_kafka_new(const struct lm_kafka_opts *o, unsigned source_index);
/* Commits what was processed (the last returned event included), leaves the
 * group, frees.  Accepts NULL. */
void lm_kafka_free(struct lm_kafka *k);
/* A descriptor that is readable while messages or events may wait (it stays
 * readable after lm_kafka_next() returned 1, until it returns 0).  The loop
 * must still call lm_kafka_next() at least once a second or so when the
 * descriptor stays quiet: librdkafka leaves the group when it is not polled
 * for max.poll.interval.ms. */
int lm_kafka_fd(const struct lm_kafka *k);
/* The next event (1, *ev set, valid until the next call) or 0 when nothing
 * waits now.  Marks the previously returned event processed. */
int lm_kafka_next(struct lm_kafka *k, const struct lm_event **ev);
/* Marks the last returned event processed, calls the flush callback and
 * commits the stored offsets (sync waits for the broker's answer; the answer
 * to an asynchronous one is counted by a later lm_kafka_next()). */
void lm_kafka_commit(struct lm_kafka *k, bool sync);
const struct lm_kafka_stats *lm_kafka_stats(struct lm_kafka *k);
/* The decode context's counters (malformed records), for the summary. */
const struct lm_decode_ctx *lm_kafka_decode_ctx(const struct lm_kafka *k);

#endif
