/*
 * kafka: a consumer-group member as a source of events.  See kafka.h.
 *
 * One librdkafka high-level consumer.  Its main queue (errors, logs) is
 * forwarded to the consumer queue, and that queue writes a byte to a pipe
 * when something arrives, so the caller's poll loop can wait on the pipe.
 * Messages are taken with rd_kafka_consumer_poll(rk, 0) only, so every
 * callback (rebalance, errors, logs, asynchronous commit results) runs in the
 * caller's thread, inside lm_kafka_next().
 *
 * Offsets: the message behind the event handed out last is kept (the event
 * may point into its payload) until the caller asks for the next event or
 * commits; then its offset + 1 is stored (rd_kafka_offsets_store) and noted
 * in the partition's entry.  Commits send what was stored, nothing more, so a
 * message fetched but not yet handed out is never committed.
 *
 * Each message is one record: a piece of a line split by the runtime (a CRI
 * "P" line, a Docker record without its newline) is handed out on its own,
 * not joined with the next message, since messages of different partitions
 * interleave and each must map to exactly one offset.
 */
#include "ingest/kafka.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "core/log.h"
#include "ingest/reader.h"
#include "ingest/source.h"

/* Distinct error codes remembered, so each kind is logged once. */
#define SEEN_MAX 32
/* Leaving the group waits at most this many polls of this long for the
 * partitions to be revoked. */
#define LEAVE_POLLS 100
#define LEAVE_POLL_MS 100

/* One topic partition seen: its event source name, and its offsets. */
struct kpart {
	char *topic;
	int32_t partition;
	char *name;       /* "kafka:TOPIC/PARTITION", the events' source_name */
	int64_t stored;   /* offset stored for the next commit (last processed + 1), -1: none */
	int64_t committed; /* the last offset known committed by us, -1: none */
	rd_kafka_topic_partition_list_t *one; /* this partition alone, to store offsets */
};

struct lm_kafka {
	rd_kafka_t *rk;
	rd_kafka_queue_t *queue; /* the consumer queue, with the pipe as IO event */
	int pipe[2];
	size_t max_line;
	bool (*flush)(void *arg);
	void *flush_arg;
	struct kpart **parts;
	size_t n_parts, cap_parts;
	rd_kafka_message_t *cur;  /* behind the event handed out last */
	struct kpart *cur_part;
	bool cur_done;            /* its offset is stored */
	struct lm_decode_ctx dec;
	struct lm_fields fields;
	struct lm_event ev;
	struct lm_stamp stamp;
	struct lm_kafka_stats stats;
	int seen[SEEN_MAX];
	unsigned n_seen;
	bool reported_cut, reported_decode;
};

/* ---- errors and logs ------------------------------------------------- */

static bool first_time(struct lm_kafka *k, int code)
{
	for (unsigned i = 0; i < k->n_seen; i++)
		if (k->seen[i] == code)
			return false;
	if (k->n_seen < SEEN_MAX)
		k->seen[k->n_seen++] = code;
	return true;
}

/* Counts an error; logs the first of its kind.  where: the partition's
 * source name, or what was being done. */
static void note_error(struct lm_kafka *k, rd_kafka_resp_err_t err, const char *where,
		       const char *reason)
{
	k->stats.errors++;
	if (first_time(k, (int)err))
		lm_log_warn("kafka: %s: %s (further errors of this kind are counted in the summary)",
			    where, reason ? reason : rd_kafka_err2str(err));
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	struct lm_kafka *k = opaque;
	if (err == RD_KAFKA_RESP_ERR__FATAL) {
		char why[512];
		rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, why, sizeof(why));
		k->stats.errors++;
		lm_log_error("kafka: fatal error: %s: %s", rd_kafka_err2name(orig), why);
		return;
	}
	note_error(k, (rd_kafka_resp_err_t)err, "consumer", reason);
}

/* librdkafka's own log lines (its log_level decides which; -X debug=... adds
 * more), served in the caller's thread through the log queue.  Broker
 * connection failures also arrive as errors, reported once there. */
static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	(void)rk;
	if (level <= 3 && strcmp(fac, "FAIL") == 0)
		return;
	if (level <= 3) /* syslog levels: emerg .. err */
		lm_log_error("kafka: %s: %s", fac, buf);
	else if (level == 4)
		lm_log_warn("kafka: %s: %s", fac, buf);
	else
		lm_log_info("kafka: %s: %s", fac, buf);
}

/* ---- partitions ------------------------------------------------------ */

static struct kpart *find_part(struct lm_kafka *k, const char *topic, int32_t partition)
{
	for (size_t i = 0; i < k->n_parts; i++)
		if (k->parts[i]->partition == partition && strcmp(k->parts[i]->topic, topic) == 0)
			return k->parts[i];
	return NULL;
}

static struct kpart *get_part(struct lm_kafka *k, const char *topic, int32_t partition)
{
	if (k->cur_part && k->cur_part->partition == partition &&
	    strcmp(k->cur_part->topic, topic) == 0)
		return k->cur_part;
	struct kpart *p = find_part(k, topic, partition);
	if (p)
		return p;
	p = lm_xcalloc(1, sizeof(*p));
	p->topic = lm_xstrdup(topic);
	p->partition = partition;
	struct lm_buf name;
	lm_buf_init(&name);
	lm_buf_printf(&name, "kafka:%s/%d", topic, (int)partition);
	p->name = name.data;
	p->stored = p->committed = -1;
	p->one = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(p->one, topic, partition);
	if (k->n_parts == k->cap_parts) {
		k->cap_parts = k->cap_parts ? 2 * k->cap_parts : 8;
		k->parts = lm_xrealloc(k->parts, k->cap_parts * sizeof(*k->parts));
	}
	k->parts[k->n_parts++] = p;
	return p;
}

static void free_parts(struct lm_kafka *k)
{
	for (size_t i = 0; i < k->n_parts; i++) {
		struct kpart *p = k->parts[i];
		rd_kafka_topic_partition_list_destroy(p->one);
		free(p->topic);
		free(p->name);
		free(p);
	}
	free(k->parts);
	k->parts = NULL;
	k->n_parts = k->cap_parts = 0;
}

/* ---- offsets and commits --------------------------------------------- */

/* The event handed out last is processed: store its offset + 1. */
static void mark_processed(struct lm_kafka *k)
{
	if (!k->cur || k->cur_done)
		return;
	k->cur_done = true;
	struct kpart *p = k->cur_part;
	rd_kafka_topic_partition_t *tp = &p->one->elems[0];
	tp->offset = k->cur->offset + 1;
	tp->err = RD_KAFKA_RESP_ERR_NO_ERROR;
	rd_kafka_resp_err_t err = rd_kafka_offsets_store(k->rk, p->one);
	if (!err)
		err = tp->err;
	if (!err)
		p->stored = tp->offset;
	else if (err != RD_KAFKA_RESP_ERR__STATE) /* __STATE: no longer assigned to us */
		note_error(k, err, p->name, NULL);
}

/* Marks processed and lets go of the message behind the last event. */
static void release_current(struct lm_kafka *k)
{
	mark_processed(k);
	if (k->cur)
		rd_kafka_message_destroy(k->cur);
	k->cur = NULL;
	k->cur_done = false;
}

/* Hands what was processed to the outputs; false when they failed (then
 * nothing is committed: the messages will be read again). */
static bool call_flush(struct lm_kafka *k)
{
	return !k->flush || k->flush(k->flush_arg);
}

static void commit_result(struct lm_kafka *k, rd_kafka_resp_err_t err)
{
	if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
		k->stats.commits++;
	else if (err != RD_KAFKA_RESP_ERR__NO_OFFSET)
		note_error(k, err, "commit", NULL);
}

/* After a successful commit of everything stored. */
static void all_committed(struct lm_kafka *k)
{
	for (size_t i = 0; i < k->n_parts; i++)
		if (k->parts[i]->stored >= 0)
			k->parts[i]->committed = k->parts[i]->stored;
}

/* An asynchronous commit's result, served by rd_kafka_consumer_poll(). */
static void on_commit(rd_kafka_t *rk, rd_kafka_resp_err_t err,
		      rd_kafka_topic_partition_list_t *offsets, void *opaque)
{
	(void)rk;
	struct lm_kafka *k = opaque;
	commit_result(k, err);
	for (int i = 0; offsets && i < offsets->cnt; i++) {
		const rd_kafka_topic_partition_t *tp = &offsets->elems[i];
		struct kpart *p = tp->err ? NULL : find_part(k, tp->topic, tp->partition);
		if (p && tp->offset > p->committed)
			p->committed = tp->offset;
	}
}

/* Messages behind the high watermark, from what librdkafka has cached. */
static void update_lag(struct lm_kafka *k)
{
	rd_kafka_topic_partition_list_t *a = NULL;
	k->stats.lag = -1;
	if (rd_kafka_assignment(k->rk, &a) != RD_KAFKA_RESP_ERR_NO_ERROR || !a)
		return;
	if (rd_kafka_position(k->rk, a) == RD_KAFKA_RESP_ERR_NO_ERROR) {
		int64_t lag = 0;
		bool known = false;
		for (int i = 0; i < a->cnt; i++) {
			const rd_kafka_topic_partition_t *tp = &a->elems[i];
			int64_t low, high;
			if (tp->err || tp->offset < 0 ||
			    rd_kafka_get_watermark_offsets(k->rk, tp->topic, tp->partition,
							   &low, &high) ||
			    high < 0)
				continue;
			lag += high > tp->offset ? high - tp->offset : 0;
			known = true;
		}
		if (known)
			k->stats.lag = lag;
	}
	rd_kafka_topic_partition_list_destroy(a);
}

/* Commits, synchronously, the processed offsets of partitions about to be
 * revoked that are not committed yet, and forgets them. */
static void commit_revoked(struct lm_kafka *k, const rd_kafka_topic_partition_list_t *revoked,
			   bool lost)
{
	rd_kafka_topic_partition_list_t *offsets = rd_kafka_topic_partition_list_new(revoked->cnt);
	for (int i = 0; i < revoked->cnt; i++) {
		struct kpart *p = find_part(k, revoked->elems[i].topic, revoked->elems[i].partition);
		if (!p)
			continue;
		if (p->stored > p->committed)
			rd_kafka_topic_partition_list_add(offsets, p->topic, p->partition)->offset =
				p->stored;
		p->stored = -1;
	}
	/* Lost partitions may belong to another member already: a commit
	 * would fail, and their messages are read again there. */
	if (offsets->cnt && !lost) {
		rd_kafka_resp_err_t err = rd_kafka_commit(k->rk, offsets, 0);
		commit_result(k, err);
		for (int i = 0; !err && i < offsets->cnt; i++) {
			struct kpart *p = find_part(k, offsets->elems[i].topic,
						    offsets->elems[i].partition);
			p->committed = offsets->elems[i].offset;
		}
	}
	rd_kafka_topic_partition_list_destroy(offsets);
}

/* ---- rebalances ------------------------------------------------------ */

static bool cooperative(rd_kafka_t *rk)
{
	const char *proto = rd_kafka_rebalance_protocol(rk);
	return proto && strcmp(proto, "COOPERATIVE") == 0;
}

/* "assigned", "revoked": the partitions, on standard error, so an operator
 * (and the tests) can see how the group shares the topic. */
static void log_parts(const char *what, const rd_kafka_topic_partition_list_t *parts)
{
	struct lm_buf b;
	lm_buf_init(&b);
	for (int i = 0; i < parts->cnt; i++)
		lm_buf_printf(&b, " %s/%d", parts->elems[i].topic, (int)parts->elems[i].partition);
	lm_log_info("kafka: %s %d partition%s:%s", what, parts->cnt, parts->cnt == 1 ? "" : "s",
		    b.len ? b.data : "");
	lm_buf_fini(&b);
}

static void assign_parts(struct lm_kafka *k, rd_kafka_topic_partition_list_t *parts)
{
	log_parts("assigned", parts);
	for (int i = 0; i < parts->cnt; i++) { /* a fresh start for each partition */
		struct kpart *p = find_part(k, parts->elems[i].topic, parts->elems[i].partition);
		if (p)
			p->stored = p->committed = -1;
	}
	if (cooperative(k->rk)) {
		rd_kafka_error_t *e = rd_kafka_incremental_assign(k->rk, parts);
		if (e) {
			note_error(k, rd_kafka_error_code(e), "assigning partitions",
				   rd_kafka_error_string(e));
			rd_kafka_error_destroy(e);
		}
	} else {
		rd_kafka_resp_err_t err = rd_kafka_assign(k->rk, parts);
		if (err)
			note_error(k, err, "assigning partitions", NULL);
	}
}

static void revoke_parts(struct lm_kafka *k, rd_kafka_topic_partition_list_t *parts)
{
	log_parts("revoked", parts);
	mark_processed(k);
	if (call_flush(k))
		commit_revoked(k, parts, rd_kafka_assignment_lost(k->rk));
	if (cooperative(k->rk)) {
		rd_kafka_error_t *e = rd_kafka_incremental_unassign(k->rk, parts);
		if (e) {
			note_error(k, rd_kafka_error_code(e), "revoking partitions",
				   rd_kafka_error_string(e));
			rd_kafka_error_destroy(e);
		}
	} else {
		rd_kafka_resp_err_t err = rd_kafka_assign(k->rk, NULL);
		if (err)
			note_error(k, err, "revoking partitions", NULL);
	}
}

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
			 rd_kafka_topic_partition_list_t *parts, void *opaque)
{
	struct lm_kafka *k = opaque;
	if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		assign_parts(k, parts);
	} else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
		revoke_parts(k, parts);
	} else {
		note_error(k, err, "rebalance", NULL);
		rd_kafka_assign(rk, NULL);
	}
}

/* ---- creation -------------------------------------------------------- */

static bool conf_set(rd_kafka_conf_t *conf, const char *key, const char *val, bool from_x)
{
	char why[512];
	if (rd_kafka_conf_set(conf, key, val, why, sizeof(why)) == RD_KAFKA_CONF_OK)
		return true;
	lm_log_error("kafka: %s%s: %s", from_x ? "-X " : "", key, why);
	return false;
}

/* Our defaults, then -X key=value in order (which may override them). */
static rd_kafka_conf_t *build_conf(const struct lm_kafka_opts *o, struct lm_kafka *k)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	bool ok = (!o->brokers || conf_set(conf, "bootstrap.servers", o->brokers, false)) &&
		  (!o->group || conf_set(conf, "group.id", o->group, false)) &&
		  conf_set(conf, "client.id", "logmedic", false) &&
		  conf_set(conf, "enable.auto.commit", "false", false) &&
		  conf_set(conf, "enable.auto.offset.store", "false", false) &&
		  conf_set(conf, "auto.offset.reset", "earliest", false) &&
		  conf_set(conf, "log.connection.close", "false", false) &&
		  conf_set(conf, "log.queue", "true", false);
	for (unsigned i = 0; ok && i < o->n_conf; i++) {
		const char *kv = o->conf[i];
		const char *eq = strchr(kv, '=');
		if (!eq || eq == kv) {
			lm_log_error("kafka: -X %s: expected key=value", kv);
			ok = false;
			break;
		}
		char *key = lm_xstrndup(kv, (size_t)(eq - kv));
		ok = conf_set(conf, key, eq + 1, true);
		free(key);
	}
	char group[256];
	size_t size = sizeof(group);
	if (ok && (rd_kafka_conf_get(conf, "group.id", group, &size) != RD_KAFKA_CONF_OK ||
		   !group[0])) {
		lm_log_error("kafka: a consumer group is needed (--group)");
		ok = false;
	}
	if (!ok) {
		rd_kafka_conf_destroy(conf);
		return NULL;
	}
	rd_kafka_conf_set_opaque(conf, k);
	rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
	rd_kafka_conf_set_error_cb(conf, on_error);
	rd_kafka_conf_set_log_cb(conf, on_log);
	return conf;
}

static bool subscribe(struct lm_kafka *k, const char *topics)
{
	rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(4);
	for (const char *s = topics ? topics : ""; *s;) {
		size_t n = strcspn(s, ",");
		const char *t = s;
		size_t len = n;
		while (len && (*t == ' ' || *t == '\t'))
			t++, len--;
		while (len && (t[len - 1] == ' ' || t[len - 1] == '\t'))
			len--;
		if (len) {
			char *name = lm_xstrndup(t, len);
			rd_kafka_topic_partition_list_add(list, name, RD_KAFKA_PARTITION_UA);
			free(name);
		}
		s += n + (s[n] == ',');
	}
	bool ok = list->cnt > 0;
	if (!ok) {
		lm_log_error("kafka: no topic to read (--topic)");
	} else {
		rd_kafka_resp_err_t err = rd_kafka_subscribe(k->rk, list);
		if (err) {
			lm_log_error("kafka: subscribing to %s: %s", topics, rd_kafka_err2str(err));
			ok = false;
		}
	}
	rd_kafka_topic_partition_list_destroy(list);
	return ok;
}

/* Keeps the descriptor readable while the queue may still hold something. */
static void wake(struct lm_kafka *k)
{
	ssize_t r = write(k->pipe[1], "1", 1);
	(void)r; /* a full pipe is readable anyway */
}

/* The consumer queue writes a byte to the pipe when it gets something. */
static bool wire_queue(struct lm_kafka *k)
{
	if (pipe2(k->pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
		lm_log_error("kafka: pipe: %s", strerror(errno));
		k->pipe[0] = k->pipe[1] = -1;
		return false;
	}
	rd_kafka_poll_set_consumer(k->rk);
	rd_kafka_set_log_queue(k->rk, NULL);
	k->queue = rd_kafka_queue_get_consumer(k->rk);
	if (!k->queue) {
		lm_log_error("kafka: the consumer has no queue");
		return false;
	}
	rd_kafka_queue_io_event_enable(k->queue, k->pipe[1], "1", 1);
	/* What was queued before (log lines forwarded from the log queue)
	 * wrote no byte, and the queue writes one only when it was empty. */
	wake(k);
	return true;
}

/* Frees what lm_kafka_new built, without committing or leaving the group. */
static void destroy(struct lm_kafka *k)
{
	if (k->cur)
		rd_kafka_message_destroy(k->cur);
	k->cur = NULL;
	if (k->queue) {
		rd_kafka_queue_io_event_enable(k->queue, -1, NULL, 0);
		rd_kafka_queue_destroy(k->queue);
	}
	/* Before the handle: a partition list used with it may hold a
	 * reference to its partition, and rd_kafka_destroy() would wait. */
	free_parts(k);
	if (k->rk)
		rd_kafka_destroy_flags(k->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
	for (int i = 0; i < 2; i++)
		if (k->pipe[i] >= 0)
			close(k->pipe[i]);
	lm_decode_ctx_fini(&k->dec);
	lm_fields_fini(&k->fields);
	free(k);
}

struct lm_kafka *lm_kafka_new(const struct lm_kafka_opts *o, unsigned source_index)
{
	struct lm_kafka *k = lm_xcalloc(1, sizeof(*k));
	k->pipe[0] = k->pipe[1] = -1;
	k->max_line = o->max_line ? o->max_line : LM_MAX_LINE_DEFAULT;
	k->flush = o->flush;
	k->flush_arg = o->flush_arg;
	k->stats.lag = -1;
	lm_fields_init(&k->fields);
	lm_decode_ctx_init(&k->dec, &k->fields, o->format);
	k->ev.fields = &k->fields;
	k->ev.source_index = source_index;

	rd_kafka_conf_t *conf = build_conf(o, k);
	if (!conf) {
		destroy(k);
		return NULL;
	}
	char why[512];
	k->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, why, sizeof(why));
	if (!k->rk) {
		lm_log_error("kafka: %s", why);
		rd_kafka_conf_destroy(conf); /* still ours when rd_kafka_new fails */
		destroy(k);
		return NULL;
	}
	if (!wire_queue(k) || !subscribe(k, o->topics)) {
		destroy(k);
		return NULL;
	}
	return k;
}

/* Whether the consumer holds no partition (or cannot tell). */
static bool nothing_assigned(rd_kafka_t *rk)
{
	rd_kafka_topic_partition_list_t *parts = NULL;
	bool none = rd_kafka_assignment(rk, &parts) != RD_KAFKA_RESP_ERR_NO_ERROR || !parts ||
		    parts->cnt == 0;
	if (parts)
		rd_kafka_topic_partition_list_destroy(parts);
	return none;
}

/* Leaves the group and serves the revocation (rebalance callback) before
 * closing: librdkafka before 2.4 can hang in rd_kafka_consumer_close when
 * an assignment arrives while it closes (its issue 4527; Debian 12 ships
 * 2.0), which a test hit once in many runs.  Messages polled meanwhile are
 * dropped unprocessed: their offsets are not stored, so they are read
 * again by whoever takes the partitions. */
static void leave_group(struct lm_kafka *k)
{
	if (rd_kafka_unsubscribe(k->rk) != RD_KAFKA_RESP_ERR_NO_ERROR)
		return;
	for (int i = 0; i < LEAVE_POLLS; i++) {
		/* one poll at least: an assignment may still wait in the queue */
		rd_kafka_message_t *m = rd_kafka_consumer_poll(k->rk, LEAVE_POLL_MS);
		if (m)
			rd_kafka_message_destroy(m);
		if (nothing_assigned(k->rk))
			break;
	}
}

void lm_kafka_free(struct lm_kafka *k)
{
	if (!k)
		return;
	lm_kafka_commit(k, true);
	release_current(k);
	leave_group(k);
	rd_kafka_resp_err_t err = rd_kafka_consumer_close(k->rk);
	if (err)
		lm_log_warn("kafka: leaving the group: %s", rd_kafka_err2str(err));
	destroy(k);
}

/* ---- events ---------------------------------------------------------- */

int lm_kafka_fd(const struct lm_kafka *k)
{
	return k->pipe[0];
}

static void drain_pipe(struct lm_kafka *k)
{
	char buf[64];
	while (read(k->pipe[0], buf, sizeof(buf)) > 0)
		;
}

static void report_problems(struct lm_kafka *k, const struct kpart *p, uint64_t line_no,
			    bool cut)
{
	if (cut && !k->reported_cut) {
		k->reported_cut = true;
		lm_log_warn("%s:%llu: message longer than %zu bytes, cut there (further cut messages are counted in the summary)",
			    p->name, (unsigned long long)line_no, k->max_line);
	}
	if (k->dec.errors && !k->reported_decode) {
		k->reported_decode = true;
		lm_log_warn("%s:%llu:%zu: malformed record (%s); read as plain text (further ones are counted in the summary)",
			    p->name, (unsigned long long)line_no, k->dec.error_column,
			    k->dec.error_msg);
	}
}

/* The message's time in nanoseconds, or -1 when it has none. */
static lm_time_t message_time(const rd_kafka_message_t *m)
{
	rd_kafka_timestamp_type_t type;
	int64_t ms = rd_kafka_message_timestamp(m, &type);
	if (type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || ms < 0 || ms > INT64_MAX / LM_NS_PER_MS)
		return -1;
	return ms * LM_NS_PER_MS;
}

/* The message's value as one record in k->ev. */
static void decode_message(struct lm_kafka *k, const rd_kafka_message_t *m, struct kpart *p)
{
	const char *s = m->payload ? m->payload : "";
	size_t n = m->payload ? m->len : 0;
	if (n && s[n - 1] == '\n')
		n--;
	if (n && s[n - 1] == '\r')
		n--;
	bool cut = n > k->max_line;
	if (cut) {
		n = k->max_line;
		k->stats.cut++;
	}
	lm_time_t kafka_time = message_time(m);
	uint64_t line_no = (uint64_t)m->offset + 1;
	lm_fields_reset(&k->fields);
	k->dec.ref = kafka_time >= 0 ? kafka_time : lm_stamp_ref(&k->stamp);
	k->dec.line_no = line_no;
	if (!lm_decode_line(&k->dec, s, n, &k->ev) && !lm_decode_flush(&k->dec, &k->ev)) {
		k->ev.line = k->ev.text = s; /* not reached: a kept piece is flushed */
		k->ev.line_len = k->ev.text_len = n;
		k->ev.has_time = false;
	}
	if (!k->ev.has_time && kafka_time >= 0) {
		k->ev.time = kafka_time;
		k->ev.has_time = true;
	}
	k->ev.source_name = p->name;
	k->ev.line_no = line_no;
	k->ev.truncated = cut || k->dec.record_cut;
	report_problems(k, p, line_no, cut);
	lm_stamp_event(&k->stamp, &k->ev);
	k->stats.future = k->stamp.future;
}

int lm_kafka_next(struct lm_kafka *k, const struct lm_event **ev)
{
	release_current(k);
	bool drained = false;
	for (;;) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(k->rk, 0);
		if (!m) {
			if (drained)
				return 0;
			/* Empty the pipe first, then look again: whatever
			 * arrives after this look writes a new byte. */
			drain_pipe(k);
			drained = true;
			continue;
		}
		if (m->err) {
			if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
				char where[300] = "consumer";
				if (m->rkt)
					snprintf(where, sizeof(where), "kafka:%s/%d",
						 rd_kafka_topic_name(m->rkt), (int)m->partition);
				note_error(k, m->err, where, rd_kafka_message_errstr(m));
			}
			rd_kafka_message_destroy(m);
			continue;
		}
		if (drained)
			wake(k);
		struct kpart *p = get_part(k, rd_kafka_topic_name(m->rkt), m->partition);
		k->cur = m;
		k->cur_part = p;
		k->cur_done = false;
		decode_message(k, m, p);
		k->stats.messages++;
		*ev = &k->ev;
		return 1;
	}
}

void lm_kafka_commit(struct lm_kafka *k, bool sync)
{
	mark_processed(k);
	if (!call_flush(k))
		return;
	if (sync) {
		rd_kafka_resp_err_t err = rd_kafka_commit(k->rk, NULL, 0);
		commit_result(k, err);
		if (!err)
			all_committed(k);
	} else {
		rd_kafka_resp_err_t err = rd_kafka_commit_queue(k->rk, NULL, k->queue, on_commit, k);
		if (err)
			commit_result(k, err);
	}
	update_lag(k);
}

const struct lm_kafka_stats *lm_kafka_stats(struct lm_kafka *k)
{
	update_lag(k);
	return &k->stats;
}

const struct lm_decode_ctx *lm_kafka_decode_ctx(const struct lm_kafka *k)
{
	return &k->dec;
}
