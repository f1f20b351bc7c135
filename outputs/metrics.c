/*
 * metrics: the Prometheus endpoint.  See metrics.h.  The page is built from
 * a view of the counters on the pipeline thread; the server thread serves
 * copies of the latest page and nothing else.
 */
#include "outputs/metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/signals.h"

#define REQUEST_MAX 8192
#define CLIENT_TIMEOUT_S 2

struct lm_metrics {
	int listen_fd;
	int stop_pipe[2];
	pthread_t thread;
	pthread_mutex_t lock;
	struct lm_buf page;    /* the latest page, under lock */
	struct lm_buf scratch; /* pipeline thread: the page being built */
	lm_time_t rendered_at;
};

/* ---- the page --------------------------------------------------------- */

static void help(struct lm_buf *b, const char *name, const char *type, const char *text)
{
	lm_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

/* A label value: backslash, double quote and newline escaped. */
static void label_value(struct lm_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			lm_buf_putc(b, '\\');
		if (*s == '\n')
			lm_buf_puts(b, "\\n");
		else
			lm_buf_putc(b, *s);
	}
}

static void counter(struct lm_buf *b, const char *name, const char *text, unsigned long long v)
{
	help(b, name, "counter", text);
	lm_buf_printf(b, "%s %llu\n", name, v);
}

static void input_metrics(struct lm_buf *b, const struct lm_run_view *v)
{
	const struct lm_engine_stats *st = lm_engine_stats(v->engine);
	if (v->input) {
		counter(b, "logmedic_lines_read_total", "Physical lines read.", v->input->lines);
		counter(b, "logmedic_parse_errors_total",
			"Malformed records, read as plain text.", v->input->malformed);
		counter(b, "logmedic_multiline_joined_total", "Multi-line records joined.",
			v->input->ml_joined);
	}
	counter(b, "logmedic_events_total", "Events analysed.", st->events);
	counter(b, "logmedic_late_events_total", "Events more than 5 s behind the clock.",
		st->late);
}

/* What each bound (docs/limits.md) left out or cut. */
static void limit_metrics(struct lm_buf *b, const struct lm_run_view *v)
{
	const struct lm_engine_stats *st = lm_engine_stats(v->engine);
	if (v->input) {
		counter(b, "logmedic_lines_cut_total", "Lines cut at --max-line.", v->input->cut);
		counter(b, "logmedic_multiline_cut_total",
			"Multi-line records cut at --multiline-max-lines or --multiline-max-bytes.",
			v->input->ml_cut);
		counter(b, "logmedic_joined_cut_total",
			"Records joined from CRI or Docker pieces, cut at their bound.",
			v->input->joined_cut);
		counter(b, "logmedic_records_crowded_total",
			"Records with more fields than an event keeps; the rest were dropped.",
			v->input->crowded);
		counter(b, "logmedic_future_times_total",
			"Event times more than 15 hours ahead of the clock, not believed.",
			v->input->future);
	}
	counter(b, "logmedic_keys_evicted_total", "Group keys evicted at --max-keys.",
		st->evicted);
	counter(b, "logmedic_diagnoses_retired_total",
		"Idle diagnoses retired at --max-idle.", st->retired);
	counter(b, "logmedic_evidence_dropped_total",
		"Matches not kept as evidence, past --max-evidence per diagnosis.",
		st->evidence_dropped);
	counter(b, "logmedic_aggregates_dropped_total",
		"Matches of statement shapes past those kept per aggregating rule.",
		st->aggregates_dropped);
}

static void rule_metrics(struct lm_buf *b, const struct lm_run_view *v)
{
	const struct lm_engine_stats *st = lm_engine_stats(v->engine);
	help(b, "logmedic_rule_matches_total", "counter", "Events that matched each rule.");
	for (unsigned i = 0; i < v->rs->n; i++) {
		lm_buf_puts(b, "logmedic_rule_matches_total{rule=\"");
		label_value(b, v->rs->rules[i].id);
		lm_buf_printf(b, "\"} %llu\n", (unsigned long long)st->rule_matches[i]);
	}
	help(b, "logmedic_diagnoses_total", "counter",
	     "Diagnoses handed to the outputs, per rule, severity and event.");
	for (unsigned i = 0; i < v->rs->n; i++)
		for (int k = 0; k < LM_EMIT_KINDS; k++) {
			if (!st->rule_emits[i][k])
				continue;
			lm_buf_puts(b, "logmedic_diagnoses_total{rule=\"");
			label_value(b, v->rs->rules[i].id);
			lm_buf_printf(b, "\",severity=\"%s\",event=\"%s\"} %llu\n",
				      lm_severity_name(v->rs->rules[i].severity),
				      lm_emit_name((enum lm_emit)k),
				      (unsigned long long)st->rule_emits[i][k]);
		}
	help(b, "logmedic_rule_match_errors_total", "counter",
	     "Lines on which a rule's pattern stopped at a PCRE2 limit.");
	for (unsigned i = 0; i < v->rs->n; i++) {
		lm_buf_puts(b, "logmedic_rule_match_errors_total{rule=\"");
		label_value(b, v->rs->rules[i].id);
		lm_buf_printf(b, "\"} %llu\n",
			      (unsigned long long)lm_matcher_errors(v->matcher, &v->rs->rules[i]));
	}
}

static void output_metric(struct lm_buf *b, const struct lm_run_view *v, const char *name,
			  const char *type, const char *text, size_t offset)
{
	help(b, name, type, text);
	for (unsigned i = 0; i < v->n_outputs; i++) {
		if (!v->outputs[i].ops->delivery)
			continue;
		const struct lm_delivery_stats *st = lm_delivery_stats(v->outputs[i].ops->delivery(v->outputs[i].state));
		const atomic_uint_fast64_t *c = (const atomic_uint_fast64_t *)((const char *)st + offset);
		lm_buf_printf(b, "%s{output=\"%s\"} %llu\n", name, v->outputs[i].ops->name,
			      (unsigned long long)atomic_load(c));
	}
}

static void output_metrics(struct lm_buf *b, const struct lm_run_view *v)
{
	output_metric(b, v, "logmedic_output_sent_total", "counter", "Diagnoses delivered.",
		      offsetof(struct lm_delivery_stats, sent));
	output_metric(b, v, "logmedic_output_failed_total", "counter",
		      "Diagnoses given up: refused, or left at exit.",
		      offsetof(struct lm_delivery_stats, failed));
	output_metric(b, v, "logmedic_output_dropped_total", "counter",
		      "Diagnoses dropped from a full queue.",
		      offsetof(struct lm_delivery_stats, dropped));
	output_metric(b, v, "logmedic_output_retries_total", "counter", "Sends tried again.",
		      offsetof(struct lm_delivery_stats, retries));
	output_metric(b, v, "logmedic_output_queue_depth", "gauge", "Diagnoses waiting.",
		      offsetof(struct lm_delivery_stats, depth));
}

static void live_metrics(struct lm_buf *b, const struct lm_run_view *v)
{
	if (v->follow) {
		counter(b, "logmedic_follow_rotations_total", "Followed files renamed away or deleted.",
			v->follow->rotations);
		counter(b, "logmedic_follow_truncations_total", "Followed files truncated.",
			v->follow->truncations);
	}
	if (v->kafka) {
		counter(b, "logmedic_kafka_messages_total", "Kafka messages consumed.",
			v->kafka->messages);
		help(b, "logmedic_kafka_lag", "gauge",
		     "Messages behind the high watermark over the assigned partitions (-1: unknown).");
		lm_buf_printf(b, "logmedic_kafka_lag %lld\n", (long long)v->kafka->lag);
	}
}

void lm_metrics_update(struct lm_metrics *m, const struct lm_run_view *v)
{
	lm_time_t now = lm_clock_mono();
	if (m->rendered_at && now - m->rendered_at < LM_NS_PER_SEC)
		return;
	m->rendered_at = now;
	struct lm_buf *b = &m->scratch;
	lm_buf_reset(b);
	input_metrics(b, v);
	limit_metrics(b, v);
	rule_metrics(b, v);
	output_metrics(b, v);
	live_metrics(b, v);
	pthread_mutex_lock(&m->lock);
	struct lm_buf t = m->page;
	m->page = m->scratch;
	m->scratch = t;
	pthread_mutex_unlock(&m->lock);
}

/* ---- the server -------------------------------------------------------- */

static void reply(int fd, const char *status, const char *type, const char *body, size_t len)
{
	struct lm_buf head;
	lm_buf_init(&head);
	lm_buf_printf(&head,
		      "HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		      "Connection: close\r\n\r\n",
		      status, type, len);
	bool ok = send(fd, head.data, head.len, MSG_NOSIGNAL) == (ssize_t)head.len;
	for (size_t off = 0; ok && off < len;) {
		ssize_t n = send(fd, body + off, len - off, MSG_NOSIGNAL);
		ok = n > 0;
		off += ok ? (size_t)n : 0;
	}
	lm_buf_fini(&head);
}

/* Reads the request head (bounded, with a timeout) and answers it. */
static void serve(struct lm_metrics *m, int fd)
{
	struct timeval tv = { CLIENT_TIMEOUT_S, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	char req[REQUEST_MAX + 1];
	size_t got = 0;
	while (got < REQUEST_MAX) {
		ssize_t n = recv(fd, req + got, REQUEST_MAX - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
		req[got] = '\0';
		if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
			break;
	}
	req[got] = '\0';
	if (strncmp(req, "GET /metrics ", 13) != 0 && strncmp(req, "GET /metrics?", 13) != 0) {
		static const char nf[] = "not found: logmedic serves /metrics\n";
		reply(fd, "404 Not Found", "text/plain; charset=utf-8", nf, sizeof(nf) - 1);
		return;
	}
	pthread_mutex_lock(&m->lock);
	char *copy = lm_xmalloc(m->page.len + 1);
	memcpy(copy, m->page.data ? m->page.data : "", m->page.len);
	size_t len = m->page.len;
	pthread_mutex_unlock(&m->lock);
	reply(fd, "200 OK", "text/plain; version=0.0.4; charset=utf-8", copy, len);
	free(copy);
}

static void *server(void *arg)
{
	struct lm_metrics *m = arg;
	lm_signals_block_thread();
	struct pollfd p[2] = { { .fd = m->listen_fd, .events = POLLIN },
			       { .fd = m->stop_pipe[0], .events = POLLIN } };
	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		int fd = accept4(m->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		serve(m, fd);
		close(fd);
	}
	return NULL;
}

/* A listening socket on addr ("HOST:PORT"); -1 after reporting why not. */
static int listen_on(const char *addr)
{
	const char *colon = strrchr(addr, ':');
	char *end = NULL;
	long port = colon ? strtol(colon + 1, &end, 10) : 0;
	if (!colon || colon == addr || !colon[1] || *end || port < 1 || port > 65535) {
		lm_log_error("--metrics %s: not HOST:PORT (a port from 1 to 65535)", addr);
		return -1;
	}
	char *host = lm_xstrndup(addr, (size_t)(colon - addr));
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(host, colon + 1, &hints, &res), fd = -1;
	if (rc != 0)
		lm_log_error("--metrics %s: %s", addr, gai_strerror(rc));
	for (struct addrinfo *a = rc == 0 ? res : NULL; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		int one = 1;
		if (fd >= 0)
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (fd >= 0 && (bind(fd, a->ai_addr, a->ai_addrlen) < 0 || listen(fd, 16) < 0)) {
			lm_log_error("--metrics %s: %s", addr, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	if (res)
		freeaddrinfo(res);
	free(host);
	return fd;
}

struct lm_metrics *lm_metrics_new(const char *addr)
{
	int fd = listen_on(addr);
	if (fd < 0)
		return NULL;
	struct lm_metrics *m = lm_xcalloc(1, sizeof(*m));
	m->listen_fd = fd;
	lm_buf_init(&m->page);
	lm_buf_init(&m->scratch);
	pthread_mutex_init(&m->lock, NULL);
	if (pipe2(m->stop_pipe, O_CLOEXEC) < 0 || pthread_create(&m->thread, NULL, server, m) != 0) {
		lm_log_error("--metrics %s: cannot start the server: %s", addr, strerror(errno));
		abort();
	}
	return m;
}

void lm_metrics_free(struct lm_metrics *m)
{
	if (!m)
		return;
	if (write(m->stop_pipe[1], "x", 1) < 0)
		lm_log_error("--metrics: cannot stop the server: %s", strerror(errno));
	pthread_join(m->thread, NULL);
	close(m->stop_pipe[0]);
	close(m->stop_pipe[1]);
	close(m->listen_fd);
	pthread_mutex_destroy(&m->lock);
	lm_buf_fini(&m->page);
	lm_buf_fini(&m->scratch);
	free(m);
}
