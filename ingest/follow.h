/*
 * follow: files followed as they grow, across rotation, as one live source.
 *
 * `--follow PATH|GLOB`: the files matching each pattern, and those that
 * appear later, are read as they grow.  inotify wakes the loop when a file
 * changes or a folder gains a file; a stat poll (every poll interval, and as
 * the only way when inotify is off or unavailable) catches what inotify
 * cannot see (globs over several folders, network file systems).
 *
 * A file is known by its device, inode and a fingerprint (a hash of its
 * first bytes, up to LM_FP_MAX in ingest/state.h), so a reused inode is a
 * new file.
 *   - Renamed away (rename-and-create rotation) or deleted: its descriptor
 *     is read to the end, then closed: a deleted file at once, a renamed one
 *     once it stayed quiet for the rotate wait (a writer may still finish a
 *     line into it).  The new file at the path is read from its beginning.
 *   - Truncated (copytruncate, or smaller than what was read, or its first
 *     bytes changed): the lines written between the last read and the copy
 *     are read from the copy when one sits next to it (same folder, name
 *     starting with the file's name, same first bytes), then the file is
 *     read again from offset 0.
 * Files present at start are read from their end unless from_beginning;
 * files that appear later are read from their beginning.
 *
 * State: with a state file, offsets (what was handed out and processed) are
 * saved by writing a new file and renaming it over the old one, at most
 * every state interval and at the end; at start, a file found with the same
 * identity resumes at its offset, a rotated one is looked for next to its
 * old path, and a file at a path the state knows but with another identity
 * (created while logmedic was down) is read from its beginning.
 *
 * Events come out in arrival order, file by file; each file's events in its
 * own order.  Not thread-safe.
 */
#ifndef LM_FOLLOW_H
#define LM_FOLLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/event.h"
#include "ingest/source.h"

struct lm_follow_opts {
	char *const *patterns;
	unsigned n_patterns;
	struct lm_source_opts src;
	bool from_beginning;
	const char *state_path;     /* NULL: no state file */
	lm_time_t state_interval;   /* at most this long between saves */
	lm_time_t poll_interval;    /* stat poll */
	lm_time_t rotate_wait;      /* a renamed file stays open this long once quiet */
	bool inotify;
	unsigned first_index;       /* source_index of the first file opened */
	/* Called before the state is saved: hand what was processed to the
	 * outputs, so the state never runs ahead of them; false when they
	 * failed, and then the state is not saved. */
	bool (*flush)(void *arg);
	void *flush_arg;
};

struct lm_follow_stats {
	uint64_t opened, closed;
	uint64_t rotations;   /* renamed away or deleted */
	uint64_t truncations;
	uint64_t recovered;   /* truncations whose missing lines were read from the copy */
	uint64_t state_saves, state_errors;
};

struct lm_follow;

/* NULL after reporting the problem (a malformed state file: file:line). */
struct lm_follow *lm_follow_new(const struct lm_follow_opts *o);
/* Closes everything (save the state first).  Accepts NULL. */
void lm_follow_free(struct lm_follow *f);
/* The inotify descriptor to wait on, or -1 (polling only). */
int lm_follow_fd(const struct lm_follow *f);
/* LM_SOURCE_EVENT with *ev (valid until the next call, which also means the
 * caller is done with it) or LM_SOURCE_WAIT. */
enum lm_source_status lm_follow_next(struct lm_follow *f, const struct lm_event **ev);
/* Housekeeping, called at every turn of the live loop (cheap when nothing
 * is due): read inotify events, look for new, rotated and truncated files
 * when told or due, save the state when due.  The caller must be done with
 * the last event. */
void lm_follow_tick(struct lm_follow *f);
/* Wall-clock time by which lm_follow_tick() wants to run again. */
lm_time_t lm_follow_wake_at(const struct lm_follow *f);
/* Saves the state now (also done by the tick and at the end). */
void lm_follow_save(struct lm_follow *f);
const struct lm_follow_stats *lm_follow_stats(const struct lm_follow *f);
/* Adds the counters of every file read so far (open or closed). */
void lm_follow_input_stats(const struct lm_follow *f, struct lm_input_stats *in);

#endif
