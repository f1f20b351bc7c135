/*
 * log: messages on stderr.  See log.h.
 */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>

static void vlog(const char *kind, const char *fmt, va_list ap)
{
	fputs("logmedic: ", stderr);
	if (kind)
		fputs(kind, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void lm_log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(NULL, fmt, ap);
	va_end(ap);
}

void lm_log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void lm_log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(NULL, fmt, ap);
	va_end(ap);
}
