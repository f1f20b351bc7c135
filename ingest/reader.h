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
 *
 * Live input: in stream mode (a pipe or terminal that stays open) the reader
 * reads only when data is waiting and reports LM_READER_AGAIN otherwise; in
 * follow mode (a file that may grow) the end of the file means "again", not
 * the end.  Either way a line without its newline yet stays in the buffer
 * until the newline comes or the caller takes it (lm_reader_take_partial).
 */
#ifndef LM_READER_H
#define LM_READER_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define LM_READ_SIZE_DEFAULT (256u * 1024u)
#define LM_MAX_LINE_DEFAULT (1024u * 1024u)

enum lm_reader_mode {
	LM_READER_BATCH,  /* read until the end */
	LM_READER_STREAM, /* read what is waiting; the end is the writer closing */
	LM_READER_FOLLOW, /* a growing file: its end is only "nothing yet" */
};

/* lm_reader_next()'s answer when a live reader has no whole line now. */
#define LM_READER_AGAIN (-EAGAIN)

struct lm_reader {
	int fd;
	enum lm_reader_mode mode;
	char *buf;
	size_t cap, start, end;
	size_t read_size, max_line;
	size_t scan;   /* bytes after start already known to hold no newline */
	bool eof;
	bool skipping; /* discarding the rest of a line that was cut */
	uint64_t line_no;   /* physical lines returned so far */
	uint64_t truncated; /* lines cut at max_line */
	uint64_t bytes;     /* bytes read */
	uint64_t base;      /* the offset in the file where reading began */
	/* Follow mode: asked after each read whether the file still is the one
	 * being read (a copytruncate between two reads makes the bytes just read
	 * someone else's); false drops those bytes and reports LM_READER_AGAIN. */
	bool (*still_same)(void *arg);
	void *still_arg;
	uint64_t line_pos;  /* the offset of the line returned last */
};

void lm_reader_init(struct lm_reader *r, int fd, size_t read_size, size_t max_line);
void lm_reader_fini(struct lm_reader *r);
/* Live modes; base: the offset of fd's position in the file. */
void lm_reader_set_mode(struct lm_reader *r, enum lm_reader_mode mode, uint64_t base);
/* 1: a line in *line (*cut tells whether it was truncated); 0: end of input;
 * LM_READER_AGAIN: no whole line yet (live modes); another negative errno: a
 * read error. */
int lm_reader_next(struct lm_reader *r, struct lm_str *line, bool *cut);
/* Whether bytes of a line without its newline wait in the buffer. */
bool lm_reader_has_partial(const struct lm_reader *r);
/* Hands out the bytes of a line still waiting for its newline as a line of
 * its own (a live source gone quiet); they are consumed, never handed out
 * again.  Returns 1, or 0 when none wait. */
int lm_reader_take_partial(struct lm_reader *r, struct lm_str *line, bool *cut);
/* The file offset just past the last line handed out. */
uint64_t lm_reader_offset(const struct lm_reader *r);


#endif
