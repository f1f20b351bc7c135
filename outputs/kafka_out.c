/*
 * kafka_out: the `kafka` network output: each diagnosis, as the JSON object
 * `-o json` writes, produced to a topic with the incident id as its key, so
 * every update of one incident lands in one partition, in order.
 *
 * `--output kafka=BROKERS/TOPIC`; settings `rdkafka.KEY=VALUE` go to
 * librdkafka as they are (security.protocol, sasl.*, ssl.*), `timeout` bounds
 * one delivery attempt (default 10s).  The producer is idempotent.  The
 * worker produces a batch, then waits for the delivery reports: a message
 * not confirmed within the timeout is purged and tried again by the
 * delivery queue, so each diagnosis is delivered at least once.
 */
#include <librdkafka/rdkafka.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "ingest/timestamp.h"
#include "outputs/delivery.h"
#include "outputs/jsonw.h"
#include "outputs/output.h"

struct sink {
	rd_kafka_t *rk;
	char *topic;
	int timeout_ms;
	bool reported; /* a delivery error was logged */
};

struct kafka_out {
	struct lm_jw *w;
	struct lm_buf item;
	struct lm_delivery *d;
};

/* Delivery report: the result slot travels as the message's opaque. */
static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	(void)rk;
	struct sink *s = opaque;
	enum lm_send_result *res = m->_private;
	if (!m->err) {
		*res = LM_SEND_OK;
		return;
	}
	/* Refused for what it is: sending it again cannot help. */
	bool lasting = m->err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ||
		       m->err == RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE ||
		       m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED;
	*res = lasting ? LM_SEND_FAIL : LM_SEND_RETRY;
	if (!s->reported && m->err != RD_KAFKA_RESP_ERR__PURGE_QUEUE &&
	    m->err != RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
		s->reported = true;
		lm_log_warn("kafka output: %s (further errors are counted in the summary)",
			    rd_kafka_err2str(m->err));
	}
}

/* An item is "KEY\nJSON": the JSON holds no raw newline. */
static void sink_send(void *arg, struct lm_delivery_item *const *items, unsigned n,
		      enum lm_send_result *res)
{
	struct sink *s = arg;
	for (unsigned i = 0; i < n; i++) {
		const char *nl = memchr(items[i]->data, '\n', items[i]->len);
		size_t klen = nl ? (size_t)(nl - items[i]->data) : 0;
		const char *value = nl ? nl + 1 : items[i]->data;
		rd_kafka_resp_err_t err = rd_kafka_producev(
			s->rk, RD_KAFKA_V_TOPIC(s->topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
			RD_KAFKA_V_KEY(items[i]->data, klen),
			RD_KAFKA_V_VALUE((void *)value, items[i]->len - (size_t)(value - items[i]->data)),
			RD_KAFKA_V_OPAQUE(&res[i]), RD_KAFKA_V_END);
		if (err)
			res[i] = LM_SEND_RETRY; /* the local queue is full: later */
	}
	if (rd_kafka_flush(s->rk, s->timeout_ms) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		/* Not confirmed in time: take them back, so no report outlives res. */
		rd_kafka_purge(s->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
		rd_kafka_flush(s->rk, 5000);
	}
}

static void sink_fini(void *arg)
{
	struct sink *s = arg;
	rd_kafka_destroy(s->rk);
	free(s->topic);
	free(s);
}

static const struct lm_sink_ops sink_ops = { .send = sink_send, .fini = sink_fini };

static bool conf_set(rd_kafka_conf_t *conf, const char *key, const char *value)
{
	char err[256];
	if (rd_kafka_conf_set(conf, key, value, err, sizeof(err)) == RD_KAFKA_CONF_OK)
		return true;
	lm_log_error("--output kafka: %s: %s", key, err);
	return false;
}

/* librdkafka settings: the defaults, then rdkafka.KEY=VALUE settings. */
static bool configure(rd_kafka_conf_t *conf, const struct lm_output_conf *c, const char *brokers,
		      int timeout_ms)
{
	char ms[32];
	snprintf(ms, sizeof(ms), "%d", timeout_ms);
	if (!conf_set(conf, "bootstrap.servers", brokers) ||
	    !conf_set(conf, "enable.idempotence", "true") || !conf_set(conf, "linger.ms", "20") ||
	    !conf_set(conf, "message.timeout.ms", ms))
		return false;
	for (unsigned i = 0; i < c->n_settings; i++) {
		if (strncmp(c->settings[i], "rdkafka.", 8) != 0)
			continue;
		char *kv = lm_xstrdup(c->settings[i] + 8), *eq = strchr(kv, '=');
		bool ok = eq && (*eq = '\0', conf_set(conf, kv, eq + 1));
		free(kv);
		if (!ok)
			return false;
	}
	return true;
}

static struct sink *sink_new(const struct lm_output_conf *c)
{
	char *target = lm_output_secret("--output kafka", c->target);
	if (!target)
		return NULL;
	char *slash = strrchr(target, '/');
	if (!slash || slash == target || !slash[1]) {
		lm_log_error("--output kafka=BROKERS/TOPIC: the target names no topic");
		free(target);
		return NULL;
	}
	*slash = '\0';
	lm_time_t timeout = 10 * LM_NS_PER_SEC;
	const char *t = lm_output_setting(c, "timeout");
	if (t && (lm_duration_parse(t, &timeout) < 0 || timeout < LM_NS_PER_MS)) {
		lm_log_error("--output-opt kafka.timeout=%s: not a duration", t);
		free(target);
		return NULL;
	}
	struct sink *s = lm_xcalloc(1, sizeof(*s));
	s->timeout_ms = (int)(timeout / LM_NS_PER_MS);
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	char err[256];
	if (configure(conf, c, target, s->timeout_ms)) {
		rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
		rd_kafka_conf_set_opaque(conf, s);
		s->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
		if (!s->rk)
			lm_log_error("--output kafka: %s", err);
		conf = NULL; /* taken by rd_kafka_new, even when it fails */
	}
	if (conf)
		rd_kafka_conf_destroy(conf);
	if (s->rk)
		s->topic = lm_xstrdup(slash + 1);
	free(target);
	if (s->rk)
		return s;
	free(s);
	return NULL;
}

static void *kafka_init(const struct lm_output_conf *c)
{
	struct sink *s = sink_new(c);
	if (!s)
		return NULL;
	struct kafka_out *k = lm_xcalloc(1, sizeof(*k));
	k->w = lm_jw_new();
	lm_buf_init(&k->item);
	k->d = lm_delivery_new("kafka", &sink_ops, s, &c->delivery);
	return k;
}

static void kafka_diagnosis(void *state, const struct lm_diagnosis *d, enum lm_emit kind)
{
	struct kafka_out *k = state;
	lm_jw_reset(k->w);
	lm_jw_diagnosis(k->w, d, kind);
	struct lm_str json = lm_jw_text(k->w);
	lm_buf_reset(&k->item);
	lm_buf_puts(&k->item, d->incident);
	lm_buf_putc(&k->item, '\n');
	lm_buf_append(&k->item, json.p, json.n);
	lm_delivery_push(k->d, k->item.data, k->item.len);
}

static struct lm_delivery *kafka_delivery(void *state)
{
	return ((struct kafka_out *)state)->d;
}

static void kafka_fini(void *state)
{
	struct kafka_out *k = state;
	lm_delivery_free(k->d);
	lm_jw_free(k->w);
	lm_buf_fini(&k->item);
	free(k);
}

const struct lm_output_ops lm_output_kafka = {
	.name = "kafka",
	.init = kafka_init,
	.diagnosis = kafka_diagnosis,
	.delivery = kafka_delivery,
	.fini = kafka_fini,
};
