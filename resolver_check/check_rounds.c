/*
 * check_rounds.c -- a check that asks in rounds, for every suffix at once.
 */
#include "config.h"

#include <stdlib.h>

#include "check_rounds.h"

kd_result
check_rounds_run(const check_rounds *check, const check_config *config,
	query_engine *engine, check_report *report, kd_err *err)
{
	const size_t n = report->suffix_count;
	char *items = calloc(n ? n : 1, check->item_size);
	kd_result ret = KD_OK;

	if (items == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	for (size_t r = 0; ret == KD_OK && r < check->round_count; r++) {
		for (size_t i = 0; ret == KD_OK && i < n; i++) {
			ret = check->rounds[r](config, engine,
				&report->suffixes[i],
				items + i * check->item_size, err);
		}
		if (ret == KD_OK) {
			ret = query_engine_run(engine, err);
		}
	}
	for (size_t i = 0; ret == KD_OK && i < n; i++) {
		ret = check->judge(report, engine, &report->suffixes[i],
			items + i * check->item_size, err);
	}
	for (size_t i = 0; i < n; i++) {
		check->free_item(items + i * check->item_size);
	}
	free(items);
	return ret;
}
