/*
 * run: the analysis pipeline for the command line.  See run.h.
 */
#include "core/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzers/engine.h"
#include "core/log.h"
#include "ingest/merge.h"
#include "ingest/source.h"
#include "outputs/output.h"
#include "outputs/summary.h"
#include "rules/loader.h"
#include "rules/matcher.h"

struct run {
	struct lm_ruleset rs;
	struct lm_matcher *matcher;
	struct lm_source **sources;
	unsigned n_sources, failed;
	struct lm_output output;
	struct lm_matches_writer *matches;
	struct lm_engine *engine;
};

static int open_inputs(struct run *r, const struct lm_options *o)
{
	static char *const stdin_only[] = { "-" };
	char *const *paths = o->n_inputs ? o->inputs : stdin_only;
	unsigned n = o->n_inputs ? o->n_inputs : 1;
	const struct lm_decoder *format = NULL;
	if (o->format && !(format = lm_decoder_find(o->format))) {
		lm_log_error("--format: unknown format \"%s\" (%s)", o->format, lm_decoder_names());
		return -1;
	}
	struct lm_source_opts so = { o->read_size, o->max_line, format };
	r->sources = lm_xcalloc(n, sizeof(*r->sources));
	for (unsigned i = 0; i < n; i++) {
		struct lm_source *s = lm_xcalloc(1, sizeof(*s));
		int err = lm_source_open(s, paths[i], i, &so);
		if (err < 0) {
			lm_log_error("%s: %s", paths[i], strerror(-err));
			free(s);
			r->failed++;
			continue;
		}
		r->sources[r->n_sources++] = s;
	}
	return 0;
}

static bool use_color(const struct lm_options *o)
{
	if (o->color != LM_COLOR_AUTO)
		return o->color == LM_COLOR_ALWAYS;
	const char *no = getenv("NO_COLOR");
	return isatty(STDOUT_FILENO) && !(no && *no);
}

static void read_all(struct run *r)
{
	struct lm_merge m;
	lm_merge_init(&m, r->sources, r->n_sources);
	const struct lm_event *ev;
	while ((ev = lm_merge_next(&m)) != NULL)
		lm_engine_event(r->engine, ev);
	lm_merge_fini(&m);
	for (unsigned i = 0; i < r->n_sources; i++)
		if (r->sources[i]->error) {
			lm_log_error("%s: read error: %s", r->sources[i]->name,
				     strerror(-r->sources[i]->error));
			r->failed++;
		}
}

static void cleanup(struct run *r)
{
	lm_engine_free(r->engine);
	if (r->output.ops)
		r->output.ops->fini(r->output.state);
	lm_matches_writer_free(r->matches);
	for (unsigned i = 0; i < r->n_sources; i++) {
		lm_source_close(r->sources[i]);
		free(r->sources[i]);
	}
	free(r->sources);
	lm_matcher_free(r->matcher);
	lm_ruleset_fini(&r->rs);
}

int lm_run(const struct lm_options *o)
{
	struct run r;
	memset(&r, 0, sizeof(r));
	lm_ruleset_init(&r.rs);
	int status = 2;
	if (lm_rules_load_all(&r.rs, o->rules, o->n_rules) ||
	    !(r.matcher = lm_matcher_new(&r.rs)) || open_inputs(&r, o) < 0)
		goto out;
	if (o->matches) {
		r.matches = lm_matches_writer_new(stdout, !o->no_redact);
	} else {
		r.output.ops = lm_output_find(o->output);
		r.output.state = r.output.ops->init(stdout, use_color(o));
	}
	r.engine = lm_engine_new(&r.rs, r.matcher, &r.output, r.output.ops ? 1 : 0, r.matches,
				 o->max_keys);
	lm_engine_set_redact(r.engine, !o->no_redact);
	read_all(&r);
	lm_engine_finish(r.engine);
	if (!o->quiet)
		lm_summary_print(stderr, r.engine, &r.rs, r.matcher, r.sources, r.n_sources,
				 r.failed);
	const struct lm_engine_stats *st = lm_engine_stats(r.engine);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		lm_log_error("standard output: write error");
		r.failed++;
	}
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
