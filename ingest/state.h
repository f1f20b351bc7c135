/*
 * state: what followed files were read up to, kept across restarts.
 *
 * A file is known by device, inode and a fingerprint of its first bytes
 * (lm_fp), so an inode reused by another file is not taken for it.  The
 * state file is text, one file per line, tab-separated:
 *
 *   # logmedic follow state 1
 *   DEV  INODE  FP_LEN  FP_HASH(hex)  OFFSET  PATH
 *
 * PATH is the name the file was found by (a rotated file is looked for next
 * to it), with backslash, tab, newline and carriage return escaped
 * (\\ \t \n \r).  A save writes a new file beside the old one, syncs it and renames
 * it over the old one, so a crash (even kill -9) leaves one whole state.
 * A line that cannot be read is reported with file:line:column; when its
 * path can be read, the file there starts over from its beginning.
 */
#ifndef LM_STATE_H
#define LM_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define LM_FP_MAX 256u

struct lm_fp {
	uint64_t hash; /* lm_hash of the first len bytes */
	uint32_t len;
};

/* The fingerprint of fd's first bytes (up to LM_FP_MAX; fewer for a shorter
 * file).  Reads with pread: fd's offset is not moved. */
void lm_fp_read(struct lm_fp *fp, int fd);
/* Whether fd still starts with the bytes fp was taken from. */
bool lm_fp_same_start(const struct lm_fp *fp, int fd);
/* Takes a fingerprint over more bytes once the file has them. */
void lm_fp_grow(struct lm_fp *fp, int fd, uint64_t size);

struct lm_state_entry {
	dev_t dev;
	ino_t ino;
	struct lm_fp fp;
	uint64_t offset;
	char *path;
	bool start_over; /* its line could not be read: the file at path starts at 0 */
	bool resumed;    /* rotated while logmedic was down, resumed where it went:
			  * lm_state_find no longer finds it, its path stays known */
};

struct lm_state {
	struct lm_state_entry *e;
	unsigned n, cap;
};

void lm_state_init(struct lm_state *s);
void lm_state_fini(struct lm_state *s);
/* A missing file is an empty state.  Returns -1 only when the file exists
 * and cannot be read (reported). */
int lm_state_load(struct lm_state *s, const char *path);
/* Returns 0, or -1 after reporting why it could not be written. */
int lm_state_save(const struct lm_state *s, const char *path);
void lm_state_add(struct lm_state *s, dev_t dev, ino_t ino, const struct lm_fp *fp,
		  uint64_t offset, const char *path);
const struct lm_state_entry *lm_state_find(const struct lm_state *s, dev_t dev, ino_t ino);
bool lm_state_knows_path(const struct lm_state *s, const char *path);
/* Removes e (an entry of s); the last entry takes its place. */
void lm_state_forget(struct lm_state *s, const struct lm_state_entry *e);

#endif
