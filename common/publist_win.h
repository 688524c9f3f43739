/*
 * publist_win.h -- a publish list as Windows gives it to an admin.
 *
 * A KMS host keeps its list in the registry value DnsDomainPublishList
 * (REG_MULTI_SZ) under HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\
 * SoftwareProtectionPlatform. Three forms are read, told apart by content:
 *
 *   - `reg query ... /v DnsDomainPublishList > file`: CRLF lines; key lines
 *     ("HKEY_...") are skipped; the value line
 *         DnsDomainPublishList    REG_MULTI_SZ    a.test,0,100\0b.test,10,50
 *     holds the entries separated by a literal "\0";
 *   - a .reg export (regedit, UTF-16LE with a byte-order mark, or REGEDIT4):
 *         "DnsDomainPublishList"=hex(7):61,00,2e,00,...,00,00,00,00
 *     with '\' continuation lines; the bytes are UTF-16LE (ANSI for
 *     REGEDIT4) strings, each ended by a NUL, the list by two;
 *   - one entry per line (publist.h), where a line may also be a pasted
 *     value with "\0" separators.
 *
 * Entries are "domain[,priority[,weight]]" as in publist.h; empty entries
 * are skipped. Errors name SOURCE:LINE (the line of the value), the entry
 * number within a value when it holds several, and the reason; bad bytes
 * are shown escaped. On error LIST is left as it was.
 */
#ifndef KMSDNS_PUBLIST_WIN_H
#define KMSDNS_PUBLIST_WIN_H

#include <stddef.h>
#include "kd_result.h"
#include "publist.h"

/* The registry value that holds a KMS host's publish list. */
#define PUBLIST_WIN_VALUE "DnsDomainPublishList"

/*
 * Parse LEN bytes of TEXT in any of the three forms, named SOURCE in
 * errors, appending to LIST; a domain already in LIST or listed twice is
 * KD_EEXIST. An empty list is KD_ENOENT ("SOURCE: no domain in it").
 */
kd_result publist_win_parse(const char *text, size_t len, const char *source,
	publist *list, kd_err *err);

/* Read the file PATH and parse it like publist_win_parse(). */
kd_result publist_win_parse_file(const char *path, publist *list,
	kd_err *err);

#endif /* KMSDNS_PUBLIST_WIN_H */
