/*
 * powerloss.c: what a power cut may take from libbank under FULL and NORMAL durability.
 *
 *     powerloss [CUTS]          (or BANK_POWER_CUTS, default 400; BANK_RT_SEED)
 *
 * SIGKILL leaves the page cache intact; a power cut does not. Each round opens the bank
 * through faultvfs (faultvfs.h) with tracking on, runs the random workload of wl.c, and
 * cuts the power at a random write, sync or truncate (1 round in 8 within the first
 * dozen). faultvfs then rewrites the files as a disk could hold them (every unsynced
 * write lost, a random subset of them kept, some torn, or a random prefix kept); the
 * -shm file is deleted (memory is lost too) and the bank is reopened (faultvfs now a plain
 * pass-through).
 * Rounds alternate FULL and NORMAL and cycle through the three cut modes; some shrink the
 * WAL autocheckpoint so cuts land inside checkpoints. Every 200 cuts start on a new bank.
 *
 * Checks after each cut: bank_open recovers; bank_verify, PRAGMA integrity_check and the
 * audit completeness check pass; every op is all or nothing; nothing appears that no op
 * made. FULL: every op that returned before the cut is there. NORMAL: the ops that are
 * there form a prefix of the commit order (only the last commits may be lost); then
 * resubmitting the lost ops and the one in flight, same ids, completes each exactly once.
 * Balances, holds and reversible transfers must then equal the model.
 *
 * Prints per-durability counts (ops committed, lost, torn writes) and
 * "powerloss: N passed, M failed".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "faultvfs.h"
#include "rt.h"
#include "wl.h"

#define MAX_OPS 40
#define FRESH_EVERY 200

struct dstats {
	long cuts, early, committed, lost, lost_rounds, inflight_present, inflight_absent;
	fv_cut_stats cut;
};

static const char *const mode_names[] = {"drop-all", "random-subset", "prefix"};

static int all_present(bank *b, const wl_op *op, int *none)
{
	const char *ids[WL_BATCH_MAX + 1];
	size_t k = wl_ids(op, 1, ids), present = 0;
	for (size_t j = 0; j < k; j++)
		present += rt_id_count(b, ids[j]) == 1;
	*none = present == 0;
	return present == k;
}

int main(int argc, char **argv)
{
	long cuts = rt_param(argc, argv, 1, "BANK_POWER_CUTS", 400);
	uint64_t seed = rt_seed("powerloss");
	rt_rng r = {seed};
	char dir[1024], path[1200], shm[1300];
	rt_tmpdir(dir, sizeof dir, "power");
	snprintf(path, sizeof path, "%s/bank.db", dir);
	snprintf(shm, sizeof shm, "%s-shm", path);

	char numbers[WL_NACCT][BANK_ACCOUNT_NUMBER_SIZE];
	bank_options o;
	bank *b = NULL;
	wl_model base;
	int64_t last_seq = 0;
	memset(&base, 0, sizeof base);
	/*
	 * faultvfs stays the default VFS throughout, without real fsyncs (the power cut is
	 * simulated: a real fsync would only cost time); it tracks unsynced writes only
	 * during the rounds' workloads and is a plain pass-through otherwise.
	 */
	fv_install();
	fv_reset();
	fv_real_sync(0);
	fv_track(0);
	struct dstats ds[2];
	memset(ds, 0, sizeof ds);
	wl_op *ops = calloc(MAX_OPS, sizeof *ops);
	if (ops == NULL)
		rt_die("out of memory");
	unsigned long counter = 0;
	for (long round = 0; round < cuts; round++) {
		if (round % FRESH_EVERY == 0) {
			/* A new bank now and then keeps each round's checks (verify, model load) short. */
			wl_model_free(&base);
			rt_unlink_db(path);
			rt_options(&o, BANK_DURABILITY_FULL, seed + (uint64_t)round + 1);
			RT_OK(bank_open(&b, path, &o));
			rt_populate(b, WL_NACCT, 100000, numbers);
			wl_model_init(&base, numbers);
			wl_model_load(&base, b);
			last_seq = rt_int(b, "SELECT coalesce(max(seq), 0) FROM transfer", NULL);
			bank_close(b);
		}
		int dur = (int)(round % 2); /* 0 FULL, 1 NORMAL */
		int mode = (int)((round / 2) % 3);
		struct dstats *d = &ds[dur];
		char when[96];
		snprintf(when, sizeof when, "cut %ld (%s, %s)", round + 1, dur ? "NORMAL" : "FULL", mode_names[mode]);
		d->cuts++;

		fv_reset();
		fv_track(1);
		int early = rt_below(&r, 8) == 0;
		d->early += early;
		rt_options(&o, dur ? BANK_DURABILITY_NORMAL : BANK_DURABILITY_FULL, 0);
		b = NULL;
		int rc = bank_open(&b, path, &o);
		size_t nops = 0;
		int inflight = 0;
		wl_model cur;
		wl_model_copy(&cur, &base);
		char prefix[32];
		snprintf(prefix, sizeof prefix, "p%ld-", round + 1);
		if (rc != BANK_OK) {
			rt_violation("%s: bank_open failed: %s", when, bank_error_last()->message);
		} else {
			if (rt_below(&r, 2))
				sqlite3_wal_autocheckpoint(rt_db(b), 1 + (int)rt_below(&r, 30));
			fv_crash_after(early ? 1 + (long)rt_below(&r, 12) : 1 + (long)rt_below(&r, 500));
			while (nops < MAX_OPS && !fv_crashed()) {
				wl_gen(&cur, &r, prefix, &counter, &ops[nops]);
				char msg[600];
				int ok = wl_exec(b, &cur, &ops[nops], 0, msg, sizeof msg);
				if (fv_crashed()) {
					inflight = 1;
					break;
				}
				if (!ok) {
					rt_violation("%s: %s", when, msg);
					inflight = 1;
					break;
				}
				wl_apply(&cur, &ops[nops]);
				nops++;
			}
			fv_crash_now(); /* the cut: after the last op when the trigger was not reached */
		}
		bank_close(b);
		fv_powercut(mode, &r, &d->cut);
		fv_track(0);
		unlink(shm);
		wl_model_free(&cur);

		rt_options(&o, BANK_DURABILITY_FULL, 0);
		b = NULL;
		rc = bank_open(&b, path, &o);
		if (rc != BANK_OK)
			rt_die("%s: the database does not reopen: %s: %s", when, bank_error_name(rc),
			       bank_error_last()->message);
		rt_check_db(b, when);

		/* Which ops survived: all-or-none each, a prefix of the commit order. */
		size_t survived = 0;
		int gap = 0;
		for (size_t i = 0; i < nops; i++) {
			int none, all = all_present(b, &ops[i], &none);
			if (!all && !none)
				rt_violation("%s: %s %s is half applied", when, wl_kind_name(ops[i].kind), ops[i].id);
			const char *ids[WL_BATCH_MAX + 1];
			size_t k = wl_ids(&ops[i], 0, ids);
			for (size_t j = 0; j < k; j++)
				if (rt_id_count(b, ids[j]) != 0)
					rt_violation("%s: %s was refused but is present", when, ids[j]);
			if (wl_ids(&ops[i], 1, ids) == 0)
				continue; /* refusals and replays create nothing: they say nothing about the prefix */
			if (all && gap)
				rt_violation("%s: %s %s survived after a lost commit (not a prefix)", when,
					     wl_kind_name(ops[i].kind), ops[i].id);
			if (all && !gap)
				survived = i + 1;
			if (!all)
				gap = 1;
		}
		/* Refusals and replays after the last survivor count as survived (they wrote nothing). */
		if (!gap)
			survived = nops;
		d->committed += (long)nops;
		if (survived < nops) {
			if (dur == 0)
				rt_violation("%s: %zu of %zu committed ops lost under FULL durability (first: %s %s)",
					     when, nops - survived, nops, wl_kind_name(ops[survived].kind),
					     ops[survived].id);
			d->lost += (long)(nops - survived);
			d->lost_rounds++;
		}
		int inflight_present = 0;
		if (inflight) {
			int none, all = all_present(b, &ops[nops], &none);
			const char *ids[WL_BATCH_MAX + 1];
			if (!all && !none)
				rt_violation("%s: %s %s in flight is half applied", when, wl_kind_name(ops[nops].kind),
					     ops[nops].id);
			if (wl_ids(&ops[nops], 1, ids) > 0) {
				inflight_present = all;
				if (all && survived < nops)
					rt_violation("%s: the op in flight survived but an earlier commit did not",
						     when);
				d->inflight_present += all;
				d->inflight_absent += !all;
			}
		}
		/* Nothing else appeared. */
		sqlite3_stmt *q = NULL;
		if (sqlite3_prepare_v2(rt_db(b), "SELECT id FROM transfer WHERE seq > ?1", -1, &q, NULL) != SQLITE_OK)
			rt_die("prepare: %s", sqlite3_errmsg(rt_db(b)));
		sqlite3_bind_int64(q, 1, last_seq);
		while (sqlite3_step(q) == SQLITE_ROW) {
			const char *id = (const char *)sqlite3_column_text(q, 0);
			int known = 0;
			for (size_t i = 0; i < nops + (size_t)inflight && !known; i++) {
				const char *ids[WL_BATCH_MAX + 1];
				size_t k = wl_ids(&ops[i], 1, ids);
				for (size_t j = 0; j < k; j++)
					known |= strcmp(ids[j], id) == 0;
			}
			if (!known)
				rt_violation("%s: transfer %s appeared but no op created it", when, id);
		}
		sqlite3_finalize(q);
		(void)inflight_present;

		/* The model: survivors, then the lost ops and the one in flight resubmitted. */
		for (size_t i = 0; i < nops + (size_t)inflight; i++) {
			if (i >= survived) {
				char msg[600];
				if (!wl_exec(b, &base, &ops[i], 1, msg, sizeof msg)) {
					rt_violation("%s: resubmitting %s: %s", when,
						     i < nops ? "a lost op" : "the op in flight", msg);
					continue;
				}
			}
			wl_apply(&base, &ops[i]);
		}
		wl_model found;
		wl_model_init(&found, numbers);
		wl_model_load(&found, b);
		if (wl_model_compare(&base, &found, when) != 0)
			fprintf(stderr, "%s: the model is reloaded from the database\n", when);
		wl_model_free(&base);
		base = found;
		last_seq = rt_int(b, "SELECT coalesce(max(seq), 0) FROM transfer", NULL);
		bank_close(b);
		if (rt_violations > 50)
			rt_die("too many violations, stopping");
	}
	for (int dur = 0; dur < 2; dur++) {
		struct dstats *d = &ds[dur];
		fprintf(stderr,
			"powerloss %s: %ld cuts (%ld within the first 12 I/Os); %ld ops returned before a cut, %ld of "
			"them lost (in %ld "
			"cuts); op in flight present %ld, absent %ld; %ld unsynced writes at the cuts, %ld kept, %ld "
			"torn\n",
			dur ? "NORMAL" : "FULL", d->cuts, d->early, d->committed, d->lost, d->lost_rounds,
			d->inflight_present, d->inflight_absent, d->cut.unsynced, d->cut.kept, d->cut.torn);
	}
	fv_uninstall();
	fprintf(stderr, "powerloss: violations %ld\n", rt_violations);
	wl_model_free(&base);
	free(ops);
	if (rt_violations == 0)
		rt_rmdir(dir);
	else
		fprintf(stderr, "powerloss: database kept in %s\n", dir);
	printf("powerloss: %ld passed, %ld failed\n", cuts, rt_violations);
	return rt_violations == 0 ? 0 : 1;
}
