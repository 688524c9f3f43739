/*
 * pub_krb5.c -- Kerberos login from a keytab, with the KDC's reason.
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <krb5.h>

#include "pub_krb5.h"

/* Principals tried without --principal, at most. */
#define CANDIDATES_MAX 2

/* Append "WHO: WHY" to the reasons in BUF (LEN bytes), "; " between. */
static void
add_reason(char *buf, size_t len, const char *who, const char *why)
{
	size_t used = strlen(buf);

	/* a cut list still ends in NUL: the check only quiets the warning */
	if (snprintf(buf + used, len - used, "%s%s: %s", used > 0 ? "; " : "",
	    who, why) < 0) {
		buf[used] = '\0';
	}
}

/* The Kerberos message of CODE into BUF. */
static const char *
krb5_text(krb5_context kctx, krb5_error_code code, char *buf, size_t len)
{
	const char *msg = krb5_get_error_message(kctx, code);

	snprintf(buf, len, "%s", msg);
	krb5_free_error_message(kctx, msg);
	return buf;
}

/*
 * The principal of KEYTAB whose name without realm is NAME (no case for
 * the "SHORTNAME$" form: AD writes it upper case), as "NAME@REALM" in
 * OUT; false when the keytab has none.
 */
static bool
keytab_find(krb5_context kctx, krb5_keytab kt, const char *name,
	char *out, size_t len)
{
	krb5_kt_cursor cursor;
	krb5_keytab_entry entry;
	bool found = false;

	if (krb5_kt_start_seq_get(kctx, kt, &cursor) != 0) {
		return false;
	}
	while (!found && krb5_kt_next_entry(kctx, kt, &entry, &cursor) == 0) {
		char *text = NULL;

		if (krb5_unparse_name(kctx, entry.principal, &text) == 0) {
			const char *at = strrchr(text, '@');
			size_t n = at != NULL ? (size_t)(at - text) :
				strlen(text);

			if (n == strlen(name) && strncasecmp(text, name, n) == 0) {
				snprintf(out, len, "%s", text);
				found = true;
			}
			krb5_free_unparsed_name(kctx, text);
		}
		krb5_free_keytab_entry_contents(kctx, &entry);
	}
	krb5_kt_end_seq_get(kctx, kt, &cursor);
	return found;
}

/* Get a TGT for PRINCIPAL from KT into CC; the KDC's reason in WHY. */
static krb5_error_code
login_as(krb5_context kctx, krb5_keytab kt, krb5_ccache cc,
	const char *principal, char *why, size_t len)
{
	krb5_principal client = NULL;
	krb5_get_init_creds_opt *opts = NULL;
	krb5_creds creds;
	krb5_error_code code;

	memset(&creds, 0, sizeof(creds));
	code = krb5_parse_name(kctx, principal, &client);
	if (code == 0) {
		code = krb5_get_init_creds_opt_alloc(kctx, &opts);
	}
	if (code == 0) {
		code = krb5_get_init_creds_keytab(kctx, &creds, client, kt, 0,
			NULL, opts);
	}
	if (code == 0) {
		code = krb5_cc_initialize(kctx, cc, client);
	}
	if (code == 0) {
		code = krb5_cc_store_cred(kctx, cc, &creds);
	}
	if (code != 0) {
		krb5_text(kctx, code, why, len);
	}
	krb5_free_cred_contents(kctx, &creds);
	krb5_get_init_creds_opt_free(kctx, opts);
	krb5_free_principal(kctx, client);
	return code;
}

kd_result
pub_krb5_login(const char *keytab, const char *principal, const char *host,
	const char *ccache, char *chosen, size_t len, kd_err *err)
{
	char names[CANDIDATES_MAX][512], found[512], why[256];
	char reasons[KD_ERR_TEXT_MAX] = "";
	krb5_context kctx = NULL;
	krb5_keytab kt = NULL;
	krb5_ccache cc = NULL;
	krb5_error_code code;
	size_t count = 0, dot;
	kd_result ret = KD_EGSS;

	code = krb5_init_context(&kctx);
	if (code != 0) {
		return kd_err_set(err, KD_EGSS, "cannot start Kerberos (error %d)",
			(int)code);
	}
	code = krb5_kt_resolve(kctx, keytab, &kt);
	if (code == 0) {
		code = krb5_cc_resolve(kctx, ccache, &cc);
	}
	if (code != 0) {
		kd_err_set(err, KD_EGSS, "keytab %s: %s", keytab,
			krb5_text(kctx, code, why, sizeof(why)));
		goto out;
	}
	if (principal != NULL && principal[0] != '\0') {
		snprintf(names[count++], sizeof(names[0]), "%s", principal);
	} else {
		/* host/FQDN, then the AD machine account SHORTNAME$ */
		snprintf(names[count++], sizeof(names[0]), "host/%s", host);
		dot = strcspn(host, ".");
		snprintf(names[count], sizeof(names[0]), "%.*s$", (int)dot,
			host);
		for (char *c = names[count]; *c != '\0'; c++) {
			*c = (char)toupper((unsigned char)*c);
		}
		count++;
	}
	for (size_t i = 0; i < count && ret != KD_OK; i++) {
		const char *name = names[i];

		/* an explicit principal is used as given (its realm or the
		 * default one); a candidate only when the keytab holds it */
		if (principal == NULL || principal[0] == '\0') {
			if (!keytab_find(kctx, kt, names[i], found,
			    sizeof(found))) {
				add_reason(reasons, sizeof(reasons), names[i],
					"not in the keytab");
				continue;
			}
			name = found;
		}
		code = login_as(kctx, kt, cc, name, why, sizeof(why));
		if (code != 0) {
			add_reason(reasons, sizeof(reasons), name, why);
			continue;
		}
		snprintf(chosen, len, "%s", name);
		ret = KD_OK;
	}
	if (ret != KD_OK) {
		kd_err_set(err, KD_EGSS, "no Kerberos login from keytab %s (%s)",
			keytab, reasons);
	}
out:
	if (cc != NULL) {
		krb5_cc_close(kctx, cc);
	}
	if (kt != NULL) {
		krb5_kt_close(kctx, kt);
	}
	krb5_free_context(kctx);
	return ret;
}
