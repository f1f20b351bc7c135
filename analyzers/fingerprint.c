/*
 * fingerprint: SQL statements reduced to their shape.  See fingerprint.h.
 *
 * The statement is read as tokens (words, literals, quoted identifiers,
 * operator runs, single punctuation) and written back joined by one space,
 * except after '(' and '.', and before ')', ',', '.' and ';', so the same
 * statement gives the same text however it was spaced.  Comments and a
 * trailing ';' are dropped.
 */
#include "analyzers/fingerprint.h"

#include <stdbool.h>
#include <string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_operator(char c)
{
	return c && strchr("<>=!+-*/%|&~^:@#", c) != NULL;
}

/* Index after a quoted run starting at s[i]; a doubled quote stands for one. */
static size_t skip_quoted(const char *s, size_t n, size_t i, char q)
{
	for (i++; i < n; i++)
		if (s[i] == q) {
			if (i + 1 < n && s[i + 1] == q)
				i++;
			else
				return i + 1;
		}
	return n;
}

/* Index after the ')' that closes a list opened just before s[i]. */
static size_t skip_list(const char *s, size_t n, size_t i)
{
	for (int depth = 1; i < n && depth > 0; i++) {
		if (s[i] == '\'')
			i = skip_quoted(s, n, i, '\'') - 1;
		else
			depth += (s[i] == '(') - (s[i] == ')');
	}
	return i;
}

struct writer {
	struct lm_buf *out;
	size_t start;
	char last; /* first byte of the last token written, 0 at the start */
};

static void token(struct writer *w, const char *p, size_t len)
{
	char first = p[0];
	bool glue = w->last == 0 || w->last == '(' || w->last == '.' || first == ')' ||
		    first == ',' || first == '.' || first == ';';
	if (!glue)
		lm_buf_putc(w->out, ' ');
	for (size_t k = 0; k < len; k++) {
		char c = p[k];
		lm_buf_putc(w->out, (char)(first != '"' && c >= 'A' && c <= 'Z'
						   ? c + 32 : c));
	}
	w->last = first;
}

/* Whether the last token written is the word "in". */
static bool after_in(const struct writer *w)
{
	size_t n = w->out->len - w->start;
	const char *d = w->out->data + w->start;
	return n >= 2 && d[n - 2] == 'i' && d[n - 1] == 'n' && (n == 2 || d[n - 3] == ' ');
}

void lm_fingerprint_sql(struct lm_buf *out, const char *s, size_t n)
{
	struct writer w = { out, out->len, 0 };
	lm_buf_reserve(out, 0);
	for (size_t i = 0; i < n;) {
		char c = s[i];
		size_t j = i + 1;
		if (is_space(c)) {
			i++;
			continue;
		}
		if (c == '-' && j < n && s[j] == '-') {
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		if (c == '/' && j < n && s[j] == '*') {
			const char *end = memmem(s + j + 1, n - j - 1, "*/", 2);
			i = end ? (size_t)(end - s) + 2 : n;
			continue;
		}
		if (c == '\'' || is_digit(c) || (c == '$' && j < n && is_digit(s[j]))) {
			if (c == '\'')
				j = skip_quoted(s, n, i, '\'');
			else
				while (j < n && (is_digit(s[j]) || s[j] == '.' ||
						 ((s[j] == 'e' || s[j] == 'E') && c != '$')))
					j++;
			token(&w, "?", 1);
		} else if (c == '"') {
			j = skip_quoted(s, n, i, '"');
			token(&w, s + i, j - i);
		} else if (is_word(c)) {
			while (j < n && is_word(s[j]))
				j++;
			token(&w, s + i, j - i);
		} else if (c == '(' && after_in(&w)) {
			j = skip_list(s, n, j);
			token(&w, "(", 1);
			token(&w, "?", 1);
			token(&w, ")", 1);
		} else if (is_operator(c)) {
			while (j < n && is_operator(s[j]) && !(s[j] == '-' && j + 1 < n && s[j + 1] == '-'))
				j++;
			token(&w, s + i, j - i);
		} else {
			token(&w, s + i, 1);
		}
		i = j;
	}
	while (out->len > w.start && (out->data[out->len - 1] == ';' || out->data[out->len - 1] == ' '))
		out->len--;
	out->data[out->len] = '\0';
}
