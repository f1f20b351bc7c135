/*
 * fuzz_template: the remediation template renderer (rules/template.h).  The
 * input's first line is the template; each further line NAME=VALUE is a value
 * captured from a log, in the first of two sets (the second holds an event's
 * usual fields, one of them starting with '-').  Renders the template, lists
 * its placeholders, and shell-quotes every value on its own: a quoted value
 * must never carry a control character (it would reach a terminal as is).
 */
#include "fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "rules/template.h"

static void add_value(void *captures, const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n);
	size_t klen = eq ? (size_t)(eq - s) : n;
	size_t vlen = eq ? n - klen - 1 : 0;
	lm_fields_set(captures, s, klen, eq ? eq + 1 : "", vlen);
}

static void count_placeholder(void *count, const char *name, size_t len)
{
	if (!name || len == 0)
		abort();
	++*(unsigned *)count;
}

static void check_quoted(const struct lm_str v)
{
	struct lm_buf q;
	lm_buf_init(&q);
	lm_shell_quote(&q, v.p, v.n);
	for (size_t i = 0; i < q.len; i++)
		if ((unsigned char)q.data[i] < 0x20 || q.data[i] == 0x7f)
			abort();
	lm_buf_fini(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t tlen = nl ? (size_t)(nl - (const char *)data) : size;
	char *tmpl = lm_xstrndup((const char *)data, tlen);
	struct lm_fields captures, event;
	lm_fields_init(&captures);
	lm_fields_init(&event);
	if (nl)
		lm_fuzz_each_line((const uint8_t *)nl + 1, size - tlen - 1, add_value, &captures);
	lm_fields_set(&event, "namespace", 9, "library-management-prod", 23);
	lm_fields_set(&event, "pod", 3, "--all", 5);

	const struct lm_fields *const sets[] = { &captures, &event };
	struct lm_buf out;
	lm_buf_init(&out);
	lm_template_render(&out, tmpl, sets, 2);
	unsigned placeholders = 0;
	lm_template_each_placeholder(tmpl, count_placeholder, &placeholders);
	for (unsigned i = 0; i < captures.count; i++)
		check_quoted(lm_fields_val(&captures, i));

	lm_buf_fini(&out);
	lm_fields_fini(&event);
	lm_fields_fini(&captures);
	free(tmpl);
	return 0;
}
