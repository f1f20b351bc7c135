/*
 * redact: secrets masked in log text before it leaves logmedic.
 *
 * Log lines carry what programs should not have written: bearer tokens, JWTs,
 * passwords in key=value pairs and in URLs, cloud keys.  Evidence lines, the
 * fields a diagnosis keeps (and the commands rendered from them) and the
 * fields of --matches are masked with these functions; rules still match the
 * original text.  --no-redact turns masking off: callers then skip it.
 *
 * lm_redact keeps what makes a line readable and replaces each secret value
 * with [REDACTED]:
 *   Authorization: Bearer abc.def      -> Authorization: Bearer [REDACTED]
 *   authorization=Basic dXNlcjpw        -> authorization=Basic [REDACTED]
 *   Bearer <8 or more token bytes>      -> Bearer [REDACTED]
 *   eyJhbGci.eyJzdWIi.sig (a JWT)       -> [REDACTED]
 *   password=x, "pwd":"x", secret: 'x'  -> password=[REDACTED], "pwd":"[REDACTED]", ...
 *     (keys ending in password, passwd, pwd, passphrase, secret, token,
 *     api_key, apikey, api-key, secret_key, private_key, secret_access_key,
 *     credentials or authorization, any case, followed by =, : or =>, with
 *     or without blanks, in plain, logfmt, JSON and escaped-JSON form; a
 *     quoted value is masked whole)
 *   --password x, --token x             -> --password [REDACTED], ...
 *   postgres://user:secret@host         -> postgres://user:[REDACTED]@host
 *   AKIAIOSFODNN7EXAMPLE                -> AKIA[REDACTED] (and ASIA...)
 * A key word without a separator ("password policy updated", "token
 * expired") and an eyJ word that is not three dot-separated segments are
 * left alone.  So is a word (letters only, fewer than 20, not mixed case)
 * where only a credential would do: unquoted after token or authorization
 * and : ("Token: expired", "Authorization: denied", "Authorization: Bearer
 * expired"), or after a bare Bearer ("bearer authentication required");
 * a token has digits, symbols, mixed case or length.  After = or in quotes
 * ("token=expired") the value is masked whatever it is.  The scan is one pass, linear in n, allocates nothing beyond
 * out, and copies every byte that is not a secret unchanged (any bytes).
 */
#ifndef LM_REDACT_H
#define LM_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/event.h"

#define LM_REDACTED "[REDACTED]"

/* Appends s (n bytes) to out with every secret value replaced by [REDACTED]. */
void lm_redact(struct lm_buf *out, const char *s, size_t n);
/* Whether a field named k (n bytes) holds a secret whatever its value looks
 * like: the name contains password, passwd, passphrase, secret, token,
 * api_key, apikey, api-key, private_key, credential or authorization, or
 * ends in pwd (any case). */
bool lm_redact_is_secret_name(const char *k, size_t n);
/* Copies src into dst (reset first), each value masked: [REDACTED] for a
 * secret-like name, lm_redact for the others, then cut at max bytes without
 * splitting a UTF-8 character.  The value of a secret-like field (6 bytes or
 * more) of context (NULL: src itself) is also masked where it shows in the
 * values: a JSON record's text, and so its captures, holds its values
 * without their keys.  scratch is reused between calls. */
void lm_redact_fields(struct lm_fields *dst, const struct lm_fields *src,
		      const struct lm_fields *context, size_t max, struct lm_buf *scratch);

#endif
