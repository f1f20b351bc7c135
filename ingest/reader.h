/*
 * reader: cuts a file descriptor into lines with large block reads.
 *
 * Lines are returned as slices of the reader's own buffer, valid until the
 * next call: no allocation per line.  The trailing "\n" and one "\r" before
 * it are removed; NUL bytes and invalid UTF-8 pass through untouched.  A line
 * longer than max_line is cut at max_line bytes (flagged), and the rest of it
 * up to the next newline is skipped.  A last line without a newline is
 * returned at end of input.  SIGINT or SIGTERM (core/signals.h) end the input
 * at the next read.  The reader does not know about formats.
 */
#ifndef LM_READER_H
#define LM_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define LM_READ_SIZE_DEFAULT (256u * 1024u)
#define LM_MAX_LINE_DEFAULT (1024u * 1024u)

struct lm_reader {
	int fd;
	char *buf;
	size_t cap, start, end;
	size_t read_size, max_line;
	size_t scan;   /* bytes after start already known to hold no newline */
	bool eof;
	bool skipping; /* discarding the rest of a line that was cut */
	uint64_t line_no;   /* physical lines returned so far */
	uint64_t truncated; /* lines cut at max_line */
	uint64_t bytes;     /* bytes read */
};

void lm_reader_init(struct lm_reader *r, int fd, size_t read_size, size_t max_line);
void lm_reader_fini(struct lm_reader *r);
/* 1: a line in *line (*cut tells whether it was truncated); 0: end of input;
 * negative errno: a read error. */
int lm_reader_next(struct lm_reader *r, struct lm_str *line, bool *cut);

#endif
