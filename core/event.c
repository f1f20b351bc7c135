/*
 * event: the field set carried by every event.  See event.h.
 */
#include "core/event.h"

#include <stdlib.h>
#include <string.h>

void lm_fields_init(struct lm_fields *fs)
{
	fs->f = NULL;
	fs->cap = 0;
	fs->count = 0;
	fs->dropped = 0;
	lm_buf_init(&fs->arena);
}

void lm_fields_fini(struct lm_fields *fs)
{
	if (!fs)
		return;
	free(fs->f);
	fs->f = NULL;
	fs->cap = fs->count = 0;
	lm_buf_fini(&fs->arena);
}

void lm_fields_reset(struct lm_fields *fs)
{
	fs->count = 0;
	fs->dropped = 0;
	lm_buf_reset(&fs->arena);
}

static uint32_t arena_put(struct lm_fields *fs, const char *p, size_t n)
{
	uint32_t off = (uint32_t)fs->arena.len;
	lm_buf_append(&fs->arena, p, n);
	return off;
}

void lm_fields_add(struct lm_fields *fs, const char *key, size_t klen,
		   const char *val, size_t vlen)
{
	if (fs->count == LM_FIELDS_MAX || fs->arena.len + klen + vlen > UINT32_MAX / 2) {
		fs->dropped++;
		return;
	}
	/* key or val may point into the arena itself: rebase them after growing it. */
	uintptr_t base = (uintptr_t)fs->arena.data, end = base + fs->arena.cap;
	bool kin = base && (uintptr_t)key >= base && (uintptr_t)key < end;
	bool vin = base && (uintptr_t)val >= base && (uintptr_t)val < end;
	size_t koff = kin ? (uintptr_t)key - base : 0, voff = vin ? (uintptr_t)val - base : 0;
	lm_buf_reserve(&fs->arena, klen + vlen + 1);
	if (kin)
		key = fs->arena.data + koff;
	if (vin)
		val = fs->arena.data + voff;
	if (fs->count == fs->cap) {
		/* a set kept by a diagnosis takes only the room its fields need */
		fs->cap = fs->cap ? 2 * fs->cap : 8;
		if (fs->cap > LM_FIELDS_MAX)
			fs->cap = LM_FIELDS_MAX;
		fs->f = lm_xrealloc(fs->f, fs->cap * sizeof(*fs->f));
	}
	struct lm_field *f = &fs->f[fs->count++];
	f->key_off = arena_put(fs, key, klen);
	f->key_len = (uint32_t)klen;
	f->val_off = arena_put(fs, val, vlen);
	f->val_len = (uint32_t)vlen;
}

static int find(const struct lm_fields *fs, const char *key, size_t klen)
{
	for (unsigned i = 0; i < fs->count; i++) {
		const struct lm_field *f = &fs->f[i];
		if (f->key_len == klen && memcmp(fs->arena.data + f->key_off, key, klen) == 0)
			return (int)i;
	}
	return -1;
}

void lm_fields_set(struct lm_fields *fs, const char *key, size_t klen,
		   const char *val, size_t vlen)
{
	int i = find(fs, key, klen);
	if (i < 0) {
		lm_fields_add(fs, key, klen, val, vlen);
		return;
	}
	/* The old value stays in the arena until the next reset: the arena is per event. */
	uintptr_t base = (uintptr_t)fs->arena.data;
	bool vin = base && (uintptr_t)val >= base && (uintptr_t)val < base + fs->arena.cap;
	size_t voff = vin ? (uintptr_t)val - base : 0;
	lm_buf_reserve(&fs->arena, vlen);
	if (vin)
		val = fs->arena.data + voff;
	fs->f[i].val_off = arena_put(fs, val, vlen);
	fs->f[i].val_len = (uint32_t)vlen;
}

bool lm_fields_get(const struct lm_fields *fs, const char *key, size_t klen,
		   struct lm_str *out)
{
	int i = find(fs, key, klen);
	if (i < 0)
		return false;
	*out = lm_fields_val(fs, (unsigned)i);
	return true;
}

struct lm_str lm_fields_key(const struct lm_fields *fs, unsigned i)
{
	return (struct lm_str){ fs->arena.data + fs->f[i].key_off, fs->f[i].key_len };
}

struct lm_str lm_fields_val(const struct lm_fields *fs, unsigned i)
{
	return (struct lm_str){ fs->arena.data + fs->f[i].val_off, fs->f[i].val_len };
}

void lm_fields_copy(struct lm_fields *dst, const struct lm_fields *src)
{
	lm_fields_reset(dst);
	for (unsigned i = 0; i < src->count; i++) {
		struct lm_str k = lm_fields_key(src, i), v = lm_fields_val(src, i);
		lm_fields_add(dst, k.p, k.n, v.p, v.n);
	}
	dst->dropped = src->dropped;
}

void lm_fields_truncate(struct lm_fields *fs, unsigned n)
{
	if (n < fs->count)
		fs->count = n;
}
