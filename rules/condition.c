/*
 * condition: parsing quantities and testing thresholds.  See condition.h.
 */
#include "rules/condition.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct unit {
	const char *name;
	enum lm_unit_kind kind;
	double scale;
};

static const struct unit units[] = {
	{ "ns", LM_UNIT_TIME, 1e-9 },   { "us", LM_UNIT_TIME, 1e-6 },
	{ "\xc2\xb5s", LM_UNIT_TIME, 1e-6 }, { "ms", LM_UNIT_TIME, 1e-3 },
	{ "s", LM_UNIT_TIME, 1 },       { "sec", LM_UNIT_TIME, 1 },
	{ "m", LM_UNIT_TIME, 60 },      { "min", LM_UNIT_TIME, 60 },
	{ "h", LM_UNIT_TIME, 3600 },    { "d", LM_UNIT_TIME, 86400 },
	{ "%", LM_UNIT_PERCENT, 1 },    { "B", LM_UNIT_SIZE, 1 },
	{ "K", LM_UNIT_SIZE, 1024.0 },  { "KB", LM_UNIT_SIZE, 1024.0 },
	{ "KiB", LM_UNIT_SIZE, 1024.0 }, { "Ki", LM_UNIT_SIZE, 1024.0 },
	{ "kB", LM_UNIT_SIZE, 1024.0 },
	{ "M", LM_UNIT_SIZE, 1048576.0 }, { "MB", LM_UNIT_SIZE, 1048576.0 },
	{ "MiB", LM_UNIT_SIZE, 1048576.0 }, { "Mi", LM_UNIT_SIZE, 1048576.0 },
	{ "G", LM_UNIT_SIZE, 1073741824.0 }, { "GB", LM_UNIT_SIZE, 1073741824.0 },
	{ "GiB", LM_UNIT_SIZE, 1073741824.0 }, { "Gi", LM_UNIT_SIZE, 1073741824.0 },
	{ "T", LM_UNIT_SIZE, 1099511627776.0 }, { "TB", LM_UNIT_SIZE, 1099511627776.0 },
	{ "TiB", LM_UNIT_SIZE, 1099511627776.0 }, { "Ti", LM_UNIT_SIZE, 1099511627776.0 },
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

bool lm_quantity_parse(const char *s, size_t n, struct lm_quantity *q)
{
	char num[64];
	size_t i = 0, j = 0;
	while (i < n && is_space(s[i]))
		i++;
	while (n > i && is_space(s[n - 1]))
		n--;
	while (i < n && j < sizeof(num) - 1 &&
	       ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || (j == 0 && s[i] == '-')))
		num[j++] = s[i++];
	num[j] = '\0';
	if (j == 0 || (j == 1 && (num[0] == '.' || num[0] == '-')))
		return false;
	char *end;
	double v = strtod(num, &end);
	if (*end || !isfinite(v))
		return false;
	while (i < n && is_space(s[i]))
		i++;
	q->kind = LM_UNIT_NONE;
	q->scale = 1;
	if (i < n) {
		size_t len = n - i;
		const struct unit *u = NULL;
		for (size_t k = 0; k < sizeof(units) / sizeof(units[0]); k++)
			if (strlen(units[k].name) == len && memcmp(units[k].name, s + i, len) == 0)
				u = &units[k];
		if (!u)
			return false;
		q->kind = u->kind;
		q->scale = u->scale;
	}
	q->value = v * q->scale;
	return true;
}

bool lm_condition_parse(const char *text, struct lm_condition *c)
{
	static const struct {
		const char *op;
		enum lm_cmp cmp;
	} ops[] = { { ">=", LM_CMP_GE }, { "<=", LM_CMP_LE }, { "==", LM_CMP_EQ },
		    { "!=", LM_CMP_NE }, { ">", LM_CMP_GT },  { "<", LM_CMP_LT } };
	while (is_space(*text))
		text++;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t len = strlen(ops[i].op);
		if (strncmp(text, ops[i].op, len) == 0) {
			c->cmp = ops[i].cmp;
			return lm_quantity_parse(text + len, strlen(text + len), &c->threshold);
		}
	}
	return false;
}

double lm_quantity_in(const struct lm_quantity *q, const struct lm_quantity *unit)
{
	if (q->kind == LM_UNIT_NONE)
		return q->value;
	if (unit->kind == LM_UNIT_NONE)
		return q->value / q->scale; /* no unit asked: as written */
	return q->kind == unit->kind ? q->value / unit->scale : 0;
}

bool lm_quantity_comparable(const struct lm_quantity *q, const struct lm_quantity *unit)
{
	return q->kind == LM_UNIT_NONE || unit->kind == LM_UNIT_NONE || q->kind == unit->kind;
}

bool lm_condition_holds(const struct lm_condition *c, const char *value, size_t n)
{
	struct lm_quantity q;
	const struct lm_quantity *t = &c->threshold;
	if (!lm_quantity_parse(value, n, &q) || !lm_quantity_comparable(&q, t))
		return false;
	/* Both in the threshold's unit as written. */
	double v = lm_quantity_in(&q, t), limit = t->value / t->scale;
	switch (c->cmp) {
	case LM_CMP_GT:
		return v > limit;
	case LM_CMP_GE:
		return v >= limit;
	case LM_CMP_LT:
		return v < limit;
	case LM_CMP_LE:
		return v <= limit;
	case LM_CMP_EQ:
		return v == limit;
	case LM_CMP_NE:
		return v != limit;
	}
	return false;
}
