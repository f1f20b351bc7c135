/*
 * buf: growable byte buffers and checked allocation.  See buf.h.
 */
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *lm_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fputs("logmedic: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *lm_xcalloc(size_t count, size_t n)
{
	void *p = calloc(count ? count : 1, n ? n : 1);
	if (!p) {
		fputs("logmedic: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *lm_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("logmedic: out of memory\n", stderr);
		abort();
	}
	return p;
}

char *lm_xstrndup(const char *s, size_t n)
{
	char *d = lm_xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *lm_xstrdup(const char *s)
{
	return lm_xstrndup(s, strlen(s));
}

void lm_buf_init(struct lm_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void lm_buf_fini(struct lm_buf *b)
{
	if (!b)
		return;
	free(b->data);
	lm_buf_init(b);
}

void lm_buf_reset(struct lm_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->data[0] = '\0';
}

void lm_buf_reserve(struct lm_buf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n + 1)
		cap *= 2;
	b->data = lm_xrealloc(b->data, cap);
	b->cap = cap;
}

void lm_buf_append(struct lm_buf *b, const void *p, size_t n)
{
	lm_buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void lm_buf_putc(struct lm_buf *b, char c)
{
	lm_buf_append(b, &c, 1);
}

void lm_buf_puts(struct lm_buf *b, const char *s)
{
	lm_buf_append(b, s, strlen(s));
}

void lm_buf_printf(struct lm_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	lm_buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

bool lm_str_eq(struct lm_str s, const char *lit)
{
	if (s.n && s.p[0] != lit[0])
		return false; /* most comparisons end here, before strlen */
	size_t n = strlen(lit);
	return s.n == n && memcmp(s.p, lit, n) == 0;
}

uint64_t lm_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}
