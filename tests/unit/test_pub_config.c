/*
 * test_pub_config.c -- unit tests of nsupdate_tool/pub_config.c.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "pub_config.h"

static kd_result
parse(pub_config *cfg, const char *text, kd_err *err)
{
	return pub_config_parse_text(cfg, text, strlen(text), "publish.conf",
		err);
}

/* TEXT fails with CODE and exactly MESSAGE. */
static void
assert_parse_error(const char *text, kd_result code, const char *message)
{
	pub_config cfg;
	kd_err err;

	pub_config_init(&cfg);
	kd_err_clear(&err);
	assert_int_equal(parse(&cfg, text, &err), code);
	assert_string_equal(err.text, message);
	pub_config_free(&cfg);
}

static void
test_defaults(void **state)
{
	pub_config cfg;

	(void)state;
	pub_config_init(&cfg);
	assert_int_equal(cfg.port, 1688);
	assert_int_equal(cfg.ttl, 3600);
	assert_int_equal(cfg.jobs, 8);
	assert_int_equal(cfg.timeout_ms, 5000);
	assert_int_equal(cfg.auth, PUB_AUTH_UNSET);
	assert_false(cfg.has_server);
	assert_int_equal(cfg.domains.count, 0);
	pub_config_free(&cfg);
}

static void
test_full_file(void **state)
{
	const char *text =
		"# KMS host publishing\n"
		"host KMS1.Example.Test.\n"
		"port 1689   # non-default\n"
		"ttl 600\n"
		"\n"
		"domain example.test,0,100\n"
		"domain corp.example.test, 10, 50\n"
		"domain lab.example.test\n"
		"server 127.0.0.1#5353\n"
		"auth tsig\n"
		"tsig-key /etc/kmsdns/kms.key\n"
		"key-name kms-tsig.example.test.\n"
		"jobs 4\r\n"
		"timeout 1500\n";
	pub_config cfg;
	kd_err err;

	(void)state;
	pub_config_init(&cfg);
	assert_int_equal(parse(&cfg, text, &err), KD_OK);
	assert_string_equal(cfg.host, "kms1.example.test");
	assert_int_equal(cfg.port, 1689);
	assert_int_equal(cfg.ttl, 600);
	assert_int_equal(cfg.domains.count, 3);
	assert_string_equal(cfg.domains.entries[1].domain, "corp.example.test");
	assert_int_equal(cfg.domains.entries[1].priority, 10);
	assert_int_equal(cfg.domains.entries[1].weight, 50);
	assert_int_equal(cfg.domains.entries[1].line, 7);
	assert_int_equal(cfg.domains.entries[2].weight, 0);
	assert_true(cfg.has_server);
	assert_int_equal(cfg.server.port, 5353);
	assert_string_equal(cfg.server_text, "127.0.0.1#5353");
	assert_int_equal(cfg.auth, PUB_AUTH_TSIG);
	assert_string_equal(cfg.tsig_key, "/etc/kmsdns/kms.key");
	assert_string_equal(cfg.key_name, "kms-tsig.example.test");
	assert_int_equal(cfg.jobs, 4);
	assert_int_equal(cfg.timeout_ms, 1500);
	assert_int_equal(pub_config_finish(&cfg, &err), KD_OK);
	pub_config_free(&cfg);
}

static void
test_errors(void **state)
{
	(void)state;
	assert_parse_error("colour blue\n", KD_EINVAL,
		"publish.conf:1: unknown setting \"colour\"");
	assert_parse_error("\n\nport 0\n", KD_ERANGE,
		"publish.conf:3: port 0 is out of range 1-65535");
	assert_parse_error("port 1688x\n", KD_EINVAL,
		"publish.conf:1: port \"1688x\" is not a number");
	assert_parse_error("ttl -5\n", KD_EINVAL,
		"publish.conf:1: ttl \"-5\" is not a number");
	assert_parse_error("ttl 2147483648\n", KD_ERANGE,
		"publish.conf:1: ttl 2147483648 is out of range 0-2147483647");
	assert_parse_error("ttl 99999999999999999999999\n", KD_ERANGE,
		"publish.conf:1: ttl 99999999999999999999999 is out of range 0-2147483647");
	assert_parse_error("port 1\nport 2\n", KD_EEXIST,
		"publish.conf:2: port is already set on line 1");
	assert_parse_error("  ttl   \n", KD_ESYNTAX,
		"publish.conf:1: ttl has no value");
	assert_parse_error("domain a.test\ndomain A.test.,1,1\n", KD_EEXIST,
		"publish.conf:2: domain a.test is already listed on line 1");
	assert_parse_error("domain a.test,1,65536\n", KD_ERANGE,
		"publish.conf:1: weight 65536 is out of range 0-65535");
	assert_parse_error("auth kerberos\n", KD_EINVAL,
		"publish.conf:1: auth \"kerberos\" is not one of tsig, gss, none");
	assert_parse_error("server 1.2.3.4#99999\n", KD_EINVAL,
		"publish.conf:1: server \"1.2.3.4#99999\" has a port out of range 1-65535 (accepted forms: ADDR, ADDR#PORT, [V6]#PORT)");
	assert_parse_error("server kms.example.test\n", KD_EINVAL,
		"publish.conf:1: server \"kms.example.test\" is not an IP address (accepted forms: ADDR, ADDR#PORT, [V6]#PORT)");
	assert_parse_error("resolver 127.0.0.1:20053\n", KD_EINVAL,
		"publish.conf:1: resolver \"127.0.0.1:20053\" is not an IP address: a port follows '#', not ':' (accepted forms: ADDR, ADDR#PORT, [V6]#PORT)");
	/* a single label is not a host's name (SRV 0 0 1688 kms2.) */
	assert_parse_error("host kms2\n", KD_EINVAL,
		"publish.conf:1: host \"kms2\" is not a fully qualified name: give the host's FQDN");
	assert_parse_error("host kms2.\n", KD_EINVAL,
		"publish.conf:1: host \"kms2.\" is not a fully qualified name: give the host's FQDN");
	/* garbage is quoted escaped, never echoed raw */
	assert_parse_error("\xff\xfegarbage x\n", KD_EINVAL,
		"publish.conf:1: unknown setting \"\\xff\\xfegarbage\"");
	assert_parse_error("ttl \xff\"\n", KD_EINVAL,
		"publish.conf:1: ttl \"\\xff\\\"\" holds a byte that is not printable ASCII");
	assert_parse_error("port 1\x01\n", KD_ESYNTAX,
		"publish.conf:1: control byte \\x01 in the line");
	assert_parse_error("\x80\n", KD_ESYNTAX,
		"publish.conf:1: \"\\x80\" has no value");
	assert_parse_error("jobs 65\n", KD_ERANGE,
		"publish.conf:1: jobs 65 is out of range 1-64");
	assert_parse_error("timeout 0\n", KD_ERANGE,
		"publish.conf:1: timeout 0 is out of range 1-600000");
	assert_parse_error("host kms_1.example.test\n", KD_EINVAL,
		"publish.conf:1: \"kms_1.example.test\": label \"kms_1\" holds the character '_', not allowed in a host name");
}

static void
test_nul_byte(void **state)
{
	static const char text[] = "port 1688\nhost a\0b.test\n";
	pub_config cfg;
	kd_err err;

	(void)state;
	pub_config_init(&cfg);
	assert_int_equal(pub_config_parse_text(&cfg, text, sizeof(text) - 1,
		"p.conf", &err), KD_ESYNTAX);
	assert_string_equal(err.text, "p.conf:2: NUL byte in the line");
	pub_config_free(&cfg);
}

static void
test_flags_override(void **state)
{
	pub_config cfg;
	kd_err err;

	(void)state;
	pub_config_init(&cfg);
	assert_int_equal(parse(&cfg, "port 1689\ndomain a.test\n"
		"domain b.test\n", &err), KD_OK);
	/* flags override the file and may repeat */
	assert_int_equal(pub_config_set(&cfg, "port", "1700", NULL, 0, &err),
		KD_OK);
	assert_int_equal(pub_config_set(&cfg, "port", "1701", NULL, 0, &err),
		KD_OK);
	assert_int_equal(cfg.port, 1701);
	/* --domain replaces the file's list */
	assert_int_equal(pub_config_set(&cfg, "domain", "c.test,1,2", NULL, 0,
		&err), KD_OK);
	assert_int_equal(pub_config_set(&cfg, "domain", "d.test", NULL, 0,
		&err), KD_OK);
	assert_int_equal(cfg.domains.count, 2);
	assert_string_equal(cfg.domains.entries[0].domain, "c.test");
	assert_int_equal(pub_config_set(&cfg, "domain", "D.test", NULL, 0,
		&err), KD_EEXIST);
	assert_string_equal(err.text,
		"--domain D.test: domain d.test is given twice");
	assert_int_equal(pub_config_set(&cfg, "domain", "x..test", NULL, 0,
		&err), KD_EINVAL);
	assert_non_null(strstr(err.text, "--domain \"x..test\": "));
	assert_int_equal(pub_config_set(&cfg, "ttl", "abc", NULL, 0, &err),
		KD_EINVAL);
	assert_string_equal(err.text, "ttl \"abc\" is not a number");
	pub_config_free(&cfg);
}

static void
test_finish(void **state)
{
	pub_config cfg;
	kd_err err;

	(void)state;
	pub_config_init(&cfg);
	assert_int_equal(parse(&cfg, "domain a.test\n", &err), KD_OK);
	assert_int_equal(pub_config_finish(&cfg, &err), KD_EINVAL);
	assert_string_equal(err.text,
		"no authentication: give --tsig-key FILE, --gss or 'auth none'");
	cfg.dry_run = true;
	assert_int_equal(pub_config_finish(&cfg, &err), KD_OK);
	cfg.dry_run = false;
	/* a key file implies auth tsig */
	assert_int_equal(pub_config_set(&cfg, "tsig-key", "/k", NULL, 0, &err),
		KD_OK);
	assert_int_equal(pub_config_finish(&cfg, &err), KD_OK);
	assert_int_equal(cfg.auth, PUB_AUTH_TSIG);
	/* TSIG and GSS exclude each other */
	assert_int_equal(pub_config_set(&cfg, "auth", "gss", NULL, 0, &err),
		KD_OK);
	assert_int_equal(pub_config_finish(&cfg, &err), KD_EINVAL);
	assert_string_equal(err.text, "a TSIG key file needs auth tsig, not "
		"gss (--tsig-key and --gss exclude each other)");
	assert_int_equal(pub_config_set(&cfg, "auth", "tsig", NULL, 0, &err),
		KD_OK);
	/* Kerberos settings need gss */
	assert_int_equal(pub_config_set(&cfg, "keytab", "/kt", NULL, 0, &err),
		KD_OK);
	assert_int_equal(pub_config_finish(&cfg, &err), KD_EINVAL);
	assert_string_equal(err.text,
		"keytab, principal and server-principal need auth gss (--gss)");
	pub_config_free(&cfg);

	pub_config_init(&cfg);
	assert_int_equal(parse(&cfg, "domain a.test\nauth tsig\n", &err),
		KD_OK);
	assert_int_equal(pub_config_finish(&cfg, &err), KD_EINVAL);
	assert_string_equal(err.text,
		"auth tsig needs a key file: give --tsig-key FILE or a 'tsig-key' line");
	pub_config_free(&cfg);

	pub_config_init(&cfg);
	assert_int_equal(parse(&cfg, "domain a.test\nkeytab /kt\n"
		"principal host/k.example.test@EXAMPLE.TEST\n", &err), KD_OK);
	assert_int_equal(pub_config_finish(&cfg, &err), KD_OK);
	assert_int_equal(cfg.auth, PUB_AUTH_GSS);
	pub_config_free(&cfg);
}

/* domains-from: a Windows list, to which domain lines and --domain add */
static void
test_domains_from(void **state)
{
	pub_config cfg;
	kd_err err;

	(void)state;
	pub_config_init(&cfg);
	assert_int_equal(parse(&cfg, "domains-from " TEST_DATA_DIR
		"/publist-reg-query.txt\ndomain extra.test,5,5\nauth none\n",
		&err), KD_OK);
	assert_int_equal(pub_config_finish(&cfg, &err), KD_OK);
	assert_int_equal(cfg.domains.count, 3);
	assert_string_equal(cfg.domains.entries[0].domain, "extra.test");
	assert_string_equal(cfg.domains.entries[1].domain, "corp.example.test");
	assert_int_equal(cfg.domains.entries[2].weight, 50);
	pub_config_free(&cfg);
	/* the same domain in both: an error naming the file and line */
	pub_config_init(&cfg);
	assert_int_equal(parse(&cfg, "domains-from " TEST_DATA_DIR
		"/publist-export.reg\ndomain corp.example.test\nauth none\n",
		&err), KD_OK);
	assert_int_equal(pub_config_finish(&cfg, &err), KD_EEXIST);
	assert_string_equal(err.text, TEST_DATA_DIR "/publist-export.reg:4: "
		"entry 1: domain corp.example.test is already listed");
	pub_config_free(&cfg);
	/* a pasted REG_MULTI_SZ value in a domain line gets a hint */
	pub_config_init(&cfg);
	assert_parse_error("domain a.test,0,100\\0b.test,10,50\n", KD_ESYNTAX,
		"publish.conf:1: it holds \\0 separators (a DnsDomainPublishList "
		"value from reg query): put it in a file and give domains-from "
		"FILE (--domains-from FILE)");
	pub_config_free(&cfg);
}

/* No domain given: the host's parent domain, as Windows does. */
static void
test_default_domain(void **state)
{
	pub_config cfg;
	kd_err err;

	(void)state;
	pub_config_init(&cfg);
	assert_int_equal(parse(&cfg, "host kms1.corp.example.test\n"
		"auth none\n", &err), KD_OK);
	assert_int_equal(pub_config_finish(&cfg, &err), KD_OK);
	assert_int_equal(pub_config_default_domain(&cfg, &err), KD_OK);
	assert_true(cfg.default_domain);
	assert_int_equal(cfg.domains.count, 1);
	assert_string_equal(cfg.domains.entries[0].domain, "corp.example.test");
	assert_int_equal(cfg.domains.entries[0].priority, 0);
	pub_config_free(&cfg);
	/* a listed domain: no default */
	pub_config_init(&cfg);
	assert_int_equal(parse(&cfg, "host kms1.example.test\ndomain a.test\n",
		&err), KD_OK);
	assert_int_equal(pub_config_default_domain(&cfg, &err), KD_OK);
	assert_false(cfg.default_domain);
	assert_int_equal(cfg.domains.count, 1);
	pub_config_free(&cfg);
	/* never a top-level domain */
	pub_config_init(&cfg);
	assert_int_equal(parse(&cfg, "host kms1.test\n", &err), KD_OK);
	assert_int_equal(pub_config_default_domain(&cfg, &err), KD_EINVAL);
	assert_string_equal(err.text, "no domain to publish in, and the parent "
		"domain of kms1.test is a top-level domain: give --domain, a "
		"'domain' line or domains-from");
	pub_config_free(&cfg);
}

static void
test_file(void **state)
{
	char path[] = "/tmp/test_pub_config.XXXXXX";
	pub_config cfg;
	kd_err err;
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("domain a.test,1,2\nttl x\n", f);
	fclose(f);
	pub_config_init(&cfg);
	assert_int_equal(pub_config_parse_file(&cfg, path, &err), KD_EINVAL);
	{
		char expect[128];

		snprintf(expect, sizeof(expect),
			"%s:2: ttl \"x\" is not a number", path);
		assert_string_equal(err.text, expect);
	}
	pub_config_free(&cfg);
	unlink(path);
	pub_config_init(&cfg);
	assert_int_equal(pub_config_parse_file(&cfg, path, &err), KD_ENOENT);
	assert_non_null(strstr(err.text, path));
	pub_config_free(&cfg);
}

/* Every text setting takes 8-bit text into its own field, refuses empty
 * and too long text; the number settings store into theirs. */
static void
test_setting_fields(void **state)
{
	static const struct {
		const char *key;
		size_t offset, size;
	} texts[] = {
		{ "tsig-key", offsetof(pub_config, tsig_key), PUB_PATH_MAX },
		{ "keytab", offsetof(pub_config, keytab), PUB_PATH_MAX },
		{ "domains-from", offsetof(pub_config, domains_from),
			PUB_PATH_MAX },
		{ "principal", offsetof(pub_config, principal), 512 },
		{ "server-principal", offsetof(pub_config, server_principal),
			512 },
	};
	char value[PUB_PATH_MAX + 1];
	char message[128];
	pub_config cfg;
	kd_err err;

	(void)state;
	pub_config_init(&cfg);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		assert_int_equal(pub_config_set(&cfg, texts[i].key,
			"h\xc3\xa9llo", NULL, 0, &err), KD_OK);
		assert_string_equal((char *)&cfg + texts[i].offset,
			"h\xc3\xa9llo");
		assert_int_equal(pub_config_set(&cfg, texts[i].key, "", NULL, 0,
			&err), KD_EINVAL);
		snprintf(message, sizeof(message), "%s is empty", texts[i].key);
		assert_string_equal(err.text, message);
		memset(value, 'x', texts[i].size);
		value[texts[i].size] = '\0';
		assert_int_equal(pub_config_set(&cfg, texts[i].key, value, NULL,
			0, &err), KD_ERANGE);
		snprintf(message, sizeof(message),
			"%s is longer than %zu characters", texts[i].key,
			texts[i].size - 1);
		assert_string_equal(err.text, message);
		value[texts[i].size - 1] = '\0';
		assert_int_equal(pub_config_set(&cfg, texts[i].key, value, NULL,
			0, &err), KD_OK);
	}
	assert_int_equal(pub_config_set(&cfg, "key-name", "h\xc3\xa9llo", NULL,
		0, &err), KD_EINVAL);
	assert_string_equal(err.text, "key-name \"h\\xc3\\xa9llo\" holds a "
		"byte that is not printable ASCII");
	assert_int_equal(pub_config_set(&cfg, "port", "53", NULL, 0, &err),
		KD_OK);
	assert_int_equal(pub_config_set(&cfg, "ttl", "0", NULL, 0, &err),
		KD_OK);
	assert_int_equal(pub_config_set(&cfg, "jobs", "64", NULL, 0, &err),
		KD_OK);
	assert_int_equal(pub_config_set(&cfg, "timeout", "600000", NULL, 0,
		&err), KD_OK);
	assert_int_equal(cfg.port, 53);
	assert_int_equal(cfg.ttl, 0);
	assert_int_equal(cfg.jobs, 64);
	assert_int_equal(cfg.timeout_ms, 600000);
	pub_config_free(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_flags_override),
		cmocka_unit_test(test_finish),
		cmocka_unit_test(test_domains_from),
		cmocka_unit_test(test_default_domain),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_setting_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
