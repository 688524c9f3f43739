/*
 * kd_result.c -- the error text of every kd_result code.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "kd_result.h"

const char *
kd_strerror(kd_result code)
{
	switch (code) {
	case KD_OK:
		return "success";
	case KD_ENOMEM:
		return "out of memory";
	case KD_EINVAL:
		return "invalid argument or input";
	case KD_ERANGE:
		return "number out of range";
	case KD_ESYNTAX:
		return "syntax error";
	case KD_ENOENT:
		return "no such item";
	case KD_EEXIST:
		return "item already exists";
	case KD_EIO:
		return "read or write failed";
	case KD_ETIMEOUT:
		return "no answer in time";
	case KD_ENET:
		return "network error";
	case KD_ESTORE:
		return "the registry store failed";
	case KD_ESCHEMA:
		return "the registry has an unknown schema version";
	case KD_EPERM:
		return "not allowed";
	case KD_ESERVFAIL:
		return "DNS server failure (SERVFAIL)";
	case KD_ENXDOMAIN:
		return "DNS name does not exist (NXDOMAIN)";
	case KD_ENODATA:
		return "DNS name has no records of that type (NODATA)";
	case KD_EREFUSED:
		return "DNS request refused (REFUSED)";
	case KD_ENOTAUTH:
		return "DNS server not authoritative or not authorized (NOTAUTH)";
	case KD_ENOTZONE:
		return "DNS name not in the zone (NOTZONE)";
	case KD_EBADSIG:
		return "TSIG signature failed to verify (BADSIG)";
	case KD_EBADKEY:
		return "TSIG key not recognized (BADKEY)";
	case KD_EBADTIME:
		return "TSIG signature out of time window (BADTIME)";
	case KD_EDNS:
		return "DNS error";
	case KD_EGSS:
		return "GSS-API or Kerberos error";
	case KD_EFULL:
		return "buffer or table is full";
	}
	return "unknown error";
}

kd_result
kd_err_set(kd_err *err, kd_result code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL) {
		return code;
	}
	va_start(ap, fmt);
	/* Truncation is acceptable: the message is for humans. */
	(void)vsnprintf(err->text, sizeof(err->text), fmt, ap);
	va_end(ap);
	return code;
}

void
kd_err_clear(kd_err *err)
{
	if (err != NULL) {
		err->text[0] = '\0';
	}
}
