/*
 * test_reader: lm_reader line framing over pipes and temporary files.  The
 * same inputs are fed in chunks of 1, 2, 3, 7 and 4096 bytes (the writer waits
 * for the pipe to empty between writes) with several reader read sizes, and
 * every line must come out byte-identical whatever the chunking: CRLF
 * stripped, a lone CR kept, NUL bytes and invalid UTF-8 preserved, a last line
 * without newline returned, empty input and empty lines, lines longer than
 * max_line cut exactly at max_line and flagged with the rest skipped, and the
 * line_no, truncated and bytes counters.  Read errors are reported as -errno.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ingest/reader.h"

/* One line as the reader returned it, copied. */
struct got_line {
	char *p;
	size_t n;
	bool cut;
};

struct got {
	struct got_line *lines;
	size_t count;
	uint64_t line_no, truncated, bytes;
	int last; /* the final lm_reader_next result */
};

/* An expected line: explicit length so that NUL bytes can be part of it. */
struct want_line {
	const char *p;
	size_t n;
	bool cut;
};

#define W(lit) { (lit), sizeof(lit) - 1, false }
#define WCUT(lit) { (lit), sizeof(lit) - 1, true }

static const size_t chunk_sizes[] = { 1, 2, 3, 7, 4096 };
static const size_t read_sizes[] = { 1, 2, 3, 7, 4096 };
#define N_SIZES (sizeof(chunk_sizes) / sizeof(chunk_sizes[0]))

static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->count; i++)
		free(g->lines[i].p);
	free(g->lines);
	memset(g, 0, sizeof(*g));
}

/* Read every line from fd with the given reader parameters. */
static void read_all(int fd, size_t read_size, size_t max_line, struct got *g)
{
	struct lm_reader r;
	struct lm_str line;
	bool cut;
	int rc;
	memset(g, 0, sizeof(*g));
	lm_reader_init(&r, fd, read_size, max_line);
	while ((rc = lm_reader_next(&r, &line, &cut)) == 1) {
		g->lines = realloc(g->lines, (g->count + 1) * sizeof(*g->lines));
		assert_non_null(g->lines);
		struct got_line *l = &g->lines[g->count++];
		l->p = malloc(line.n ? line.n : 1);
		assert_non_null(l->p);
		if (line.n)
			memcpy(l->p, line.p, line.n);
		l->n = line.n;
		l->cut = cut;
		assert_true(line.n <= r.max_line);
	}
	g->last = rc;
	/* End of input is sticky. */
	if (rc == 0)
		assert_int_equal(lm_reader_next(&r, &line, &cut), 0);
	g->line_no = r.line_no;
	g->truncated = r.truncated;
	g->bytes = r.bytes;
	lm_reader_fini(&r);
}

/* Feed data through a pipe in writes of chunk bytes from a child process.
 * The child writes the next chunk only once the pipe is empty again, so a read
 * never returns more than one chunk (it may return less when the reader's
 * free space is smaller: the rest stays in the pipe). */
static void read_piped(const char *data, size_t n, size_t chunk, size_t read_size,
		       size_t max_line, struct got *g)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		signal(SIGPIPE, SIG_DFL);
		for (size_t off = 0; off < n;) {
			size_t k = n - off < chunk ? n - off : chunk;
			ssize_t w = write(fds[1], data + off, k);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				_exit(1);
			off += (size_t)w;
			int queued = 1;
			while (ioctl(fds[1], FIONREAD, &queued) == 0 && queued > 0)
				sched_yield();
		}
		_exit(0);
	}
	close(fds[1]);
	read_all(fds[0], read_size, max_line, g);
	close(fds[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Feed data from a temporary file: large reads that see everything at once. */
static void read_file(const char *data, size_t n, size_t read_size, size_t max_line,
		      struct got *g)
{
	FILE *f = tmpfile();
	assert_non_null(f);
	if (n)
		assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fflush(f), 0);
	int fd = fileno(f);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	read_all(fd, read_size, max_line, g);
	fclose(f);
}

static void check(const struct got *g, const struct want_line *want, size_t n_want,
		  const char *how)
{
	if (g->count != n_want)
		fail_msg("%s: %zu lines, want %zu", how, g->count, n_want);
	uint64_t cuts = 0;
	for (size_t i = 0; i < n_want; i++) {
		const struct got_line *l = &g->lines[i];
		if (l->n != want[i].n || memcmp(l->p, want[i].p, l->n) != 0)
			fail_msg("%s: line %zu: got %zu bytes \"%.*s\", want %zu bytes \"%.*s\"",
				 how, i + 1, l->n, (int)l->n, l->p, want[i].n, (int)want[i].n,
				 want[i].p);
		if (l->cut != want[i].cut)
			fail_msg("%s: line %zu: cut %d, want %d", how, i + 1, l->cut, want[i].cut);
		cuts += want[i].cut;
	}
	if (g->last != 0)
		fail_msg("%s: ended with %d", how, g->last);
	if (g->line_no != n_want)
		fail_msg("%s: line_no %llu, want %zu", how, (unsigned long long)g->line_no, n_want);
	if (g->truncated != cuts)
		fail_msg("%s: truncated %llu, want %llu", how, (unsigned long long)g->truncated,
			 (unsigned long long)cuts);
}

/* Every chunk size with every read size through a pipe, and a file. */
static void check_all_ways(const char *data, size_t n, size_t max_line,
			   const struct want_line *want, size_t n_want)
{
	char how[96];
	struct got g;
	for (size_t c = 0; c < N_SIZES; c++) {
		for (size_t r = 0; r < N_SIZES; r++) {
			snprintf(how, sizeof(how), "pipe chunk %zu read_size %zu max_line %zu",
				 chunk_sizes[c], read_sizes[r], max_line);
			read_piped(data, n, chunk_sizes[c], read_sizes[r], max_line, &g);
			check(&g, want, n_want, how);
			assert_int_equal(g.bytes, n);
			got_free(&g);
		}
	}
	for (size_t r = 0; r < N_SIZES; r++) {
		snprintf(how, sizeof(how), "file read_size %zu max_line %zu", read_sizes[r], max_line);
		read_file(data, n, read_sizes[r], max_line, &g);
		check(&g, want, n_want, how);
		assert_int_equal(g.bytes, n);
		got_free(&g);
	}
}

#define CHECK_ALL(data, max_line, want) \
	check_all_ways((data), sizeof(data) - 1, (max_line), (want), sizeof(want) / sizeof((want)[0]))

/* ---- framing ---- */

static void test_mixed_lines(void **state)
{
	(void)state;
	static const char data[] =
		"alpha\n"
		"\n"
		"crlf line\r\n"
		"lone\rcr\n"
		"two crs\r\r\n"
		"\r\n"
		"nul\0inside\0\n"
		"bad utf8 \xff\xfe \xc3\x28 \xe2\x82\n"
		"tab\there  \n"
		"\n"
		"\n"
		"last without newline";
	static const struct want_line want[] = {
		W("alpha"),
		W(""),
		W("crlf line"),
		W("lone\rcr"),
		W("two crs\r"),
		W(""),
		W("nul\0inside\0"),
		W("bad utf8 \xff\xfe \xc3\x28 \xe2\x82"),
		W("tab\there  "),
		W(""),
		W(""),
		W("last without newline"),
	};
	CHECK_ALL(data, 0, want);
	CHECK_ALL(data, 64, want);
}

static void test_last_line_terminated(void **state)
{
	(void)state;
	/* A final newline does not make an extra empty line. */
	static const char data[] = "one\ntwo\n";
	static const struct want_line want[] = { W("one"), W("two") };
	CHECK_ALL(data, 0, want);
}

static void test_last_line_lone_cr(void **state)
{
	(void)state;
	/* A CR at end of input is not before a newline: it stays. */
	static const char data[] = "one\r\ntwo\r";
	static const struct want_line want[] = { W("one"), W("two\r") };
	CHECK_ALL(data, 0, want);
}

static void test_empty_input(void **state)
{
	(void)state;
	struct got g;
	for (size_t r = 0; r < N_SIZES; r++) {
		read_piped("", 0, 1, read_sizes[r], 0, &g);
		assert_int_equal(g.count, 0);
		assert_int_equal(g.last, 0);
		assert_int_equal(g.line_no, 0);
		assert_int_equal(g.bytes, 0);
		got_free(&g);
		read_file("", 0, read_sizes[r], 0, &g);
		assert_int_equal(g.count, 0);
		assert_int_equal(g.last, 0);
		assert_int_equal(g.line_no, 0);
		got_free(&g);
	}
}

static void test_only_newlines(void **state)
{
	(void)state;
	static const char data[] = "\n\n\r\n\n";
	static const struct want_line want[] = { W(""), W(""), W(""), W("") };
	CHECK_ALL(data, 0, want);
	CHECK_ALL(data, 1, want);
}

/* ---- long lines ---- */

static void test_long_lines(void **state)
{
	(void)state;
	/* max_line 16. */
	static const char data[] =
		"short\n"
		"0123456789abcdef\n"                       /* exactly 16: not cut */
		"0123456789abcdefg\n"                      /* 17: cut */
		"0123456789ABCDEF-the rest is dropped-0123456789-0123456789-0123456789\n"
		"after\n"
		"0123456789abcde\r\n"                      /* 15 + CRLF: not cut, CR stripped */
		"0123456789abcdef\r\n"                     /* 16 + CRLF: not cut, CR stripped */
		"0123456789abcd\r\r\n"                     /* 14 + CR + CR: 16, one CR stripped */
		"nul\0\0\0\0\0\0\0\0\0\0\0\0\0-cut-here\n" /* NULs count as bytes */
		"\n"
		"end";
	static const struct want_line want[] = {
		W("short"),
		W("0123456789abcdef"),
		WCUT("0123456789abcdef"),
		WCUT("0123456789ABCDEF"),
		W("after"),
		W("0123456789abcde"),
		W("0123456789abcdef"),
		W("0123456789abcd\r"),
		WCUT("nul\0\0\0\0\0\0\0\0\0\0\0\0\0"),
		W(""),
		W("end"),
	};
	CHECK_ALL(data, 16, want);
}

static void test_long_last_line(void **state)
{
	(void)state;
	/* A long last line without newline: cut, the rest skipped to the end. */
	static const char data[] = "first\nABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	static const struct want_line want[] = { W("first"), WCUT("ABCDEFGHIJKLMNOP") };
	CHECK_ALL(data, 16, want);

	/* Exactly max_line bytes at end of input: not cut. */
	static const char exact[] = "first\nABCDEFGHIJKLMNOP";
	static const struct want_line want_exact[] = { W("first"), W("ABCDEFGHIJKLMNOP") };
	CHECK_ALL(exact, 16, want_exact);

	/* A last line that ends in a CR at max_line + 1 is cut, not stripped. */
	static const char cr[] = "ABCDEFGHIJKLMNOP\r";
	static const struct want_line want_cr[] = { WCUT("ABCDEFGHIJKLMNOP") };
	CHECK_ALL(cr, 16, want_cr);
}

static void test_consecutive_long_lines(void **state)
{
	(void)state;
	static const char data[] =
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
		"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
		"\n"
		"ccccccccccccccccc\n"
		"d\n";
	static const struct want_line want[] = {
		WCUT("aaaaaaaa"), WCUT("bbbbbbbb"), W(""), WCUT("cccccccc"), W("d"),
	};
	CHECK_ALL(data, 8, want);
}

static void test_max_line_one(void **state)
{
	(void)state;
	static const char data[] = "a\nbc\n\nd";
	static const struct want_line want[] = { W("a"), WCUT("b"), W(""), W("d") };
	CHECK_ALL(data, 1, want);
}

/* Lines of every length around max_line, in every chunking: the output must
 * be each line's first min(len, max_line) bytes, flagged when longer. */
static void test_lengths_around_max(void **state)
{
	(void)state;
	enum { MAX = 32, LINES = 3 * MAX };
	char *data = malloc(LINES * (LINES + 1));
	struct want_line *want = calloc(LINES, sizeof(*want));
	char *text = malloc(LINES);
	assert_non_null(data);
	assert_non_null(want);
	assert_non_null(text);
	for (size_t i = 0; i < LINES; i++)
		text[i] = (char)('A' + i % 26);
	size_t n = 0;
	for (size_t len = 0; len < LINES; len++) {
		memcpy(data + n, text, len);
		n += len;
		data[n++] = '\n';
		want[len] = (struct want_line){ text, len < MAX ? len : MAX, len > MAX };
	}
	check_all_ways(data, n, MAX, want, LINES);
	free(text);
	free(want);
	free(data);
}

static void test_huge_line_defaults(void **state)
{
	(void)state;
	/* read_size and max_line 0 take the defaults. */
	size_t big = LM_MAX_LINE_DEFAULT * 2 + 12345;
	size_t n = big + 1 + 5 + 1;
	char *data = malloc(n);
	assert_non_null(data);
	for (size_t i = 0; i < big; i++)
		data[i] = (char)('a' + i % 23);
	data[big] = '\n';
	memcpy(data + big + 1, "tail\n", 5);
	data[n - 1] = 'x';

	struct got g;
	read_file(data, n, 0, 0, &g);
	assert_int_equal(g.last, 0);
	assert_int_equal(g.count, 3);
	assert_int_equal(g.lines[0].n, LM_MAX_LINE_DEFAULT);
	assert_true(g.lines[0].cut);
	assert_memory_equal(g.lines[0].p, data, LM_MAX_LINE_DEFAULT);
	assert_int_equal(g.lines[1].n, 4);
	assert_memory_equal(g.lines[1].p, "tail", 4);
	assert_false(g.lines[1].cut);
	assert_int_equal(g.lines[2].n, 1);
	assert_memory_equal(g.lines[2].p, "x", 1);
	assert_int_equal(g.line_no, 3);
	assert_int_equal(g.truncated, 1);
	assert_int_equal(g.bytes, n);
	got_free(&g);

	/* The same through a pipe in 4096-byte writes with a small read size. */
	read_piped(data, n, 4096, 7, 0, &g);
	assert_int_equal(g.count, 3);
	assert_int_equal(g.lines[0].n, LM_MAX_LINE_DEFAULT);
	assert_true(g.lines[0].cut);
	assert_memory_equal(g.lines[0].p, data, LM_MAX_LINE_DEFAULT);
	assert_memory_equal(g.lines[1].p, "tail", 4);
	assert_int_equal(g.truncated, 1);
	got_free(&g);
	free(data);
}

/* Many lines: the buffer wraps many times. */
static void test_many_lines(void **state)
{
	(void)state;
	enum { LINES = 5000 };
	char *data = malloc(LINES * 16);
	assert_non_null(data);
	size_t n = 0;
	for (int i = 0; i < LINES; i++)
		n += (size_t)sprintf(data + n, "line %d%s\n", i, i % 3 ? "" : "\r");
	for (size_t r = 0; r < N_SIZES; r++) {
		struct got g;
		read_piped(data, n, 4096, read_sizes[r], 20, &g);
		assert_int_equal(g.count, LINES);
		assert_int_equal(g.truncated, 0);
		assert_int_equal(g.line_no, LINES);
		for (int i = 0; i < LINES; i++) {
			char want[16];
			int len = sprintf(want, "line %d", i);
			assert_int_equal(g.lines[i].n, (size_t)len);
			assert_memory_equal(g.lines[i].p, want, (size_t)len);
		}
		got_free(&g);
	}
	free(data);
}

/* ---- counters and errors ---- */

static void test_line_no_counts(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	static const char data[] = "a\n\nlong line here\nb";
	assert_int_equal(write(fds[1], data, sizeof(data) - 1), (ssize_t)(sizeof(data) - 1));
	close(fds[1]);

	struct lm_reader r;
	struct lm_str line;
	bool cut;
	lm_reader_init(&r, fds[0], 2, 4);
	assert_int_equal(r.read_size, 2);
	assert_int_equal(r.max_line, 4);
	assert_int_equal(r.line_no, 0);

	assert_int_equal(lm_reader_next(&r, &line, &cut), 1);
	assert_int_equal(r.line_no, 1);
	assert_int_equal(line.n, 1);
	assert_memory_equal(line.p, "a", 1);

	assert_int_equal(lm_reader_next(&r, &line, &cut), 1);
	assert_int_equal(r.line_no, 2);
	assert_int_equal(line.n, 0);
	assert_false(cut);

	assert_int_equal(lm_reader_next(&r, &line, &cut), 1);
	assert_int_equal(r.line_no, 3);
	assert_true(cut);
	assert_int_equal(r.truncated, 1);
	assert_int_equal(line.n, 4);
	assert_memory_equal(line.p, "long", 4);

	assert_int_equal(lm_reader_next(&r, &line, &cut), 1);
	assert_int_equal(r.line_no, 4);
	assert_false(cut);
	assert_int_equal(line.n, 1);
	assert_memory_equal(line.p, "b", 1);

	assert_int_equal(lm_reader_next(&r, &line, &cut), 0);
	assert_int_equal(r.line_no, 4);
	assert_int_equal(r.truncated, 1);
	assert_int_equal(r.bytes, sizeof(data) - 1);
	lm_reader_fini(&r);
	lm_reader_fini(&r); /* twice is harmless */
	lm_reader_fini(NULL);
	close(fds[0]);
}

static void test_read_error(void **state)
{
	(void)state;
	int fd = open(".", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	struct lm_reader r;
	struct lm_str line;
	bool cut;
	lm_reader_init(&r, fd, 0, 0);
	assert_int_equal(lm_reader_next(&r, &line, &cut), -EISDIR);
	assert_int_equal(r.line_no, 0);
	lm_reader_fini(&r);
	close(fd);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mixed_lines),
		cmocka_unit_test(test_last_line_terminated),
		cmocka_unit_test(test_last_line_lone_cr),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_only_newlines),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_long_last_line),
		cmocka_unit_test(test_consecutive_long_lines),
		cmocka_unit_test(test_max_line_one),
		cmocka_unit_test(test_lengths_around_max),
		cmocka_unit_test(test_huge_line_defaults),
		cmocka_unit_test(test_many_lines),
		cmocka_unit_test(test_line_no_counts),
		cmocka_unit_test(test_read_error),
	};
	return cmocka_run_group_tests_name("reader", tests, NULL, NULL);
}
