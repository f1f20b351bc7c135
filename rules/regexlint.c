/*
 * regexlint: nested quantifiers.  See regexlint.h.
 *
 * One pass over the pattern with a stack of open groups.  An atom is a
 * character, an escape, a class or a closed group; for a group, whether it
 * holds a repeat without bound that can give back.  After each atom comes
 * its quantifier, if any: a group that holds such a repeat and is repeated
 * without bound itself is a finding.  Otherwise what the atom holds, and
 * its own quantifier, pass on to the enclosing group.
 */
#include "rules/regexlint.h"

#include <string.h>

#include "rules/regexsyntax.h"

/* PCRE2 refuses deeper nesting (250 by default); so does this, silently. */
#define MAX_DEPTH 256

struct group {
	const char *open;  /* its "(" */
	bool sealed;       /* atomic or a lookaround: gives nothing back */
	bool unbounded;    /* holds a repeat without bound that can give back */
};

/* After "\": the position after the escape.  \Q..\E is literal text; the
 * braced argument of \x{..}, \o{..}, \p{..}, \N{..}, \g{..}... is part of
 * the escape, not a count. */
static const char *escape_end(const char *p)
{
	if (*p == '\0')
		return p;
	if (*p == 'Q') {
		const char *end = strstr(p, "\\E");
		return end ? end + 2 : p + strlen(p);
	}
	if (p[1] == '{' && strchr("xopPNgk", *p)) {
		const char *end = strchr(p, '}');
		return end ? end + 1 : p + strlen(p);
	}
	if (*p == 'c' && p[1] != '\0')
		return p + 2; /* \cX: a control character */
	return p + 1;
}

/* After "(": whether the group gives nothing back once matched: (?>...),
 * lookarounds (?=, (?!, (?<=, (?<!, and (*...) (verbs, alpha assertions). */
static bool sealed(const char *p)
{
	if (*p == '*')
		return true;
	if (*p != '?')
		return false;
	p += p[1] == '<' ? 2 : 1;
	return *p == '>' || *p == '=' || *p == '!';
}

bool lm_regexlint_nested(const char *pattern, struct lm_regex_span *found)
{
	struct group stack[MAX_DEPTH] = { { .open = pattern } };
	unsigned depth = 0; /* stack[0] is the whole pattern */
	const char *p = pattern;
	while (*p) {
		const char *atom = p;
		bool holds = false; /* the atom holds a repeat without bound */
		if (*p == '(' && p[1] == '?' && p[2] == '#') {
			p += strcspn(p, ")"); /* a comment */
			p += *p == ')';
			continue;
		}
		if (*p == '(') {
			if (++depth == MAX_DEPTH)
				return false;
			stack[depth] = (struct group){ .open = p, .sealed = sealed(p + 1) };
			/* The rest of its opening ((?:, (?<name>, (?i:...) holds no
			 * quantifier: read as literals, it does no harm. */
			p += p[1] == '?' || p[1] == '*' ? 2 : 1;
			continue;
		}
		if (*p == ')' && depth > 0) {
			const struct group *g = &stack[depth--];
			atom = g->open;
			holds = g->unbounded && !g->sealed;
			p++;
		} else if (*p == '[') {
			p = lm_regex_class_end(p);
			if (!p)
				return false;
		} else if (*p == '\\') {
			p = escape_end(p + 1);
		} else {
			p++; /* a character, "|", or what cannot start an atom */
		}
		struct lm_regex_quantifier q = { .max = 1 };
		const char *after = lm_regex_quantifier(p, &q);
		if (after)
			p = after;
		bool repeats = q.max == LM_REGEX_UNBOUNDED && !q.possessive;
		if (holds && repeats) {
			*found = (struct lm_regex_span){ (size_t)(atom - pattern), (size_t)(p - atom) };
			return true;
		}
		if (!q.possessive)
			stack[depth].unbounded |= holds || repeats;
	}
	return false;
}
