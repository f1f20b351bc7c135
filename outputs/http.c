/*
 * http: the shared HTTP delivery code of the network outputs.  See http.h.
 * One curl easy handle per client, reused so the connection stays open;
 * the header list is built once.  Signals are off (CURLOPT_NOSIGNAL): the
 * handle runs on a delivery worker thread.
 */
#include "outputs/http.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "config.h"
#include "core/log.h"
#include "core/sanitize.h"
#include "ingest/timestamp.h"

#define ANSWER_MAX (8u << 20) /* an answer longer than this is cut (a bulk reply is far smaller) */
#define SNIPPET_MAX 200       /* of a refusal's answer, in the message */

struct lm_http {
	char *name;
	char *url;
	CURL *curl;
	struct curl_slist *headers;
	struct lm_buf full_url; /* url + path of the current post */
	struct lm_buf answer;   /* the answer when the caller wants none (for messages) */
	char error[CURL_ERROR_SIZE];
	long last;              /* the previous post's status (-1: none yet) */
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_status;

/* Once per process, and never cleaned up: libcurl counts its global
 * set-ups, so code elsewhere that pairs curl_global_init and
 * curl_global_cleanup around its own use never tears this one down. */
static void global_init(void)
{
	global_status = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* true/false, yes/no, on/off, 1/0 into *out; false when v is none. */
static bool parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	for (unsigned i = 0; i < 4; i++) {
		if (strcmp(v, yes[i]) == 0 || strcmp(v, no[i]) == 0) {
			*out = strcmp(v, yes[i]) == 0;
			return true;
		}
	}
	return false;
}

/* A header line must stay one line: no CR or LF sneaks in another. */
static bool one_line(const char *s)
{
	return !strpbrk(s, "\r\n");
}

/* The target: http(s)://host... (or what env:/file: names).  Never quotes
 * a value that came from a secret. */
static bool url_setting(const char *name, const struct lm_output_conf *c,
			    struct lm_http_opts *o)
{
	/* env:NAME and file:PATH only name where the URL is; a URL itself may
	 * hold a secret (a Slack path, a password) and is never shown */
	bool indirect = strncmp(c->target, "env:", 4) == 0 || strncmp(c->target, "file:", 5) == 0;
	char what[256];
	snprintf(what, sizeof(what), "--output %s=%s", name, indirect ? c->target : "...");
	if (!(o->url = lm_output_secret(what, c->target)))
		return false;
	bool secret = strcmp(o->url, c->target) != 0;
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	bool ok = curl_url_set(u, CURLUPART_URL, o->url, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
		  (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) && one_line(o->url);
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	if (!ok)
		lm_log_error("%s: %s not an http:// or https:// URL", what,
			     secret ? "what it names is" : "it is");
	return ok;
}

static bool timeout_setting(const char *name, const struct lm_output_conf *c,
			    struct lm_http_opts *o)
{
	const char *v = lm_output_setting(c, "timeout");
	o->timeout = LM_HTTP_TIMEOUT_DEFAULT;
	if (v && (lm_duration_parse(v, &o->timeout) < 0 || o->timeout <= 0)) {
		lm_log_error("--output-opt %s.timeout=%s: not a duration (such as 500ms, 5s)", name, v);
		return false;
	}
	return true;
}

static bool tls_setting(const char *name, const struct lm_output_conf *c,
			    struct lm_http_opts *o)
{
	const char *v = lm_output_setting(c, "tls_verify");
	o->tls_verify = true;
	if (v && !parse_bool(v, &o->tls_verify)) {
		lm_log_error("--output-opt %s.tls_verify=%s: not true or false", name, v);
		return false;
	}
	return true;
}

static bool header_setting(const char *name, const struct lm_output_conf *c,
			    struct lm_http_opts *o)
{
	const char *v = lm_output_setting(c, "header");
	if (!v)
		return true;
	const char *colon = strchr(v, ':');
	if (!colon || colon == v || !one_line(v) || strcspn(v, " \t") < (size_t)(colon - v)) {
		lm_log_error("--output-opt %s.header: not one \"Name: value\" header", name);
		return false;
	}
	o->header = lm_xstrdup(v);
	return true;
}

bool lm_http_auth_setting(const char *name, const struct lm_output_conf *c, const char *key,
			  const char *scheme, struct lm_http_opts *o)
{
	const char *v = lm_output_setting(c, key);
	if (!v)
		return true;
	char what[128];
	snprintf(what, sizeof(what), "--output-opt %s.%s", name, key);
	if (o->authorization || o->user) {
		lm_log_error("%s: one credential at most (bearer_token, basic_auth, %s)", what, key);
		return false;
	}
	char *secret = lm_output_secret(what, v);
	if (!secret)
		return false;
	bool ok = *secret && one_line(secret);
	if (ok) {
		struct lm_buf b;
		lm_buf_init(&b);
		lm_buf_printf(&b, "%s %s", scheme, secret);
		o->authorization = b.data;
	} else {
		lm_log_error("%s: empty, or more than one line", what);
	}
	free(secret);
	return ok;
}

/* basic_auth=USER:PASSWORD, the password possibly env:NAME or file:PATH. */
static bool basic_setting(const char *name, const struct lm_output_conf *c,
			    struct lm_http_opts *o)
{
	const char *v = lm_output_setting(c, "basic_auth");
	if (!v)
		return true;
	char what[128];
	snprintf(what, sizeof(what), "--output-opt %s.basic_auth", name);
	const char *colon = strchr(v, ':');
	if (o->authorization) {
		lm_log_error("%s: one credential at most (bearer_token, basic_auth)", what);
		return false;
	}
	if (!colon || colon == v) {
		lm_log_error("%s: not USER:PASSWORD (the password may be env:NAME or file:PATH)", what);
		return false;
	}
	if (!(o->password = lm_output_secret(what, colon + 1)))
		return false;
	o->user = lm_xstrndup(v, (size_t)(colon - v));
	return true;
}

bool lm_http_settings(const char *name, const struct lm_output_conf *c, struct lm_http_opts *o)
{
	memset(o, 0, sizeof(*o));
	return url_setting(name, c, o) && timeout_setting(name, c, o) && tls_setting(name, c, o) &&
	       header_setting(name, c, o) &&
	       lm_http_auth_setting(name, c, "bearer_token", "Bearer", o) && basic_setting(name, c, o);
}

void lm_http_opts_fini(struct lm_http_opts *o)
{
	if (o->authorization)
		memset(o->authorization, 0, strlen(o->authorization));
	if (o->password)
		memset(o->password, 0, strlen(o->password));
	free(o->user);
	free(o->password);
	free(o->url);
	free(o->authorization);
	free(o->header);
	memset(o, 0, sizeof(*o));
}

static size_t on_answer(char *p, size_t size, size_t n, void *arg)
{
	struct lm_buf *b = arg;
	size_t len = size * n;
	if (b->len < ANSWER_MAX)
		lm_buf_append(b, p, len < ANSWER_MAX - b->len ? len : ANSWER_MAX - b->len);
	return len;
}

static struct curl_slist *header_list(const struct lm_http_opts *o, const char *content_type)
{
	struct lm_buf line;
	lm_buf_init(&line);
	lm_buf_printf(&line, "Content-Type: %s", content_type);
	struct curl_slist *l = curl_slist_append(NULL, line.data);
	l = curl_slist_append(l, "Expect:"); /* no 100-continue round trip */
	if (o->authorization) {
		lm_buf_reset(&line);
		lm_buf_printf(&line, "Authorization: %s", o->authorization);
		l = curl_slist_append(l, line.data);
	}
	if (o->header)
		l = curl_slist_append(l, o->header);
	/* the secret's copy goes before the buffer is freed */
	memset(line.data, 0, line.cap);
	lm_buf_fini(&line);
	return l;
}

static void set_options(struct lm_http *h, const struct lm_http_opts *o)
{
	CURL *c = h->curl;
	long ms = (long)((o->timeout ? o->timeout : LM_HTTP_TIMEOUT_DEFAULT) / LM_NS_PER_MS);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, o->tls_verify ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, o->tls_verify ? 2L : 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(c, CURLOPT_USERAGENT, "logmedic/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_answer);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->error);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	if (o->user) { /* libcurl keeps its own copies */
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, o->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, o->password);
	}
}

struct lm_http *lm_http_new(const char *name, const struct lm_http_opts *o,
			    const char *content_type)
{
	pthread_once(&global_once, global_init);
	CURL *curl = global_status == CURLE_OK ? curl_easy_init() : NULL;
	if (!curl) {
		lm_log_error("%s: libcurl cannot start", name);
		return NULL;
	}
	struct lm_http *h = lm_xcalloc(1, sizeof(*h));
	h->name = lm_xstrdup(name);
	h->url = lm_xstrdup(o->url);
	h->curl = curl;
	h->headers = header_list(o, content_type);
	h->last = -1;
	lm_buf_init(&h->full_url);
	lm_buf_init(&h->answer);
	set_options(h, o);
	return h;
}

void lm_http_free(struct lm_http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	curl_slist_free_all(h->headers);
	lm_buf_fini(&h->full_url);
	lm_buf_fini(&h->answer);
	free(h->url);
	free(h->name);
	free(h);
}

/* The first bytes of an answer, safe for a terminal. */
static void snippet(struct lm_buf *out, const struct lm_buf *answer)
{
	if (!answer->len)
		return;
	size_t n = lm_utf8_cut(answer->data, answer->len, SNIPPET_MAX);
	lm_buf_puts(out, ": ");
	lm_sanitize_terminal(out, answer->data, n);
}

/* Logs status when it differs from the previous post's outcome. */
static void log_outcome(struct lm_http *h, long status, const struct lm_buf *answer)
{
	long before = h->last;
	h->last = status;
	if (status == before || (before < 0 && status >= 200 && status < 300))
		return;
	if (status >= 200 && status < 300) {
		lm_log_info("%s: delivering again", h->name);
		return;
	}
	if (status == 0) {
		lm_log_warn("%s: no answer (%s); trying again", h->name,
			    h->error[0] ? h->error : "connection failed");
		return;
	}
	struct lm_buf msg;
	lm_buf_init(&msg);
	snippet(&msg, answer);
	if (lm_http_result(status) == LM_SEND_RETRY)
		lm_log_warn("%s: HTTP %ld%s; trying again", h->name, status, msg.data ? msg.data : "");
	else
		lm_log_error("%s: HTTP %ld%s; refused, given up", h->name, status,
			     msg.data ? msg.data : "");
	lm_buf_fini(&msg);
}

long lm_http_post(struct lm_http *h, const char *path, const char *body, size_t len,
		  struct lm_buf *answer)
{
	lm_buf_reset(&h->full_url);
	lm_buf_puts(&h->full_url, h->url);
	lm_buf_puts(&h->full_url, path);
	if (!answer)
		answer = &h->answer;
	lm_buf_reset(answer);
	h->error[0] = '\0';
	curl_easy_setopt(h->curl, CURLOPT_URL, h->full_url.data);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, answer);
	long status = 0;
	if (curl_easy_perform(h->curl) != CURLE_OK ||
	    curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
		status = 0;
	log_outcome(h, status, answer);
	return status;
}

enum lm_send_result lm_http_result(long status)
{
	if (status >= 200 && status < 300)
		return LM_SEND_OK;
	if (status == 0 || status == 408 || status == 429 || status >= 500)
		return LM_SEND_RETRY;
	return LM_SEND_FAIL;
}

void lm_http_post_all(struct lm_http *h, const char *path, const char *body, size_t len,
		      enum lm_send_result *results, unsigned n)
{
	enum lm_send_result r = lm_http_result(lm_http_post(h, path, body, len, NULL));
	for (unsigned i = 0; i < n; i++)
		results[i] = r;
}
