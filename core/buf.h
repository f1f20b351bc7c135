/*
 * buf: a growable byte buffer, small string-slice helpers, hashing and bit
 * sets.
 *
 * Used wherever a stage builds text whose size is not known in advance
 * (joined lines, unescaped JSON, rendered commands).  A buffer is reused
 * across lines: lm_buf_reset() keeps the allocation, so the hot path does not
 * allocate once the buffer has grown to the largest line seen.
 * It must not be used to hold pointers into itself across appends: appending
 * may move the storage; keep offsets instead.
 */
#ifndef LM_BUF_H
#define LM_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lm_buf {
	char *data; /* always NUL-terminated when cap > 0 */
	size_t len;
	size_t cap;
};

/* A borrowed slice of bytes; not NUL-terminated. */
struct lm_str {
	const char *p;
	size_t n;
};

void lm_buf_init(struct lm_buf *b);
void lm_buf_fini(struct lm_buf *b);
void lm_buf_reset(struct lm_buf *b);
/* Make room for n more bytes; aborts on out-of-memory like every allocator here. */
void lm_buf_reserve(struct lm_buf *b, size_t n);
void lm_buf_append(struct lm_buf *b, const void *p, size_t n);
void lm_buf_putc(struct lm_buf *b, char c);
void lm_buf_puts(struct lm_buf *b, const char *s);
void lm_buf_printf(struct lm_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

bool lm_str_eq(struct lm_str s, const char *lit);

/* 64-bit FNV-1a over n bytes, continuing from h (LM_HASH_SEED to start):
 * for hash tables and incident ids, the same on every machine. */
#define LM_HASH_SEED UINT64_C(14695981039346656037)
uint64_t lm_hash(uint64_t h, const void *p, size_t n);

/* Bit i of a bit set of 64-bit words. */
static inline bool lm_bit_test(const uint64_t *bits, unsigned i)
{
	return bits[i / 64] >> (i % 64) & 1;
}

static inline void lm_bit_set(uint64_t *bits, unsigned i)
{
	bits[i / 64] |= UINT64_C(1) << (i % 64);
}

/* Allocation that never returns NULL: out of memory ends the process. */
void *lm_xmalloc(size_t n);
void *lm_xcalloc(size_t count, size_t n);
void *lm_xrealloc(void *p, size_t n);
char *lm_xstrdup(const char *s);
char *lm_xstrndup(const char *s, size_t n);

#endif
