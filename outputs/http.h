/*
 * http: the shared HTTP delivery code of the network outputs (webhook,
 * Elasticsearch, Alertmanager): one POST on libcurl with its headers, TLS
 * verification, a timeout and a credential header, and its answer mapped to
 * a delivery result (LM_SEND_OK, RETRY or FAIL).
 *
 * An output reads its common settings with lm_http_settings (on the
 * pipeline thread, at init: bad values are reported there), makes a client
 * with lm_http_new, and posts from its delivery worker thread only: a
 * client is used by one thread at a time and keeps its connection alive
 * between posts.  libcurl's global set-up runs once per process, however
 * many clients there are.
 *
 * URLs may hold secrets (a Slack webhook's path, credentials): they never
 * reach a message.  Failures are logged when the outcome changes (the first
 * refusal, the first connection error, the recovery), not at every retry.
 */
#ifndef LM_HTTP_H
#define LM_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/event.h"
#include "outputs/delivery.h"
#include "outputs/output.h"

#define LM_HTTP_TIMEOUT_DEFAULT (10 * LM_NS_PER_SEC)

/* What a client is made with; lm_http_new copies it all. */
struct lm_http_opts {
	char *url;            /* http:// or https:// */
	lm_time_t timeout;    /* the whole exchange; 0: LM_HTTP_TIMEOUT_DEFAULT */
	bool tls_verify;      /* check the server's certificate and name */
	char *authorization;  /* the Authorization header's value ("Bearer x"), or NULL */
	char *user, *password; /* HTTP basic authentication, or NULL */
	char *header;         /* one more "Name: value" header, or NULL */
};

/* Fills o from the output's target and settings: the URL is the target (or
 * what its env:NAME or file:PATH names), and `timeout` (duration, default
 * 10s), `tls_verify` (true/false, default true), `header` ("Name: value"),
 * and one credential at most: `bearer_token` (env:/file: allowed) or
 * `basic_auth` (USER:PASSWORD, the password env:/file: allowed).  name is
 * the output's, for messages.  False after reporting the problem, never
 * quoting a secret value.  Free with lm_http_opts_fini either way. */
bool lm_http_settings(const char *name, const struct lm_output_conf *c, struct lm_http_opts *o);
void lm_http_opts_fini(struct lm_http_opts *o);
/* One more credential setting of an output's own, holding a secret
 * (env:/file: allowed), made into an Authorization header value "SCHEME
 * secret" in o: `api_key` ("ApiKey") and the like.  False after reporting
 * the problem (also when o has a credential already). */
bool lm_http_auth_setting(const char *name, const struct lm_output_conf *c, const char *key,
			  const char *scheme, struct lm_http_opts *o);

struct lm_http;

/* name: the output's, for messages; content_type: the body's. */
struct lm_http *lm_http_new(const char *name, const struct lm_http_opts *o,
			    const char *content_type);
void lm_http_free(struct lm_http *h);
/* POSTs body to the client's URL followed by path ("" for the URL as it
 * is, "/_bulk"); the answer's body goes into *answer (reset first; NULL:
 * kept inside, for messages).  Returns the HTTP status, or 0 when no
 * answer came (connection refused, timeout, TLS failure). */
long lm_http_post(struct lm_http *h, const char *path, const char *body, size_t len,
		  struct lm_buf *answer);
/* What a status means for the items posted: 2xx delivered; no answer
 * (0), 408, 429 and 5xx to try again; anything else refused for good. */
enum lm_send_result lm_http_result(long status);
/* lm_http_post, its result set for all n items. */
void lm_http_post_all(struct lm_http *h, const char *path, const char *body, size_t len,
		      enum lm_send_result *results, unsigned n);

#endif
