/*
 * kmsdns-publish -- publish this KMS host's _vlmcs._tcp SRV record in
 * every domain of its publish list with signed dynamic updates.
 * Options and report: kmsdns-publish(8).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_conv.h"
#include "pub_config.h"
#include "pub_report.h"
#include "pub_run.h"
#include "pub_session.h"

#define PROGRAM "kmsdns-publish"
/* configuration, key-file and credential errors (usage errors: 64) */
#define EXIT_CONFIG 2
#define MAX_FLAGS 1024

static const char usage_text[] =
"usage: kmsdns-publish [-c FILE] [--host FQDN] [--port 1688] [--ttl SECONDS]\n"
"                      [--domain DOMAIN[,PRIORITY,WEIGHT]]... [--domains-from FILE]\n"
"                      [--server ADDR[#PORT]]\n"
"                      [--resolver ADDR[#PORT]]\n"
"                      [--tsig-key FILE [--key-name NAME]] | [--gss [--keytab FILE]\n"
"                      [--principal NAME] [--server-principal NAME]] | [--no-auth]\n"
"                      [--withdraw] [--refresh] [--dry-run] [--json] [--jobs N]\n"
"                      [--timeout MS] [--register-address [--address ADDR]...]\n";

static const char help_text[] =
"Publish this KMS host's _vlmcs._tcp SRV record in every listed domain by\n"
"signed DNS UPDATE (RFC 2136), only changing what differs.\n"
"\n"
"  -c, --config FILE        read settings from FILE (flags override it)\n"
"      --host FQDN          SRV target (default: this machine's FQDN)\n"
"      --port PORT          KMS port in the SRV record (default 1688)\n"
"      --ttl SECONDS        TTL of the record (default 3600)\n"
"      --domain D[,P,W]     publish in D with priority P, weight W (repeat;\n"
"                           default: the host's parent domain)\n"
"      --domains-from FILE  the domains of a DnsDomainPublishList: reg query\n"
"                           output, a .reg export, or one entry per line\n"
"      --server ADDR[#PORT] send everything there instead of the SOA MNAME\n"
"      --resolver ADDR[#PORT]  find zones and primaries there (default: the\n"
"                           system resolver)\n"
"      --tsig-key FILE      sign with a tsig-keygen key (hmac-sha256 etc.)\n"
"      --key-name NAME      which key of FILE (needed when it holds several)\n"
"      --gss                sign with GSS-TSIG (Kerberos)\n"
"      --keytab FILE        client keytab for GSS-TSIG (no kinit needed)\n"
"      --principal NAME     client principal (default host/FQDN)\n"
"      --server-principal NAME  default DNS/<primary>@<realm>\n"
"      --no-auth            send unsigned updates\n"
"      --withdraw           remove our record from every domain\n"
"      --refresh            re-add an unchanged record (registry freshness)\n"
"      --dry-run            print the updates in nsupdate syntax, send none\n"
"      --json               print the report as JSON\n"
"      --jobs N             domains in parallel (default 8, at most 64)\n"
"      --timeout MS         per exchange with a server (default 5000)\n"
"      --register-address   also keep this host's A/AAAA where policy allows\n"
"      --address ADDR       the address to register (repeat; default: the\n"
"                           machine's global addresses)\n"
"  -h, --help               this text\n"
"  -V, --version            the version\n"
"\n"
"Exit status: 0 all domains succeeded, 1 some failed, 2 configuration,\n"
"key-file or credential error, 64 usage error.\n";

enum {
	OPT_HOST = 256, OPT_PORT, OPT_TTL, OPT_DOMAIN, OPT_SERVER,
	OPT_TSIG_KEY, OPT_KEY_NAME, OPT_GSS, OPT_KEYTAB, OPT_PRINCIPAL,
	OPT_SERVER_PRINCIPAL, OPT_NO_AUTH, OPT_WITHDRAW, OPT_REFRESH,
	OPT_DRY_RUN, OPT_JSON, OPT_JOBS, OPT_TIMEOUT, OPT_REGISTER_ADDRESS,
	OPT_ADDRESS, OPT_DOMAINS_FROM, OPT_RESOLVER,
};

static const struct option options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "domain", required_argument, NULL, OPT_DOMAIN },
	{ "server", required_argument, NULL, OPT_SERVER },
	{ "tsig-key", required_argument, NULL, OPT_TSIG_KEY },
	{ "key-name", required_argument, NULL, OPT_KEY_NAME },
	{ "gss", no_argument, NULL, OPT_GSS },
	{ "keytab", required_argument, NULL, OPT_KEYTAB },
	{ "principal", required_argument, NULL, OPT_PRINCIPAL },
	{ "server-principal", required_argument, NULL, OPT_SERVER_PRINCIPAL },
	{ "no-auth", no_argument, NULL, OPT_NO_AUTH },
	{ "withdraw", no_argument, NULL, OPT_WITHDRAW },
	{ "refresh", no_argument, NULL, OPT_REFRESH },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "register-address", no_argument, NULL, OPT_REGISTER_ADDRESS },
	{ "address", required_argument, NULL, OPT_ADDRESS },
	{ "resolver", required_argument, NULL, OPT_RESOLVER },
	{ "domains-from", required_argument, NULL, OPT_DOMAINS_FROM },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* A flag that maps to a config setting, applied after the file. */
typedef struct flag {
	const char *key;
	const char *value;
} flag;

static const char *
setting_of(int opt)
{
	switch (opt) {
	case OPT_HOST: return "host";
	case OPT_PORT: return "port";
	case OPT_TTL: return "ttl";
	case OPT_DOMAIN: return "domain";
	case OPT_SERVER: return "server";
	case OPT_TSIG_KEY: return "tsig-key";
	case OPT_KEY_NAME: return "key-name";
	case OPT_KEYTAB: return "keytab";
	case OPT_PRINCIPAL: return "principal";
	case OPT_SERVER_PRINCIPAL: return "server-principal";
	case OPT_JOBS: return "jobs";
	case OPT_TIMEOUT: return "timeout";
	case OPT_GSS: return "auth";
	case OPT_NO_AUTH: return "auth";
	case OPT_REGISTER_ADDRESS: return "register-address";
	case OPT_ADDRESS: return "address";
	case OPT_RESOLVER: return "resolver";
	case OPT_DOMAINS_FROM: return "domains-from";
	default: return NULL;
	}
}

/* The option of ID as the user wrote it ("--ttl"), for messages. */
static const char *
option_name(int id)
{
	for (const struct option *o = options; o->name != NULL; o++) {
		if (o->val == id) {
			return o->name;
		}
	}
	return "?";
}

/* The one-line usage error for the option getopt_long() just refused. */
static int
option_error(char **argv, int opt)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	char shown[CLI_QUOTE_MAX];

	if (opt == ':') {
		return cli_usage_error(stderr, PROGRAM,
			"option %s needs an argument",
			cli_quote_str(arg, shown, sizeof(shown)));
	}
	if (optopt != 0 && optopt != '?') {
		return cli_usage_error(stderr, PROGRAM, "unknown option %s",
			cli_short_option(optopt, shown, sizeof(shown)));
	}
	return cli_usage_error(stderr, PROGRAM, "unknown option %s",
		cli_quote_str(arg, shown, sizeof(shown)));
}

/* Parse the test-only clock offset from the environment into CFG. */
static int
read_clock_offset(pub_config *cfg)
{
	const char *text = getenv("KMSDNS_PUBLISH_CLOCK_OFFSET");
	char *end;

	if (text == NULL || text[0] == '\0') {
		return 0;
	}
	errno = 0;
	cfg->clock_offset = strtol(text, &end, 10);
	if (*end != '\0' || errno != 0) {
		char shown[CLI_QUOTE_MAX];

		fprintf(stderr, "kmsdns-publish: KMSDNS_PUBLISH_CLOCK_OFFSET "
			"%s is not a number of seconds\n",
			cli_quote_str(text, shown, sizeof(shown)));
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static flag flags[MAX_FLAGS];
	const char *config_path = NULL;
	size_t nflags = 0;
	pub_config cfg;
	pub_session *session = NULL;
	pub_result *results;
	kd_err err;
	unsigned char seen[OPT_RESOLVER + 1] = { 0 };
	int opt, status;

	pub_config_init(&cfg);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:hV", options, NULL)) != -1) {
		const char *key = setting_of(opt);

		if (opt >= 0 && opt < (int)sizeof(seen) && opt != OPT_DOMAIN &&
		    opt != OPT_ADDRESS && seen[opt]++ > 0) {
			pub_config_free(&cfg);
			return cli_usage_error(stderr, PROGRAM,
				"%s%s is given twice", opt == 'c' ? "-c/--" :
				"--", option_name(opt));
		}
		switch (opt) {
		case 'c':
			config_path = optarg;
			continue;
		case 'h':
			printf("%s\n%s", usage_text, help_text);
			pub_config_free(&cfg);
			return 0;
		case 'V':
			cli_version(stdout, PROGRAM);
			pub_config_free(&cfg);
			return 0;
		case OPT_WITHDRAW:
			cfg.withdraw = true;
			continue;
		case OPT_REFRESH:
			cfg.refresh = true;
			continue;
		case OPT_DRY_RUN:
			cfg.dry_run = true;
			continue;
		case OPT_JSON:
			cfg.json = true;
			continue;
		case '?':
		case ':':
			pub_config_free(&cfg);
			return option_error(argv, opt);
		default:
			break;
		}
		if (key == NULL || nflags == MAX_FLAGS) {
			pub_config_free(&cfg);
			return cli_usage_error(stderr, PROGRAM,
				"more than %d options", MAX_FLAGS);
		}
		flags[nflags].key = key;
		flags[nflags].value = opt == OPT_GSS ? "gss" :
			opt == OPT_NO_AUTH ? "none" :
			opt == OPT_REGISTER_ADDRESS ? "yes" :
			optarg;
		nflags++;
		if (opt == OPT_TSIG_KEY && nflags < MAX_FLAGS) {
			flags[nflags].key = "auth";
			flags[nflags].value = "tsig";
			nflags++;
		}
	}
	if (optind < argc) {
		char shown[CLI_QUOTE_MAX];

		pub_config_free(&cfg);
		return cli_usage_error(stderr, PROGRAM,
			"unexpected argument %s",
			cli_quote_str(argv[optind], shown, sizeof(shown)));
	}
	if (read_clock_offset(&cfg) != 0) {
		pub_config_free(&cfg);
		return EXIT_CONFIG;
	}
	if (config_path != NULL &&
	    pub_config_parse_file(&cfg, config_path, &err) != KD_OK) {
		goto config_error;
	}
	for (size_t i = 0; i < nflags; i++) {
		if (pub_config_set(&cfg, flags[i].key, flags[i].value, NULL, 0,
		    &err) != KD_OK) {
			goto config_error;
		}
	}
	if (pub_config_finish(&cfg, &err) != KD_OK ||
	    pub_config_default_host(&cfg, &err) != KD_OK ||
	    pub_config_default_domain(&cfg, &err) != KD_OK) {
		goto config_error;
	}
	if (!cfg.dry_run && pub_session_open(&cfg, &session, &err) != KD_OK) {
		goto config_error;
	}

	results = calloc(pub_run_result_count(&cfg), sizeof(*results));
	if (results == NULL) {
		fprintf(stderr, "kmsdns-publish: out of memory\n");
		pub_session_close(session, 0, NULL);
		pub_config_free(&cfg);
		return 1;
	}
	if (pub_run(&cfg, session, results, &err) != KD_OK) {
		cli_error_line(stderr, PROGRAM, err.text);
		status = 1;
	} else {
		if (cfg.json) {
			pub_report_json(stdout, &cfg, results,
				pub_run_result_count(&cfg), session != NULL ?
				pub_session_negotiations(session) : 0);
		} else {
			pub_report_text(stdout, &cfg, results,
				pub_run_result_count(&cfg));
		}
		status = pub_report_exit_status(results,
			pub_run_result_count(&cfg));
	}
	/* a failed TKEY delete leaves a key that expires within the hour */
	if (pub_session_close(session, cfg.timeout_ms, &err) != KD_OK) {
		cli_error_line(stderr, PROGRAM ": warning", err.text);
	}
	pub_results_free(results, pub_run_result_count(&cfg));
	free(results);
	pub_config_free(&cfg);
	return status;

config_error:
	cli_error_line(stderr, PROGRAM, err.text);
	pub_config_free(&cfg);
	return EXIT_CONFIG;
}
