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
#include "ingest/decode.h"

void lm_source_open_fd(struct lm_source *src, int fd, const char *name, unsigned index,
		       const struct lm_source_opts *opts)
{
	memset(src, 0, sizeof(*src));
	src->is_stdin = strcmp(name, "-") == 0;
	src->name = lm_xstrdup(name);
	src->index = index;
	lm_reader_init(&src->reader, fd, opts->read_size, opts->max_line);
	lm_fields_init(&src->fields);
	lm_fields_init(&src->path_fields);
	lm_decode_k8s_path(name, &src->path_fields);
	lm_decode_ctx_init(&src->dec, &src->fields, opts->format);
	src->multiline = opts->multiline;
	if (src->multiline)
		lm_multiline_init(&src->ml, opts->ml_max_lines, opts->ml_max_bytes);
	src->flush_timeout = opts->flush_timeout;
	src->ev.fields = &src->fields;
	src->ev.source_name = src->name;
	src->ev.source_index = index;
}

int lm_source_open(struct lm_source *src, const char *path, unsigned index,
		   const struct lm_source_opts *opts)
{
	int fd = STDIN_FILENO;
	if (strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	lm_source_open_fd(src, fd, path, index, opts);
	return 0;
}

void lm_input_stats_add(struct lm_input_stats *to, const struct lm_input_stats *in)
{
	to->inputs += in->inputs;
	to->lines += in->lines;
	to->cut += in->cut;
	to->malformed += in->malformed;
	to->crowded += in->crowded;
	to->joined_cut += in->joined_cut;
	to->future += in->future;
	to->ml_joined += in->ml_joined;
	to->ml_cut += in->ml_cut;
}

void lm_source_add_stats(const struct lm_source *src, struct lm_input_stats *in)
{
	in->inputs++;
	in->lines += src->reader.line_no;
	in->cut += src->reader.truncated;
	in->malformed += src->dec.errors;
	in->crowded += src->dec.crowded;
	in->joined_cut += src->dec.joined_cut;
	in->future += src->stamp.future;
	if (src->multiline) {
		in->ml_joined += src->ml.joined;
		in->ml_cut += src->ml.cut;
	}
}

void lm_source_close(struct lm_source *src)
{
	if (!src || !src->name)
		return;
	if (!src->is_stdin)
		close(src->reader.fd);
	lm_reader_fini(&src->reader);
	lm_decode_ctx_fini(&src->dec);
	if (src->multiline)
		lm_multiline_fini(&src->ml);
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

/* Event times are kept from 1970 to LM_FUTURE_MAX ahead of the wall clock:
 * every difference between two of them fits in an lm_time_t, and one line
 * dated years ahead cannot move the event clock there (which would end
 * every window and resolve every diagnosis at once). */
#define LM_TIME_MIN 0

void lm_stamp_event(struct lm_stamp *st, struct lm_event *ev)
{
	if (ev->has_time && ev->time < LM_TIME_MIN)
		ev->time = LM_TIME_MIN;
	if (ev->has_time && ev->time > st->believed_max)
		st->believed_max = lm_clock_wall() + LM_FUTURE_MAX;
	if (ev->has_time && ev->time > st->believed_max) {
		ev->has_time = false;
		st->future++;
	}
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
	const lm_time_t half_year = INT64_C(15778476) * LM_NS_PER_SEC; /* 365.2425 days / 2 */
	return st->have ? st->last : lm_clock_wall() + LM_FUTURE_MAX - half_year;
}

static void start_record(struct lm_source *src)
{
	lm_fields_copy(&src->fields, &src->path_fields);
	if (!src->dec.ref)
		src->dec.ref = lm_stamp_ref(&src->stamp);
}

int lm_source_go_live(struct lm_source *src, enum lm_reader_mode mode, uint64_t offset)
{
	if (offset && lseek(src->reader.fd, (off_t)offset, SEEK_SET) < 0)
		return -errno;
	lm_reader_set_mode(&src->reader, mode, offset);
	return 0;
}

static bool decoder_holds(const struct lm_decode_ctx *dec)
{
	for (int i = 0; i < LM_STREAMS; i++)
		if (dec->partial[i].buf.len)
			return true;
	return false;
}

/* A record the decoder completed: its line, cut flag, problems and time. */
static void finish_record(struct lm_source *src, bool cut, uint64_t problem_line)
{
	src->ev.line_no = src->dec.record_line;
	src->ev.truncated = cut || src->dec.record_cut;
	report_problems(src, problem_line);
	lm_stamp_event(&src->stamp, &src->ev);
}

/* Decodes one physical line; true when it completed a record in src->ev. */
static bool decode(struct lm_source *src, struct lm_str line, bool cut)
{
	bool held = decoder_holds(&src->dec);
	start_record(src);
	src->dec.line_no = src->reader.line_no;
	if (!lm_decode_line(&src->dec, line.p, line.n, &src->ev)) {
		if (!held)
			src->dec_pos = src->reader.line_pos;
		return false;
	}
	finish_record(src, cut, src->reader.line_no);
	return true;
}

/* A partial record the decoder held, completed now (end of input, or quiet
 * input): true when src->ev holds it. */
static bool decode_flush(struct lm_source *src)
{
	start_record(src);
	if (!lm_decode_flush(&src->dec, &src->ev))
		return false;
	finish_record(src, false, src->dec.record_line);
	return true;
}

/* The next decoded record into src->ev. */
static enum lm_source_status next_record(struct lm_source *src)
{
	struct lm_str line;
	bool cut;
	while (!src->eof) {
		int r = lm_reader_next(&src->reader, &line, &cut);
		if (r == LM_READER_AGAIN)
			return LM_SOURCE_WAIT;
		if (r <= 0) {
			src->eof = true;
			src->error = r;
			break;
		}
		if (decode(src, line, cut))
			return LM_SOURCE_EVENT;
	}
	return decode_flush(src) ? LM_SOURCE_EVENT : LM_SOURCE_END;
}

static bool structured(const struct lm_source *src)
{
	return src->dec.last == &lm_decoder_json || src->dec.last == &lm_decoder_logfmt;
}

enum quiet { QUIET_NOTHING, QUIET_RECORD, QUIET_JOINED };

/* What a live source held back, now that its input has been quiet: the
 * line without a newline and the decoder's pieces after the flush timeout
 * (QUIET_RECORD: in src->ev); a held multi-line record once it expects
 * nothing more, or after the timeout (QUIET_JOINED: in src->out). */
static enum quiet flush_quiet(struct lm_source *src)
{
	lm_time_t now = lm_clock_mono();
	if (!src->quiet_since || src->reader.bytes != src->quiet_bytes) {
		/* quiet from now: a line still coming in pieces is not cut */
		src->quiet_since = now;
		src->quiet_bytes = src->reader.bytes;
	}
	bool timed_out = now - src->quiet_since >= src->flush_timeout;
	struct lm_str line;
	bool cut;
	if (timed_out && lm_reader_take_partial(&src->reader, &line, &cut) && decode(src, line, cut))
		return QUIET_RECORD;
	if (timed_out && decode_flush(src))
		return QUIET_RECORD;
	if (src->multiline && (timed_out || !lm_multiline_expecting(&src->ml)) &&
	    (src->out = lm_multiline_flush(&src->ml)) != NULL)
		return QUIET_JOINED;
	return QUIET_NOTHING;
}

enum lm_source_status lm_source_next(struct lm_source *src)
{
	for (;;) {
		enum lm_source_status st = next_record(src);
		if (st == LM_SOURCE_WAIT) {
			enum quiet q = flush_quiet(src);
			if (q == QUIET_NOTHING)
				return LM_SOURCE_WAIT;
			if (q == QUIET_JOINED)
				return LM_SOURCE_EVENT;
		} else {
			src->quiet_since = 0;
		}
		if (st == LM_SOURCE_END) {
			src->out = src->multiline ? lm_multiline_flush(&src->ml) : NULL;
			return src->out ? LM_SOURCE_EVENT : LM_SOURCE_END;
		}
		if (!src->multiline) {
			src->out = &src->ev;
			return LM_SOURCE_EVENT;
		}
		uint64_t pos = src->dec.record_line == src->reader.line_no ? src->reader.line_pos
									      : src->dec_pos;
		src->out = lm_multiline_push(&src->ml, &src->ev, structured(src), pos);
		if (src->out)
			return LM_SOURCE_EVENT;
	}
}

uint64_t lm_source_offset(const struct lm_source *src)
{
	uint64_t off = lm_reader_offset(&src->reader), held;
	if (decoder_holds(&src->dec) && src->dec_pos < off)
		off = src->dec_pos;
	if (src->multiline && lm_multiline_holding(&src->ml, &held) && held < off)
		off = held;
	return off;
}

void lm_source_finish(struct lm_source *src)
{
	src->reader.eof = true;
}
