/*
 * kafka-mock: a Kafka stand-in for the shell tests, around librdkafka's mock
 * cluster (there is no Kafka broker in Debian).
 *
 *   kafka-mock broker [-b N] [-t TOPIC:PARTITIONS]... -f FILE
 *       Starts a mock cluster of N brokers (1) listening on ephemeral ports of
 *       127.0.0.1, creates the topics, writes the bootstrap list to FILE
 *       (written aside, then renamed: once FILE exists it is complete) and on
 *       stdout, and serves until SIGTERM or SIGINT; exits 0.  Other topics are
 *       created on first use with 4 partitions.  Messages live in memory only.
 *       SIGUSR1 takes every broker down (connections refused), SIGUSR2 brings
 *       them up again: an outage for the tests of the kafka output.
 *   kafka-mock produce BOOTSTRAP TOPIC [-k]
 *       Produces each line of stdin (without its newline) as one message; with
 *       -k the text before the first TAB is the key and the rest the value.
 *       Idempotent producer; exits 0 when every message was delivered, else
 *       names the first failure and exits 1.
 *   kafka-mock consume BOOTSTRAP TOPIC COUNT [TIMEOUT_S]
 *       Reads COUNT messages from the beginning of every partition (a plain
 *       assignment, no group, nothing committed) and prints each as
 *       "PARTITION OFFSET KEY VALUE" ("-" for a missing key); exits 0 once
 *       COUNT were read, 1 when TIMEOUT_S (10) passed first.
 *
 * Exit status 2 for usage errors and failures to set up.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static const char usage[] =
	"usage: kafka-mock broker [-b N] [-t TOPIC:PARTITIONS]... -f FILE\n"
	"       kafka-mock produce BOOTSTRAP TOPIC [-k]\n"
	"       kafka-mock consume BOOTSTRAP TOPIC COUNT [TIMEOUT_S]\n";

static int fail_usage(void)
{
	fputs(usage, stderr);
	return 2;
}

typedef void dr_cb_t(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque);

/* A client handle configured with kv (key, value, ..., NULL) and, for a
 * producer, a delivery callback; NULL after naming the problem. */
static rd_kafka_t *new_client(rd_kafka_type_t type, const char *const *kv, dr_cb_t *dr,
			      void *opaque)
{
	char why[512];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	for (; kv && kv[0]; kv += 2)
		if (rd_kafka_conf_set(conf, kv[0], kv[1], why, sizeof(why)) != RD_KAFKA_CONF_OK) {
			fprintf(stderr, "kafka-mock: %s: %s\n", kv[0], why);
			rd_kafka_conf_destroy(conf);
			return NULL;
		}
	if (dr)
		rd_kafka_conf_set_dr_msg_cb(conf, dr);
	rd_kafka_conf_set_opaque(conf, opaque);
	rd_kafka_t *rk = rd_kafka_new(type, conf, why, sizeof(why));
	if (!rk) {
		fprintf(stderr, "kafka-mock: %s\n", why);
		rd_kafka_conf_destroy(conf);
	}
	return rk;
}

/* ---- broker ---------------------------------------------------------- */

static volatile sig_atomic_t stop, outage_change, down;

static void on_signal(int sig)
{
	if (sig == SIGUSR1 || sig == SIGUSR2) {
		down = sig == SIGUSR1;
		outage_change = 1;
		return;
	}
	stop = 1;
}

/* Every broker down (an outage) or up, as the last SIGUSR1/SIGUSR2 asked. */
static void apply_outage(rd_kafka_mock_cluster_t *mc, int brokers)
{
	outage_change = 0;
	for (int id = 1; id <= brokers; id++) {
		rd_kafka_resp_err_t err = down ? rd_kafka_mock_broker_set_down(mc, id)
					       : rd_kafka_mock_broker_set_up(mc, id);
		if (err)
			fprintf(stderr, "kafka-mock: broker %d %s: %s\n", id, down ? "down" : "up",
				rd_kafka_err2str(err));
	}
}

static bool write_file(const char *path, const char *text)
{
	size_t n = strlen(path) + 8;
	char *tmp = malloc(n);
	if (!tmp)
		return false;
	snprintf(tmp, n, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	bool ok = f && fprintf(f, "%s\n", text) >= 0;
	if (f && fclose(f) != 0)
		ok = false;
	if (ok && rename(tmp, path) != 0)
		ok = false;
	if (!ok) {
		perror(path);
		unlink(tmp);
	}
	free(tmp);
	return ok;
}

static bool create_topic(rd_kafka_mock_cluster_t *mc, const char *spec)
{
	const char *colon = strrchr(spec, ':');
	char *end = NULL;
	long parts = colon ? strtol(colon + 1, &end, 10) : 0;
	if (!colon || colon == spec || !end || *end || parts < 1 || parts > 10000) {
		fprintf(stderr, "kafka-mock: -t %s: expected TOPIC:PARTITIONS\n", spec);
		return false;
	}
	char *topic = strndup(spec, (size_t)(colon - spec));
	rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, topic, (int)parts, 1);
	if (err)
		fprintf(stderr, "kafka-mock: creating %s: %s\n", topic, rd_kafka_err2str(err));
	free(topic);
	return !err;
}

static int cmd_broker(int argc, char **argv)
{
	int brokers = 1;
	const char *file = NULL;
	const char **topics = calloc((size_t)argc, sizeof(*topics));
	int n_topics = 0, opt;
	while ((opt = getopt(argc, argv, "b:t:f:")) != -1) {
		if (opt == 'b')
			brokers = atoi(optarg);
		else if (opt == 't')
			topics[n_topics++] = optarg;
		else if (opt == 'f')
			file = optarg;
		else
			return free(topics), fail_usage();
	}
	if (!file || optind != argc || brokers < 1 || brokers > 32)
		return free(topics), fail_usage();

	/* Block the signals now; they are taken in sigsuspend() only. */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, &old);
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);

	/* The cluster belongs to a handle that is never used otherwise; its
	 * threads start with the signals blocked, so they reach this one. */
	static const char *const quiet[] = { "log_level", "4", NULL }; /* no bootstrap warning */
	rd_kafka_t *rk = new_client(RD_KAFKA_PRODUCER, quiet, NULL, NULL);
	rd_kafka_mock_cluster_t *mc = rk ? rd_kafka_mock_cluster_new(rk, brokers) : NULL;
	bool ok = mc != NULL;
	if (rk && !mc)
		fprintf(stderr, "kafka-mock: could not start the mock cluster\n");
	for (int i = 0; ok && i < n_topics; i++)
		ok = create_topic(mc, topics[i]);
	if (ok) {
		const char *bs = rd_kafka_mock_cluster_bootstraps(mc);
		printf("%s\n", bs);
		fflush(stdout);
		ok = write_file(file, bs);
	}
	while (ok && !stop) {
		sigsuspend(&old);
		if (outage_change)
			apply_outage(mc, brokers);
	}
	if (mc)
		rd_kafka_mock_cluster_destroy(mc);
	if (rk)
		rd_kafka_destroy(rk);
	free(topics);
	return ok ? 0 : 2;
}

/* ---- produce --------------------------------------------------------- */

struct delivery {
	unsigned long failed;
	char first[512];
};

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	(void)rk;
	struct delivery *d = opaque;
	if (!m->err)
		return;
	if (d->failed++ == 0)
		snprintf(d->first, sizeof(d->first), "%s", rd_kafka_err2str(m->err));
}

static int cmd_produce(int argc, char **argv)
{
	if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "-k") != 0))
		return fail_usage();
	bool keyed = argc == 4;
	const char *const conf[] = { "bootstrap.servers", argv[1], "enable.idempotence", "true",
				     "linger.ms", "5", "message.timeout.ms", "10000", NULL };
	struct delivery d = { 0 };
	rd_kafka_t *rk = new_client(RD_KAFKA_PRODUCER, conf, on_delivery, &d);
	if (!rk)
		return 2;

	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long sent = 0;
	rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
	while (!err && (n = getline(&line, &cap, stdin)) >= 0) {
		if (n && line[n - 1] == '\n')
			n--;
		const char *key = NULL, *val = line;
		size_t klen = 0, vlen = (size_t)n;
		const char *tab = keyed ? memchr(line, '\t', (size_t)n) : NULL;
		if (tab) {
			key = line;
			klen = (size_t)(tab - line);
			val = tab + 1;
			vlen = (size_t)n - klen - 1;
		}
		for (;;) {
			err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(argv[2]),
						RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
						RD_KAFKA_V_KEY(key, klen),
						RD_KAFKA_V_VALUE((void *)val, vlen), RD_KAFKA_V_END);
			if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
				break;
			rd_kafka_poll(rk, 100); /* room frees as deliveries complete */
		}
		if (err)
			fprintf(stderr, "kafka-mock: producing line %lu: %s\n", sent + 1,
				rd_kafka_err2str(err));
		else
			sent++;
		rd_kafka_poll(rk, 0);
	}
	free(line);
	rd_kafka_resp_err_t ferr = rd_kafka_flush(rk, 15000); /* failed deliveries end it */
	if (ferr)
		fprintf(stderr, "kafka-mock: %d message(s) not delivered: %s\n",
			rd_kafka_outq_len(rk), rd_kafka_err2str(ferr));
	if (d.failed)
		fprintf(stderr, "kafka-mock: %lu of %lu message(s) failed: %s\n", d.failed, sent,
			d.first);
	rd_kafka_destroy(rk);
	return err || ferr || d.failed ? 1 : 0;
}

/* ---- consume --------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The topic's partition count, asking until it is known or the deadline. */
static int partition_count(rd_kafka_t *rk, const char *topic, double deadline)
{
	rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
	int count = -1;
	while (count < 0 && now_s() < deadline) {
		const struct rd_kafka_metadata *md = NULL;
		rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, 1000);
		if (!err && md->topic_cnt == 1 && !md->topics[0].err &&
		    md->topics[0].partition_cnt > 0)
			count = md->topics[0].partition_cnt;
		if (md)
			rd_kafka_metadata_destroy(md);
		if (count < 0)
			usleep(100 * 1000);
	}
	rd_kafka_topic_destroy(rkt);
	return count;
}

static void print_bytes(const void *p, size_t n)
{
	fwrite(p, 1, n, stdout);
}

static int cmd_consume(int argc, char **argv)
{
	if (argc < 4 || argc > 5)
		return fail_usage();
	char *end;
	long want = strtol(argv[3], &end, 10);
	if (*end || want < 0)
		return fail_usage();
	double timeout = argc == 5 ? strtod(argv[4], &end) : 10;
	if (argc == 5 && (*end || timeout <= 0))
		return fail_usage();
	double deadline = now_s() + timeout;
	/* rd_kafka_assign() wants a group.id, though an assignment joins no
	 * group; nothing is committed. */
	char group[64];
	snprintf(group, sizeof(group), "kafka-mock-consume-%ld", (long)getpid());
	const char *const conf[] = { "bootstrap.servers", argv[1], "group.id", group,
				     "enable.auto.commit", "false", NULL };
	rd_kafka_t *rk = new_client(RD_KAFKA_CONSUMER, conf, NULL, NULL);
	if (!rk)
		return 2;
	int parts = partition_count(rk, argv[2], deadline);
	long got = 0;
	if (parts > 0) {
		rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(parts);
		for (int i = 0; i < parts; i++)
			rd_kafka_topic_partition_list_add(list, argv[2], i)->offset =
				RD_KAFKA_OFFSET_BEGINNING;
		rd_kafka_resp_err_t err = rd_kafka_assign(rk, list);
		rd_kafka_topic_partition_list_destroy(list);
		if (err) {
			fprintf(stderr, "kafka-mock: assign: %s\n", rd_kafka_err2str(err));
			rd_kafka_destroy(rk);
			return 2;
		}
	}
	while (parts > 0 && got < want && now_s() < deadline) {
		int wait_ms = (int)((deadline - now_s()) * 1000) + 1;
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, wait_ms < 200 ? wait_ms : 200);
		if (!m)
			continue;
		if (m->err) {
			fprintf(stderr, "kafka-mock: %s\n", rd_kafka_message_errstr(m));
		} else {
			printf("%d %lld ", (int)m->partition, (long long)m->offset);
			if (m->key)
				print_bytes(m->key, m->key_len);
			else
				fputs("-", stdout);
			putchar(' ');
			print_bytes(m->payload, m->len);
			putchar('\n');
			got++;
		}
		rd_kafka_message_destroy(m);
	}
	fflush(stdout);
	if (got < want)
		fprintf(stderr, "kafka-mock: %ld of %ld message(s) read in %g s\n", got, want, timeout);
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	return got < want ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return fail_usage();
	if (strcmp(argv[1], "broker") == 0)
		return cmd_broker(argc - 1, argv + 1);
	if (strcmp(argv[1], "produce") == 0)
		return cmd_produce(argc - 1, argv + 1);
	if (strcmp(argv[1], "consume") == 0)
		return cmd_consume(argc - 1, argv + 1);
	return fail_usage();
}
