/*
 * source: files and stdin as event sequences.  See source.h.
 */
#include "ingest/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"

int lm_source_open(struct lm_source *src, const char *path, unsigned index,
		   const struct lm_source_opts *opts)
{
	memset(src, 0, sizeof(*src));
	int fd = STDIN_FILENO;
	src->is_stdin = strcmp(path, "-") == 0;
	if (!src->is_stdin) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	src->name = lm_xstrdup(path);
	src->index = index;
	lm_reader_init(&src->reader, fd, opts->read_size, opts->max_line);
	lm_fields_init(&src->fields);
	lm_fields_init(&src->path_fields);
	lm_decode_k8s_path(path, &src->path_fields);
	lm_decode_ctx_init(&src->dec, &src->fields, opts->format);
	src->ev.fields = &src->fields;
	src->ev.source_name = src->name;
	src->ev.source_index = index;
	return 0;
}

void lm_source_close(struct lm_source *src)
{
	if (!src || !src->name)
		return;
	if (!src->is_stdin)
		close(src->reader.fd);
	lm_reader_fini(&src->reader);
	lm_decode_ctx_fini(&src->dec);
	lm_fields_fini(&src->fields);
	lm_fields_fini(&src->path_fields);
	free(src->name);
	src->name = NULL;
}

static void report_problems(struct lm_source *src, uint64_t line_no)
{
	if (src->dec.joined_cut && !src->reported_joined) {
		src->reported_joined = true;
		lm_log_warn("%s:%llu: a line split in pieces (CRI or Docker) joins to more than %u bytes, cut there (further ones are counted in the summary)",
			    src->name, (unsigned long long)src->ev.line_no, LM_PARTIAL_MAX);
	}
	if (src->reader.truncated && !src->reported_cut) {
		src->reported_cut = true;
		lm_log_warn("%s:%llu: line longer than %zu bytes, cut there (further cut lines are counted in the summary)",
			    src->name, (unsigned long long)line_no, src->reader.max_line);
	}
	if (src->dec.errors && !src->reported_decode) {
		src->reported_decode = true;
		lm_log_warn("%s:%llu:%zu: malformed record (%s); read as plain text (further ones are counted in the summary)",
			    src->name, (unsigned long long)line_no, src->dec.error_column,
			    src->dec.error_msg);
	}
}

/* Event times are kept between 1970 and 2200: every difference between two
 * of them then fits in an lm_time_t. */
#define LM_TIME_MIN 0
#define LM_TIME_MAX (INT64_C(7258118400) * LM_NS_PER_SEC) /* 2200-01-01 */

void lm_stamp_event(struct lm_stamp *st, struct lm_event *ev)
{
	if (ev->has_time && ev->time < LM_TIME_MIN)
		ev->time = LM_TIME_MIN;
	if (ev->has_time && ev->time > LM_TIME_MAX)
		ev->time = LM_TIME_MAX;
	if (ev->has_time) {
		st->last = ev->time;
		st->have = true;
	} else if (st->have) {
		ev->time = st->last;
	} else {
		ev->time = lm_clock_wall();
	}
}

lm_time_t lm_stamp_ref(const struct lm_stamp *st)
{
	return st->have ? st->last : lm_clock_wall();
}

static void start_record(struct lm_source *src)
{
	lm_fields_copy(&src->fields, &src->path_fields);
	if (!src->dec.ref)
		src->dec.ref = lm_stamp_ref(&src->stamp);
}

int lm_source_next(struct lm_source *src)
{
	struct lm_str line;
	bool cut;
	while (!src->eof) {
		int r = lm_reader_next(&src->reader, &line, &cut);
		if (r <= 0) {
			src->eof = true;
			src->error = r;
			break;
		}
		start_record(src);
		src->dec.line_no = src->reader.line_no;
		if (!lm_decode_line(&src->dec, line.p, line.n, &src->ev))
			continue;
		src->ev.line_no = src->dec.record_line;
		src->ev.truncated = cut || src->dec.record_cut;
		report_problems(src, src->reader.line_no);
		lm_stamp_event(&src->stamp, &src->ev);
		return 1;
	}
	start_record(src);
	if (lm_decode_flush(&src->dec, &src->ev)) {
		src->ev.line_no = src->dec.record_line;
		src->ev.truncated = src->dec.record_cut;
		report_problems(src, src->ev.line_no);
		lm_stamp_event(&src->stamp, &src->ev);
		return 1;
	}
	return 0;
}
