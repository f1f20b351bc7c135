/*
 * template: placeholder rendering and shell quoting.  See template.h.
 */
#include "rules/template.h"

#include <stdbool.h>
#include <string.h>

static bool safe_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("_@%+=:,./-", c) != NULL;
}

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static void quote_ansi_c(struct lm_buf *out, const char *s, size_t n)
{
	lm_buf_append(out, "$'", 2);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_control(c))
			lm_buf_printf(out, "\\x%02x", c);
		else if (c == '\'' || c == '\\')
			lm_buf_printf(out, "\\%c", c);
		else
			lm_buf_putc(out, (char)c);
	}
	lm_buf_putc(out, '\'');
}

void lm_shell_quote(struct lm_buf *out, const char *s, size_t n)
{
	/* A leading '=' is expanded by zsh, so it is quoted too. */
	bool safe = n > 0 && s[0] != '=', control = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		safe = safe && safe_char(c) && c != '\0';
		control = control || is_control(c);
	}
	if (safe) {
		lm_buf_append(out, s, n);
		return;
	}
	if (control) {
		quote_ansi_c(out, s, n);
		return;
	}
	lm_buf_putc(out, '\'');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'')
			lm_buf_append(out, "'\\''", 4);
		else
			lm_buf_putc(out, s[i]);
	}
	lm_buf_putc(out, '\'');
}

/* Length of the placeholder name at t (just after '{'), 0 if t is no placeholder. */
static size_t placeholder(const char *t)
{
	if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || *t == '_'))
		return 0;
	size_t n = 1;
	while ((t[n] >= 'a' && t[n] <= 'z') || (t[n] >= 'A' && t[n] <= 'Z') ||
	       (t[n] >= '0' && t[n] <= '9') || t[n] == '_' || t[n] == '.')
		n++;
	return t[n] == '}' ? n : 0;
}

static bool lookup(const struct lm_fields *const *sets, unsigned n_sets, const char *name,
		   size_t len, struct lm_str *v)
{
	for (unsigned i = 0; i < n_sets; i++)
		if (sets[i] && lm_fields_get(sets[i], name, len, v))
			return true;
	return false;
}

void lm_template_render(struct lm_buf *out, const char *tmpl,
			const struct lm_fields *const *sets, unsigned n_sets)
{
	for (const char *t = tmpl; *t; t++) {
		size_t len = *t == '{' ? placeholder(t + 1) : 0;
		if (!len) {
			lm_buf_putc(out, *t);
			continue;
		}
		struct lm_str v;
		/* A value starting with '-' would be read as an option whatever the
		 * quoting: it is left for the operator to fill in, like a missing one. */
		if (lookup(sets, n_sets, t + 1, len, &v) && !(v.n && v.p[0] == '-')) {
			lm_shell_quote(out, v.p, v.n);
		} else {
			lm_buf_putc(out, '<');
			lm_buf_append(out, t + 1, len);
			lm_buf_putc(out, '>');
		}
		t += len + 1;
	}
}

void lm_template_each_placeholder(const char *tmpl,
				  void (*fn)(void *arg, const char *name, size_t len), void *arg)
{
	for (const char *t = tmpl; *t; t++) {
		size_t len = *t == '{' ? placeholder(t + 1) : 0;
		if (len) {
			fn(arg, t + 1, len);
			t += len + 1;
		}
	}
}
