/*
 * test_kafka: lm_kafka against a librdkafka mock cluster inside this process
 * (one broker on an ephemeral port of 127.0.0.1).  Messages in several
 * formats (a raw line with CRLF, Filebeat, Fluent Bit and Vector envelopes, a
 * CRI partial line, a malformed JSON record, a line longer than max_line) are
 * consumed through the descriptor and lm_kafka_next, and their text, time
 * (the envelope's, else the Kafka timestamp), fields, source name and line
 * number checked.  At-least-once: a member consumes part of a topic with an
 * asynchronous and a synchronous commit in between, checks the flush callback
 * and lag, and leaves while the broker refuses its last commit, so the
 * revocation on the way out must commit; a second member of the same group
 * must get exactly the rest (nothing lost, nothing repeated) and a lag of 0.
 * Rebalances, COOPERATIVE and EAGER: a second member joins a busy one, and
 * every message comes at least once.  Bad configuration (unknown -X key, bad
 * value, no '=', no topic, no group) gives NULL.
 *
 * Each case uses its own group; consumers use session.timeout.ms=6000 and
 * max.poll.interval.ms=6000, since the mock makes a joining member wait up to
 * the rebalance timeout (a join takes 3 to 6 s).  Waits are bounded polls of
 * the descriptors, the way the poll loop waits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "ingest/kafka.h"

/* 2025-03-11T10:00:00Z */
#define T0_MS INT64_C(1741687200000)
#define MS(x) ((lm_time_t)(x) * LM_NS_PER_MS)

#define OFFSET_COMMIT_API 8 /* the Kafka protocol's ApiKey of OffsetCommit */

#define WAIT_S 25 /* bound on any wait for messages, group join included */

static rd_kafka_t *mock_rk;       /* owns the mock cluster */
static rd_kafka_mock_cluster_t *mock;
static rd_kafka_t *producer;
static const char *bootstraps;

/* The group members' -X settings; the last one is set per case. */
static const char *member_conf[] = {
	"session.timeout.ms=6000", "max.poll.interval.ms=6000", "heartbeat.interval.ms=500",
	"partition.assignment.strategy=range",
};
#define N_MEMBER_CONF (sizeof(member_conf) / sizeof(member_conf[0]))

/* ---- fixtures -------------------------------------------------------- */

/* A producer; without servers, a quiet handle for the mock cluster. */
static rd_kafka_t *new_producer(const char *servers)
{
	char why[512];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	assert_int_equal(servers ? rd_kafka_conf_set(conf, "bootstrap.servers", servers, why,
						     sizeof(why))
				 : rd_kafka_conf_set(conf, "log_level", "4", why, sizeof(why)),
			 RD_KAFKA_CONF_OK);
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
	assert_non_null(rk);
	return rk;
}

static int setup(void **state)
{
	(void)state;
	mock_rk = new_producer(NULL);
	mock = rd_kafka_mock_cluster_new(mock_rk, 1);
	assert_non_null(mock);
	bootstraps = rd_kafka_mock_cluster_bootstraps(mock);
	assert_int_equal(rd_kafka_mock_topic_create(mock, "fmt", 2, 1), 0);
	assert_int_equal(rd_kafka_mock_topic_create(mock, "resume", 2, 1), 0);
	assert_int_equal(rd_kafka_mock_topic_create(mock, "rebalance-coop", 2, 1), 0);
	assert_int_equal(rd_kafka_mock_topic_create(mock, "rebalance-eager", 2, 1), 0);
	producer = new_producer(bootstraps);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rd_kafka_destroy(producer);
	rd_kafka_mock_cluster_destroy(mock);
	rd_kafka_destroy(mock_rk);
	return 0;
}

static void produce(const char *topic, int32_t partition, const char *value, int64_t ts_ms)
{
	rd_kafka_resp_err_t err = rd_kafka_producev(
		producer, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
		RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
		RD_KAFKA_V_VALUE((void *)value, strlen(value)), RD_KAFKA_V_TIMESTAMP(ts_ms),
		RD_KAFKA_V_END);
	assert_int_equal(err, 0);
}

static void produced(void)
{
	assert_int_equal(rd_kafka_flush(producer, 10000), 0);
}

static bool on_flush(void *arg)
{
	(*(int *)arg)++;
	return true;
}

static struct lm_kafka *member(const char *topic, const char *group, size_t max_line,
			       int *flushes)
{
	struct lm_kafka_opts o = {
		.brokers = bootstraps, .topics = topic, .group = group,
		.conf = member_conf, .n_conf = N_MEMBER_CONF,
		.max_line = max_line, .flush = on_flush, .flush_arg = flushes,
	};
	return lm_kafka_new(&o, 3);
}

/* ---- events, copied -------------------------------------------------- */

struct got {
	char *text, *source, *pod, *ns, *host, *node;
	lm_time_t time;
	bool has_time, truncated;
	uint64_t line_no;
	unsigned source_index;
};

static char *field(const struct lm_event *ev, const char *key)
{
	struct lm_str v;
	if (!lm_fields_get(ev->fields, key, strlen(key), &v))
		return NULL;
	return strndup(v.p, v.n);
}

static void copy_event(struct got *g, const struct lm_event *ev)
{
	g->text = strndup(ev->text, ev->text_len);
	g->source = strdup(ev->source_name);
	g->pod = field(ev, "pod");
	g->ns = field(ev, "namespace");
	g->host = field(ev, "host");
	g->node = field(ev, "node");
	g->time = ev->time;
	g->has_time = ev->has_time;
	g->truncated = ev->truncated;
	g->line_no = ev->line_no;
	g->source_index = ev->source_index;
}

static void free_got(struct got *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(g[i].text);
		free(g[i].source);
		free(g[i].pod);
		free(g[i].ns);
		free(g[i].host);
		free(g[i].node);
	}
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Takes up to want events into out, waiting on the descriptor only (the way
 * the poll loop does), at most WAIT_S seconds.  Returns how many came. */
static size_t take(struct lm_kafka *k, struct got *out, size_t want)
{
	double deadline = now_s() + WAIT_S;
	size_t n = 0;
	while (n < want && now_s() < deadline) {
		struct pollfd pfd = { .fd = lm_kafka_fd(k), .events = POLLIN };
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		const struct lm_event *ev;
		while (n < want && lm_kafka_next(k, &ev) == 1)
			copy_event(&out[n++], ev);
	}
	return n;
}

static const struct got *find(const struct got *g, size_t n, const char *source,
			      uint64_t line_no)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(g[i].source, source) == 0 && g[i].line_no == line_no)
			return &g[i];
	fail_msg("no event from %s:%llu", source, (unsigned long long)line_no);
	return NULL;
}

#define assert_str(a, b) do { assert_non_null(a); assert_string_equal((a), (b)); } while (0)

/* ---- cases ----------------------------------------------------------- */

static void test_formats(void **state)
{
	(void)state;
	char long_line[301];
	memset(long_line, 'x', 300);
	long_line[300] = '\0';
	produce("fmt", 0, "raw line one\r\n", T0_MS + 100);
	produce("fmt", 0, "{\"@timestamp\":\"2025-03-11T10:00:01.250Z\",\"message\":\"upstream timed out\","
			  "\"kubernetes\":{\"pod\":{\"name\":\"web-7d9f\"},\"namespace\":\"shop\"},"
			  "\"host\":{\"name\":\"node-3\"},\"agent\":{\"type\":\"filebeat\"}}",
		T0_MS + 9000);
	produce("fmt", 0, long_line, T0_MS + 9100);
	produce("fmt", 0, "{\"level\":\"error\",\"msg\":", T0_MS + 9200);
	produce("fmt", 1, "{\"log\":\"disk full\\n\",\"stream\":\"stderr\","
			  "\"kubernetes\":{\"pod_name\":\"db-0\",\"namespace_name\":\"data\","
			  "\"host\":\"node-9\"}}\n",
		T0_MS + 2000);
	produce("fmt", 1, "{\"message\":\"connection refused\",\"timestamp\":\"2025-03-11T10:00:03Z\","
			  "\"kubernetes\":{\"pod_name\":\"api-1\",\"pod_namespace\":\"prod\"},"
			  "\"host\":\"node-1\",\"source_type\":\"kubernetes_logs\"}",
		T0_MS + 9300);
	produce("fmt", 1, "2025-03-11T10:00:04.000000000Z stdout P first half", T0_MS + 9400);
	produced();

	int flushes = 0;
	struct lm_kafka *k = member("fmt", "g-formats", 200, &flushes);
	assert_non_null(k);
	struct got g[8];
	double t = now_s();
	size_t n = take(k, g, 7);
	print_message("# formats: 7 events after %.1f s (group join included)\n", now_s() - t);
	assert_int_equal(n, 7);

	const struct got *e = find(g, n, "kafka:fmt/0", 1); /* raw: the Kafka time */
	assert_str(e->text, "raw line one");
	assert_true(e->has_time);
	assert_int_equal(e->time, MS(T0_MS + 100));
	assert_null(e->pod);
	assert_false(e->truncated);
	assert_int_equal(e->source_index, 3);

	e = find(g, n, "kafka:fmt/0", 2); /* Filebeat: its own time */
	assert_str(e->text, "upstream timed out");
	assert_int_equal(e->time, MS(T0_MS + 1250));
	assert_str(e->pod, "web-7d9f");
	assert_str(e->ns, "shop");
	assert_str(e->host, "node-3");

	e = find(g, n, "kafka:fmt/0", 3); /* cut at max_line */
	assert_int_equal(strlen(e->text), 200);
	assert_true(e->truncated);

	e = find(g, n, "kafka:fmt/0", 4); /* malformed JSON: plain text */
	assert_str(e->text, "{\"level\":\"error\",\"msg\":");
	assert_int_equal(e->time, MS(T0_MS + 9200));

	e = find(g, n, "kafka:fmt/1", 1); /* Fluent Bit without time: the Kafka time */
	assert_str(e->text, "disk full");
	assert_int_equal(e->time, MS(T0_MS + 2000));
	assert_str(e->pod, "db-0");
	assert_str(e->ns, "data");
	assert_str(e->node, "node-9");

	e = find(g, n, "kafka:fmt/1", 2); /* Vector */
	assert_str(e->text, "connection refused");
	assert_int_equal(e->time, MS(T0_MS + 3000));
	assert_str(e->pod, "api-1");
	assert_str(e->ns, "prod");
	assert_str(e->host, "node-1");

	e = find(g, n, "kafka:fmt/1", 3); /* a CRI piece is not joined with the next message */
	assert_str(e->text, "first half");
	assert_int_equal(e->time, MS(T0_MS + 4000));

	const struct lm_kafka_stats *st = lm_kafka_stats(k);
	assert_int_equal(st->messages, 7);
	assert_int_equal(st->cut, 1);
	assert_int_equal(lm_kafka_decode_ctx(k)->errors, 1);
	lm_kafka_free(k);
	assert_true(flushes >= 1);
	free_got(g, n);
}

#define RESUME_N 20

/* Which of the RESUME_N messages ("msg-00".."msg-19") the events hold. */
static void mark_seen(const struct got *g, size_t n, int *seen)
{
	for (size_t i = 0; i < n; i++) {
		int v = -1;
		assert_int_equal(sscanf(g[i].text, "msg-%d", &v), 1);
		assert_true(v >= 0 && v < RESUME_N);
		seen[v]++;
		/* message v went to partition v % 2 at offset v / 2 */
		char source[32];
		snprintf(source, sizeof(source), "kafka:resume/%d", v % 2);
		assert_string_equal(g[i].source, source);
		assert_int_equal(g[i].line_no, (uint64_t)(v / 2) + 1);
	}
}

/* Messages behind the end of each partition something was read from. */
static int64_t expected_lag(const struct got *g, size_t n)
{
	int64_t next[2] = { -1, -1 };
	for (size_t i = 0; i < n; i++) {
		int p = g[i].source[strlen(g[i].source) - 1] - '0';
		if ((int64_t)g[i].line_no > next[p])
			next[p] = (int64_t)g[i].line_no;
	}
	int64_t lag = 0;
	for (int p = 0; p < 2; p++)
		lag += next[p] < 0 ? 0 : RESUME_N / 2 - next[p];
	return lag;
}

static void test_resume(void **state)
{
	(void)state;
	char value[16];
	for (int i = 0; i < RESUME_N; i++) {
		snprintf(value, sizeof(value), "msg-%02d", i);
		produce("resume", i % 2, value, T0_MS + i);
	}
	produced();

	/* The first member: 3 events, an asynchronous commit, 2 more, a
	 * synchronous one, 2 more, then it leaves (committing those too). */
	int flushes = 0;
	struct lm_kafka *a = member("resume", "g-resume", 0, &flushes);
	assert_non_null(a);
	struct got ga[7];
	double t = now_s();
	size_t na = take(a, ga, 3);
	print_message("# resume: first member's first events after %.1f s\n", now_s() - t);
	assert_int_equal(na, 3);
	lm_kafka_commit(a, false);
	assert_int_equal(flushes, 1);
	na += take(a, ga + na, 2);
	assert_int_equal(na, 5);
	lm_kafka_commit(a, true);
	assert_int_equal(flushes, 2);
	const struct lm_kafka_stats *st = lm_kafka_stats(a);
	assert_true(st->commits >= 1);
	assert_int_equal(st->lag, expected_lag(ga, na));
	na += take(a, ga + na, 2);
	assert_int_equal(na, 7);
	/* The commit on the way out fails: the revocation that follows while
	 * leaving must commit those 2 itself. */
	rd_kafka_mock_push_request_errors(mock, OFFSET_COMMIT_API, 1,
					  RD_KAFKA_RESP_ERR_OFFSET_METADATA_TOO_LARGE);
	t = now_s();
	lm_kafka_free(a);
	print_message("# resume: first member left in %.1f s\n", now_s() - t);
	assert_true(flushes >= 4); /* the commit's, then the revocation's */

	/* The second member of the group resumes right after those 7. */
	struct lm_kafka *b = member("resume", "g-resume", 0, &flushes);
	assert_non_null(b);
	struct got gb[RESUME_N];
	t = now_s();
	size_t nb = take(b, gb, RESUME_N - 7);
	print_message("# resume: second member got %zu events after %.1f s\n", nb, now_s() - t);
	assert_int_equal(nb, RESUME_N - 7);
	const struct lm_event *ev;
	assert_int_equal(lm_kafka_next(b, &ev), 0); /* nothing more is waiting */

	int seen[RESUME_N] = { 0 };
	mark_seen(ga, na, seen);
	mark_seen(gb, nb, seen);
	for (int i = 0; i < RESUME_N; i++)
		assert_int_equal(seen[i], 1);

	lm_kafka_commit(b, true);
	st = lm_kafka_stats(b);
	assert_int_equal(st->messages, RESUME_N - 7);
	assert_int_equal(st->lag, 0);
	lm_kafka_free(b);
	free_got(ga, na);
	free_got(gb, nb);
}

/* Two members of one group, on a topic of their own. */
struct pair {
	const char *topic;    /* also the group */
	const char *strategy; /* the -X partition.assignment.strategy setting */
	struct lm_kafka *k[2];
	struct got g[2][3 * RESUME_N]; /* room for messages read twice */
	size_t n[2];
	int flushes[2];
};

static void join(struct pair *p, int m)
{
	member_conf[N_MEMBER_CONF - 1] = p->strategy;
	p->k[m] = member(p->topic, p->topic, 0, &p->flushes[m]);
	assert_non_null(p->k[m]);
}

static void produce_half(const struct pair *p, int half)
{
	char value[16];
	for (int i = half * RESUME_N / 2; i < (half + 1) * RESUME_N / 2; i++) {
		snprintf(value, sizeof(value), "msg-%02d", i);
		produce(p->topic, i % 2, value, T0_MS + i);
	}
}

/* Waits on every member's descriptor and takes what each has, until stop
 * holds for every pair or WAIT_S seconds passed; returns whether it held. */
static bool take_pairs(struct pair *ps, int np, bool (*stop)(const struct pair *))
{
	double deadline = now_s() + WAIT_S;
	for (;;) {
		bool done = true;
		for (int i = 0; i < np; i++)
			done = done && stop(&ps[i]);
		if (done)
			return true;
		if (now_s() > deadline)
			return false;
		struct pollfd pfd[4];
		int n = 0;
		for (int i = 0; i < np && i < 2; i++)
			for (int m = 0; m < 2; m++)
				if (ps[i].k[m])
					pfd[n++] = (struct pollfd){ .fd = lm_kafka_fd(ps[i].k[m]),
								    .events = POLLIN };
		if (poll(pfd, (nfds_t)n, 200) <= 0)
			continue;
		for (int i = 0; i < np; i++)
			for (int m = 0; m < 2; m++) {
				struct pair *p = &ps[i];
				const struct lm_event *ev;
				while (p->k[m] && p->n[m] < 3 * RESUME_N &&
				       lm_kafka_next(p->k[m], &ev) == 1)
					copy_event(&p->g[m][p->n[m]++], ev);
			}
	}
}

static bool first_has_half(const struct pair *p)
{
	return p->n[0] >= RESUME_N / 2;
}

static bool first_revoked(const struct pair *p)
{
	return p->flushes[0] > 0;
}

/* Whether every message of the topic came, from either member. */
static bool all_seen(const struct pair *p)
{
	bool seen[RESUME_N] = { false };
	int distinct = 0;
	for (int m = 0; m < 2; m++)
		for (size_t i = 0; i < p->n[m]; i++) {
			int v = -1;
			if (sscanf(p->g[m][i].text, "msg-%d", &v) == 1 && v >= 0 && v < RESUME_N &&
			    !seen[v]) {
				seen[v] = true;
				distinct++;
			}
		}
	return distinct == RESUME_N;
}

static void check_pair(struct pair *p)
{
	assert_true(p->n[1] > 0); /* the second member got a partition */
	int seen[RESUME_N] = { 0 };
	for (int m = 0; m < 2; m++) {
		for (size_t i = 0; i < p->n[m]; i++) {
			int v = -1;
			assert_int_equal(sscanf(p->g[m][i].text, "msg-%d", &v), 1);
			assert_true(v >= 0 && v < RESUME_N);
			seen[v]++;
		}
	}
	for (int i = 0; i < RESUME_N; i++)
		assert_true(seen[i] >= 1);
}

/* In each of two groups, one COOPERATIVE and one EAGER (run side by side,
 * since each rebalance takes the mock about 5 s), a second member joins while
 * the first one holds everything: the first one's partitions are revoked (it
 * flushes and commits what it processed on the way) and split between the
 * two.  Every message must come at least once: with the commit on
 * revocation refused (below), some are read again by the new owner, which
 * at-least-once allows.
 *
 * Whether the commit on revocation is taken cannot be checked here:
 * librdkafka 2.0.2's mock refuses an OffsetCommit while its group is joining
 * or syncing (REBALANCE_IN_PROGRESS), which is always when an EAGER member
 * revokes and, depending on timing, when a COOPERATIVE one does; a real
 * broker takes commits of the current generation while it prepares a
 * rebalance.  test_resume checks a commit made by a revocation. */
static void test_rebalance(void **state)
{
	(void)state;
	static struct pair ps[2] = {
		{ .topic = "rebalance-coop", .strategy = "partition.assignment.strategy=cooperative-sticky" },
		{ .topic = "rebalance-eager", .strategy = "partition.assignment.strategy=range" },
	};
	for (int i = 0; i < 2; i++)
		produce_half(&ps[i], 0);
	produced();

	/* The first members take the first half and commit nothing themselves. */
	double t = now_s();
	for (int i = 0; i < 2; i++)
		join(&ps[i], 0);
	assert_true(take_pairs(ps, 2, first_has_half));
	print_message("# rebalance: first members read after %.1f s\n", now_s() - t);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(ps[i].n[0], RESUME_N / 2);
		assert_int_equal(ps[i].flushes[0], 0);
	}

	t = now_s();
	for (int i = 0; i < 2; i++)
		join(&ps[i], 1);
	assert_true(take_pairs(ps, 2, first_revoked));
	print_message("# rebalance: revoked %.1f s after the second members came\n", now_s() - t);
	for (int i = 0; i < 2; i++) {
		print_message("# %s: the commit on revocation %s\n", ps[i].topic,
			      lm_kafka_stats(ps[i].k[0])->commits ? "was taken"
								  : "was refused by the mock");
		produce_half(&ps[i], 1);
	}
	produced();
	assert_true(take_pairs(ps, 2, all_seen));
	print_message("# rebalance: all read %.1f s after the second members came\n", now_s() - t);

	for (int i = 0; i < 2; i++) {
		check_pair(&ps[i]);
		for (int m = 0; m < 2; m++) {
			lm_kafka_free(ps[i].k[m]);
			free_got(ps[i].g[m], ps[i].n[m]);
		}
	}
}

static void test_bad_config(void **state)
{
	(void)state;
	static const char *const bad[][1] = {
		{ "no.such.property=1" }, { "session.timeout.ms=soon" }, { "session.timeout.ms" },
		{ "=1" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct lm_kafka_opts o = { .brokers = bootstraps, .topics = "fmt", .group = "g-bad",
					   .conf = bad[i], .n_conf = 1 };
		assert_null(lm_kafka_new(&o, 0));
	}
	struct lm_kafka_opts o = { .brokers = bootstraps, .topics = " , ", .group = "g-bad" };
	assert_null(lm_kafka_new(&o, 0));
	o = (struct lm_kafka_opts){ .brokers = bootstraps, .topics = "fmt" };
	assert_null(lm_kafka_new(&o, 0));
	lm_kafka_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_rebalance),
	};
	return cmocka_run_group_tests_name("kafka", tests, setup, teardown);
}
