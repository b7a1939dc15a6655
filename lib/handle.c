/*
 * handle.c: opening and closing a bank; its clock, id generator and principal.
 *
 * Open: check options, open the connection, set the pragmas (WAL for files,
 * synchronous by durability, foreign keys on), then create or migrate the schema in one
 * transaction. The handle's clock never runs backwards: bank_now() returns at least the
 * last value it returned, so journal times follow journal order.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "internal.h"

const char *bank_libversion(void)
{
	return BANK_VERSION;
}

int bank_libversion_number(void)
{
	return BANK_VERSION_NUMBER;
}

/* The size of bank_options as each version defines it (0: no such version). */
static size_t options_size(unsigned int version)
{
	switch (version) {
	case 1: return offsetof(bank_options, no_create) + sizeof(int);
	case 2: return offsetof(bank_options, mmap_size_mib) + sizeof(int);
	case 3: return sizeof(bank_options);
	default: return 0;
	}
}

int bank_options_init(bank_options *opts, unsigned int version)
{
	size_t size = options_size(version);
	if (size == 0)
		return bank__err(BANK_EINVAL, "unknown bank_options version %u", version);
	bank_options init = BANK_OPTIONS_INIT;
	init.version = version;
	memcpy(opts, &init, size);
	return BANK_OK;
}

#define CACHE_KIB_DEFAULT 32768
#define CACHE_KIB_MAX (16 * 1024 * 1024)
#define MMAP_MIB_MAX (1024 * 1024) /* 1 TiB; SQLite caps it further at its compile-time maximum */

static int setup(bank *b, const bank_options *o)
{
	char sql[384];
	int rc;
	if (!b->memory) {
		if ((rc = bank__exec(b, "PRAGMA journal_mode = WAL")) != BANK_OK)
			return rc;
	}
	snprintf(sql, sizeof sql,
		 "PRAGMA synchronous = %s; PRAGMA foreign_keys = ON; PRAGMA cache_size = -%d;"
		 "PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = %d; PRAGMA mmap_size = %lld",
		 b->durability == BANK_DURABILITY_FULL ? "FULL" : "NORMAL",
		 o->cache_size_kib > 0 ? o->cache_size_kib : CACHE_KIB_DEFAULT,
		 o->wal_autocheckpoint == BANK_WAL_AUTOCHECKPOINT_OFF ? 0
		 : o->wal_autocheckpoint > 0                          ? o->wal_autocheckpoint
								      : 1000,
		 (long long)o->mmap_size_mib * 1048576);
	return bank__exec(b, sql);
}

int bank_open(bank **out, const char *path, const bank_options *opts)
{
	if (out == NULL)
		return bank__err(BANK_EMISUSE, "bank_open: out is NULL");
	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return bank__err(BANK_EINVAL, "bank_open: no path (use \":memory:\" for an in-memory bank)");
	/* A copy with every field of this version: an older caller's struct fills its prefix. */
	bank_options o = BANK_OPTIONS_INIT;
	if (opts != NULL) {
		size_t size = options_size(opts->version);
		if (size == 0)
			return bank__err(BANK_EINVAL, "unknown bank_options version %u", opts->version);
		memcpy(&o, opts, size);
	}
	opts = &o;
	if (opts->durability != BANK_DURABILITY_FULL && opts->durability != BANK_DURABILITY_NORMAL)
		return bank__err(BANK_EINVAL, "unknown durability %d", (int)opts->durability);
	if (opts->busy_timeout_ms < 0)
		return bank__err(BANK_EINVAL, "busy_timeout_ms is negative");
	if (opts->cache_size_kib < 0 || opts->cache_size_kib > CACHE_KIB_MAX)
		return bank__err(BANK_EINVAL, "cache_size_kib %d is outside 0..%d", opts->cache_size_kib,
				 CACHE_KIB_MAX);
	if (opts->wal_autocheckpoint < 0 && opts->wal_autocheckpoint != BANK_WAL_AUTOCHECKPOINT_OFF)
		return bank__err(BANK_EINVAL, "wal_autocheckpoint %d is negative (only -1, never, is allowed)",
				 opts->wal_autocheckpoint);
	if (opts->mmap_size_mib < 0 || opts->mmap_size_mib > MMAP_MIB_MAX)
		return bank__err(BANK_EINVAL, "mmap_size_mib %d is outside 0..%d", opts->mmap_size_mib, MMAP_MIB_MAX);
	if (opts->statement_records != 0 && opts->statement_records != 1)
		return bank__err(BANK_EINVAL, "statement_records %d is neither 0 nor 1", opts->statement_records);
	if (sodium_init() < 0)
		return bank__err(BANK_EIO, "libsodium failed to initialize");
	bank__tz *tz = NULL;
	int rc = bank__tz_load(&tz, opts->timezone);
	if (rc != BANK_OK)
		return rc;

	bank *b = calloc(1, sizeof *b);
	if (b == NULL) {
		bank__tz_free(tz);
		return bank__oom();
	}
	b->tz = tz; /* bank_close frees it from here on */
	b->path = bank__strdup(path);
	if (b->path == NULL) {
		bank_close(b);
		return bank__oom();
	}
	b->memory = strcmp(path, ":memory:") == 0;
	b->durability = opts->durability;
	b->statement_records = opts->statement_records != 0;
	b->busy_timeout_ms = opts->busy_timeout_ms;
	b->clock = opts->clock;
	b->clock_ctx = opts->clock_ctx;
	bank__rng_init(&b->rng, opts->id_seeded != 0, opts->id_seed);
	snprintf(b->principal, sizeof b->principal, "system");

	if ((rc = bank__db_open(b, path, !opts->no_create)) != BANK_OK || (rc = setup(b, opts)) != BANK_OK ||
	    (rc = bank__schema_migrate(b)) != BANK_OK) {
		bank_close(b);
		return rc;
	}
	*out = b;
	return BANK_OK;
}

void bank_close(bank *b)
{
	if (b == NULL)
		return;
	bank__db_close(b);
	bank__tz_free(b->tz);
	bank__numcache_free(b);
	free(b->path);
	free(b);
}

bank_time bank_now(bank *b)
{
	bank_time t = b->clock ? b->clock(b->clock_ctx) : bank__clock_system();
	if (t < b->last_now)
		t = b->last_now;
	b->last_now = t;
	return t;
}

const char *bank_principal(const bank *b)
{
	return b->principal;
}

int bank_principal_set_system(bank *b)
{
	snprintf(b->principal, sizeof b->principal, "system");
	return BANK_OK;
}

int bank_checkpoint(bank *b, bank_checkpoint_mode mode, bank_checkpoint_info *info)
{
	bank_checkpoint_info none;
	if (info == NULL)
		info = &none;
	info->wal_pages = 0;
	info->copied = 0;
	if (b == NULL)
		return bank__err(BANK_EMISUSE, "bank_checkpoint: bank handle is NULL");
	static const int modes[] = {SQLITE_CHECKPOINT_PASSIVE, SQLITE_CHECKPOINT_FULL, SQLITE_CHECKPOINT_RESTART,
				    SQLITE_CHECKPOINT_TRUNCATE};
	if ((unsigned)mode >= sizeof modes / sizeof modes[0])
		return bank__err(BANK_EINVAL, "unknown checkpoint mode %d", (int)mode);
	int rc = bank__authorize(b, "db.checkpoint", NULL);
	if (rc != BANK_OK)
		return rc;
	return bank__db_checkpoint(b, modes[mode], &info->wal_pages, &info->copied);
}
