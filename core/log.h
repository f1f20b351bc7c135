/*
 * log: logmedic's own messages on stderr ("logmedic: ...").
 *
 * Errors are reported once, where their context (file, line, column, the
 * instance name) is known; callers pass that context in the message.
 */
#ifndef LM_LOG_H
#define LM_LOG_H

void lm_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lm_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* What a long run went through (a rules reload, a Kafka rebalance). */
void lm_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
