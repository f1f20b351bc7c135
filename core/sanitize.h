/*
 * sanitize: log text made safe for the medium it is shown in.
 *
 * Log lines carry whatever a program (or an attacker) wrote: escape sequences
 * that would rewrite a terminal, NUL bytes, invalid UTF-8, bidirectional
 * overrides that make text read other than it is.  Terminal text gets every
 * control character (C0, DEL, C1) and every invalid byte as a visible \xHH,
 * and invisible format characters (U+200B-U+200F, U+202A-U+202E,
 * U+2066-U+2069, U+FEFF) as \uHHHH; HTML text gets the same, and & < > " '
 * as character references, so it is safe in element content and in quoted
 * attribute values alike; JSON text gets invalid bytes replaced by U+FFFD
 * (the JSON encoder escapes control characters itself).
 */
#ifndef LM_SANITIZE_H
#define LM_SANITIZE_H

#include <stddef.h>

#include "core/buf.h"

void lm_sanitize_terminal(struct lm_buf *out, const char *s, size_t n);
void lm_sanitize_html(struct lm_buf *out, const char *s, size_t n);
/* Where to cut s (n bytes) to at most max bytes without splitting a UTF-8
 * character. */
size_t lm_utf8_cut(const char *s, size_t n, size_t max);
void lm_sanitize_utf8(struct lm_buf *out, const char *s, size_t n);

#endif
