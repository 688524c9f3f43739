/*
 * fuzz_rdata.c -- libFuzzer target for the update-path parsers of the DLZ
 * module: rdata_parse() and rdata_type_parse() (dlz_module/rdata.c), and
 * the signer handling and decisions of dlz_module/grants.c.
 *
 * The input is taken as one C string and tried as a record, as a type, and
 * as a signer. Properties that must hold for every accepted input abort, so
 * the fuzzer reports them like a crash.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dname.h"
#include "grants.h"
#include "kd_result.h"
#include "rdata.h"
#include "registry.h"
#include "srv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
require(bool condition)
{
	if (!condition)
		abort();
}

/* Write REC's data back as master-file text; false for OTHER. */
static bool
format_data(const rdata_record *rec, char *out, size_t outlen)
{
	switch (rec->type) {
	case RDATA_TYPE_SRV:
		return srv_format_rdata(&rec->data.srv, out, outlen) == KD_OK;
	case RDATA_TYPE_A:
	case RDATA_TYPE_AAAA:
		(void)snprintf(out, outlen, "%s", rec->data.address);
		return true;
	case RDATA_TYPE_SOA:
		(void)snprintf(out, outlen, "%s. %s. %u %u %u %u %u",
			rec->data.soa.mname, rec->data.soa.rname,
			(unsigned)rec->data.soa.serial,
			(unsigned)rec->data.soa.refresh,
			(unsigned)rec->data.soa.retry,
			(unsigned)rec->data.soa.expire,
			(unsigned)rec->data.soa.minimum);
		return true;
	case RDATA_TYPE_NS:
		(void)snprintf(out, outlen, "%s.", rec->data.ns);
		return true;
	case RDATA_TYPE_ANY:
	case RDATA_TYPE_OTHER:
		break;
	}
	return false;
}

/* An accepted record is canonical and parses again to the same values. */
static void
fuzz_record(const char *text)
{
	static rdata_record rec;
	static rdata_record again;
	char canonical[DNAME_BUF_SIZE];
	char data[2 * DNAME_BUF_SIZE + 80];
	char line[sizeof(data) + DNAME_BUF_SIZE + 64];
	kd_err err;

	if (rdata_parse(text, &rec, &err) != KD_OK) {
		require(strncmp(err.text, "record \"", 8) == 0);
		require(strlen(err.text) < sizeof(err.text) - 1 ||
			strchr(err.text, '\n') == NULL);
		require(strchr(err.text, '\t') == NULL);
		return;
	}
	require(rec.type != RDATA_TYPE_ANY);
	require(dname_normalize(rec.owner, DNAME_OWNER, canonical,
		sizeof(canonical), NULL) == KD_OK);
	require(strcmp(canonical, rec.owner) == 0);
	require(rec.ttl <= UINT32_C(2147483647));
	if (rec.type == RDATA_TYPE_SRV)
		require(rec.data.srv.ttl == rec.ttl);

	if (!format_data(&rec, data, sizeof(data)))
		return;
	(void)snprintf(line, sizeof(line), "%s.\t%u\tIN\t%s\t%s\n", rec.owner,
		(unsigned)rec.ttl, rec.type_text, data);
	require(rdata_parse(line, &again, &err) == KD_OK);
	require(memcmp(&rec, &again, sizeof(rec)) == 0);
}

static void
fuzz_type(const char *text)
{
	rdata_type type;

	if (rdata_type_parse(text, &type, NULL) != KD_OK)
		return;
	require(strlen(text) > 0 && strlen(text) < RDATA_TYPE_TEXT_MAX);
	(void)rdata_type_name(type);
}

/* Signers: unescape, classify, find the host, and decide. */
static void
fuzz_signer(const char *text)
{
	static const registry_grant grants[] = {
		{ "host/kms1.example.test@EXAMPLE.TEST", "example.test",
			REGISTRY_SCOPE_SELF },
		{ "*@EXAMPLE.TEST", "example.test", REGISTRY_SCOPE_SELF },
		{ "kms-tsig.example.test", "example.test", REGISTRY_SCOPE_ANY },
	};
	char signer[REGISTRY_IDENTITY_MAX];
	char identity[REGISTRY_IDENTITY_MAX];
	char host[DNAME_BUF_SIZE];
	grants_identity_kind kind;
	grants_decision decision;

	if (grants_signer_unescape(text, signer, sizeof(signer), NULL) !=
	    KD_OK)
		return;
	require(strlen(signer) < sizeof(signer));

	if (grants_identity_parse(signer, &kind, identity, sizeof(identity),
	    NULL) == KD_OK) {
		grants_identity_kind again;
		char twice[REGISTRY_IDENTITY_MAX];

		/* The canonical form is a fixed point. */
		require(grants_identity_parse(identity, &again, twice,
			sizeof(twice), NULL) == KD_OK);
		require(again == kind);
		require(strcmp(twice, identity) == 0);
	}
	if (grants_signer_host(signer, host, sizeof(host), NULL) == KD_OK)
		require(dname_validate(host, DNAME_HOST, NULL) == KD_OK);

	const char *owners[] = { "_vlmcs._tcp.example.test", text, host };
	for (size_t i = 0; i < 3; i++) {
		if (i == 2 && grants_signer_host(signer, host, sizeof(host),
		    NULL) != KD_OK)
			break;
		if (grants_decide(grants, 3, "example.test", signer,
		    owners[i], "SRV", &decision)) {
			require(decision.reason[0] == '\0');
			require(decision.scope == REGISTRY_SCOPE_ANY ||
				decision.host[0] != '\0');
		} else {
			require(decision.reason[0] != '\0');
		}
		(void)grants_decide(grants, 3, "example.test", signer,
			owners[i], text, &decision);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	fuzz_record(text);
	fuzz_type(text);
	fuzz_signer(text);

	free(text);
	return 0;
}
