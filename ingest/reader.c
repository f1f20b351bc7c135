/*
 * reader: block reads and line framing.  See reader.h.
 *
 * The buffer holds max_line + 1 + read_size bytes, so a full line and its CR
 * always fit beside one more read of at most read_size bytes.  Data is moved to the front only when a line does not
 * fit behind it, which happens once per buffer's worth of input.
 */
#include "ingest/reader.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/signals.h"

void lm_reader_init(struct lm_reader *r, int fd, size_t read_size, size_t max_line)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->read_size = read_size ? read_size : LM_READ_SIZE_DEFAULT;
	r->max_line = max_line ? max_line : LM_MAX_LINE_DEFAULT;
	r->cap = r->max_line + 1 + r->read_size; /* a whole line, a CR, and one read */
	r->buf = lm_xmalloc(r->cap);
}

void lm_reader_fini(struct lm_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	r->buf = NULL;
}

/* Whether a read of fd would not block (data, the end, or an error). */
static bool waiting(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 0) != 0;
}

/* Read once into the free space; returns bytes read, 0 at EOF, or -errno. */
static long fill(struct lm_reader *r)
{
	if (r->cap - r->end < r->read_size) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	for (;;) {
		if (lm_signals_stopping()) {
			r->eof = true; /* asked to stop: what was read is still returned */
			return 0;
		}
		if (r->mode == LM_READER_STREAM && !waiting(r->fd))
			return LM_READER_AGAIN;
		size_t want = r->cap - r->end < r->read_size ? r->cap - r->end : r->read_size;
		ssize_t n = read(r->fd, r->buf + r->end, want);
		if (n == 0 && r->mode == LM_READER_FOLLOW)
			return LM_READER_AGAIN;
		if (n > 0 && r->still_same && !r->still_same(r->still_arg))
			return LM_READER_AGAIN;
		if (n >= 0) {
			r->end += (size_t)n;
			r->bytes += (uint64_t)n;
			if (n == 0)
				r->eof = true;
			return (long)n;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return LM_READER_AGAIN;
		if (errno != EINTR)
			return -errno;
	}
}

/* newline: the line ends right before a consumed "\n", so one "\r" before
 * it goes too (not for a cut line or a last line without newline). */
static struct lm_str take(struct lm_reader *r, size_t len, size_t consumed, bool newline)
{
	struct lm_str s = { r->buf + r->start, len };
	r->line_pos = lm_reader_offset(r);
	if (newline && len && s.p[len - 1] == '\r')
		s.n--;
	r->start += consumed;
	r->scan = 0;
	r->line_no++;
	return s;
}

int lm_reader_next(struct lm_reader *r, struct lm_str *line, bool *cut)
{
	*cut = false;
	for (;;) {
		size_t avail = r->end - r->start;
		char *nl = memchr(r->buf + r->start + r->scan, '\n', avail - r->scan);
		if (r->skipping) {
			/* Drop the remainder of a cut line, up to and including its newline. */
			if (nl) {
				r->start = (size_t)(nl - r->buf) + 1;
				r->skipping = false;
			} else {
				r->start = r->end;
			}
			r->scan = 0;
			if (nl)
				continue;
		} else if (nl) {
			size_t len = (size_t)(nl - (r->buf + r->start));
			if (len <= r->max_line || (len == r->max_line + 1 && nl[-1] == '\r')) {
				*line = take(r, len, len + 1, true);
				return 1;
			}
			*line = take(r, r->max_line, len + 1, false);
			*cut = true;
			r->truncated++;
			return 1;
		} else if (avail > r->max_line &&
			   !(avail == r->max_line + 1 && r->buf[r->start + r->max_line] == '\r')) {
			/* Only max_line + 1 bytes without a newline prove the line is
			 * longer: exactly max_line bytes may still end at the next read,
			 * and so may max_line bytes and the CR of a CRLF. */
			*line = take(r, r->max_line, r->max_line, false);
			*cut = true;
			r->truncated++;
			r->skipping = true;
			return 1;
		} else {
			r->scan = avail;
			if (r->eof) {
				if (avail == 0)
					return 0;
				if (avail > r->max_line) { /* a CR at max_line + 1, and no LF after it */
					*line = take(r, r->max_line, avail, false);
					*cut = true;
					r->truncated++;
					return 1;
				}
				*line = take(r, avail, avail, false);
				return 1;
			}
		}
		if (r->eof) {
			r->start = r->end = r->scan = 0;
			return 0;
		}
		long n = fill(r);
		if (n < 0)
			return (int)n;
	}
}

void lm_reader_set_mode(struct lm_reader *r, enum lm_reader_mode mode, uint64_t base)
{
	r->mode = mode;
	r->base = base;
}

uint64_t lm_reader_offset(const struct lm_reader *r)
{
	return r->base + r->bytes - (r->end - r->start);
}

bool lm_reader_has_partial(const struct lm_reader *r)
{
	return r->end > r->start && !r->skipping;
}

int lm_reader_take_partial(struct lm_reader *r, struct lm_str *line, bool *cut)
{
	*cut = false;
	if (!lm_reader_has_partial(r))
		return 0;
	*line = take(r, r->end - r->start, r->end - r->start, false);
	return 1;
}
