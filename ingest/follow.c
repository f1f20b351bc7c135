/*
 * follow: followed files, rotation, truncation and the state file.  See
 * follow.h.  Nothing here decodes: each file is an lm_source in follow mode;
 * this module only decides which descriptors those sources read, from where,
 * and when to let them go.
 */
#include "ingest/follow.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "ingest/state.h"

/* Events taken from one file before the next file gets its turn. */
#define TURN 256
/* Safety scan when inotify is on: what it cannot see still gets noticed. */
#define INOTIFY_RESCAN (2 * LM_NS_PER_SEC)
/* Siblings looked at when searching for a copytruncate copy. */
#define COPY_SEARCH_MAX 256
/* Files read to their end, and copies of followed files, remembered so a
 * glob that matches them never reads them again. */
#define DONE_MAX 256

struct done_file {
	dev_t dev;
	ino_t ino;
	struct lm_fp fp; /* a reused inode is another file */
};

struct followed {
	struct lm_source src;
	char *path;         /* the name it was found by */
	dev_t dev;
	ino_t ino;
	struct lm_fp fp;
	int wd;             /* inotify watch, or -1 */
	bool rotated;       /* no longer at its path (or the copy of a truncated
	                       file): read to the end, then closed */
	bool checked;       /* looked at since it last ran dry */
	bool finishing;     /* no more reads: what it holds goes out, then it closes */
	lm_time_t quiet_at; /* monotonic clock: when it last ran dry while rotated */
};

struct lm_follow {
	struct lm_follow_opts o;
	struct followed **files;
	unsigned n, cap, cur, turn;
	unsigned next_index;
	int inotify_fd;
	bool scan_due;
	lm_time_t next_scan, next_save;
	struct lm_state saved;           /* what the state file said at start */
	char **names;                    /* every file name seen: events keep them */
	unsigned n_names;
	struct done_file done[DONE_MAX]; /* a ring */
	unsigned n_done, next_done;
	struct lm_input_stats closed_in; /* counters of the files closed */
	struct lm_follow_stats stats;
};

/* A name that stays valid as long as the follow set: evidence kept by
 * diagnoses points to it after its file is closed.  One copy per name. */
static const char *intern(struct lm_follow *f, const char *name)
{
	for (unsigned i = 0; i < f->n_names; i++)
		if (strcmp(f->names[i], name) == 0)
			return f->names[i];
	f->names = lm_xrealloc(f->names, (f->n_names + 1) * sizeof(*f->names));
	return f->names[f->n_names++] = lm_xstrdup(name);
}

static uint64_t read_offset(const struct followed *fl)
{
	return fl->src.reader.base + fl->src.reader.bytes;
}

/* After each read: the file still starts with the bytes it started with
 * (else it was truncated and written again: the bytes just read are not the
 * continuation, and the file is looked at again before reading on). */
static bool still_same(void *arg)
{
	struct followed *fl = arg;
	int fd = fl->src.reader.fd;
	if (!lm_fp_same_start(&fl->fp, fd)) {
		fl->checked = false;
		return false;
	}
	struct stat st;
	if (fl->fp.len < LM_FP_MAX && fstat(fd, &st) == 0)
		lm_fp_grow(&fl->fp, fd, (uint64_t)st.st_size);
	return true;
}

static void watch_file(struct lm_follow *f, struct followed *fl)
{
	if (f->inotify_fd >= 0)
		fl->wd = inotify_add_watch(f->inotify_fd, fl->path,
					   IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF);
}

/* A parent folder of each pattern whose last part alone is a glob: inotify
 * tells when files appear there.  Deeper globs rely on the scan. */
static void watch_folders(struct lm_follow *f)
{
	for (unsigned i = 0; i < f->o.n_patterns && f->inotify_fd >= 0; i++) {
		char *copy = lm_xstrdup(f->o.patterns[i]);
		const char *dir = dirname(copy);
		if (!strpbrk(dir, "*?["))
			inotify_add_watch(f->inotify_fd, dir,
					  IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE);
		free(copy);
	}
}

/* Follows fd (found as path) from offset; a live file (not a rotated one
 * read to its end) is watched. */
static struct followed *add_file(struct lm_follow *f, int fd, const char *path,
				 const struct stat *st, uint64_t offset, bool live)
{
	struct followed *fl = lm_xcalloc(1, sizeof(*fl));
	lm_source_open_fd(&fl->src, fd, path, f->next_index++, &f->o.src);
	fl->src.ev.source_name = intern(f, path);
	if (lm_source_go_live(&fl->src, LM_READER_FOLLOW, offset) < 0) {
		lm_log_warn("%s: cannot seek to %" PRIu64 ", reading from the start", path, offset);
		lm_source_go_live(&fl->src, LM_READER_FOLLOW, 0);
	}
	fl->path = lm_xstrdup(path);
	fl->dev = st->st_dev;
	fl->ino = st->st_ino;
	lm_fp_read(&fl->fp, fd);
	fl->src.reader.still_same = still_same;
	fl->src.reader.still_arg = fl;
	fl->wd = -1;
	if (live)
		watch_file(f, fl);
	fl->rotated = !live;
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 16;
		f->files = lm_xrealloc(f->files, f->cap * sizeof(*f->files));
	}
	f->files[f->n++] = fl;
	f->stats.opened++;
	return fl;
}

static void remember_done(struct lm_follow *f, dev_t dev, ino_t ino, const struct lm_fp *fp)
{
	f->done[f->next_done] = (struct done_file){ dev, ino, *fp };
	f->next_done = (f->next_done + 1) % DONE_MAX;
	if (f->n_done < DONE_MAX)
		f->n_done++;
}

/* Drops fl's watch, unless another open file shares it (inotify gives one
 * watch per inode). */
static void unwatch(struct lm_follow *f, struct followed *fl)
{
	if (fl->wd < 0)
		return;
	bool shared = false;
	for (unsigned i = 0; i < f->n; i++)
		shared |= f->files[i] != fl && f->files[i]->wd == fl->wd;
	if (!shared)
		inotify_rm_watch(f->inotify_fd, fl->wd);
	fl->wd = -1;
}

static void close_file(struct lm_follow *f, unsigned i)
{
	struct followed *fl = f->files[i];
	struct stat st;
	if (fl->rotated && fstat(fl->src.reader.fd, &st) == 0 && st.st_nlink > 0)
		remember_done(f, fl->dev, fl->ino, &fl->fp); /* renamed, still there */
	unwatch(f, fl);
	if (fl->src.error)
		lm_log_error("%s: read error: %s", fl->path, strerror(-fl->src.error));
	lm_source_add_stats(&fl->src, &f->closed_in);
	lm_source_close(&fl->src);
	free(fl->path);
	free(fl);
	f->files[i] = f->files[--f->n];
	if (f->cur >= f->n)
		f->cur = 0;
	f->stats.closed++;
}

static struct followed *find_open(struct lm_follow *f, dev_t dev, ino_t ino)
{
	for (unsigned i = 0; i < f->n; i++)
		if (f->files[i]->dev == dev && f->files[i]->ino == ino)
			return f->files[i];
	return NULL;
}

/* Where a file found by a scan starts: a saved offset for the same file, its
 * beginning for a file new since the state or since start, else its end. */
static uint64_t start_offset(struct lm_follow *f, int fd, const char *path,
			     const struct stat *st, bool at_start)
{
	const struct lm_state_entry *e = lm_state_find(&f->saved, st->st_dev, st->st_ino);
	if (e && lm_fp_same_start(&e->fp, fd) && e->offset <= (uint64_t)st->st_size) {
		uint64_t offset = e->offset;
		lm_state_forget(&f->saved, e);
		return offset;
	}
	/* Otherwise it was truncated while logmedic was down (resume_rotated()
	 * read on from its copy), or is another file at a path the state knows:
	 * from its beginning. */
	if (!at_start || f->o.from_beginning || lm_state_knows_path(&f->saved, path))
		return 0;
	return (uint64_t)st->st_size;
}


static bool is_done(const struct lm_follow *f, int fd, const struct stat *st)
{
	for (unsigned i = 0; i < f->n_done; i++)
		if (f->done[i].dev == st->st_dev && f->done[i].ino == st->st_ino &&
		    lm_fp_same_start(&f->done[i].fp, fd))
			return true;
	return false;
}

enum copy { NOT_A_COPY, A_COPY, MAYBE_A_COPY };

/* Whether the file fd (found as path) is a copy of a file being followed:
 * its name is that file's name and more (app.log.1), and it starts with the
 * bytes that file's fingerprint was taken from.  A copytruncate makes one;
 * what it holds was read from the original, or is read from the copy by
 * the original's source.  A shorter file that is a beginning of one (a copy
 * being written, or still empty) may become one: it is looked at again by
 * the next scan. */
static enum copy is_copy(struct lm_follow *f, int fd, const char *path, const struct stat *st)
{
	struct lm_fp fp;
	lm_fp_read(&fp, fd);
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	for (unsigned i = 0; i < f->n; i++) {
		const struct followed *fl = f->files[i];
		const char *base = strrchr(fl->path, '/') ? strrchr(fl->path, '/') + 1 : fl->path;
		size_t blen = strlen(base);
		if (strncmp(name, base, blen) != 0 || name[blen] == '\0' || fl->fp.len == 0)
			continue;
		/* against the first bytes the original had (it may be truncated
		 * by now), as far as the candidate has bytes */
		if (fp.len >= fl->fp.len && lm_fp_same_start(&fl->fp, fd)) {
			remember_done(f, st->st_dev, st->st_ino, &fp);
			return A_COPY;
		}
		if (fp.len < fl->fp.len && lm_fp_same_start(&fp, fl->src.reader.fd))
			return MAYBE_A_COPY;
	}
	return NOT_A_COPY;
}

static void open_found(struct lm_follow *f, const char *path, bool at_start)
{
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || find_open(f, st.st_dev, st.st_ino))
		return;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		lm_log_warn("%s: %s", path, strerror(errno));
		return;
	}
	enum copy copy = NOT_A_COPY;
	if (fstat(fd, &st) < 0 || find_open(f, st.st_dev, st.st_ino) || is_done(f, fd, &st) ||
	    (copy = is_copy(f, fd, path, &st)) != NOT_A_COPY) {
		if (copy == MAYBE_A_COPY)
			f->scan_due = true; /* decided once it has more, or differs */
		close(fd);
		return;
	}
	add_file(f, fd, path, &st, start_offset(f, fd, path, &st, at_start), true);
}

static void scan(struct lm_follow *f, bool at_start)
{
	f->scan_due = false; /* a file that may be a copy asks for the next one */
	for (unsigned i = 0; i < f->o.n_patterns; i++) {
		glob_t g;
		if (glob(f->o.patterns[i], 0, NULL, &g) == 0)
			for (size_t k = 0; k < g.gl_pathc; k++)
				open_found(f, g.gl_pathv[k], at_start);
		globfree(&g);
	}
}

/* What a search next to a path looks for: a copy (a file other than
 * skip_dev/skip_ino that starts like fp and is at least size bytes long), or
 * a file itself (dev/ino) once truncated and written again (it no longer
 * starts like fp). */
struct sibling {
	const struct lm_fp *fp;
	uint64_t size;
	dev_t dev;
	ino_t ino;
	bool rewritten; /* look for dev/ino itself, rewritten */
};

static bool sibling_wanted(const struct sibling *w, int fd, const struct stat *st)
{
	bool same = st->st_dev == w->dev && st->st_ino == w->ino;
	if (w->rewritten)
		return same && !lm_fp_same_start(w->fp, fd);
	/* an empty fingerprint starts every file: no copy can be told apart */
	return !same && w->fp->len > 0 && (uint64_t)st->st_size >= w->size &&
	       lm_fp_same_start(w->fp, fd);
}

/* Opens the file next to path (its name is path's and more: app.log.1) that
 * w asks for; its path in *found_path.  -1 when there is none. */
static int find_sibling(const char *path, const struct sibling *w, char found_path[PATH_MAX])
{
	char *d = lm_xstrdup(path), *b = lm_xstrdup(path);
	const char *dir = dirname(d), *base = basename(b);
	size_t blen = strlen(base);
	int found = -1;
	DIR *dh = opendir(dir);
	for (unsigned seen = 0; dh && found < 0 && seen < COPY_SEARCH_MAX; seen++) {
		const struct dirent *de = readdir(dh);
		if (!de)
			break;
		if (strncmp(de->d_name, base, blen) != 0 || de->d_name[blen] == '\0')
			continue;
		if (snprintf(found_path, PATH_MAX, "%s/%s", dir, de->d_name) >= PATH_MAX)
			continue;
		int fd = open(found_path, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && sibling_wanted(w, fd, &st))
			found = fd;
		else if (fd >= 0)
			close(fd);
	}
	if (dh)
		closedir(dh);
	free(d);
	free(b);
	return found;
}

/* The copy a copytruncate made of a file that started like fp and was read
 * up to size (or the file itself, renamed while logmedic was down), other
 * than the file skip_dev/skip_ino. */
static int find_copy(const char *path, const struct lm_fp *fp, uint64_t size, dev_t skip_dev,
		     ino_t skip_ino, char found_path[PATH_MAX])
{
	struct sibling w = { .fp = fp, .size = size, .dev = skip_dev, .ino = skip_ino };
	return find_sibling(path, &w, found_path);
}

/* The file was truncated.  Its source becomes a rotated one: with a copy
 * next to it, it goes on reading the copy from where it stopped; without,
 * it only hands out what it already read.  A new source reads the file
 * from offset 0. */
static void truncated(struct lm_follow *f, struct followed *fl)
{
	bool at_path = !fl->rotated; /* else the new source is a rotated file too */
	f->stats.truncations++;
	uint64_t pos = read_offset(fl);
	char copy_path[PATH_MAX];
	int copy = find_copy(fl->path, &fl->fp, pos, fl->dev, fl->ino, copy_path);
	int fd = fl->src.reader.fd;
	struct stat st;
	if (copy >= 0) {
		f->stats.recovered++;
		lseek(copy, (off_t)pos, SEEK_SET);
		fl->src.reader.fd = copy; /* the source closes it */
		fl->src.ev.source_name = intern(f, copy_path);
		if (fstat(copy, &st) == 0) {
			fl->dev = st.st_dev;
			fl->ino = st.st_ino;
		}
		/* fd, the truncated file, is no longer the old source's */
	} else {
		lm_log_warn("%s: truncated; what was written after byte %" PRIu64 " and before the truncation is lost (no copy found next to it)",
			    fl->path, pos);
		fl->finishing = true;
		lm_source_finish(&fl->src);
		fd = dup(fd); /* the old source keeps its own, to close */
	}
	fl->rotated = true;
	unwatch(f, fl);
	if (fd < 0 || fstat(fd, &st) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		lm_log_error("%s: %s", fl->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	add_file(f, fd, fl->path, &st, 0, at_path);
}

/* Before reading on: whether the file is still at its path, and still the
 * same file from its first byte (also once renamed: a copytruncate followed
 * by a rename, both while logmedic was not looking, leaves a renamed file
 * that was truncated and written again). */
static void check(struct lm_follow *f, struct followed *fl)
{
	fl->checked = true;
	if (fl->finishing)
		return;
	struct stat st, at_path;
	if (!fl->rotated &&
	    (stat(fl->path, &at_path) < 0 || at_path.st_dev != fl->dev || at_path.st_ino != fl->ino)) {
		fl->rotated = true;
		f->stats.rotations++;
		f->scan_due = true; /* the new file at the path */
	}
	if (fstat(fl->src.reader.fd, &st) < 0)
		return;
	if ((uint64_t)st.st_size < read_offset(fl) || !lm_fp_same_start(&fl->fp, fl->src.reader.fd)) {
		truncated(f, fl);
		return;
	}
	lm_fp_grow(&fl->fp, fl->src.reader.fd, (uint64_t)st.st_size);
}

/* A file that ran dry.  A rotated one is finished (what it holds goes out,
 * then it closes) once it is deleted or has been quiet for the rotate wait;
 * returns whether that started. */
static bool ran_dry(struct lm_follow *f, struct followed *fl)
{
	fl->checked = false;
	if (!fl->rotated || fl->finishing)
		return false;
	lm_time_t now = lm_clock_mono();
	if (!fl->quiet_at)
		fl->quiet_at = now;
	struct stat st;
	bool deleted = fstat(fl->src.reader.fd, &st) == 0 && st.st_nlink == 0;
	if (!deleted && now - fl->quiet_at < f->o.rotate_wait)
		return false;
	fl->finishing = true;
	lm_source_finish(&fl->src);
	return true;
}

enum lm_source_status lm_follow_next(struct lm_follow *f, const struct lm_event **ev)
{
	for (unsigned tried = 0; f->n && tried <= f->n;) {
		if (f->cur >= f->n)
			f->cur = 0;
		struct followed *fl = f->files[f->cur];
		if (!fl->checked)
			check(f, fl);
		enum lm_source_status st = LM_SOURCE_WAIT;
		if (f->turn < TURN)
			st = lm_source_next(&fl->src);
		if (st == LM_SOURCE_EVENT) {
			f->turn++;
			fl->quiet_at = 0;
			*ev = fl->src.out;
			return LM_SOURCE_EVENT;
		}
		bool was_turn = f->turn >= TURN;
		f->turn = 0;
		tried++;
		if (st == LM_SOURCE_END) { /* finished, or a read error */
			close_file(f, f->cur);
			continue;
		}
		if (was_turn)
			fl->checked = false; /* looked at again before its next turn */
		else if (ran_dry(f, fl))
			continue; /* its last events now */
		f->cur++;
	}
	return LM_SOURCE_WAIT;
}

static void drain_inotify(struct lm_follow *f)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(f->inotify_fd, buf, sizeof(buf));
		if (n <= 0)
			return;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			if (ev->mask & (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
					IN_MOVE_SELF | IN_DELETE_SELF | IN_Q_OVERFLOW))
				f->scan_due = true;
			p += sizeof(*ev) + ev->len;
		}
	}
}

void lm_follow_tick(struct lm_follow *f)
{
	lm_time_t now = lm_clock_mono();
	if (f->inotify_fd >= 0)
		drain_inotify(f);
	for (unsigned i = 0; i < f->n; i++)
		f->files[i]->checked = false;
	if (now >= f->next_scan)
		f->scan_due = true;
	if (f->scan_due) {
		for (unsigned i = 0; i < f->n; i++)
			check(f, f->files[i]);
		scan(f, false);
		f->next_scan = now + (f->inotify_fd >= 0 ? INOTIFY_RESCAN : f->o.poll_interval);
	}
	if (f->o.state_path && now >= f->next_save)
		lm_follow_save(f);
}

lm_time_t lm_follow_wake_at(const struct lm_follow *f)
{
	lm_time_t at = f->next_scan;
	if (f->o.state_path && f->next_save < at)
		at = f->next_save;
	return at;
}

void lm_follow_save(struct lm_follow *f)
{
	f->next_save = lm_clock_mono() + f->o.state_interval;
	if (!f->o.state_path)
		return;
	if (f->o.flush && !f->o.flush(f->o.flush_arg)) {
		f->stats.state_errors++; /* the outputs failed: the offsets stay */
		return;
	}
	struct lm_state now;
	lm_state_init(&now);
	for (unsigned i = 0; i < f->n; i++) {
		const struct followed *fl = f->files[i];
		if (fl->finishing)
			continue; /* read to its end: nothing to resume (and its inode
				   * may be open again as the file truncated under it) */
		lm_state_add(&now, fl->dev, fl->ino, &fl->fp, lm_source_offset(&fl->src), fl->path);
	}
	if (lm_state_save(&now, f->o.state_path) < 0)
		f->stats.state_errors++;
	else
		f->stats.state_saves++;
	lm_state_fini(&now);
}

/* A file found next to a state entry's path, read from offset as a
 * rotated file unless it is open already. */
static void resume_found(struct lm_follow *f, int fd, const char *path, uint64_t offset)
{
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && !find_open(f, st.st_dev, st.st_ino))
		add_file(f, fd, path, &st, offset, false);
	else if (fd >= 0)
		close(fd);
}

/* Whether the file of a state entry is still at its path, as it was. */
static bool still_at_path(const struct lm_state_entry *e)
{
	int fd = open(e->path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	bool same = fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == e->dev && st.st_ino == e->ino &&
		    lm_fp_same_start(&e->fp, fd);
	if (fd >= 0)
		close(fd);
	return same;
}

/* Files of the state rotated while logmedic was down (renamed, or copied
 * and truncated), before the first scan (whose glob may match rotated
 * names, which it would open at their end): the file next to their path
 * that starts as they did is read from the saved offset to its end; and
 * when that was a copy, the file itself, if truncated, written again and
 * renamed, is read from its beginning (a copy is the evidence: without
 * one, a file with the same inode number and other bytes may be another
 * file that reused the number). */
static void resume_rotated(struct lm_follow *f)
{
	for (unsigned i = 0; i < f->saved.n; i++) {
		struct lm_state_entry *e = &f->saved.e[i];
		if (e->start_over || still_at_path(e))
			continue; /* the scan takes it up */
		char path[PATH_MAX];
		int copy = find_copy(e->path, &e->fp, e->offset, 0, 0, path);
		struct stat st;
		bool copied = copy >= 0 && fstat(copy, &st) == 0 &&
			      !(st.st_dev == e->dev && st.st_ino == e->ino);
		resume_found(f, copy, path, e->offset);
		if (copied) {
			struct sibling w = { .fp = &e->fp, .dev = e->dev, .ino = e->ino, .rewritten = true };
			resume_found(f, find_sibling(e->path, &w, path), path, 0);
		}
		e->resumed = true;
	}
}

struct lm_follow *lm_follow_new(const struct lm_follow_opts *o)
{
	struct lm_follow *f = lm_xcalloc(1, sizeof(*f));
	f->o = *o;
	f->next_index = o->first_index;
	lm_state_init(&f->saved);
	if (o->state_path && lm_state_load(&f->saved, o->state_path) < 0) {
		lm_state_fini(&f->saved);
		free(f);
		return NULL;
	}
	f->inotify_fd = -1;
	if (o->inotify) {
		f->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (f->inotify_fd < 0)
			lm_log_warn("inotify: %s; polling every %lld ms instead", strerror(errno),
				    (long long)(o->poll_interval / LM_NS_PER_MS));
	}
	watch_folders(f);
	resume_rotated(f);
	scan(f, true);
	lm_state_fini(&f->saved); /* what the scan did not take up is gone */
	lm_state_init(&f->saved);
	lm_time_t now = lm_clock_mono();
	f->next_scan = now + (f->inotify_fd >= 0 ? INOTIFY_RESCAN : o->poll_interval);
	f->next_save = now + o->state_interval;
	return f;
}

void lm_follow_free(struct lm_follow *f)
{
	if (!f)
		return;
	while (f->n)
		close_file(f, f->n - 1);
	free(f->files);
	for (unsigned i = 0; i < f->n_names; i++)
		free(f->names[i]);
	free(f->names);
	lm_state_fini(&f->saved);
	if (f->inotify_fd >= 0)
		close(f->inotify_fd);
	free(f);
}

int lm_follow_fd(const struct lm_follow *f)
{
	return f->inotify_fd;
}

const struct lm_follow_stats *lm_follow_stats(const struct lm_follow *f)
{
	return &f->stats;
}

void lm_follow_input_stats(const struct lm_follow *f, struct lm_input_stats *in)
{
	lm_input_stats_add(in, &f->closed_in);
	for (unsigned i = 0; i < f->n; i++)
		lm_source_add_stats(&f->files[i]->src, in);
}
