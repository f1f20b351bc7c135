/*
 * state: fingerprints and the follow state file.  See state.h.
 */
#include "ingest/state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"

#define HEADER "# logmedic follow state 1\n"

static uint32_t read_start(int fd, char *buf, uint32_t want)
{
	uint32_t got = 0;
	while (got < want) {
		ssize_t n = pread(fd, buf + got, want - got, got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (uint32_t)n;
	}
	return got;
}

void lm_fp_read(struct lm_fp *fp, int fd)
{
	char buf[LM_FP_MAX];
	fp->len = read_start(fd, buf, LM_FP_MAX);
	fp->hash = lm_hash(0, buf, fp->len);
}

bool lm_fp_same_start(const struct lm_fp *fp, int fd)
{
	char buf[LM_FP_MAX];
	uint32_t n = read_start(fd, buf, fp->len);
	return n == fp->len && lm_hash(0, buf, n) == fp->hash;
}

void lm_fp_grow(struct lm_fp *fp, int fd, uint64_t size)
{
	if (fp->len < LM_FP_MAX && size > fp->len)
		lm_fp_read(fp, fd);
}

void lm_state_init(struct lm_state *s)
{
	memset(s, 0, sizeof(*s));
}

void lm_state_fini(struct lm_state *s)
{
	for (unsigned i = 0; i < s->n; i++)
		free(s->e[i].path);
	free(s->e);
	memset(s, 0, sizeof(*s));
}

void lm_state_add(struct lm_state *s, dev_t dev, ino_t ino, const struct lm_fp *fp,
		  uint64_t offset, const char *path)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->e = lm_xrealloc(s->e, s->cap * sizeof(*s->e));
	}
	s->e[s->n++] = (struct lm_state_entry){ dev, ino, *fp, offset, lm_xstrdup(path), false, false };
}

const struct lm_state_entry *lm_state_find(const struct lm_state *s, dev_t dev, ino_t ino)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->e[i].dev == dev && s->e[i].ino == ino && !s->e[i].resumed)
			return &s->e[i];
	return NULL;
}

bool lm_state_knows_path(const struct lm_state *s, const char *path)
{
	for (unsigned i = 0; i < s->n; i++)
		if (strcmp(s->e[i].path, path) == 0)
			return true;
	return false;
}

void lm_state_forget(struct lm_state *s, const struct lm_state_entry *e)
{
	unsigned i = (unsigned)(e - s->e);
	free(s->e[i].path);
	s->e[i] = s->e[--s->n];
}

static void put_path(FILE *out, const char *p)
{
	for (; *p; p++) {
		switch (*p) {
		case '\\': fputs("\\\\", out); break;
		case '\t': fputs("\\t", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		default: fputc(*p, out);
		}
	}
}

/* Unescapes a path in place; the column of a bad escape, or 0. */
static size_t unescape(char *p)
{
	char *w = p;
	for (char *r = p; *r; r++) {
		if (*r != '\\') {
			*w++ = *r;
			continue;
		}
		switch (*++r) {
		case '\\': *w++ = '\\'; break;
		case 't': *w++ = '\t'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		default: return (size_t)(r - p);
		}
	}
	*w = '\0';
	return 0;
}

/* Sync the folder holding path, so the rename itself is on disk. */
static void sync_folder(const char *path)
{
	char *copy = lm_xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

int lm_state_save(const struct lm_state *s, const char *path)
{
	struct lm_buf tmp;
	lm_buf_init(&tmp);
	lm_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
	int rc = -1;
	if (!out) {
		lm_log_error("%s: %s", tmp.data, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto done;
	}
	fputs(HEADER, out);
	for (unsigned i = 0; i < s->n; i++) {
		const struct lm_state_entry *e = &s->e[i];
		fprintf(out, "%ju\t%ju\t%" PRIu32 "\t%016" PRIx64 "\t%" PRIu64 "\t", (uintmax_t)e->dev,
			(uintmax_t)e->ino, e->fp.len, e->fp.hash, e->offset);
		put_path(out, e->path);
		fputc('\n', out);
	}
	bool ok = fflush(out) == 0 && !ferror(out) && fsync(fileno(out)) == 0;
	ok = (fclose(out) == 0) && ok;
	if (!ok || rename(tmp.data, path) < 0) {
		lm_log_error("%s: cannot save the state: %s", path, strerror(errno));
		unlink(tmp.data);
		goto done;
	}
	sync_folder(path);
	rc = 0;
done:
	lm_buf_fini(&tmp);
	return rc;
}

/* One line of the state file; the column of the problem, or 0. */
static size_t parse_line(struct lm_state *s, char *line)
{
	char *field[6];
	char *p = line;
	for (int i = 0; i < 6; i++) {
		field[i] = p;
		char *tab = i < 5 ? strchr(p, '\t') : NULL;
		if (i < 5 && !tab)
			return (size_t)(p - line) + strlen(p) + 1;
		if (tab) {
			*tab = '\0';
			p = tab + 1;
		}
	}
	size_t bad = unescape(field[5]);
	if (bad || !field[5][0])
		return (size_t)(field[5] - line) + bad + 1;
	uintmax_t v[5];
	size_t col = 0;
	for (int i = 0; i < 5 && !col; i++) {
		char *end;
		errno = 0;
		v[i] = strtoumax(field[i], &end, i == 3 ? 16 : 10);
		if (errno || end == field[i] || *end || (i == 2 && v[i] > LM_FP_MAX))
			col = (size_t)(field[i] - line) + 1;
	}
	struct lm_fp fp = { col ? 0 : (uint64_t)v[3], col ? 0 : (uint32_t)v[2] };
	lm_state_add(s, col ? 0 : (dev_t)v[0], col ? 0 : (ino_t)v[1], &fp, col ? 0 : (uint64_t)v[4],
		     field[5]);
	s->e[s->n - 1].start_over = col != 0; /* the path is known: read it all again */
	return col;
}

int lm_state_load(struct lm_state *s, const char *path)
{
	FILE *in = fopen(path, "r");
	if (!in) {
		if (errno == ENOENT)
			return 0;
		lm_log_error("%s: %s", path, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	for (unsigned line_no = 1; (n = getline(&line, &cap, in)) > 0; line_no++) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		unsigned before = s->n;
		size_t col = parse_line(s, line);
		if (col && s->n > before)
			lm_log_warn("%s:%u:%zu: not a state line; the file it names is read from its beginning",
				    path, line_no, col);
		else if (col)
			lm_log_warn("%s:%u:%zu: not a state line; skipped", path, line_no, col);
	}
	free(line);
	fclose(in);
	return 0;
}
