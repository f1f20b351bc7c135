/*
 * regexsyntax: quantifiers and character classes of PCRE2 patterns.  See
 * regexsyntax.h.
 */
#include "rules/regexsyntax.h"

#include <stddef.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A decimal number of a {n,m} quantifier, capped; false when there is none. */
static bool read_count(const char **p, unsigned *n)
{
	if (!is_digit(**p))
		return false;
	*n = 0;
	for (; is_digit(**p); (*p)++)
		if (*n < 100000)
			*n = *n * 10 + (unsigned)(**p - '0');
	return true;
}

const char *lm_regex_quantifier(const char *p, struct lm_regex_quantifier *q)
{
	switch (*p) {
	case '*': q->min = 0; q->max = LM_REGEX_UNBOUNDED; break;
	case '+': q->min = 1; q->max = LM_REGEX_UNBOUNDED; break;
	case '?': q->min = 0; q->max = 1; break;
	case '{':
		p++;
		if (!read_count(&p, &q->min))
			return NULL;
		q->max = q->min;
		if (*p == ',') {
			p++;
			if (!read_count(&p, &q->max))
				q->max = LM_REGEX_UNBOUNDED;
		}
		if (*p != '}')
			return NULL;
		break;
	default:
		return NULL;
	}
	p++;
	q->possessive = *p == '+';
	if (*p == '?' || *p == '+')
		p++;
	return p;
}

const char *lm_regex_class_end(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++; /* a leading ] is a member */
	for (;;) {
		if (*p == '\0' || (*p == '\\' && (p[1] == '\0' || p[1] == 'Q' || p[1] == 'E')))
			return NULL;
		if (*p == '\\') {
			p += 2;
		} else if (*p == '[' && p[1] == ':') {
			p += 2;
			while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '^')
				p++;
			if (p[0] != ':' || p[1] != ']')
				return NULL;
			p += 2;
		} else if (*p == ']') {
			return p + 1;
		} else {
			p++;
		}
	}
}
