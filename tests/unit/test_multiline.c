/*
 * test_multiline: lm_multiline joining the lines of Python tracebacks (alone,
 * chained, KeyboardInterrupt, exception groups), Java exceptions (causes,
 * suppressed, "... N more", logback's message line before them), Go panics
 * (two goroutines, fatal errors, net/http's recovered panic) and PostgreSQL
 * statements continued with tabs, with ordinary lines before and after.
 * Space-padded plain lines and structured records are never joined; the
 * max_lines and max_bytes bounds cut and count; the joined event keeps its
 * first line's time, line number, fields and source; flush and
 * lm_multiline_expecting() follow the held record; detection reads the
 * event's line, not its text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/multiline.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* One event as the joiner handed it out, copied. */
struct got_ev {
	char *line, *text;
	lm_time_t time;
	bool has_time, truncated;
	uint64_t line_no;
	const char *source_name;
	unsigned source_index;
	char pod[32]; /* the "pod" field, "" when absent */
	unsigned nfields;
};

struct got {
	struct got_ev ev[128];
	size_t n;
};

/* A run: how events are made and fed. */
struct feed {
	unsigned max_lines;
	size_t max_bytes;
	bool flush_each;        /* flush after every push */
	const bool *structured; /* per line, or NULL */
	const bool *truncated;  /* per line, or NULL */
	const char *text_prefix; /* text = prefix + line (line when NULL) */
};

static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->ev[i].line);
		free(g->ev[i].text);
	}
	g->n = 0;
}

static char *dup_bytes(const char *p, size_t n)
{
	char *d = malloc(n + 1);
	assert_non_null(d);
	if (n)
		memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

static void collect(struct got *g, const struct lm_event *ev)
{
	if (!ev)
		return;
	assert_true(g->n < N(g->ev));
	struct got_ev *e = &g->ev[g->n++];
	assert_non_null(ev->line);
	assert_non_null(ev->text);
	e->line = dup_bytes(ev->line, ev->line_len);
	e->text = dup_bytes(ev->text, ev->text_len);
	e->time = ev->time;
	e->has_time = ev->has_time;
	e->truncated = ev->truncated;
	e->line_no = ev->line_no;
	e->source_name = ev->source_name;
	e->source_index = ev->source_index;
	e->pod[0] = '\0';
	e->nfields = ev->fields ? ev->fields->count : 0;
	struct lm_str v;
	if (ev->fields && lm_fields_get(ev->fields, "pod", 3, &v))
		snprintf(e->pod, sizeof(e->pod), "%.*s", (int)v.n, v.p);
}

/* Line i of the input as an event: time 1000+i seconds (odd lines carry none),
 * line number i+1, field pod=p<i>. */
static void make_event(struct lm_event *ev, struct lm_fields *fs, struct lm_buf *text,
		       const char *line, size_t i, const struct feed *f)
{
	char pod[32];
	snprintf(pod, sizeof(pod), "p%zu", i);
	lm_fields_reset(fs);
	lm_fields_add(fs, "pod", 3, pod, strlen(pod));
	memset(ev, 0, sizeof(*ev));
	ev->time = (1000 + (lm_time_t)i) * LM_NS_PER_SEC;
	ev->has_time = i % 2 == 0;
	ev->line = line;
	ev->line_len = strlen(line);
	if (f->text_prefix) {
		lm_buf_reset(text);
		lm_buf_puts(text, f->text_prefix);
		lm_buf_puts(text, line);
		ev->text = text->data;
		ev->text_len = text->len;
	} else {
		ev->text = line;
		ev->text_len = ev->line_len;
	}
	ev->fields = fs;
	ev->source_name = "app.log";
	ev->source_index = 3;
	ev->line_no = i + 1;
	ev->truncated = f->truncated && f->truncated[i];
}

/* Feeds lines through a joiner m already initialised, then flushes. */
static void feed_into(struct lm_multiline *m, const char *const *lines, size_t n,
		      const struct feed *f, struct got *g)
{
	struct lm_fields fs;
	struct lm_buf text;
	struct lm_event ev;
	lm_fields_init(&fs);
	lm_buf_init(&text);
	for (size_t i = 0; i < n; i++) {
		make_event(&ev, &fs, &text, lines[i], i, f);
		collect(g, lm_multiline_push(m, &ev, f->structured && f->structured[i], 100 + i));
		/* The event is borrowed: scribble over it before the next push. */
		lm_fields_reset(&fs);
		lm_fields_add(&fs, "pod", 3, "scribbled", 9);
		if (f->flush_each)
			collect(g, lm_multiline_flush(m));
	}
	collect(g, lm_multiline_flush(m));
	assert_null(lm_multiline_flush(m));
	assert_false(lm_multiline_holding(m, NULL));
	assert_false(lm_multiline_expecting(m));
	lm_buf_fini(&text);
	lm_fields_fini(&fs);
}

static void feed_lines(const char *const *lines, size_t n, const struct feed *f, struct got *g)
{
	struct lm_multiline m;
	lm_multiline_init(&m, f->max_lines, f->max_bytes);
	feed_into(&m, lines, n, f, g);
	lm_multiline_fini(&m);
}

/* An expected record: lines[from] to lines[from + count - 1] joined. */
struct span {
	size_t from, count;
};

static char *join(const char *const *lines, struct span s, const char *prefix)
{
	size_t len = 0, plen = prefix ? strlen(prefix) : 0;
	for (size_t i = 0; i < s.count; i++)
		len += plen + strlen(lines[s.from + i]) + 1;
	char *out = malloc(len + 1), *p = out;
	assert_non_null(out);
	for (size_t i = 0; i < s.count; i++) {
		if (i)
			*p++ = '\n';
		memcpy(p, prefix ? prefix : "", plen);
		p += plen;
		size_t k = strlen(lines[s.from + i]);
		memcpy(p, lines[s.from + i], k);
		p += k;
	}
	*p = '\0';
	return out;
}

/* Compares the records got with the spans wanted (line and text). */
static void check_spans(const struct got *g, const char *const *lines, const struct span *want,
			size_t n_want, const char *text_prefix)
{
	if (g->n != n_want) {
		for (size_t i = 0; i < g->n; i++)
			print_message("got %zu: [%s]\n", i, g->ev[i].line);
		fail_msg("%zu records, want %zu", g->n, n_want);
	}
	for (size_t i = 0; i < n_want; i++) {
		char *line = join(lines, want[i], NULL), *text = join(lines, want[i], text_prefix);
		if (strcmp(g->ev[i].line, line) != 0)
			fail_msg("record %zu: line\n[%s]\nwant\n[%s]", i, g->ev[i].line, line);
		if (strcmp(g->ev[i].text, text) != 0)
			fail_msg("record %zu: text\n[%s]\nwant\n[%s]", i, g->ev[i].text, text);
		assert_int_equal(g->ev[i].line_no, want[i].from + 1);
		free(line);
		free(text);
	}
}

/* Default bounds, flushed at the end only. */
static void expect(const char *const *lines, size_t n, const struct span *want, size_t n_want)
{
	struct feed f = { 0 };
	struct got g = { .n = 0 };
	feed_lines(lines, n, &f, &g);
	check_spans(&g, lines, want, n_want, NULL);
	for (size_t i = 0; i < g.n; i++)
		assert_false(g.ev[i].truncated);
	got_free(&g);
}

#define EXPECT(lines, want) expect((lines), N(lines), (want), N(want))

/* ---- example traces ---- */

static const char *const py_trace[] = {
	"Traceback (most recent call last):",
	"  File \"/srv/billing/worker.py\", line 58, in handle_invoice",
	"    payload = json.loads(body)",
	"              ^^^^^^^^^^^^^^^^",
	"  File \"/usr/lib/python3.11/json/__init__.py\", line 346, in loads",
	"    return _default_decoder.decode(s)",
	"json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
};

static const char *const java_trace[] = {
	"Exception in thread \"main\" java.lang.IllegalStateException: order 4411 has no lines",
	"\tat com.acme.orders.OrderService.checkout(OrderService.java:88)",
	"\tat com.acme.orders.Main.main(Main.java:21)",
	"Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available",
	"\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)",
	"\tat com.acme.orders.OrderRepository.load(OrderRepository.java:40)",
	"\t... 2 more",
	"\tSuppressed: java.io.UncheckedIOException: close failed",
	"\t\tat com.acme.orders.OrderRepository.close(OrderRepository.java:61)",
	"\t\t... 3 more",
};

static const char *const go_trace[] = {
	"panic: runtime error: invalid memory address or nil pointer dereference",
	"[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x6d2c41]",
	"",
	"goroutine 42 [running]:",
	"github.com/acme/inventory/internal/store.(*Cache).Lookup(0x0, {0xc0001b6030, 0x9})",
	"\t/src/internal/store/cache.go:57 +0x21",
	"main.handleItem({0x7f0b2c, 0xc0002a80e0}, 0xc000182200)",
	"\t/src/cmd/inventory/main.go:112 +0x8e",
	"net/http.HandlerFunc.ServeHTTP(0x6e5a20, {0x7f0b2c, 0xc0002a80e0}, 0xc000182200)",
	"\t/usr/local/go/src/net/http/server.go:2136 +0x29",
	"created by net/http.(*Server).Serve in goroutine 1",
	"\t/usr/local/go/src/net/http/server.go:3285 +0x4b4",
	"",
	"goroutine 1 [IO wait]:",
	"internal/poll.runtime_pollWait(0x7f3a1c1e8e28, 0x72)",
	"\t/usr/local/go/src/runtime/netpoll.go:345 +0x85",
	"main.main()",
	"\t/src/cmd/inventory/main.go:40 +0x1f5",
	"exit status 2",
};

/* ---- each kind alone ---- */

static void test_python_alone(void **state)
{
	(void)state;
	static const struct span want[] = { { 0, N(py_trace) } };
	EXPECT(py_trace, want);
}

static void test_python_keyboard_interrupt(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"Traceback (most recent call last):",
		"  File \"/opt/tools/sync.py\", line 201, in <module>",
		"    main()",
		"  File \"/opt/tools/sync.py\", line 187, in main",
		"    time.sleep(backoff)",
		"KeyboardInterrupt",
		"sync stopped by operator",
	};
	static const struct span want[] = { { 0, 6 }, { 6, 1 } };
	EXPECT(lines, want);
}

static void test_python_chained(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"Traceback (most recent call last):",
		"  File \"/srv/app/settings.py\", line 30, in read_port",
		"    return int(os.environ[\"APP_PORT\"])",
		"               ~~~~~~~~~~^^^^^^^^^^^^",
		"  File \"<frozen os>\", line 679, in __getitem__",
		"KeyError: 'APP_PORT'",
		"",
		"During handling of the above exception, another exception occurred:",
		"",
		"Traceback (most recent call last):",
		"  File \"/srv/app/settings.py\", line 33, in read_port",
		"    raise ConfigError(\"APP_PORT is not set\")",
		"app.errors.ConfigError: APP_PORT is not set",
		"",
		"The above exception was the direct cause of the following exception:",
		"",
		"Traceback (most recent call last):",
		"  File \"/srv/app/main.py\", line 12, in <module>",
		"    start()",
		"RuntimeError: cannot start: configuration is incomplete",
		"2024-05-02 09:14:03,120 INFO supervisor: exited: app (exit status 1)",
	};
	static const struct span want[] = { { 0, 20 }, { 20, 1 } };
	EXPECT(lines, want);
}

static void test_python_group(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"  + Exception Group Traceback (most recent call last):",
		"  |   File \"/srv/crawler/run.py\", line 44, in fetch_all",
		"  |     async with asyncio.TaskGroup() as tg:",
		"  | ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)",
		"  +-+---------------- 1 ----------------",
		"    | TimeoutError: fetch https://shop.example/a timed out",
		"    +---------------- 2 ----------------",
		"    | ConnectionResetError: [Errno 104] Connection reset by peer",
		"    +------------------------------------",
		"crawler finished with errors",
	};
	static const struct span want[] = { { 0, 9 }, { 9, 1 } };
	EXPECT(lines, want);
}

static void test_python_cut_off(void **state)
{
	(void)state;
	/* A traceback without its final line ends at the next unindented line;
	 * Python logging's `LEVEL:name:message` is not a final line. */
	static const char *const lines[] = {
		"Traceback (most recent call last):",
		"  File \"/srv/app/jobs.py\", line 9, in run",
		"ERROR:root:job failed",
		"  padded continuation of a plain line",
	};
	static const struct span want[] = { { 0, 2 }, { 2, 1 }, { 3, 1 } };
	EXPECT(lines, want);
}

static void test_java_alone(void **state)
{
	(void)state;
	static const struct span want[] = { { 0, N(java_trace) } };
	EXPECT(java_trace, want);
}

static void test_java_variants(void **state)
{
	(void)state;
	static const char *const lines[] = {
		/* A bare class, frames indented with spaces. */
		"java.lang.NullPointerException",
		"    at com.acme.cart.CartTotals.sum(CartTotals.java:17)",
		"    at com.acme.cart.CartController.show(CartController.java:52)",
		/* Another exception right after: a new record. */
		"com.acme.orders.OrderException: no stock for sku 88-1",
		"\tat com.acme.orders.Stock.reserve(Stock.java:140)",
		"\t... 3 common frames omitted",
		"Wrapped by: com.acme.orders.CheckoutException: checkout failed",
		"\tat com.acme.orders.Checkout.run(Checkout.java:77)",
		"... 12 more",
		/* An error without frames yet, then a plain line. */
		"java.lang.OutOfMemoryError: Java heap space",
		"12:00:01.002 [main] INFO  c.a.Main - shutting down",
	};
	static const struct span want[] = { { 0, 3 }, { 3, 6 }, { 9, 1 }, { 10, 1 } };
	EXPECT(lines, want);
}

static void test_java_after_plain(void **state)
{
	(void)state;
	static const char *const lines[] = {
		/* logback: the message, then the exception (its own record). */
		"2024-05-02 10:31:07.441 ERROR 1 --- [nio-8080-exec-4] c.a.o.OrderController : request failed",
		"org.springframework.dao.DataAccessResourceFailureException: could not open connection",
		"\tat org.springframework.orm.jpa.vendor.HibernateJpaDialect.convert(HibernateJpaDialect.java:277)",
		"Caused by: org.postgresql.util.PSQLException: FATAL: sorry, too many clients already",
		"\tat org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:646)",
		"\t... 41 common frames omitted",
		/* A frame straight after a plain line joins it, and makes it a trace
		 * that space-indented frames continue. */
		"2024-05-02 10:31:08.002  WARN 1 --- [   scheduling-1] c.a.j.Retry : giving up after 3 attempts",
		"\tat com.acme.jobs.Retry.run(Retry.java:31)",
		"    at java.base/java.lang.Thread.run(Thread.java:833)",
		/* So does Caused by. */
		"2024-05-02 10:31:09.000 ERROR 1 --- [main] c.a.Boot : startup failed",
		"Caused by: java.net.UnknownHostException: db.internal",
		"\tat java.base/java.net.InetAddress.getAllByName0(InetAddress.java:1534)",
		"2024-05-02 10:31:09.500  INFO 1 --- [main] c.a.Boot : bye",
	};
	static const struct span want[] = { { 0, 1 }, { 1, 5 }, { 6, 3 }, { 9, 3 }, { 12, 1 } };
	EXPECT(lines, want);
}

static void test_go_panic(void **state)
{
	(void)state;
	static const struct span want[] = { { 0, N(go_trace) } };
	EXPECT(go_trace, want);
}

static void test_go_fatal_and_http(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"fatal error: all goroutines are asleep - deadlock!",
		"",
		"goroutine 1 gp=0xc000002380 m=0 mp=0x5b4e20 [chan receive]:",
		"main.main()",
		"\t/src/cmd/relay/main.go:23 +0x4d",
		"relay 1.4.2 starting",
		/* net/http's recovered panic: a log line, then goroutines. */
		"2024/05/02 11:02:13 http: panic serving 10.42.0.7:51522: runtime error: index out of range [3] with length 3",
		"goroutine 33 [running]:",
		"net/http.(*conn).serve.func1()",
		"\t/usr/local/go/src/net/http/server.go:1898 +0xbe",
		"panic({0x6a4f20?, 0xc0000162d0?})",
		"\t/usr/local/go/src/runtime/panic.go:770 +0x132",
		"2024/05/02 11:02:14 listening on :8080",
		/* A goroutine-like line that is not one does not continue. */
		"goroutine pool resized to 8",
	};
	static const struct span want[] = { { 0, 5 }, { 5, 1 }, { 6, 6 }, { 12, 1 }, { 13, 1 } };
	EXPECT(lines, want);
}

static void test_postgres_tab(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"2024-05-02 12:00:00.101 UTC [2211] LOG:  connection received: host=10.0.3.9 port=40112",
		"2024-05-02 12:00:04.877 UTC [2211] LOG:  duration: 5123.402 ms  statement: SELECT o.id, o.total",
		"\tFROM orders o",
		"\tJOIN customers c ON c.id = o.customer_id",
		"\tWHERE c.region = 'eu-west'",
		"2024-05-02 12:00:04.880 UTC [2211] LOG:  disconnection: session time: 0:00:04.779",
	};
	static const struct span want[] = { { 0, 1 }, { 1, 4 }, { 5, 1 } };
	EXPECT(lines, want);
}

/* ---- what is not joined ---- */

static void test_space_padded_plain(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"Disk usage report",
		"    /var/lib/postgresql   81%",
		"    /var/log              12%",
		"  at 12:00 the job runs again",
		"    at com.acme.NotATrace.since(nothing.java:1)",
		"",
		"Caused by something else entirely",
		"... and more text",
		"main.main()",
		"",
		"exit status 2",
	};
	static const struct span want[] = {
		{ 0, 1 }, { 1, 1 }, { 2, 1 }, { 3, 1 }, { 4, 1 }, { 5, 1 },
		{ 6, 1 }, { 7, 1 }, { 8, 1 }, { 9, 1 }, { 10, 1 },
	};
	EXPECT(lines, want);
}

static void test_structured_never_joined(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"Traceback (most recent call last):",
		"  File \"/srv/app/api.py\", line 5, in get",
		"{\"level\":\"error\",\"msg\":\"boom\"}",            /* structured: ends the trace */
		"\tat com.acme.Foo.bar(Foo.java:1)",                  /* does not continue it */
		"level=info msg=\"second\"",                          /* structured */
		"level=info msg=\"third\"",                           /* structured */
		"Traceback (most recent call last):",                 /* structured (a JSON string?) */
		"  File \"/srv/app/api.py\", line 9, in put",         /* structured too */
		"plain after",
		"\tcontinued",
	};
	static const bool structured[] = { false, false, true, false, true, true, true, true, false,
					   false };
	static const struct span want[] = { { 0, 2 }, { 2, 1 }, { 3, 1 }, { 4, 1 }, { 5, 1 },
					    { 6, 1 }, { 7, 1 }, { 8, 2 } };
	struct feed f = { .structured = structured };
	struct got g = { .n = 0 };
	feed_lines(lines, N(lines), &f, &g);
	check_spans(&g, lines, want, N(want), NULL);
	got_free(&g);

	/* A structured event is held like any other, and expects nothing. */
	struct lm_multiline m;
	struct lm_fields fs;
	struct lm_buf text;
	struct lm_event ev;
	lm_multiline_init(&m, 0, 0);
	lm_fields_init(&fs);
	lm_buf_init(&text);
	make_event(&ev, &fs, &text, lines[0], 0, &f);
	assert_null(lm_multiline_push(&m, &ev, true, 7));
	uint64_t pos = 0;
	assert_true(lm_multiline_holding(&m, &pos));
	assert_int_equal(pos, 7);
	assert_false(lm_multiline_expecting(&m));
	const struct lm_event *out = lm_multiline_flush(&m);
	assert_non_null(out);
	assert_int_equal(out->line_len, strlen(lines[0]));
	assert_int_equal(m.joined, 0);
	lm_buf_fini(&text);
	lm_fields_fini(&fs);
	lm_multiline_fini(&m);
}

/* ---- traces among ordinary lines ---- */

static void test_interleaved(void **state)
{
	(void)state;
	const char *lines[64];
	struct span want[16];
	size_t n = 0, w = 0;
	lines[n] = "2024-05-02T12:00:00Z INFO starting worker";
	want[w++] = (struct span){ n++, 1 };
	want[w] = (struct span){ n, N(py_trace) };
	for (size_t i = 0; i < N(py_trace); i++)
		lines[n++] = py_trace[i];
	w++;
	lines[n] = "2024-05-02T12:00:01Z INFO retrying invoice 77";
	want[w++] = (struct span){ n++, 1 };
	want[w] = (struct span){ n, N(java_trace) };
	for (size_t i = 0; i < N(java_trace); i++)
		lines[n++] = java_trace[i];
	w++;
	lines[n] = "2024-05-02T12:00:02Z WARN queue depth 1200";
	want[w++] = (struct span){ n++, 1 };
	want[w] = (struct span){ n, N(go_trace) };
	for (size_t i = 0; i < N(go_trace); i++)
		lines[n++] = go_trace[i];
	w++;
	lines[n] = "2024-05-02T12:00:03Z INFO worker restarted";
	want[w++] = (struct span){ n++, 1 };
	lines[n] = "2024-05-02T12:00:04Z INFO idle";
	want[w++] = (struct span){ n++, 1 };
	assert_true(n <= N(lines));

	struct feed f = { 0 };
	struct got g = { .n = 0 };
	struct lm_multiline m;
	lm_multiline_init(&m, 0, 0);
	feed_into(&m, lines, n, &f, &g);
	check_spans(&g, lines, want, w, NULL);
	assert_int_equal(m.joined, 3);
	assert_int_equal(m.cut, 0);
	lm_multiline_fini(&m);
	got_free(&g);
}

/* ---- bounds ---- */

static void test_max_lines(void **state)
{
	(void)state;
	/* 19 lines of Go panic with at most 8 per record: 8 + 8 + 3, the later
	 * pieces still joined as the same trace. */
	struct feed f = { .max_lines = 8 };
	struct got g = { .n = 0 };
	struct lm_multiline m;
	lm_multiline_init(&m, f.max_lines, 0);
	feed_into(&m, go_trace, N(go_trace), &f, &g);
	static const struct span want[] = { { 0, 8 }, { 8, 8 }, { 16, 3 } };
	check_spans(&g, go_trace, want, N(want), NULL);
	assert_true(g.ev[0].truncated);
	assert_true(g.ev[1].truncated);
	assert_false(g.ev[2].truncated);
	assert_int_equal(m.cut, 2);
	assert_int_equal(m.joined, 3);
	lm_multiline_fini(&m);
	got_free(&g);

	/* max_lines 1: nothing is joined, every continuation is a cut. */
	lm_multiline_init(&m, 1, 0);
	feed_into(&m, py_trace, N(py_trace), &f, &g);
	assert_int_equal(g.n, N(py_trace));
	assert_int_equal(m.cut, N(py_trace) - 1);
	assert_int_equal(m.joined, 0);
	for (size_t i = 0; i < g.n; i++)
		assert_int_equal(g.ev[i].truncated, i + 1 < g.n);
	lm_multiline_fini(&m);
	got_free(&g);
}

/* Records cut by max_bytes: each within the bound, truncated but the last,
 * counted, and together every line in order. */
static void check_pieces(const struct got *g, const struct lm_multiline *m, size_t bound,
			 const char *const *lines, size_t n, const char *text_prefix)
{
	struct span spans[64];
	size_t from = 0;
	assert_true(g->n <= N(spans));
	assert_int_equal(m->cut, g->n - 1);
	for (size_t i = 0; i < g->n; i++) {
		assert_true(strlen(g->ev[i].line) <= bound);
		assert_true(strlen(g->ev[i].text) <= bound);
		assert_int_equal(g->ev[i].truncated, i + 1 < g->n);
		size_t count = 1;
		for (const char *c = g->ev[i].line; *c; c++)
			count += *c == '\n';
		spans[i] = (struct span){ from, count };
		from += count;
	}
	assert_int_equal(from, n);
	check_spans(g, lines, spans, g->n, text_prefix);
}

static void test_max_bytes(void **state)
{
	(void)state;
	/* A bound that the first three lines of the Java trace fit exactly: the
	 * fourth starts the next record, which the Java lines after it continue
	 * as far as the bound lets them. */
	size_t bound = strlen(java_trace[0]) + 1 + strlen(java_trace[1]) + 1 +
		       strlen(java_trace[2]);
	struct feed f = { 0 };
	struct got g = { .n = 0 };
	struct lm_multiline m;
	lm_multiline_init(&m, 0, bound);
	feed_into(&m, java_trace, N(java_trace), &f, &g);
	assert_true(g.n >= 3);
	assert_string_equal(g.ev[0].line, "Exception in thread \"main\" java.lang.IllegalStateException: "
					  "order 4411 has no lines\n"
					  "\tat com.acme.orders.OrderService.checkout(OrderService.java:88)\n"
					  "\tat com.acme.orders.Main.main(Main.java:21)");
	assert_true(strchr(g.ev[1].line, '\n') != NULL); /* line 4 joined line 3 */
	check_pieces(&g, &m, bound, java_trace, N(java_trace), NULL);
	size_t plain_n = g.n;
	lm_multiline_fini(&m);
	got_free(&g);

	/* The text counts too: with a wrapper before every line's text, the same
	 * bound cuts more often. */
	f.text_prefix = "2024-05-02T12:00:00.000000001Z stderr F ";
	lm_multiline_init(&m, 0, bound);
	feed_into(&m, java_trace, N(java_trace), &f, &g);
	assert_true(g.n > plain_n);
	check_pieces(&g, &m, bound, java_trace, N(java_trace), f.text_prefix);
	lm_multiline_fini(&m);
	got_free(&g);
}

static void test_truncated_part(void **state)
{
	(void)state;
	/* A part cut at --max-line makes the joined record truncated. */
	static const bool truncated[] = { false, false, true, false, false, false, false };
	struct feed f = { .truncated = truncated };
	struct got g = { .n = 0 };
	feed_lines(py_trace, N(py_trace), &f, &g);
	assert_int_equal(g.n, 1);
	assert_true(g.ev[0].truncated);
	got_free(&g);
}

/* ---- the held record ---- */

static void test_first_line_metadata(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"first plain",
		"\tcontinued once",
		"\tcontinued twice",
		"second plain",
		"third plain",
		"\tcontinued",
	};
	struct feed f = { 0 };
	struct got g = { .n = 0 };
	feed_lines(lines, N(lines), &f, &g);
	static const struct span want[] = { { 0, 3 }, { 3, 1 }, { 4, 2 } };
	check_spans(&g, lines, want, N(want), NULL);
	static const size_t first[] = { 0, 3, 4 };
	for (size_t i = 0; i < N(first); i++) {
		const struct got_ev *e = &g.ev[i];
		char pod[32];
		snprintf(pod, sizeof(pod), "p%zu", first[i]);
		assert_string_equal(e->pod, pod);
		assert_int_equal(e->nfields, 1);
		assert_int_equal(e->time, (1000 + (lm_time_t)first[i]) * LM_NS_PER_SEC);
		assert_int_equal(e->has_time, first[i] % 2 == 0);
		assert_int_equal(e->line_no, first[i] + 1);
		assert_string_equal(e->source_name, "app.log");
		assert_int_equal(e->source_index, 3);
		assert_false(e->truncated);
	}
	got_free(&g);
}

static void test_line_not_text(void **state)
{
	(void)state;
	/* Detection reads the line (the message inside a wrapper); the text is
	 * joined alongside it. */
	struct feed f = { .text_prefix = "2024-05-02T12:00:00.000000001Z stderr F " };
	struct got g = { .n = 0 };
	feed_lines(py_trace, N(py_trace), &f, &g);
	static const struct span want[] = { { 0, N(py_trace) } };
	check_spans(&g, py_trace, want, N(want), f.text_prefix);
	got_free(&g);
}

static void test_flush_and_holding(void **state)
{
	(void)state;
	struct lm_multiline m;
	struct lm_fields fs;
	struct lm_buf text;
	struct lm_event ev;
	struct feed f = { 0 };
	uint64_t pos = 0;
	lm_multiline_init(&m, 0, 0);
	lm_fields_init(&fs);
	lm_buf_init(&text);
	assert_null(lm_multiline_flush(&m));
	assert_false(lm_multiline_holding(&m, &pos));

	make_event(&ev, &fs, &text, "one", 0, &f);
	assert_null(lm_multiline_push(&m, &ev, false, 500));
	assert_true(lm_multiline_holding(&m, &pos));
	assert_int_equal(pos, 500);
	make_event(&ev, &fs, &text, "\ttwo", 1, &f);
	assert_null(lm_multiline_push(&m, &ev, false, 504));
	assert_true(lm_multiline_holding(&m, &pos));
	assert_int_equal(pos, 500); /* the first line's position */
	make_event(&ev, &fs, &text, "three", 2, &f);
	const struct lm_event *out = lm_multiline_push(&m, &ev, false, 510);
	assert_non_null(out);
	assert_int_equal(out->line_len, 8);
	assert_memory_equal(out->line, "one\n\ttwo", 8);
	assert_true(lm_multiline_holding(&m, &pos));
	assert_int_equal(pos, 510);
	out = lm_multiline_flush(&m);
	assert_non_null(out);
	assert_string_equal(out->line, "three");
	assert_false(lm_multiline_holding(&m, &pos));
	assert_null(lm_multiline_flush(&m));
	assert_int_equal(m.joined, 1);

	/* An empty line is a record too. */
	make_event(&ev, &fs, &text, "", 3, &f);
	assert_null(lm_multiline_push(&m, &ev, false, 520));
	out = lm_multiline_flush(&m);
	assert_non_null(out);
	assert_int_equal(out->line_len, 0);
	assert_string_equal(out->line, "");
	assert_int_equal(out->text_len, 0);

	lm_buf_fini(&text);
	lm_fields_fini(&fs);
	lm_multiline_fini(&m);
}

/* Pushes lines one by one, checking lm_multiline_expecting() after each. */
static void expect_expecting(const char *const *lines, const bool *want, size_t n)
{
	struct lm_multiline m;
	struct lm_fields fs;
	struct lm_buf text;
	struct lm_event ev;
	struct feed f = { 0 };
	lm_multiline_init(&m, 0, 0);
	lm_fields_init(&fs);
	lm_buf_init(&text);
	for (size_t i = 0; i < n; i++) {
		make_event(&ev, &fs, &text, lines[i], i, &f);
		(void)lm_multiline_push(&m, &ev, false, i);
		if (lm_multiline_expecting(&m) != want[i])
			fail_msg("after line %zu [%s]: expecting %d, want %d", i, lines[i],
				 !want[i], want[i]);
	}
	assert_non_null(lm_multiline_flush(&m));
	assert_false(lm_multiline_expecting(&m));
	lm_buf_fini(&text);
	lm_fields_fini(&fs);
	lm_multiline_fini(&m);
}

static void test_expecting(void **state)
{
	(void)state;
	static const char *const py[] = {
		"worker ready",
		"Traceback (most recent call last):",
		"  File \"/srv/app/a.py\", line 3, in f",
		"ValueError: bad amount '12,5'",
		"",
		"During handling of the above exception, another exception occurred:",
		"",
		"Traceback (most recent call last):",
		"KeyboardInterrupt",
		"worker stopped",
	};
	static const bool py_want[] = { false, true, true, false, false, true, true, true, false,
					false };
	expect_expecting(py, py_want, N(py));

	static const char *const java[] = {
		"12:00:00 INFO ok",
		"\tSELECT 1",
		"java.lang.IllegalArgumentException: negative quantity",
		"\tat com.acme.Cart.add(Cart.java:40)",
		"12:00:01 INFO ok",
		"\tat com.acme.Cart.add(Cart.java:40)",
	};
	static const bool java_want[] = { false, false, true, true, false, true };
	expect_expecting(java, java_want, N(java));

	static const char *const go[] = {
		"panic: close of closed channel",
		"",
		"goroutine 9 [running]:",
		"main.(*Hub).stop(...)",
		"\t/src/hub.go:88",
		"exit status 2",
		"\t/src/after.go:1",
		"panic: again",
		"{\"not\":\"a trace\"}",
	};
	static const bool go_want[] = { true, true, true, true, true, false, false, true, false };
	expect_expecting(go, go_want, N(go));
}

static void test_flush_each(void **state)
{
	(void)state;
	/* Ordinary lines: flushing after every push changes nothing. */
	static const char *const plain[] = {
		"10.0.0.4 - - [02/May/2024:12:00:00 +0000] \"GET /health HTTP/1.1\" 200 2",
		"    padded",
		"",
		"{\"level\":\"info\"}",
		"last",
	};
	struct feed at_end = { 0 }, each = { .flush_each = true };
	struct got a = { .n = 0 }, b = { .n = 0 };
	feed_lines(plain, N(plain), &at_end, &a);
	feed_lines(plain, N(plain), &each, &b);
	assert_int_equal(a.n, N(plain));
	assert_int_equal(b.n, N(plain));
	for (size_t i = 0; i < a.n; i++) {
		assert_string_equal(a.ev[i].line, b.ev[i].line);
		assert_string_equal(a.ev[i].line, plain[i]);
		assert_int_equal(a.ev[i].line_no, b.ev[i].line_no);
	}
	got_free(&a);
	got_free(&b);

	/* A trace: flushed after every line, each line stands alone; flushed at
	 * the end, one record.  The same events twice give the same output. */
	feed_lines(py_trace, N(py_trace), &each, &b);
	assert_int_equal(b.n, N(py_trace));
	for (size_t i = 0; i < b.n; i++)
		assert_string_equal(b.ev[i].line, py_trace[i]);
	got_free(&b);
	feed_lines(py_trace, N(py_trace), &at_end, &a);
	feed_lines(py_trace, N(py_trace), &at_end, &b);
	assert_int_equal(a.n, 1);
	assert_int_equal(b.n, 1);
	assert_string_equal(a.ev[0].line, b.ev[0].line);
	got_free(&a);
	got_free(&b);
}

static void test_no_growth_when_warm(void **state)
{
	(void)state;
	/* Once both records have grown, the same input reuses their buffers. */
	struct lm_multiline m;
	struct feed f = { 0 };
	struct got g = { .n = 0 };
	lm_multiline_init(&m, 0, 0);
	feed_into(&m, go_trace, N(go_trace), &f, &g);
	feed_into(&m, go_trace, N(go_trace), &f, &g);
	char *data[2][2] = { { m.rec[0].line.data, m.rec[0].text.data },
			     { m.rec[1].line.data, m.rec[1].text.data } };
	size_t cap[2] = { m.rec[0].line.cap, m.rec[1].line.cap };
	for (int r = 0; r < 10; r++)
		feed_into(&m, go_trace, N(go_trace), &f, &g);
	for (int i = 0; i < 2; i++) {
		assert_ptr_equal(m.rec[i].line.data, data[i][0]);
		assert_ptr_equal(m.rec[i].text.data, data[i][1]);
		assert_int_equal(m.rec[i].line.cap, cap[i]);
	}
	assert_int_equal(g.n, 12);
	for (size_t i = 1; i < g.n; i++)
		assert_string_equal(g.ev[i].line, g.ev[0].line);
	assert_int_equal(m.joined, 12);
	lm_multiline_fini(&m);
	got_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_python_alone),
		cmocka_unit_test(test_python_keyboard_interrupt),
		cmocka_unit_test(test_python_chained),
		cmocka_unit_test(test_python_group),
		cmocka_unit_test(test_python_cut_off),
		cmocka_unit_test(test_java_alone),
		cmocka_unit_test(test_java_variants),
		cmocka_unit_test(test_java_after_plain),
		cmocka_unit_test(test_go_panic),
		cmocka_unit_test(test_go_fatal_and_http),
		cmocka_unit_test(test_postgres_tab),
		cmocka_unit_test(test_space_padded_plain),
		cmocka_unit_test(test_structured_never_joined),
		cmocka_unit_test(test_interleaved),
		cmocka_unit_test(test_max_lines),
		cmocka_unit_test(test_max_bytes),
		cmocka_unit_test(test_truncated_part),
		cmocka_unit_test(test_first_line_metadata),
		cmocka_unit_test(test_line_not_text),
		cmocka_unit_test(test_flush_and_holding),
		cmocka_unit_test(test_expecting),
		cmocka_unit_test(test_flush_each),
		cmocka_unit_test(test_no_growth_when_warm),
	};
	return cmocka_run_group_tests_name("multiline", tests, NULL, NULL);
}
