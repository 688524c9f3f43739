/*
 * check_options.c -- kmsdns-check's command line.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check_options.h"
#include "cli_conv.h"
#include "resolv_conf.h"
#include "srv.h"
#include "text.h"

static const char usage_text[] =
"usage: kmsdns-check [SUFFIX OPTIONS] [--server ADDR[#PORT]] [--service NAME]\n"
"                    [--no-probe | --no-rpc] [--authoritative] [--ns-port PORT]\n"
"                    [--expect FQDN]... [--timeout MS]\n"
"                    [--format text|json|nagios|prometheus | --json]\n"
"Predict how Windows KMS clients discover KMS hosts through _vlmcs._tcp SRV\n"
"records, and find what breaks them.\n"
"\n"
"Suffix list (one of; default: the system resolv.conf):\n"
"  --suffix S                 check suffix S (repeat, in the client's order)\n"
"  --primary-suffix S         Windows: the primary DNS suffix\n"
"  --search S1,S2,...         Windows: the DNS suffix search list (used alone)\n"
"  --connection-suffix S      Windows: a connection-specific suffix (repeat)\n"
"  --devolution N             Windows: devolve the primary suffix down to N\n"
"                             labels (default 2, 0 = off); undocumented for\n"
"                             KMS: records found only so are a warning\n"
"  --resolv-conf FILE         the search/domain list of a resolv.conf\n"
"Queries and checks:\n"
"  --server ADDR[#PORT]       DNS server to ask (default: first nameserver of\n"
"                             the resolv.conf)\n"
"  --service NAME             service owner label (default _vlmcs._tcp)\n"
"  --no-probe                 do not contact the KMS hosts\n"
"  --no-rpc                   probe with a TCP connect only, without the\n"
"                             DCE/RPC bind to the KMS interface\n"
"  --authoritative            also ask every authoritative server of each zone\n"
"  --ns-port PORT             port of the authoritative servers (default 53)\n"
"  --expect FQDN              an authorised KMS host (repeat); others are rogue\n"
"  --timeout MS               per query and per probe (default 2000); the run\n"
"                             ends after MS x (8 + suffixes), x (24 +\n"
"                             suffixes) with --authoritative\n"
"  --format F                 text (default), json (one document), nagios (a\n"
"                             Nagios/Icinga plugin: status line, perfdata,\n"
"                             exit 0-3) or prometheus (textfile-collector\n"
"                             metrics)\n"
"  --json                     the same as --format json\n"
"  -h, --help                 print this help\n"
"  -V, --version              print the version\n"
"Exit status: 0 clients activate and nothing is wrong, 1 problems found,\n"
"2 a client in scope would fail (or the run's deadline was reached),\n"
"64 usage error (3 with --format nagios). See kmsdns-check(1).\n";

const char *
check_options_usage(void)
{
	return usage_text;
}

/* The options that take a value, and whether they may repeat. */
typedef enum option_id {
	OPT_SUFFIX, OPT_PRIMARY, OPT_SEARCH, OPT_CONNECTION, OPT_DEVOLUTION,
	OPT_RESOLV_CONF, OPT_SERVER, OPT_SERVICE, OPT_NO_PROBE, OPT_NO_RPC,
	OPT_AUTHORITATIVE, OPT_NS_PORT, OPT_EXPECT, OPT_TIMEOUT, OPT_JSON,
	OPT_FORMAT,
	OPT_HELP,
	OPT_VERSION,
} option_id;

typedef struct option_spec {
	const char *name;
	option_id id;
	bool takes_value;
	check_suffix_mode mode;    /* the suffix list it selects; SYSTEM:
	                              none */
} option_spec;

static const option_spec option_table[] = {
	{ "--suffix", OPT_SUFFIX, true, CHECK_SUFFIX_EXPLICIT },
	{ "--primary-suffix", OPT_PRIMARY, true, CHECK_SUFFIX_WINDOWS },
	{ "--search", OPT_SEARCH, true, CHECK_SUFFIX_WINDOWS },
	{ "--connection-suffix", OPT_CONNECTION, true, CHECK_SUFFIX_WINDOWS },
	{ "--devolution", OPT_DEVOLUTION, true, CHECK_SUFFIX_WINDOWS },
	{ "--resolv-conf", OPT_RESOLV_CONF, true, CHECK_SUFFIX_RESOLV_CONF },
	{ "--server", OPT_SERVER, true, CHECK_SUFFIX_SYSTEM },
	{ "--service", OPT_SERVICE, true, CHECK_SUFFIX_SYSTEM },
	{ "--no-probe", OPT_NO_PROBE, false, CHECK_SUFFIX_SYSTEM },
	{ "--no-rpc", OPT_NO_RPC, false, CHECK_SUFFIX_SYSTEM },
	{ "--authoritative", OPT_AUTHORITATIVE, false, CHECK_SUFFIX_SYSTEM },
	{ "--ns-port", OPT_NS_PORT, true, CHECK_SUFFIX_SYSTEM },
	{ "--expect", OPT_EXPECT, true, CHECK_SUFFIX_SYSTEM },
	{ "--timeout", OPT_TIMEOUT, true, CHECK_SUFFIX_SYSTEM },
	{ "--json", OPT_JSON, false, CHECK_SUFFIX_SYSTEM },
	{ "--format", OPT_FORMAT, true, CHECK_SUFFIX_SYSTEM },
	{ "--help", OPT_HELP, false, CHECK_SUFFIX_SYSTEM },
	{ "-h", OPT_HELP, false, CHECK_SUFFIX_SYSTEM },
	{ "--version", OPT_VERSION, false, CHECK_SUFFIX_SYSTEM },
	{ "-V", OPT_VERSION, false, CHECK_SUFFIX_SYSTEM },
};

/* The spec whose name ARG starts with, followed by '\0' or '='. */
static const option_spec *
find_option(const char *arg, const char **inline_value)
{
	for (size_t i = 0; i < sizeof(option_table) / sizeof(option_table[0]);
		i++) {
		size_t len = strlen(option_table[i].name);

		if (strncmp(arg, option_table[i].name, len) != 0) {
			continue;
		}
		if (arg[len] == '\0') {
			*inline_value = NULL;
			return &option_table[i];
		}
		if (arg[len] == '=') {
			*inline_value = arg + len + 1;
			return &option_table[i];
		}
	}
	return NULL;
}

/* Parse a decimal number of OPTION in [MIN, MAX]. */
static kd_result
parse_number(const char *option, const char *text, unsigned long min,
	unsigned long max, unsigned long *out, kd_err *err)
{
	uint64_t value;
	const kd_result ret = kd_parse_uint(text, KD_TEXT_NUL, min, max, option,
		&value, NULL);

	if (ret == KD_ERANGE) {
		return kd_err_set(err, KD_EINVAL, "%s: %.40s is out of range "
			"%lu-%lu", option, text, min, max);
	}
	if (ret != KD_OK) {
		return kd_err_set(err, KD_EINVAL, "%s: \"%.40s\" is not a "
			"number", option, text);
	}
	*out = (unsigned long)value;
	return KD_OK;
}

/* Record that OPTION selects suffix mode MODE; mixing modes is an error. */
static kd_result
set_mode(check_options *opts, check_suffix_mode mode, const char *option,
	kd_err *err)
{
	static const char *const mode_names[] = {
		"", "--suffix", "the Windows options (--primary-suffix, "
		"--search, --connection-suffix, --devolution)", "--resolv-conf",
	};

	if (opts->mode != CHECK_SUFFIX_SYSTEM && opts->mode != mode) {
		return kd_err_set(err, KD_EINVAL, "%s cannot be combined with "
			"%s", option, mode_names[opts->mode]);
	}
	opts->mode = mode;
	return KD_OK;
}

/* VALUE of OPTION, which may be given once, into *SLOT. */
static kd_result
set_once(const char **slot, const char *value, const char *option,
	kd_err *err)
{
	if (*slot != NULL) {
		return kd_err_set(err, KD_EINVAL, "%s given twice", option);
	}
	*slot = value;
	return KD_OK;
}

static const char *const format_names[] = {
	[CHECK_FORMAT_TEXT] = "text",
	[CHECK_FORMAT_JSON] = "json",
	[CHECK_FORMAT_NAGIOS] = "nagios",
	[CHECK_FORMAT_PROMETHEUS] = "prometheus",
};

/* The format NAME names into *FORMAT; false when it names none. */
static bool
format_named(const char *name, check_format *format)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]);
		i++) {
		if (strcmp(name, format_names[i]) == 0) {
			*format = (check_format)i;
			return true;
		}
	}
	return false;
}

check_format
check_options_scan_format(int argc, char *const *argv)
{
	check_format format = CHECK_FORMAT_TEXT;

	for (int i = 1; i < argc; i++) {
		const char *value = NULL;
		const option_spec *spec = find_option(argv[i], &value);

		if (spec == NULL || (spec->id != OPT_FORMAT &&
			spec->id != OPT_JSON)) {
			continue;
		}
		if (spec->id == OPT_JSON) {
			format = CHECK_FORMAT_JSON;
		} else if (value == NULL && i + 1 < argc) {
			value = argv[++i];
		}
		if (value != NULL) {
			(void)format_named(value, &format);
		}
	}
	return format;
}

static kd_result
apply_option(check_options *opts, const option_spec *spec, const char *value,
	bool *devolution_set, kd_err *err)
{
	unsigned long number;
	kd_err reason;
	kd_result ret = KD_OK;

	if (spec->mode != CHECK_SUFFIX_SYSTEM) {
		ret = set_mode(opts, spec->mode, spec->name, err);
		if (ret != KD_OK) {
			return ret;
		}
	}
	switch (spec->id) {
	case OPT_SUFFIX:
		opts->suffixes[opts->suffix_count++] = value;
		break;
	case OPT_PRIMARY:
		return set_once(&opts->primary, value, spec->name, err);
	case OPT_SEARCH:
		return set_once(&opts->search, value, spec->name, err);
	case OPT_CONNECTION:
		opts->connections[opts->connection_count++] = value;
		break;
	case OPT_DEVOLUTION:
		ret = parse_number(spec->name, value, 0, SUFFIX_DEVOLUTION_MAX,
			&number, err);
		if (ret != KD_OK) {
			break;
		}
		if (number == 1) {
			return kd_err_set(err, KD_EINVAL, "%s: 1 would query a "
				"top-level domain; use 0 (off) or 2-%d",
				spec->name, SUFFIX_DEVOLUTION_MAX);
		}
		opts->devolution = (unsigned)number;
		*devolution_set = true;
		break;
	case OPT_RESOLV_CONF:
		return set_once(&opts->resolv_conf, value, spec->name, err);
	case OPT_SERVER:
		if (opts->server_set) {
			return kd_err_set(err, KD_EINVAL, "%s given twice",
				spec->name);
		}
		if (endpoint_parse(value, 53, &opts->server, &reason) != KD_OK) {
			return kd_err_set(err, KD_EINVAL, "%s: %s", spec->name,
				reason.text);
		}
		opts->server_set = true;
		break;
	case OPT_SERVICE:
		if (dname_normalize(value, DNAME_OWNER, opts->service,
			sizeof(opts->service), &reason) != KD_OK) {
			return kd_err_set(err, KD_EINVAL, "%s: %s", spec->name,
				reason.text);
		}
		break;
	case OPT_NO_PROBE:
		opts->probe = false;
		break;
	case OPT_NO_RPC:
		opts->rpc = false;
		break;
	case OPT_AUTHORITATIVE:
		opts->authoritative = true;
		break;
	case OPT_NS_PORT:
		ret = parse_number(spec->name, value, 1, 65535, &number, err);
		if (ret == KD_OK) {
			opts->ns_port = (uint16_t)number;
		}
		break;
	case OPT_EXPECT:
		if (dname_normalize(value, DNAME_HOST,
			opts->expect[opts->expect_count], DNAME_BUF_SIZE,
			&reason) != KD_OK) {
			return kd_err_set(err, KD_EINVAL, "%s: %s", spec->name,
				reason.text);
		}
		/* SRV targets are FQDNs: a bare label can never match one */
		if (dname_label_count(opts->expect[opts->expect_count]) < 2) {
			return kd_err_set(err, KD_EINVAL, "%s: \"%.60s\" is not "
				"a fully qualified host name (e.g. kms1.example."
				"test)", spec->name, value);
		}
		opts->expect_count++;
		break;
	case OPT_TIMEOUT:
		ret = parse_number(spec->name, value, 1, CHECK_TIMEOUT_MAX_MS,
			&number, err);
		if (ret == KD_OK) {
			opts->timeout_ms = (unsigned)number;
		}
		break;
	case OPT_JSON:
		opts->format = CHECK_FORMAT_JSON;
		break;
	case OPT_FORMAT:
		if (!format_named(value, &opts->format)) {
			return kd_err_set(err, KD_EINVAL, "%s: \"%.40s\" is not "
				"text, json, nagios or prometheus", spec->name,
				value);
		}
		break;
	case OPT_HELP:
		opts->help = true;
		break;
	case OPT_VERSION:
		opts->version = true;
		break;
	}
	return ret;
}

/*
 * The value of SPEC, found at ARGV[*I] with *VALUE after its '=' (or
 * NULL): that one, or the next argument (then *I moves on to it).
 */
static kd_result
option_value(const option_spec *spec, int argc, char *const *argv, int *i,
	const char **value, kd_err *err)
{
	if (!spec->takes_value && *value != NULL) {
		return kd_err_set(err, KD_EINVAL, "%s takes no value",
			spec->name);
	}
	if (!spec->takes_value || *value != NULL) {
		return KD_OK;
	}
	if (*i + 1 >= argc) {
		return kd_err_set(err, KD_EINVAL, "%s needs a value",
			spec->name);
	}
	/* no value of ours starts with "--": a forgotten one */
	if (strncmp(argv[*i + 1], "--", 2) == 0) {
		return kd_err_set(err, KD_EINVAL, "%s needs a value, not the "
			"option \"%.60s\"", spec->name, argv[*i + 1]);
	}
	*value = argv[++*i];
	return KD_OK;
}

kd_result
check_options_parse(int argc, char *const *argv, check_options *opts,
	kd_err *err)
{
	size_t slots = argc > 0 ? (size_t)argc : 1;
	bool devolution_set = false;

	memset(opts, 0, sizeof(*opts));
	opts->mode = CHECK_SUFFIX_SYSTEM;
	opts->devolution = SUFFIX_DEVOLUTION_DEFAULT;
	opts->probe = true;
	opts->rpc = true;
	opts->ns_port = 53;
	opts->timeout_ms = CHECK_TIMEOUT_DEFAULT_MS;
	strcpy(opts->service, SRV_KMS_SERVICE);
	opts->suffixes = calloc(slots, sizeof(*opts->suffixes));
	opts->connections = calloc(slots, sizeof(*opts->connections));
	opts->expect = calloc(slots, sizeof(*opts->expect));
	if (opts->suffixes == NULL || opts->connections == NULL ||
		opts->expect == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}

	for (int i = 1; i < argc; i++) {
		const char *value;
		const option_spec *spec = find_option(argv[i], &value);
		kd_result ret;

		if (spec == NULL) {
			char shown[CLI_QUOTE_MAX];

			return kd_err_set(err, KD_EINVAL, argv[i][0] == '-' ?
				"unknown option %s" : "unexpected argument %s",
				cli_quote_str(argv[i], shown, sizeof(shown)));
		}
		ret = option_value(spec, argc, argv, &i, &value, err);
		if (ret == KD_OK) {
			ret = apply_option(opts, spec, value, &devolution_set,
				err);
		}
		if (ret != KD_OK) {
			return ret;
		}
	}
	if (devolution_set && opts->primary == NULL) {
		return kd_err_set(err, KD_EINVAL, "--devolution needs "
			"--primary-suffix");
	}
	if (devolution_set && opts->search != NULL) {
		return kd_err_set(err, KD_EINVAL, "--devolution has no effect "
			"with --search (a search list turns devolution off)");
	}
	return KD_OK;
}

void
check_options_free(check_options *opts)
{
	free(opts->suffixes);
	free(opts->connections);
	free(opts->expect);
	opts->suffixes = NULL;
	opts->connections = NULL;
	opts->expect = NULL;
}

kd_result
check_options_build(const check_options *opts, const char *system_resolv_conf,
	suffix_list *list, endpoint *server, kd_err *err)
{
	const char *path = opts->resolv_conf ? opts->resolv_conf :
		system_resolv_conf;
	resolv_conf conf;
	kd_result ret = KD_OK;
	bool need_file = opts->mode == CHECK_SUFFIX_SYSTEM ||
		opts->mode == CHECK_SUFFIX_RESOLV_CONF || !opts->server_set;

	resolv_conf_init(&conf);
	if (need_file) {
		ret = resolv_conf_load(path, &conf, err);
		if (ret != KD_OK) {
			goto out;
		}
	}
	switch (opts->mode) {
	case CHECK_SUFFIX_SYSTEM:
	case CHECK_SUFFIX_RESOLV_CONF:
		for (size_t i = 0; ret == KD_OK && i < conf.search.count; i++) {
			ret = suffix_list_add(list, conf.search.names[i], path,
				err);
		}
		break;
	case CHECK_SUFFIX_EXPLICIT:
		for (size_t i = 0; ret == KD_OK && i < opts->suffix_count; i++) {
			ret = suffix_list_add(list, opts->suffixes[i],
				"--suffix", err);
		}
		break;
	case CHECK_SUFFIX_WINDOWS: {
		suffix_windows_config config = {
			.primary = opts->primary,
			.search = opts->search,
			.connections = opts->connections,
			.connection_count = opts->connection_count,
			.devolution = opts->devolution,
		};
		ret = suffix_list_windows(list, &config, err);
		break;
	}
	}
	if (ret != KD_OK) {
		goto out;
	}
	if (opts->server_set) {
		*server = opts->server;
	} else if (conf.server_count > 0) {
		*server = conf.servers[0];
	} else {
		ret = kd_err_set(err, KD_ENOENT, "%s: no nameserver line; give "
			"--server", path);
	}
out:
	resolv_conf_free(&conf);
	return ret;
}
