/*
 * timestamp: turn the time written at the head of a log record into an
 * lm_time_t, and parse the durations given on the command line.  See
 * timestamp.h for the formats.
 *
 * Every parser walks a bounded cursor over bytes that are not NUL-terminated,
 * fills a broken-down civil time and converts it with our own days-from-civil
 * arithmetic, so the result never depends on TZ or the C library's calendar.
 * Year-less formats (syslog, klog) take whichever of ref's year, the one
 * before and the one after puts the record nearest to ref.
 */
#include "ingest/timestamp.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SECS_PER_DAY INT64_C(86400)
#define NS_PER_DAY (SECS_PER_DAY * LM_NS_PER_SEC)
#define FIND_WINDOW 512

struct cursor {
	const char *s;
	size_t n;
	size_t i;
};

struct civil {
	int64_t year;
	int mon, day, hour, min, sec;
	int64_t nsec;
	int64_t offset; /* seconds east of UTC */
};

/* ---- calendar arithmetic ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's method). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t year_of(lm_time_t t)
{
	int64_t y;
	int m, d;
	civil_from_days(floor_div(t, NS_PER_DAY), &y, &m, &d);
	return y;
}

static bool civil_valid(const struct civil *c)
{
	return c->mon >= 1 && c->mon <= 12 &&
	       c->day >= 1 && c->day <= days_in_month(c->year, c->mon) &&
	       c->hour >= 0 && c->hour < 24 &&
	       c->min >= 0 && c->min < 60 &&
	       c->sec >= 0 && c->sec <= 60;
}

/* Validate and convert; false when out of range or not representable. */
static bool civil_to_time(const struct civil *c, lm_time_t *t)
{
	if (!civil_valid(c))
		return false;
	int64_t secs = days_from_civil(c->year, c->mon, c->day) * SECS_PER_DAY +
		       c->hour * INT64_C(3600) + c->min * INT64_C(60) + c->sec -
		       c->offset;
	if (secs < INT64_MIN / LM_NS_PER_SEC ||
	    secs > (INT64_MAX - c->nsec) / LM_NS_PER_SEC)
		return false;
	*t = secs * LM_NS_PER_SEC + c->nsec;
	return true;
}

/* Year-less formats: the year of ref, or the one before on rollover. */
/* A year-less date: the year (of ref's, the one before or after) that puts
 * it nearest to ref, so December logs read in January, and January lines
 * after December ones, land in the right year. */
static bool civil_to_time_near(struct civil *c, lm_time_t ref, lm_time_t *t)
{
	int64_t year = year_of(ref);
	bool found = false;
	lm_time_t best = 0;
	uint64_t best_gap = 0;
	for (int64_t y = year - 1; y <= year + 1; y++) {
		lm_time_t v;
		c->year = y;
		if (!civil_to_time(c, &v))
			continue;
		uint64_t gap = v > ref ? (uint64_t)v - (uint64_t)ref : (uint64_t)ref - (uint64_t)v;
		if (!found || gap < best_gap) {
			found = true;
			best = v;
			best_gap = gap;
		}
	}
	*t = best;
	return found;
}

static int peek_at(const struct cursor *c, size_t k)
{
	return c->i + k < c->n ? (unsigned char)c->s[c->i + k] : -1;
}

static int peek(const struct cursor *c)
{
	return peek_at(c, 0);
}

static bool is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_upper(int ch)
{
	return ch >= 'A' && ch <= 'Z';
}

static bool is_alpha(int ch)
{
	return is_upper(ch) || (ch >= 'a' && ch <= 'z');
}

static int to_lower(int ch)
{
	return is_upper(ch) ? ch - 'A' + 'a' : ch;
}

static bool eat(struct cursor *c, char ch)
{
	if (peek(c) != (unsigned char)ch)
		return false;
	c->i++;
	return true;
}

/* Exactly count decimal digits. */
static bool read_digits(struct cursor *c, int count, int *out)
{
	int v = 0;
	for (int k = 0; k < count; k++) {
		int ch = peek_at(c, (size_t)k);
		if (!is_digit(ch))
			return false;
		v = v * 10 + (ch - '0');
	}
	c->i += (size_t)count;
	*out = v;
	return true;
}

/* One or two digits. */
static bool read_1or2_digits(struct cursor *c, int *out)
{
	return read_digits(c, is_digit(peek_at(c, 1)) ? 2 : 1, out);
}

/* A three-letter English month abbreviation, any case. */
static bool read_month_name(struct cursor *c, int *mon)
{
	static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	char got[3];
	for (size_t k = 0; k < 3; k++) {
		int ch = peek_at(c, k);
		if (!is_alpha(ch))
			return false;
		got[k] = (char)to_lower(ch);
	}
	for (int m = 0; m < 12; m++) {
		if (memcmp(names + 3 * m, got, 3) == 0) {
			c->i += 3;
			*mon = m + 1;
			return true;
		}
	}
	return false;
}

/* Optional ".ddd" or ",ddd": up to 9 digits kept, further digits skipped. */
static void read_fraction(struct cursor *c, int64_t *nsec)
{
	*nsec = 0;
	int sep = peek(c);
	if ((sep != '.' && sep != ',') || !is_digit(peek_at(c, 1)))
		return;
	c->i++;
	int64_t scale = LM_NS_PER_SEC;
	while (is_digit(peek(c))) {
		if (scale > 1) {
			scale /= 10;
			*nsec += (peek(c) - '0') * scale;
		}
		c->i++;
	}
}

/* HH:MM:SS with an optional fraction. */
static bool read_clock(struct cursor *c, struct civil *cv)
{
	if (!read_digits(c, 2, &cv->hour) || !eat(c, ':') ||
	    !read_digits(c, 2, &cv->min) || !eat(c, ':') ||
	    !read_digits(c, 2, &cv->sec))
		return false;
	read_fraction(c, &cv->nsec);
	return true;
}

/* ---- zones ---- */

static const struct zone_name {
	const char *name;
	int minutes; /* east of UTC */
} zone_names[] = {
	{ "UTC", 0 },     { "GMT", 0 },     { "UT", 0 },      { "Z", 0 },
	{ "WET", 0 },     { "WEST", 60 },   { "BST", 60 },    { "CET", 60 },
	{ "CEST", 120 },  { "MET", 60 },    { "MEST", 120 },  { "EET", 120 },
	{ "EEST", 180 },  { "MSK", 180 },   { "IST", 330 },   { "HKT", 480 },
	{ "SGT", 480 },   { "AWST", 480 },  { "JST", 540 },   { "KST", 540 },
	{ "ACST", 570 },  { "AEST", 600 },  { "AEDT", 660 },  { "NZST", 720 },
	{ "NZDT", 780 },  { "HST", -600 },  { "AKST", -540 }, { "AKDT", -480 },
	{ "PST", -480 },  { "PDT", -420 },  { "MST", -420 },  { "MDT", -360 },
	{ "CST", -360 },  { "CDT", -300 },  { "EST", -300 },  { "EDT", -240 },
};

/* Upper-case words after a time that are not zones even though they look
 * like one (x..T); anything else of that shape is an unknown zone. */
static const char *const not_zones[] = { "GET", "PUT", "POST", "CRIT", "ALERT" };

static bool word_is(const char *w, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(w, lit, len) == 0;
}

static bool lookup_zone(const char *w, size_t len, int64_t *offset)
{
	for (size_t k = 0; k < sizeof zone_names / sizeof zone_names[0]; k++) {
		if (word_is(w, len, zone_names[k].name)) {
			*offset = zone_names[k].minutes * INT64_C(60);
			return true;
		}
	}
	return false;
}

/* An abbreviation we do not know: 3-5 capitals ending in T (ART, WAT, ...),
 * taken as UTC so that it is still consumed. */
static bool looks_like_zone(const char *w, size_t len)
{
	if (len < 3 || len > 5 || w[len - 1] != 'T')
		return false;
	for (size_t k = 0; k < sizeof not_zones / sizeof not_zones[0]; k++)
		if (word_is(w, len, not_zones[k]))
			return false;
	return true;
}

/* A capitalised zone name ending at a word boundary. */
static bool read_zone_name(struct cursor *c, int64_t *offset)
{
	size_t len = 0;
	while (len < 6 && is_upper(peek_at(c, len)))
		len++;
	if (len == 0 || is_alpha(peek_at(c, len)) || is_digit(peek_at(c, len)))
		return false;
	const char *w = c->s + c->i;
	if (!lookup_zone(w, len, offset)) {
		if (!looks_like_zone(w, len))
			return false;
		*offset = 0;
	}
	c->i += len;
	return true;
}

/* +HH, +HHMM or +HH:MM (or -), not followed by another digit. */
static bool read_offset(struct cursor *c, int64_t *offset)
{
	struct cursor k = *c;
	int sign = peek(&k) == '+' ? 1 : peek(&k) == '-' ? -1 : 0;
	int hh, mm = 0;
	if (!sign)
		return false;
	k.i++;
	if (!read_digits(&k, 2, &hh))
		return false;
	if (is_digit(peek(&k))) {
		if (!read_digits(&k, 2, &mm))
			return false;
	} else if (peek(&k) == ':' && is_digit(peek_at(&k, 1))) {
		k.i++;
		if (!read_digits(&k, 2, &mm))
			return false;
	}
	if (is_digit(peek(&k)) || hh > 23 || mm > 59)
		return false;
	*offset = sign * (hh * INT64_C(3600) + mm * INT64_C(60));
	*c = k;
	return true;
}

/* Optional zone, attached (Z, +01:00) or after one space (UTC, -0700).
 * Absent means UTC; the cursor is left alone when nothing matches. */
static void read_zone(struct cursor *c, int64_t *offset)
{
	*offset = 0;
	if (eat(c, 'Z') || eat(c, 'z') || read_offset(c, offset))
		return;
	struct cursor k = *c;
	if (eat(&k, ' ') && (read_offset(&k, offset) || read_zone_name(&k, offset)))
		*c = k;
}

/* ---- formats ---- */

/* 2025-03-11T10:00:00.123Z, 2025-03-11 10:20:01,123 UTC, 2025/03/11 10:20:01 */
static size_t parse_iso(struct cursor c, lm_time_t *t)
{
	struct civil cv = { 0 };
	int year;
	if (!read_digits(&c, 4, &year))
		return 0;
	char sep = (char)peek(&c);
	if (sep != '-' && sep != '/')
		return 0;
	cv.year = year;
	if (!eat(&c, sep) || !read_digits(&c, 2, &cv.mon) || !eat(&c, sep) ||
	    !read_digits(&c, 2, &cv.day))
		return 0;
	if (!eat(&c, 'T') && !eat(&c, 't') && !eat(&c, ' '))
		return 0;
	if (!read_clock(&c, &cv))
		return 0;
	read_zone(&c, &cv.offset);
	return civil_to_time(&cv, t) ? c.i : 0;
}

/* [11/Mar/2025:09:45:01 +0000], the brackets optional. */
static size_t parse_clf(struct cursor c, lm_time_t *t)
{
	struct civil cv = { 0 };
	int year;
	bool bracket = eat(&c, '[');
	if (!read_digits(&c, 2, &cv.day) || !eat(&c, '/') ||
	    !read_month_name(&c, &cv.mon) || !eat(&c, '/') ||
	    !read_digits(&c, 4, &year) || !eat(&c, ':') || !read_clock(&c, &cv))
		return 0;
	cv.year = year;
	struct cursor k = c;
	if (eat(&k, ' ') && read_offset(&k, &cv.offset))
		c = k;
	if (bracket)
		eat(&c, ']');
	return civil_to_time(&cv, t) ? c.i : 0;
}

/* Mar 11 10:20:01, Mar  1 10:20:01, Mar 1 10:20:01 */
static size_t parse_syslog(struct cursor c, lm_time_t ref, lm_time_t *t)
{
	struct civil cv = { 0 };
	if (!read_month_name(&c, &cv.mon) || !eat(&c, ' '))
		return 0;
	bool ok = eat(&c, ' ') ? read_digits(&c, 1, &cv.day)
			       : read_1or2_digits(&c, &cv.day);
	if (!ok || !eat(&c, ' ') || !read_clock(&c, &cv))
		return 0;
	return civil_to_time_near(&cv, ref, t) ? c.i : 0;
}

/* I0311 10:20:01.123456 */
static size_t parse_klog(struct cursor c, lm_time_t ref, lm_time_t *t)
{
	struct civil cv = { 0 };
	int sev = peek(&c);
	if (sev != 'I' && sev != 'W' && sev != 'E' && sev != 'F')
		return 0;
	c.i++;
	if (!read_digits(&c, 2, &cv.mon) || !read_digits(&c, 2, &cv.day) ||
	    !eat(&c, ' ') || !read_clock(&c, &cv))
		return 0;
	return civil_to_time_near(&cv, ref, t) ? c.i : 0;
}

/* Apache's error log: Tue Mar 11 09:45:05 2025, or 09:45:05.123456 */
static size_t parse_apache_error(struct cursor c, lm_time_t *t)
{
	struct civil cv = { 0 };
	int year;
	for (int k = 0; k < 3; k++) /* the day of the week */
		if (!is_alpha(peek(&c)))
			return 0;
		else
			c.i++;
	if (!eat(&c, ' ') || !read_month_name(&c, &cv.mon) || !eat(&c, ' '))
		return 0;
	bool ok = eat(&c, ' ') ? read_digits(&c, 1, &cv.day) : read_1or2_digits(&c, &cv.day);
	if (!ok || !eat(&c, ' ') || !read_clock(&c, &cv) || !eat(&c, ' ') ||
	    !read_digits(&c, 4, &year))
		return 0;
	cv.year = year;
	return civil_to_time(&cv, t) ? c.i : 0;
}

size_t lm_time_parse_prefix(const char *s, size_t n, lm_time_t ref, lm_time_t *t)
{
	struct cursor c = { s, n, 0 };
	size_t len;
	if ((len = parse_iso(c, t)) || (len = parse_clf(c, t)) ||
	    (len = parse_klog(c, ref, t)) || (len = parse_apache_error(c, t)) ||
	    (len = parse_syslog(c, ref, t)))
		return len;
	return 0;
}

bool lm_time_find(const char *s, size_t n, lm_time_t ref, lm_time_t *t)
{
	if (lm_time_parse_prefix(s, n, ref, t))
		return true;
	if (n > 0 && s[0] == '[' && lm_time_parse_prefix(s + 1, n - 1, ref, t))
		return true;
	size_t window = n < FIND_WINDOW ? n : FIND_WINDOW;
	for (size_t i = 1; i < window; i++) {
		if (s[i] == '[' && parse_clf((struct cursor){ s + i, n - i, 0 }, t))
			return true;
	}
	return false;
}

/* ---- epoch numbers ---- */

static bool is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && is_space((unsigned char)(*s)[0])) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* Digits into a non-negative int64; false on overflow or when none. */
static bool read_int64(struct cursor *c, int64_t *out)
{
	int64_t v = 0;
	size_t start = c->i;
	while (is_digit(peek(c))) {
		int d = peek(c) - '0';
		if (v > (INT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		c->i++;
	}
	*out = v;
	return c->i > start;
}

/* The unit of an epoch number, from its magnitude. */
static int64_t epoch_unit(int64_t v)
{
	if (v < INT64_C(100000000000))
		return LM_NS_PER_SEC;
	if (v < INT64_C(100000000000000))
		return LM_NS_PER_MS;
	if (v < INT64_C(100000000000000000))
		return 1000;
	return 1;
}

static bool parse_epoch(const char *s, size_t n, lm_time_t *t)
{
	struct cursor c = { s, n, 0 };
	int64_t v, frac = 0;
	if (!read_int64(&c, &v))
		return false;
	if (peek(&c) == '.')
		read_fraction(&c, &frac);
	if (c.i != n)
		return false;
	/* Below 1e8 seconds (1973) a number is a count or an id, not a time. */
	if (v < INT64_C(100000000))
		return false;
	int64_t unit = epoch_unit(v);
	if (v > INT64_MAX / unit)
		return false;
	int64_t whole = v * unit, part = frac * unit / LM_NS_PER_SEC;
	if (whole > INT64_MAX - part)
		return false;
	*t = whole + part;
	return true;
}

bool lm_time_parse_value(const char *s, size_t n, lm_time_t ref, lm_time_t *t)
{
	trim(&s, &n);
	if (n == 0)
		return false;
	if (is_digit((unsigned char)s[0]) && parse_epoch(s, n, t))
		return true;
	return lm_time_parse_prefix(s, n, ref, t) > 0;
}

/* ---- output ---- */

void lm_time_format(lm_time_t t, char *buf, size_t size)
{
	if (!buf || size == 0)
		return;
	int64_t ms = floor_div(t, LM_NS_PER_MS);
	int64_t secs = floor_div(ms, 1000);
	int64_t days = floor_div(secs, SECS_PER_DAY);
	int64_t sod = secs - days * SECS_PER_DAY;
	int64_t y;
	int m, d;
	civil_from_days(days, &y, &m, &d);
	snprintf(buf, size, "%04" PRId64 "-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m,
		 d, (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60),
		 (int)(ms - secs * 1000));
}

/* ---- durations ---- */

/* A duration unit at s, longest match first; 0 when none. */
static int64_t read_unit(const char **s)
{
	static const struct {
		const char *name;
		int64_t ns;
	} units[] = {
		{ "ns", 1 },
		{ "us", 1000 },
		{ "ms", LM_NS_PER_MS },
		{ "s", LM_NS_PER_SEC },
		{ "m", 60 * LM_NS_PER_SEC },
		{ "h", 3600 * LM_NS_PER_SEC },
		{ "d", NS_PER_DAY },
	};
	for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
		size_t len = strlen(units[k].name);
		if (strncmp(*s, units[k].name, len) == 0) {
			*s += len;
			return units[k].ns;
		}
	}
	return 0;
}

/* num/den of unit, rounded down, without overflow (num < den <= 1e9). */
static int64_t scale_fraction(int64_t unit, int64_t num, int64_t den)
{
	return unit / den * num + unit % den * num / den;
}

/* One "<number><unit>" term; false when malformed or too large. */
static bool read_term(const char **s, int64_t *out)
{
	const char *p = *s;
	int64_t whole = 0, num = 0, den = 1;
	if (!is_digit((unsigned char)*p))
		return false;
	for (; is_digit((unsigned char)*p); p++) {
		if (whole > (INT64_MAX - (*p - '0')) / 10)
			return false;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		if (!is_digit((unsigned char)*++p))
			return false;
		for (; is_digit((unsigned char)*p); p++) {
			if (den < LM_NS_PER_SEC) {
				num = num * 10 + (*p - '0');
				den *= 10;
			}
		}
	}
	int64_t unit = read_unit(&p);
	if (unit == 0 || whole > INT64_MAX / unit)
		return false;
	int64_t part = scale_fraction(unit, num, den);
	if (whole * unit > INT64_MAX - part)
		return false;
	*out = whole * unit + part;
	*s = p;
	return true;
}

int lm_duration_parse(const char *s, lm_time_t *out)
{
	if (!s || !*s)
		return -1;
	int64_t total = 0;
	while (*s) {
		int64_t term;
		if (!read_term(&s, &term) || total > INT64_MAX - term)
			return -1;
		total += term;
	}
	*out = total;
	return 0;
}

void lm_duration_format(lm_time_t d, char *buf, size_t size)
{
	static const struct {
		const char *unit;
		lm_time_t ns;
	} units[] = {
		{ "d", 86400 * LM_NS_PER_SEC }, { "h", 3600 * LM_NS_PER_SEC },
		{ "m", 60 * LM_NS_PER_SEC },    { "s", LM_NS_PER_SEC },
		{ "ms", LM_NS_PER_MS },         { "us", 1000 },
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (d != 0 && d % units[i].ns == 0) {
			snprintf(buf, size, "%" PRId64 "%s", d / units[i].ns, units[i].unit);
			return;
		}
	snprintf(buf, size, "%" PRId64 "ns", d);
}
