/*
 * test_redact: secrets masked before log text leaves logmedic.  A catalog of
 * lines with secrets in plain, JSON, escaped JSON, logfmt, header, option,
 * hash and URL form, each with the exact masked line expected (and a check
 * that the secret itself is gone), and near misses that must come through
 * unchanged ("password policy updated", "token expired", "Token: expired",
 * "Authorization: denied", an eyJ word of two segments, a host:port URL).
 * Then field masking by name, by value and by a secret field's value
 * showing in another field, bytes of every kind, and inputs built to make a
 * careless scanner quadratic.  Inputs are copied into exactly-sized heap
 * buffers so a sanitizer build catches reads past n.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/event.h"
#include "core/redact.h"

#define JWT "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"

/* lm_redact over an exact-size copy of in, as a NUL-terminated string. */
static char *redact(const char *in, size_t n)
{
	char *p = malloc(n ? n : 1);
	assert_non_null(p);
	memcpy(p, in, n);
	struct lm_buf b;
	lm_buf_init(&b);
	lm_redact(&b, p, n);
	free(p);
	lm_buf_putc(&b, '\0');
	return b.data;
}

struct case_ {
	const char *in, *want, *secret; /* secret: must not survive (NULL: none) */
};

static void run_catalog(const struct case_ *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *out = redact(c[i].in, strlen(c[i].in));
		if (strcmp(out, c[i].want) != 0)
			fail_msg("line %zu: \"%s\"\n  got  \"%s\"\n  want \"%s\"", i, c[i].in, out,
				 c[i].want);
		if (c[i].secret && strstr(out, c[i].secret))
			fail_msg("line %zu: secret \"%s\" survived in \"%s\"", i, c[i].secret, out);
		free(out);
	}
}

static const struct case_ secrets[] = {
	/* headers */
	{ "GET /api Authorization: Bearer abc.def-ghi_123 200",
	  "GET /api Authorization: Bearer [REDACTED] 200", "abc.def" },
	{ "authorization=Basic dXNlcjpwYXNzd29yZA== user=bob",
	  "authorization=Basic [REDACTED] user=bob", "dXNlcjpw" },
	{ "AUTHORIZATION: token ghp_16C7e42F292c6912E7710c838347Ae178B4a",
	  "AUTHORIZATION: token [REDACTED]", "ghp_16C7" },
	{ "Authorization: s3cr3tvalue", "Authorization: [REDACTED]", "s3cr3t" },
	{ "{\"headers\":{\"Authorization\":\"Bearer tok-123456789\"}}",
	  "{\"headers\":{\"Authorization\":\"Bearer [REDACTED]\"}}", "tok-1234" },
	{ "proxy sent bearer   Zm9vYmFyYmF6cXV4 upstream", "proxy sent bearer   [REDACTED] upstream",
	  "Zm9vYmFy" },
	{ "Proxy-Authorization: Basic dXNlcjpwYXNz", "Proxy-Authorization: Basic [REDACTED]",
	  "dXNlcjpw" },
	{ "Authorization: Bearer " JWT " ok", "Authorization: Bearer [REDACTED] ok", "eyJzdWIi" },
	/* after Token: or Authorization:, what is not a word: digits, symbols,
	 * mixed case, or 20 letters and more */
	{ "Token: 3f9a8c7e-1b2d", "Token: [REDACTED]", "3f9a8c7e" },
	{ "token: Zm9vYmFy", "token: [REDACTED]", "Zm9vYmFy" },
	{ "X-Auth-Token: abcdefghijklmnopqrstuvwxyz", "X-Auth-Token: [REDACTED]", "abcdefghij" },
	{ "Authorization: Bearer abcdefghijklmnopqrstu", "Authorization: Bearer [REDACTED]",
	  "abcdefghij" },
	/* after = or in quotes, and after any other key, a word is a value */
	{ "token=expired", "token=[REDACTED]", "expired" },
	{ "{\"token\":\"expired\"}", "{\"token\":\"[REDACTED]\"}", "expired" },
	{ "password: hunter", "password: [REDACTED]", "hunter" },
	/* JWTs */
	{ "session " JWT " accepted", "session [REDACTED] accepted", "dozjgNry" },
	{ "id_token:" JWT, "id_token:[REDACTED]", "eyJzdWIi" },
	{ "jwt=" JWT "&next=/", "jwt=[REDACTED]&next=/", "eyJzdWIi" },
	/* key=value, plain and logfmt */
	{ "login user=alice password=hunter2 ok", "login user=alice password=[REDACTED] ok", "hunter2" },
	{ "passwd=hunter2", "passwd=[REDACTED]", "hunter2" },
	{ "db pwd = 'hunter 2' retry", "db pwd = '[REDACTED]' retry", "hunter 2" },
	{ "level=info DB_PASSWORD=\"hunter2 x\" host=db", "level=info DB_PASSWORD=\"[REDACTED]\" host=db",
	  "hunter2" },
	{ "client_secret: 8f14e45fceea167a5a36; retry", "client_secret: [REDACTED]; retry", "8f14e45" },
	{ "X-Api-Key: AbCdEf0123456789", "X-Api-Key: [REDACTED]", "AbCdEf01" },
	{ "apikey=k-42,user=bob", "apikey=[REDACTED],user=bob", "k-42" },
	{ "GET /cb?code=1&access_token=ya29.a0AfH6&state=x HTTP/1.1",
	  "GET /cb?code=1&access_token=[REDACTED]&state=x HTTP/1.1", "ya29" },
	/* JSON and JSON inside a JSON string */
	{ "{\"user\":\"bob\",\"password\":\"hun\\\"ter2\",\"ok\":true}",
	  "{\"user\":\"bob\",\"password\":\"[REDACTED]\",\"ok\":true}", "ter2" },
	{ "{\"token\": \"t0k3n\", \"n\": 1}", "{\"token\": \"[REDACTED]\", \"n\": 1}", "t0k3n" },
	{ "{\"log\":\"{\\\"password\\\":\\\"hunter2\\\"}\\n\"}",
	  "{\"log\":\"{\\\"password\\\":\\\"[REDACTED]\\\"}\\n\"}", "hunter2" },
	{ "{'secret': 'abc def'}", "{'secret': '[REDACTED]'}", "abc def" },
	/* URLs and DSNs */
	{ "connecting to postgres://app:s3cret@db:5432/lib", "connecting to postgres://app:[REDACTED]@db:5432/lib",
	  "s3cret" },
	{ "redis://:p4ss@cache:6379/0", "redis://:[REDACTED]@cache:6379/0", "p4ss" },
	{ "dsn=mysql://root:p@ss@w0rd@db/x", "dsn=mysql://root:[REDACTED]@db/x", "ss@w0rd" },
	{ "GET https://bob:hunter2@example.com/x", "GET https://bob:[REDACTED]@example.com/x",
	  "hunter2" },
	{ "host=db user=app password=pg-secret dbname=lib",
	  "host=db user=app password=[REDACTED] dbname=lib", "pg-secret" },
	{ "jdbc:postgresql://db/app?user=app&password=s3cr3t",
	  "jdbc:postgresql://db/app?user=app&password=[REDACTED]", "s3cr3t" },
	{ "mongodb+srv://app:s3cr3t@cluster0/x", "mongodb+srv://app:[REDACTED]@cluster0/x", "s3cr3t" },
	/* blanks around the separator, options, Ruby and Perl hashes, query strings */
	{ "password = hunter2", "password = [REDACTED]", "hunter2" },
	{ "{\"password\" : \"x y\"}", "{\"password\" : \"[REDACTED]\"}", "x y" },
	{ "pg_dump --password hunter2 -h db", "pg_dump --password [REDACTED] -h db", "hunter2" },
	{ "connect(--token=t0k3n)", "connect(--token=[REDACTED])", "t0k3n" },
	{ "config {:password => \"hunter2\"}", "config {:password => \"[REDACTED]\"}", "hunter2" },
	{ "my %c = (passwd => hunter2);", "my %c = (passwd => [REDACTED]);", "hunter2" },
	{ "GET /login?user=a&pwd=hunter2&x=1", "GET /login?user=a&pwd=[REDACTED]&x=1", "hunter2" },
	/* a pwd= value is masked even when it is a directory: better than a leak */
	{ "env PWD=/var/lib/app", "env PWD=[REDACTED]", "/var/lib" },
	/* AWS */
	{ "using key AKIAIOSFODNN7EXAMPLE for s3", "using key AKIA[REDACTED] for s3", "IOSFODNN7" },
	{ "creds=ASIAY34FZKBOKMUTVV7A,", "creds=ASIA[REDACTED],", "Y34FZKBO" },
	{ "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	  "aws_secret_access_key=[REDACTED]", "wJalrXUt" },
	{ "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG", "aws_secret_access_key = [REDACTED]",
	  "wJalrXUt" },
	{ "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_ACCESS_KEY_ID=AKIA[REDACTED]", "IOSFODNN7" },
	{ "{\"SecretAccessKey\":\"wJalrXUtnFEMI/K7MDENG\"}", "{\"SecretAccessKey\":\"[REDACTED]\"}",
	  "wJalrXUt" },
	/* several in one line */
	{ "password=a token=b " JWT " AKIAIOSFODNN7EXAMPLE",
	  "password=[REDACTED] token=[REDACTED] [REDACTED] AKIA[REDACTED]", "IOSFODNN7" },
};

static const struct case_ near_misses[] = {
	{ "password policy updated", "password policy updated", NULL },
	{ "password reset requested", "password reset requested", NULL },
	{ "passwordless login enabled", "passwordless login enabled", NULL },
	{ "token expired", "token expired", NULL },
	{ "token has not expired", "token has not expired", NULL },
	/* a word after Token: or Authorization: is prose, not a credential */
	{ "Token: expired", "Token: expired", NULL },
	{ "token: expired at 10:00", "token: expired at 10:00", NULL },
	{ "Token: Expired.", "Token: Expired.", NULL },
	{ "Token: invalid signature", "Token: invalid signature", NULL },
	{ "X-Auth-Token: MISSING", "X-Auth-Token: MISSING", NULL },
	{ "Authorization: denied", "Authorization: denied", NULL },
	{ "authorization: failed for user bob", "authorization: failed for user bob", NULL },
	{ "Authorization: Bearer", "Authorization: Bearer", NULL },
	{ "Authorization: Bearer expired", "Authorization: Bearer expired", NULL },
	{ "bearer authentication required", "bearer authentication required", NULL },
	{ "run with --password-file /etc/pw", "run with --password-file /etc/pw", NULL },
	{ "Invalid token, please log in", "Invalid token, please log in", NULL },
	{ "secret \"db-creds\" not found", "secret \"db-creds\" not found", NULL },
	{ "tokens=5 passwords_reset=2", "tokens=5 passwords_reset=2", NULL },
	{ "password=", "password=", NULL },
	{ "password: \"\"", "password: \"\"", NULL },
	{ "eyJhbGciOiJIUzI1NiJ9.payload only", "eyJhbGciOiJIUzI1NiJ9.payload only", NULL },
	{ "keyeyJabc.def.ghi", "keyeyJabc.def.ghi", NULL },
	{ "GET http://example.com:8080/path?q=1", "GET http://example.com:8080/path?q=1", NULL },
	{ "mailto:bob@example.com", "mailto:bob@example.com", NULL },
	{ "WWW-Authenticate: Bearer error=\"invalid_token\"",
	  "WWW-Authenticate: Bearer error=\"invalid_token\"", NULL },
	{ "AKIA123 XAKIAIOSFODNN7EXAMPLE AKIAIOSFODNN7EXAMPLE1",
	  "AKIA123 XAKIAIOSFODNN7EXAMPLE AKIAIOSFODNN7EXAMPLE1", NULL },
	{ "", "", NULL },
};

static void test_secrets_masked(void **state)
{
	(void)state;
	run_catalog(secrets, sizeof(secrets) / sizeof(secrets[0]));
}

static void test_near_misses_unchanged(void **state)
{
	(void)state;
	run_catalog(near_misses, sizeof(near_misses) / sizeof(near_misses[0]));
}

/* NUL, invalid UTF-8 and control bytes pass through; secrets next to them go. */
static void test_any_bytes(void **state)
{
	(void)state;
	static const char in[] = "\0\xff password=hun\xfe\x01 \x1b[0m";
	static const char want[] = "\0\xff password=[REDACTED]\x01 \x1b[0m";
	char *out = redact(in, sizeof(in) - 1);
	assert_memory_equal(out, want, sizeof(want) - 1);
	free(out);
	/* every single byte and every pair: no crash, unchanged */
	for (unsigned a = 0; a < 256; a++)
		for (unsigned b = 0; b < 256; b++) {
			char two[2] = { (char)a, (char)b };
			char *o = redact(two, 2);
			assert_memory_equal(o, two, 2);
			free(o);
		}
}

/* A key word cut at the end of the input, and a value running to the end. */
static void test_edges(void **state)
{
	(void)state;
	static const char *const ends[] = { "passw", "password", "password ", "password:",
					    "Bearer", "Bearer ", "eyJ", "eyJa.", "eyJa.b",
					    "x://", "x://u:", "x://u:p", "AKIAIOSFODNN7EXAMPL" };
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		char *out = redact(ends[i], strlen(ends[i]));
		assert_string_equal(out, ends[i]);
		free(out);
	}
	char *out = redact("password=\"unterminated", 22);
	assert_string_equal(out, "password=\"[REDACTED]");
	free(out);
	out = redact("eyJa.b.", 7);
	assert_string_equal(out, "[REDACTED]");
	free(out);
}

static void test_field_names(void **state)
{
	(void)state;
	static const char *const secret[] = { "password", "db_password", "PASSWD", "pwd",
					      "client_secret", "access_token", "api_key",
					      "X-Api-Key", "Authorization", "credentials",
					      "private_key", "passphrase" };
	static const char *const plain[] = { "pod", "namespace", "user", "pwdx", "status",
					     "query", "host", "" };
	for (size_t i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
		assert_true(lm_redact_is_secret_name(secret[i], strlen(secret[i])));
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		assert_false(lm_redact_is_secret_name(plain[i], strlen(plain[i])));
}

static void test_fields(void **state)
{
	(void)state;
	struct lm_fields src, dst;
	struct lm_buf scratch;
	lm_fields_init(&src);
	lm_fields_init(&dst);
	lm_buf_init(&scratch);
	lm_fields_add(&src, "pod", 3, "web-1", 5);
	lm_fields_add(&src, "password", 8, "hunter2", 7);
	lm_fields_add(&src, "url", 3, "postgres://a:b3cret@db/x", 24);
	lm_fields_add(&src, "empty_token", 11, "", 0);
	lm_fields_add(&src, "msg", 3, "Authorization: Bearer 0123456789abcdef", 38);
	lm_redact_fields(&dst, &src, NULL, 24, &scratch);
	assert_int_equal(dst.count, 5);
	struct lm_str v;
	v = lm_fields_val(&dst, 0);
	assert_int_equal(v.n, 5);
	assert_memory_equal(v.p, "web-1", 5);
	v = lm_fields_val(&dst, 1);
	assert_int_equal(v.n, 10);
	assert_memory_equal(v.p, "[REDACTED]", 10);
	v = lm_fields_val(&dst, 2);
	assert_int_equal(v.n, 24); /* masked, then cut at 24 bytes */
	assert_memory_equal(v.p, "postgres://a:[REDACTED]@", 24);
	v = lm_fields_val(&dst, 3);
	assert_int_equal(v.n, 0);
	v = lm_fields_val(&dst, 4);
	assert_memory_equal(v.p, "Authorization: Bearer [R", 24);
	struct lm_str k = lm_fields_key(&dst, 4);
	assert_memory_equal(k.p, "msg", 3);
	/* a secret field's value is masked where it shows in the others (a
	 * JSON record's text holds its values without their keys) */
	lm_fields_reset(&src);
	lm_fields_add(&src, "detail", 6, "login bob hunter22 hunter22x", 28);
	lm_fields_add(&src, "db_password", 11, "hunter22", 8);
	lm_fields_add(&src, "flag_token", 10, "true", 4); /* too short to look for */
	lm_fields_add(&src, "note", 4, "true", 4);
	lm_redact_fields(&dst, &src, NULL, 1024, &scratch);
	v = lm_fields_val(&dst, 0);
	assert_int_equal(v.n, strlen("login bob [REDACTED] [REDACTED]x"));
	assert_memory_equal(v.p, "login bob [REDACTED] [REDACTED]x", v.n);
	v = lm_fields_val(&dst, 3);
	assert_memory_equal(v.p, "true", 4);
	lm_fields_fini(&src);
	lm_fields_fini(&dst);
	lm_buf_fini(&scratch);
}

/* Inputs that would make a scanner that backs up quadratic: 4 MB each must
 * go through in well under a second. */
static void test_linear(void **state)
{
	(void)state;
	static const char *const units[] = { "password ", "eyJ", "eyJa.", "://a", "://:",
					      "Bearer ", "AKIA", "\"password\" ", "a", "--password ",
					      "token: ", "Token: word ", "pwd =>" };
	size_t n = 4u << 20;
	char *s = malloc(n);
	assert_non_null(s);
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		size_t len = strlen(units[u]);
		for (size_t i = 0; i < n; i++)
			s[i] = units[u][i % len];
		clock_t t0 = clock();
		struct lm_buf b;
		lm_buf_init(&b);
		lm_redact(&b, s, n);
		double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
		lm_buf_fini(&b);
		if (secs > 2.0)
			fail_msg("unit \"%s\": %.2f s for 4 MB", units[u], secs);
	}
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secrets_masked),
		cmocka_unit_test(test_near_misses_unchanged),
		cmocka_unit_test(test_any_bytes),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_field_names),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_linear),
	};
	return cmocka_run_group_tests_name("redact", tests, NULL, NULL);
}
