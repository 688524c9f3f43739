/*
 * fuzz_pub_config.c -- libFuzzer target for nsupdate_tool/pub_config.c.
 *
 * The input is parsed as a kmsdns-publish config file. Properties that must
 * hold abort: an accepted file yields values in their documented ranges and
 * canonical names; a rejected one names the source and a line number that
 * exists in the input.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pub_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SOURCE "fuzz.conf"

static void
require(bool condition)
{
	if (!condition)
		abort();
}

static unsigned
line_count(const uint8_t *data, size_t size)
{
	unsigned lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	return lines;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pub_config cfg;
	kd_err err;
	kd_result ret;

	pub_config_init(&cfg);
	kd_err_clear(&err);
	ret = pub_config_parse_text(&cfg, (const char *)data, size, SOURCE,
		&err);
	if (ret == KD_OK) {
		char canonical[DNAME_BUF_SIZE];

		require(cfg.port >= 1);
		require(cfg.ttl <= 2147483647U);
		require(cfg.jobs >= 1 && cfg.jobs <= PUB_MAX_JOBS);
		require(cfg.timeout_ms >= 1 && cfg.timeout_ms <= 600000);
		if (cfg.host[0] != '\0') {
			require(dname_normalize(cfg.host, DNAME_HOST,
				canonical, sizeof(canonical), NULL) == KD_OK);
			require(strcmp(canonical, cfg.host) == 0);
		}
		for (size_t i = 0; i < cfg.domains.count; i++) {
			require(cfg.domains.entries[i].line >= 1);
			require(cfg.domains.entries[i].line <=
				line_count(data, size));
			for (size_t j = 0; j < i; j++)
				require(strcmp(cfg.domains.entries[i].domain,
					cfg.domains.entries[j].domain) != 0);
		}
		(void)pub_config_finish(&cfg, &err);
	} else {
		char *end;
		unsigned long line;

		require(strncmp(err.text, SOURCE ":", strlen(SOURCE) + 1) == 0);
		line = strtoul(err.text + strlen(SOURCE) + 1, &end, 10);
		require(*end == ':');
		require(line >= 1 && line <= line_count(data, size));
	}
	pub_config_free(&cfg);
	return 0;
}
