/*
 * run: the analysis pipeline for the command line.  See run.h.
 *
 * Batch (files, or standard input from a file): the sources are merged in
 * event-time order and read to their end.  Live (--follow, --kafka, or
 * standard input from a pipe or terminal): core/loop runs until the input
 * ends or a stop signal; then what was processed is flushed, the follow
 * state saved and the Kafka offsets committed.
 */
#include "core/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzers/engine.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/signals.h"
#include "ingest/follow.h"
#include "ingest/kafka.h"
#include "ingest/merge.h"
#include "ingest/source.h"
#include "ingest/timestamp.h"
#include "outputs/metrics.h"
#include "outputs/output.h"
#include "outputs/summary.h"
#include "rules/loader.h"
#include "rules/matcher.h"

/* Standard output and the network outputs. */
#define LM_OUTPUTS_MAX 16

struct run {
	const struct lm_options *o;
	struct lm_ruleset *rs;
	struct lm_matcher *matcher;
	struct lm_source_opts so;
	struct lm_source **sources;
	unsigned n_sources, failed;
	struct lm_follow *follow;
	struct lm_kafka *kafka;
	struct lm_output outputs[LM_OUTPUTS_MAX];
	unsigned n_outputs;
	struct lm_matches_writer *matches;
	struct lm_engine *engine;
	struct lm_metrics *metrics;
	bool live;
	bool write_failed;  /* standard output failed */
	sigset_t wait_mask; /* live: the signals were blocked; wait with this */
};

/* Loads the rules and builds their matcher; NULL after reporting errors. */
static struct lm_ruleset *load_rules(const struct lm_options *o, struct lm_matcher **matcher)
{
	struct lm_ruleset *rs = lm_xcalloc(1, sizeof(*rs));
	lm_ruleset_init(rs);
	if (lm_rules_load_all(rs, o->rules, o->n_rules) == 0 && (*matcher = lm_matcher_new(rs)))
		return rs;
	lm_ruleset_fini(rs);
	free(rs);
	return NULL;
}

static void free_rules(struct lm_ruleset *rs, struct lm_matcher *matcher)
{
	lm_matcher_free(matcher);
	if (rs)
		lm_ruleset_fini(rs);
	free(rs);
}

static int source_opts(struct run *r, const struct lm_options *o)
{
	const struct lm_decoder *format = NULL;
	if (o->format && !(format = lm_decoder_find(o->format))) {
		lm_log_error("--format: unknown format \"%s\" (%s)", o->format, lm_decoder_names());
		return -1;
	}
	r->so = (struct lm_source_opts){
		.read_size = o->read_size,
		.max_line = o->max_line,
		.format = format,
		.multiline = !o->no_multiline,
		.ml_max_lines = o->ml_max_lines,
		.ml_max_bytes = o->ml_max_bytes,
		.flush_timeout = o->flush_timeout,
	};
	return 0;
}

static void open_inputs(struct run *r, const struct lm_options *o)
{
	static char *const stdin_only[] = { "-" };
	char *const *paths = o->n_inputs ? o->inputs : stdin_only;
	unsigned n = o->n_inputs ? o->n_inputs : 1;
	if (o->n_follow || o->kafka)
		n = 0;
	r->sources = lm_xcalloc(n ? n : 1, sizeof(*r->sources));
	for (unsigned i = 0; i < n; i++) {
		struct lm_source *s = lm_xcalloc(1, sizeof(*s));
		int err = lm_source_open(s, paths[i], i, &r->so);
		if (err < 0) {
			lm_log_error("%s: %s", paths[i], strerror(-err));
			free(s);
			r->failed++;
			continue;
		}
		r->sources[r->n_sources++] = s;
	}
}

static bool use_color(const struct lm_options *o)
{
	if (o->color != LM_COLOR_AUTO)
		return o->color == LM_COLOR_ALWAYS;
	const char *no = getenv("NO_COLOR");
	return isatty(STDOUT_FILENO) && !(no && *no);
}

/* A duration setting of a network output into *out; false after
 * reporting a bad one. */
static bool duration_setting(const struct lm_output_conf *c, const char *name, const char *key,
			     lm_time_t *out)
{
	const char *v = lm_output_setting(c, key);
	if (!v)
		return true;
	if (lm_duration_parse(v, out) < 0 || *out <= 0) {
		lm_log_error("--output-opt %s.%s=%s: not a duration (such as 500ms, 5s)", name, key, v);
		return false;
	}
	return true;
}

/* The settings --output-opt gives output `name` ("name.key=value"), and
 * what the delivery takes from them. */
static bool output_conf(const struct lm_options *o, const char *name, struct lm_output_conf *c)
{
	size_t n = strlen(name);
	const char **mine = lm_xcalloc(o->n_output_opts + 1, sizeof(*mine));
	for (unsigned i = 0; i < o->n_output_opts; i++)
		if (strncmp(o->output_opts[i], name, n) == 0 && o->output_opts[i][n] == '.')
			mine[c->n_settings++] = o->output_opts[i] + n + 1;
	c->settings = mine;
	c->delivery.queue_max = o->output_queue;
	const char *batch = lm_output_setting(c, "batch");
	if (batch) {
		char *end;
		unsigned long b = strtoul(batch, &end, 10);
		if (*end || b < 1 || b > 100000) {
			lm_log_error("--output-opt %s.batch=%s: not a number from 1 to 100000", name, batch);
			return false;
		}
		c->delivery.batch_max = (unsigned)b;
	}
	return duration_setting(c, name, "retry", &c->delivery.retry_initial) &&
	       duration_setting(c, name, "retry_max", &c->delivery.retry_max) &&
	       duration_setting(c, name, "stop_timeout", &c->delivery.stop_bound);
}

/* One NAME=TARGET output; false after reporting the problem. */
static bool open_network_output(struct run *r, const struct lm_options *o, const char *spec)
{
	const char *eq = strchr(spec, '=');
	char *name = lm_xstrndup(spec, (size_t)(eq - spec));
	const struct lm_output_ops *ops = lm_output_find(name);
	struct lm_output_conf c = { .target = eq + 1 };
	bool ok = false;
	/* the target may hold a secret: messages name the output only */
	if (!ops || !ops->delivery)
		lm_log_error("--output %s=...: no network output \"%s\" (%s)", name, name,
			     lm_output_names());
	else if (r->n_outputs == LM_OUTPUTS_MAX)
		lm_log_error("--output %s=...: at most %d outputs", name, LM_OUTPUTS_MAX - 1);
	else if (output_conf(o, name, &c) && (r->outputs[r->n_outputs].state = ops->init(&c)))
		ok = true;
	if (ok)
		r->outputs[r->n_outputs++].ops = ops;
	free((void *)c.settings);
	free(name);
	return ok;
}

static int open_outputs(struct run *r, const struct lm_options *o)
{
	const struct lm_output_ops *ops = lm_output_find(o->output);
	struct lm_output_conf c = { .out = stdout, .color = use_color(o) };
	r->outputs[0] = (struct lm_output){ ops, ops->init(&c) };
	r->n_outputs = 1;
	for (unsigned i = 0; i < o->n_net_outputs; i++)
		if (!open_network_output(r, o, o->net_outputs[i]))
			return -1;
	return 0;
}


/* Standard input alone, from a pipe, socket or terminal: it stays open, so
 * it is read live. */
static bool stdin_is_live(const struct run *r)
{
	struct stat st;
	if (r->n_sources != 1 || !r->sources[0]->is_stdin || fstat(STDIN_FILENO, &st) < 0)
		return false;
	return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode);
}

static void report_read_errors(struct run *r)
{
	for (unsigned i = 0; i < r->n_sources; i++)
		if (r->sources[i]->error) {
			lm_log_error("%s: read error: %s", r->sources[i]->name,
				     strerror(-r->sources[i]->error));
			r->failed++;
		}
}

static struct lm_input_stats input_stats(const struct run *r)
{
	struct lm_input_stats in = { 0 };
	for (unsigned i = 0; i < r->n_sources; i++)
		lm_source_add_stats(r->sources[i], &in);
	if (r->follow)
		lm_follow_input_stats(r->follow, &in);
	if (r->kafka) {
		const struct lm_decode_ctx *dec = lm_kafka_decode_ctx(r->kafka);
		in.inputs++;
		in.lines += lm_kafka_stats(r->kafka)->messages;
		in.cut += lm_kafka_stats(r->kafka)->cut;
		in.malformed += dec->errors;
		in.crowded += dec->crowded;
		in.future += lm_kafka_stats(r->kafka)->future;
	}
	return in;
}

/* What the run saw so far; in holds the input counters. */
static struct lm_run_view run_view(const struct run *r, const struct lm_input_stats *in)
{
	return (struct lm_run_view){
		.engine = r->engine,
		.rs = r->rs,
		.matcher = r->matcher,
		.input = in,
		.failed_inputs = r->failed,
		.outputs = r->outputs,
		.n_outputs = r->n_outputs,
		.follow = r->follow ? lm_follow_stats(r->follow) : NULL,
		.kafka = r->kafka ? lm_kafka_stats(r->kafka) : NULL,
	};
}

/* A new metrics page, at most once a second. */
static void update_metrics(struct run *r)
{
	if (!r->metrics)
		return;
	struct lm_input_stats in = input_stats(r);
	struct lm_run_view v = run_view(r, &in);
	lm_metrics_update(r->metrics, &v);
}

static void loop_tick(void *arg)
{
	update_metrics(arg);
}

static void read_all(struct run *r)
{
	struct lm_merge m;
	lm_merge_init(&m, r->sources, r->n_sources);
	const struct lm_event *ev;
	for (unsigned n = 1; (ev = lm_merge_next(&m)) != NULL; n++) {
		lm_engine_event(r->engine, ev);
		if (n % 4096 == 0)
			update_metrics(r);
	}
	lm_merge_fini(&m);
}

static struct lm_engine *new_engine(struct run *r, struct lm_ruleset *rs,
				    struct lm_matcher *matcher)
{
	struct lm_engine *e = lm_engine_new(rs, matcher, r->outputs, r->n_outputs, r->matches,
					    r->o->max_keys, r->o->max_evidence);
	lm_engine_set_redact(e, !r->o->no_redact);
	/* the report lists every diagnosis: it keeps them all */
	lm_engine_set_max_idle(e, strcmp(r->o->output, "report") == 0 ? 0 : r->o->max_idle);
	return e;
}

/* Standard output written out; false after a write error (reported once),
 * which also keeps the follow state and Kafka offsets from moving on. */
static bool flush_outputs(void *arg)
{
	struct run *r = arg;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return true;
	if (!r->write_failed)
		lm_log_error("standard output: write error");
	r->write_failed = true;
	return false;
}

/* SIGHUP: the rules are loaded again.  A set with errors is refused (the
 * errors are logged) and the old one stays; otherwise the new set takes
 * over, and each rule whose definition did not change keeps its state. */
static void reload(struct lm_loop *l, void *arg)
{
	struct run *r = arg;
	struct lm_matcher *matcher = NULL;
	struct lm_ruleset *rs = load_rules(r->o, &matcher);
	if (!rs) {
		lm_log_error("SIGHUP: the rules have errors (above); the rules in use stay");
		return;
	}
	struct lm_engine *e = new_engine(r, rs, matcher);
	unsigned kept = lm_engine_adopt(e, r->engine);
	lm_engine_free(r->engine);
	free_rules(r->rs, r->matcher);
	r->engine = l->engine = e;
	r->rs = rs;
	r->matcher = matcher;
	lm_log_info("SIGHUP: %u rules loaded again, %u of them unchanged kept their state", rs->n,
		    kept);
}

static int go_live(struct run *r, const struct lm_options *o)
{
	struct lm_loop l = {
		.wait_mask = r->wait_mask,
		.engine = r->engine,
		.commit_interval = o->commit_interval,
		.flush = flush_outputs,
		.reload = reload,
		.tick = loop_tick,
		.arg = r,
	};
	if (r->n_sources == 1) {
		lm_source_go_live(r->sources[0], LM_READER_STREAM, 0);
		l.stdin_src = r->sources[0];
	}
	if (o->n_follow) {
		struct lm_follow_opts fo = {
			.patterns = (char *const *)o->follow,
			.n_patterns = o->n_follow,
			.src = r->so,
			.from_beginning = o->from_beginning,
			.state_path = o->state,
			.state_interval = o->state_interval,
			.poll_interval = o->poll_interval,
			.rotate_wait = o->rotate_wait,
			.inotify = !o->no_inotify,
			.first_index = 1,
			.flush = flush_outputs,
			.flush_arg = r,
		};
		if (!(r->follow = l.follow = lm_follow_new(&fo)))
			return -1;
	}
	if (o->kafka) {
		struct lm_kafka_opts ko = {
			.brokers = o->kafka,
			.topics = o->topics,
			.group = o->group,
			.conf = o->kafka_conf,
			.n_conf = o->n_kafka_conf,
			.format = r->so.format,
			.max_line = o->max_line,
			.flush = flush_outputs,
			.flush_arg = r,
		};
		if (!(r->kafka = l.kafka = lm_kafka_new(&ko, 0)))
			return -1;
	}
	lm_loop_run(&l);
	/* Stopped: what standard input already holds is handed on. */
	if (l.stdin_src)
		while (lm_source_next(l.stdin_src) == LM_SOURCE_EVENT)
			lm_engine_event(r->engine, l.stdin_src->out);
	return 0;
}

/* End of the run: the outputs written once (report) are written. */
static void finish_outputs(struct run *r)
{
	struct lm_input_stats in = input_stats(r);
	struct lm_run_view v = run_view(r, &in);
	for (unsigned i = 0; i < r->n_outputs; i++)
		if (r->outputs[i].ops->finish)
			r->outputs[i].ops->finish(r->outputs[i].state, &v);
}

static void cleanup(struct run *r)
{
	lm_metrics_free(r->metrics);
	lm_engine_free(r->engine);
	/* after the engine: its evidence points to the sources' names */
	lm_follow_free(r->follow);
	lm_kafka_free(r->kafka);
	for (unsigned i = 0; i < r->n_outputs; i++)
		r->outputs[i].ops->fini(r->outputs[i].state);
	lm_matches_writer_free(r->matches);
	for (unsigned i = 0; i < r->n_sources; i++) {
		lm_source_close(r->sources[i]);
		free(r->sources[i]);
	}
	free(r->sources);
	free_rules(r->rs, r->matcher);
}

int lm_run(const struct lm_options *o)
{
	struct run r;
	memset(&r, 0, sizeof(r));
	r.o = o;
	int status = 2;
	if (!(r.rs = load_rules(o, &r.matcher)) || source_opts(&r, o) < 0)
		goto out;
	open_inputs(&r, o);
	r.live = o->n_follow || o->kafka || stdin_is_live(&r);
	if (r.live)
		lm_signals_block(&r.wait_mask); /* before any thread starts */
	if (o->matches)
		r.matches = lm_matches_writer_new(stdout, !o->no_redact);
	else if (open_outputs(&r, o) < 0)
		goto out;
	r.engine = new_engine(&r, r.rs, r.matcher);
	if (o->metrics && !(r.metrics = lm_metrics_new(o->metrics)))
		goto out;
	if (r.live ? go_live(&r, o) < 0 : (read_all(&r), 0))
		r.failed++;
	report_read_errors(&r);
	lm_engine_finish(r.engine);
	finish_outputs(&r);
	/* Offsets are saved and committed only once the outputs have it all
	 * (the flush callback refuses when standard output failed). */
	if (r.follow)
		lm_follow_save(r.follow);
	if (r.kafka)
		lm_kafka_commit(r.kafka, true);
	if (r.write_failed || !flush_outputs(&r))
		r.failed++;
	for (unsigned i = 0; i < r.n_outputs; i++)
		if (r.outputs[i].ops->delivery)
			lm_delivery_stop(r.outputs[i].ops->delivery(r.outputs[i].state));
	if (!o->quiet) {
		struct lm_input_stats in = input_stats(&r);
		struct lm_run_view v = run_view(&r, &in);
		lm_summary_print(stderr, &v);
		lm_summary_live(stderr, v.follow, v.kafka);
		lm_summary_outputs(stderr, r.outputs, r.n_outputs);
	}
	const struct lm_engine_stats *st = lm_engine_stats(r.engine);
	if (r.failed)
		status = 2;
	else if (st->any_fired && o->fail_on != LM_SEV_NEVER && st->worst >= o->fail_on)
		status = 1;
	else
		status = 0;
out:
	cleanup(&r);
	return status;
}
