/*
 * faults.c: every I/O failure, at every point of a scripted bank session.
 *
 *     faults [MODE]     MODE: "quick" (default: one-shot faults, IOERR and FULL, every N)
 *                       or "full" (also persistent faults: the disk stays broken)
 *
 * The scenario, on a fresh file through faultvfs, on a clock that stands at RT_T0: open,
 * branch, a savings product at 3%, customer, two accounts, two deposits, two transfers, a
 * withdrawal, a batch (with a chain that fails whole), a hold and its partial post, a hold
 * and its void, a reversal, an account edit (EditAccount), a freeze and an unfreeze; then
 * the clock moves 45 days on and an interest run accrues both accounts to yesterday and
 * posts their first month; reads (balance, transfer, statement), a TRUNCATE checkpoint,
 * bank_verify, close. A dry run counts the reads, writes, syncs and
 * locks (xLock) it makes; then for each class, each N from 1 to that count and each
 * error (the class's SQLITE_IOERR_* and SQLITE_FULL) the scenario runs again with the N-th
 * op of that class failing. Checks:
 *   - every call returns BANK_OK or a documented negative code, with bank_error_last()
 *     agreeing; bank_verify under faults never claims corruption; nothing crashes
 *     (ASan/UBSan builds make that strict);
 *   - reopened on a healthy disk (faultvfs disarmed): bank_open works, bank_verify, integrity_check and the
 *     audit check pass;
 *   - every call that succeeded is present (transfer ids exactly once); every call that
 *     failed is absent, except a call whose failure came from a failed sync during its
 *     commit: its outcome is unknown, and replaying it (same request, same id) must
 *     apply it exactly once; no journal row appears that no call made;
 *   - the interest run, called again for the same day on the healthy disk, completes what
 *     a failed run left (a run that succeeded has nothing left to do), a third call
 *     changes nothing, and when every call before the run succeeded, balances, interest
 *     tables and interest entries equal the dry run's (invariant 8: resumable runs).
 * Prints how many fault points ran and "faults: N passed, M failed".
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "faultvfs.h"
#include "rt.h"

enum step {
	S_OPEN,
	S_BRANCH,
	S_PRODUCT,
	S_CUSTOMER,
	S_ACCT1,
	S_ACCT2,
	S_DEP1,
	S_DEP2,
	S_EDIT,
	S_FREEZE,
	S_UNFREEZE,
	S_INTEREST,
	S_XFER1,
	S_XFER2,
	S_WDR,
	S_BATCH,
	S_HOLD,
	S_POST,
	S_HOLD2,
	S_VOID,
	S_REV,
	S_READS,
	S_VERIFY,
	S_CLOSE,
	S_N
};

static const char *const step_names[S_N] = {
	"open", "branch", "product",  "customer", "account 1",  "account 2",  "deposit 1",  "deposit 2",
	"edit", "freeze", "unfreeze", "interest", "transfer 1", "transfer 2", "withdrawal", "batch",
	"hold", "post",   "hold 2",   "void",     "reversal",   "reads",      "verify",     "close"};

/* The steps between S_DEP1 and S_REV that are not ledger calls. */
#define ACCOUNT_STEP(s) ((s) >= S_EDIT && (s) <= S_INTEREST)

#define NOT_RUN 1
#define NITEMS 5
/* A number with valid check digits that no account has: calls on it fail cleanly. */
#define NO_ACCOUNT "000000000001"

struct run {
	int rc[S_N];
	int item_rc[NITEMS];
	int sync_failed[S_N]; /* a sync failed during this step */
	int64_t customer;
	size_t interest_days, interest_postings; /* what the scenario's run reported */
	char a1[BANK_ACCOUNT_NUMBER_SIZE], a2[BANK_ACCOUNT_NUMBER_SIZE];
};

/* The bank's clock: RT_T0 until the interest run, 45 days later from then on. */
#define DAY_US ((bank_time)86400 * 1000000)
#define T_RUN (RT_T0 + 45 * DAY_US)
static bank_time scenario_now;

static bank_time clock_fn(void *ctx)
{
	(void)ctx;
	return scenario_now;
}

/* What the dry run ended with (balances, interest tables and entries), for comparison. */
static char *reference;

static char path[1200];
static char current[256];      /* the case being run, for the crash handler */
static long unknown_committed; /* unknown outcomes that turned out committed before the replay */

static void on_crash(int sig)
{
	char msg[400];
	int n = snprintf(msg, sizeof msg, "\nfaults: signal %d while running %s\n", sig, current);
	if (n > 0)
		(void)!write(2, msg, (size_t)n);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * One violation per call site and step is printed and counted; its repeats at other
 * fault points are only tallied (one bug tends to show at hundreds of fault points).
 */
static struct {
	int key;
	long n;
	char first[200];
} seen[512];
static size_t nseen;

#define VIOLATION(step, ...) violation_at(__LINE__ * 64 + (step), __VA_ARGS__)

static void violation_at(int key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void violation_at(int key, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < nseen; i++) {
		if (seen[i].key == key) {
			seen[i].n++;
			return;
		}
	}
	if (nseen < sizeof seen / sizeof seen[0]) {
		seen[nseen].key = key;
		seen[nseen].n = 1;
		snprintf(seen[nseen].first, sizeof seen[nseen].first, "%.199s", msg);
		nseen++;
	}
	rt_violation("%s", msg);
}

static void report_repeats(void)
{
	for (size_t i = 0; i < nseen; i++)
		if (seen[i].n > 1)
			fprintf(stderr, "faults: the violation \"%.120s...\" showed at %ld fault points in all\n",
				seen[i].first, seen[i].n);
}

/* The ledger steps: id, and which step made it. */
static const struct {
	int step;
	const char *id;
} ledger_ids[] = {
	{S_DEP1, "dep-1"},  {S_DEP2, "dep-2"},  {S_XFER1, "xfer-1"}, {S_XFER2, "xfer-2"}, {S_WDR, "wdr-1"},
	{S_HOLD, "hold-1"}, {S_POST, "post-1"}, {S_HOLD2, "hold-2"}, {S_VOID, "void-1"},  {S_REV, "rev-1"},
};
static const char *const item_ids[NITEMS] = {"b-1", "b-2", "b-3", "b-4", "b-5"};

static void batch_items(const struct run *x, bank_transfer_request req[NITEMS])
{
	const char *a1 = x->a1[0] ? x->a1 : NO_ACCOUNT, *a2 = x->a2[0] ? x->a2 : NO_ACCOUNT;
	bank_transfer_request r0 = BANK_TRANSFER_REQUEST_INIT;
	for (int i = 0; i < NITEMS; i++) {
		req[i] = r0;
		req[i].id = item_ids[i];
	}
	req[0].credit = a1; /* a deposit */
	req[0].amount = 300;
	req[1].debit = a1; /* a chain of two that succeeds */
	req[1].credit = a2;
	req[1].amount = 200;
	req[1].linked = 1;
	req[2].debit = a2;
	req[2].credit = a1;
	req[2].amount = 100;
	req[3].debit = a1; /* a chain of two that fails whole (insufficient funds) */
	req[3].credit = a2;
	req[3].amount = INT64_C(1000000000000000);
	req[3].linked = 1;
	req[4].credit = a2;
	req[4].amount = 50;
}

/* Runs the ledger call of @p step (also used to replay it). */
static int ledger_call(bank *b, int step, const struct run *x, bank_transfer **t)
{
	const char *a1 = x->a1[0] ? x->a1 : NO_ACCOUNT, *a2 = x->a2[0] ? x->a2 : NO_ACCOUNT;
	switch (step) {
	case S_DEP1: return bank_deposit(t, b, a1, 100000, "dep-1", NULL);
	case S_DEP2: return bank_deposit(t, b, a2, 50000, "dep-2", "second");
	case S_XFER1: return bank_transfer_post(t, b, a1, a2, 2500, "xfer-1", "rent");
	case S_XFER2: return bank_transfer_post(t, b, a2, a1, 1000, "xfer-2", NULL);
	case S_WDR: return bank_withdraw(t, b, a1, 700, "wdr-1", NULL);
	case S_HOLD: return bank_hold(t, b, a1, a2, 5000, 0, "hold-1", NULL);
	case S_POST: return bank_hold_post(t, b, "hold-1", 3000, "post-1");
	case S_HOLD2: return bank_hold(t, b, a2, NULL, 400, 90 * 86400, "hold-2", NULL);
	case S_VOID: return bank_hold_void(t, b, "hold-2", "void-1");
	case S_REV: return bank_reverse(t, b, "xfer-1", "rev-1");
	default: return BANK_EMISUSE;
	}
}

/* A returned code must be BANK_OK or a defined failure that bank_error_last() repeats. */
static void check_code(int rc, int step, const char *cs)
{
	if (rc == BANK_OK)
		return;
	if (rc > 0 || rc < BANK_ERROR_MIN)
		VIOLATION(step, "%s: %s returned %d, not a bank_status", cs, step_names[step], rc);
	else if (bank_error_last()->code != rc)
		VIOLATION(step, "%s: %s returned %s but bank_error_last() says %s", cs, step_names[step],
			  bank_error_name(rc), bank_error_name(bank_error_last()->code));
	else if (rc == BANK_ECORRUPT)
		VIOLATION(step, "%s: %s reports corruption after an I/O error: %s", cs, step_names[step],
			  bank_error_last()->message);
}

static void scenario(struct run *x, const char *cs)
{
	for (int s = 0; s < S_N; s++) {
		x->rc[s] = NOT_RUN;
		x->sync_failed[s] = 0;
	}
	for (int i = 0; i < NITEMS; i++)
		x->item_rc[i] = NOT_RUN;
	x->customer = 0;
	x->interest_days = x->interest_postings = 0;
	x->a1[0] = x->a2[0] = '\0';
	bank_options o;
	rt_options(&o, BANK_DURABILITY_FULL, 7);
	scenario_now = RT_T0;
	o.clock = clock_fn;
	bank *b = NULL;
	int rc;
#define STEP(s, call)                    \
	do {                             \
		fv_step = (s);           \
		bank_error_clear();      \
		rc = (call);             \
		x->rc[s] = rc;           \
		check_code(rc, (s), cs); \
	} while (0)

	STEP(S_OPEN, bank_open(&b, path, &o));
	if (rc != BANK_OK) {
		if (b != NULL)
			VIOLATION(S_OPEN, "%s: bank_open failed but returned a handle", cs);
		return;
	}
	bank_branch *br = NULL;
	STEP(S_BRANCH, bank_branch_add(&br, b, "HQ", "Head Office", NULL));
	if (rc != BANK_OK && br != NULL)
		VIOLATION(S_BRANCH, "%s: branch add failed (%s) but returned a record through out", cs,
			  bank_error_name(rc));
	bank_branch_free(br);
	bank_product_spec ps = BANK_PRODUCT_SPEC_INIT;
	ps.code = "SAV";
	ps.name = "Savings";
	ps.currency = "USD";
	ps.rate = 3 * BANK_RATE_SCALE;
	bank_product *pr = NULL;
	STEP(S_PRODUCT, bank_product_add(&pr, b, &ps));
	if (rc != BANK_OK && pr != NULL)
		VIOLATION(S_PRODUCT, "%s: product add failed (%s) but returned a record through out", cs,
			  bank_error_name(rc));
	bank_product_free(pr);
	bank_customer_spec cspec = BANK_CUSTOMER_SPEC_INIT;
	cspec.name = "Faulty Disk";
	bank_customer *c = NULL;
	STEP(S_CUSTOMER, bank_customer_add(&c, b, &cspec));
	if (rc == BANK_OK)
		x->customer = c->id;
	else if (c != NULL)
		VIOLATION(S_CUSTOMER, "%s: customer add failed (%s) but returned a record through out", cs,
			  bank_error_name(rc));
	bank_customer_free(c);
	bank_account *a = NULL;
	STEP(S_ACCT1, bank_account_open(&a, b, x->customer ? x->customer : 1, "SAV", "HQ"));
	if (rc == BANK_OK)
		memcpy(x->a1, a->number, sizeof x->a1);
	else if (a != NULL)
		VIOLATION(S_ACCT1, "%s: account open failed (%s) but returned a record through out", cs,
			  bank_error_name(rc));
	bank_account_free(a);
	a = NULL;
	STEP(S_ACCT2, bank_account_open(&a, b, x->customer ? x->customer : 1, "SAV", "HQ"));
	if (rc == BANK_OK)
		memcpy(x->a2, a->number, sizeof x->a2);
	else if (a != NULL)
		VIOLATION(S_ACCT2, "%s: account open failed (%s) but returned a record through out", cs,
			  bank_error_name(rc));
	bank_account_free(a);
	const char *a2 = x->a2[0] ? x->a2 : NO_ACCOUNT;
	for (int s = S_DEP1; s <= S_REV; s++) {
		bank_transfer *t = NULL;
		if (s == S_EDIT) {
			STEP(S_EDIT, bank_account_edit(b, a2, "name", "Joint"));
			continue;
		}
		if (s == S_FREEZE) {
			STEP(S_FREEZE, bank_account_freeze(b, a2, BANK_FREEZE_DEBITS));
			continue;
		}
		if (s == S_UNFREEZE) {
			STEP(S_UNFREEZE, bank_account_unfreeze(b, a2));
			continue;
		}
		if (s == S_INTEREST) {
			/* 45 days on; the ledger calls after it are dated then, after the days it accrues. */
			scenario_now = T_RUN;
			bank_interest_run_result ir;
			STEP(S_INTEREST, bank_interest_run(&ir, b, bank_date_of(b, T_RUN) - 1));
			x->interest_days = rc == BANK_OK ? ir.days : 0;
			x->interest_postings = rc == BANK_OK ? ir.postings : 0;
			continue;
		}
		if (s == S_BATCH) {
			bank_transfer_request req[NITEMS];
			batch_items(x, req);
			bank_batch_results *res = NULL;
			STEP(S_BATCH, bank_transfer_batch(&res, b, req, NITEMS));
			if (rc == BANK_OK) {
				for (int i = 0; i < NITEMS; i++) {
					x->item_rc[i] = res->items[i].code;
					if (x->item_rc[i] > 0 || x->item_rc[i] < BANK_ERROR_MIN)
						VIOLATION(S_BATCH, "%s: batch item %d returned %d", cs, i,
							  x->item_rc[i]);
				}
			}
			bank_batch_results_free(res);
			continue;
		}
		STEP(s, ledger_call(b, s, x, &t));
		if (rc == BANK_OK && (t == NULL || t->status != BANK_TRANSFER_CREATED))
			VIOLATION(s, "%s: %s succeeded without a created transfer", cs, step_names[s]);
		if (rc != BANK_OK && t != NULL)
			VIOLATION(s, "%s: %s failed (%s) but returned a transfer record through out", cs, step_names[s],
				  bank_error_name(rc));
		bank_transfer_free(t);
	}
	/* Reads must fail cleanly too. */
	fv_step = S_READS;
	bank_balance bal;
	bank_transfer *t = NULL;
	bank_statement *stmt = NULL;
	rc = bank_balance_get(&bal, b, x->a1[0] ? x->a1 : NO_ACCOUNT);
	check_code(rc, S_READS, cs);
	rc = bank_transfer_get(&t, b, "xfer-1");
	check_code(rc, S_READS, cs);
	bank_transfer_free(t);
	rc = bank_statement_get(&stmt, b, x->a1[0] ? x->a1 : NO_ACCOUNT, 0, 0, 0, NULL);
	check_code(rc, S_READS, cs);
	bank_statement_free(stmt);
	/* A checkpoint copies the WAL into the database file and empties it: the only
	 * writes to the database file in the scenario. A failure there loses nothing. */
	bank_checkpoint_info ci;
	rc = bank_checkpoint(b, BANK_CHECKPOINT_TRUNCATE, &ci);
	check_code(rc, S_READS, cs);
	x->rc[S_READS] = BANK_OK;
	bank_verify_report *vr = NULL;
	STEP(S_VERIFY, bank_verify(&vr, b));
	bank_verify_report_free(vr);
	fv_step = S_CLOSE;
	bank_close(b);
	x->rc[S_CLOSE] = BANK_OK;
#undef STEP
}

/*
 * Interest tables and interest entries as text: what an interest run decides. Generated
 * transfer ids are left out (the comparison is between runs). Balances are not in it:
 * the ledger calls after the run may differ between runs, and do not touch the days it
 * accrues.
 */
static char *digest(bank *b)
{
	static const char *const sql[] = {
		"SELECT account_id, period_start, period_end, accrued_through, days, rates, last_rate, balance_sum,"
		" basis_sum, carry_in, accrued, compounded, posted, carry_out, posted_at FROM interest_period"
		" ORDER BY account_id, period_start",
		"SELECT account_id, period_start, period_end, accrued_through, days, rates, last_rate, balance_sum,"
		" basis_sum, carry_in, accrued, compounded, last_post_at FROM interest_state ORDER BY account_id",
		/* The debit side by kind: internal accounts are made on first use, so their ids vary. */
		"SELECT d.kind, t.credit_id, t.amount, t.created_at FROM transfer t JOIN account d ON d.id = t.debit_id"
		" WHERE t.kind = 'interest' ORDER BY t.seq",
	};
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);
	if (out == NULL)
		rt_die("out of memory");
	out[0] = '\0';
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		sqlite3_stmt *q = NULL;
		if (sqlite3_prepare_v2(rt_db(b), sql[i], -1, &q, NULL) != SQLITE_OK)
			rt_die("digest: %s", sqlite3_errmsg(rt_db(b)));
		while (sqlite3_step(q) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(q); c++) {
				const char *v = (const char *)sqlite3_column_text(q, c);
				size_t n = strlen(v ? v : "NULL") + 2;
				if (len + n + 1 > cap) {
					cap = 2 * (cap + n);
					char *bigger = realloc(out, cap);
					if (bigger == NULL)
						rt_die("out of memory");
					out = bigger;
				}
				len += (size_t)snprintf(out + len, cap - len, "%s%c", v ? v : "NULL",
							c + 1 < sqlite3_column_count(q) ? ' ' : '\n');
			}
		}
		sqlite3_finalize(q);
	}
	return out;
}

/* Edits of account @p number's @p field to @p value (the EditAccount archive). */
static int64_t edits(bank *b, const char *number, const char *field, const char *value)
{
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM account_edit e JOIN account a ON a.id = e.account_id"
		 " WHERE a.number = ?1 AND e.field = '%s' AND e.new_value = '%s'",
		 field, value);
	return rt_int(b, sql, number);
}

/*
 * After the run, on a healthy VFS: faultvfs with no fault armed (a plain pass-through,
 * minus the real fsync, which only costs time here: no power is lost in this test).
 */
static void check_after(const struct run *x, const char *cs)
{
	bank_options o;
	rt_options(&o, BANK_DURABILITY_FULL, 8);
	scenario_now = T_RUN; /* the replays below come after the interest run */
	o.clock = clock_fn;
	bank *b = NULL;
	int rc = bank_open(&b, path, &o);
	if (rc != BANK_OK) {
		VIOLATION(0, "%s: the database does not reopen on a healthy disk: %s: %s", cs, bank_error_name(rc),
			  bank_error_last()->message);
		return;
	}
	rt_check_db(b, cs);
	/* A failed call is "unknown" when a sync failed inside it: its commit may have reached the file. */
#define UNKNOWN(s) (x->sync_failed[s] && x->rc[s] != BANK_OK && x->rc[s] != NOT_RUN)
#define PRESENT_IFF(s, present, what)                                                                 \
	do {                                                                                          \
		if (x->rc[s] == BANK_OK && !(present))                                                \
			VIOLATION(s, "%s: %s succeeded but %s is missing", cs, step_names[s], what);  \
		if (x->rc[s] != BANK_OK && !UNKNOWN(s) && (present))                                  \
			VIOLATION(s, "%s: %s failed (%s) but %s is present", cs, step_names[s],       \
				  x->rc[s] == NOT_RUN ? "not run" : bank_error_name(x->rc[s]), what); \
	} while (0)

	bank_branch *br = NULL;
	rc = bank_branch_get(&br, b, "HQ");
	bank_branch_free(br);
	PRESENT_IFF(S_BRANCH, rc == BANK_OK, "branch HQ");
	bank_product *pr = NULL;
	rc = bank_product_get(&pr, b, "SAV");
	bank_product_free(pr);
	PRESENT_IFF(S_PRODUCT, rc == BANK_OK, "product SAV");
	int64_t customers = rt_int(b, "SELECT count(*) FROM customer", NULL);
	PRESENT_IFF(S_CUSTOMER, customers == 1, "the customer");
	if (customers > 1)
		VIOLATION(S_CUSTOMER, "%s: %lld customers after one add", cs, (long long)customers);
	int64_t accounts = rt_int(b, "SELECT count(*) FROM account WHERE kind = 0", NULL);
	int64_t lo = (x->rc[S_ACCT1] == BANK_OK) + (x->rc[S_ACCT2] == BANK_OK);
	int64_t hi = lo + UNKNOWN(S_ACCT1) + UNKNOWN(S_ACCT2);
	if (accounts < lo || accounts > hi)
		VIOLATION(S_ACCT1, "%s: %lld customer accounts, expected %lld..%lld", cs, (long long)accounts,
			  (long long)lo, (long long)hi);
	for (int i = 0; i < 2; i++) {
		const char *n = i ? x->a2 : x->a1;
		bank_account *a = NULL;
		if (n[0] && bank_account_get(&a, b, n) != BANK_OK)
			VIOLATION(S_ACCT1 + i, "%s: account %d (%s) was opened but is missing", cs, i + 1, n);
		bank_account_free(a);
	}
	for (size_t i = 0; i < sizeof ledger_ids / sizeof ledger_ids[0]; i++) {
		int s = ledger_ids[i].step;
		int64_t n = rt_id_count(b, ledger_ids[i].id);
		PRESENT_IFF(s, n == 1, ledger_ids[i].id);
		if (n > 1)
			VIOLATION(s, "%s: %s is in the journal %lld times", cs, ledger_ids[i].id, (long long)n);
	}
	for (int i = 0; i < NITEMS; i++) {
		int64_t n = rt_id_count(b, item_ids[i]);
		int ok = x->rc[S_BATCH] == BANK_OK && x->item_rc[i] == BANK_OK;
		if (ok && n != 1)
			VIOLATION(S_BATCH, "%s: batch item %s succeeded but is missing", cs, item_ids[i]);
		if (!ok && n != 0 && !UNKNOWN(S_BATCH))
			VIOLATION(S_BATCH, "%s: batch item %s failed but is present", cs, item_ids[i]);
	}
	/* Nothing else: every journal row is a scenario id. */
	int64_t others = rt_int(b,
				"SELECT count(*) FROM transfer WHERE kind <> 'interest' AND id NOT IN ('dep-1', "
				"'dep-2', 'xfer-1', 'xfer-2',"
				" 'wdr-1', 'hold-1', 'post-1', 'hold-2', 'void-1', 'rev-1', 'b-1', 'b-2', 'b-3', 'b-4',"
				" 'b-5')",
				NULL);
	if (others != 0)
		VIOLATION(0, "%s: %lld journal rows no call made", cs, (long long)others);

	/* Account changes: an edit, a freeze of debits, the freeze lifted. */
	PRESENT_IFF(S_EDIT, edits(b, x->a2, "name", "Joint") == 1, "the name edit");
	int64_t frozen = edits(b, x->a2, "frozen", "debits"), lifted = edits(b, x->a2, "frozen", "none");
	PRESENT_IFF(S_FREEZE, frozen == 1, "the freeze");
	if (x->rc[S_UNFREEZE] == BANK_OK && lifted != frozen)
		VIOLATION(S_UNFREEZE, "%s: unfreeze succeeded: %lld freezes, %lld lifted", cs, (long long)frozen,
			  (long long)lifted);
	if (x->rc[S_UNFREEZE] != BANK_OK && !UNKNOWN(S_UNFREEZE) && lifted != 0)
		VIOLATION(S_UNFREEZE, "%s: unfreeze failed (%s) but the freeze was lifted", cs,
			  x->rc[S_UNFREEZE] == NOT_RUN ? "not run" : bank_error_name(x->rc[S_UNFREEZE]));
	/* A freeze left in place would refuse the replays of debits below: lift it first. */
	bank_account *a2 = NULL;
	if (x->a2[0] && bank_account_get(&a2, b, x->a2) == BANK_OK && a2->frozen != 0 &&
	    (rc = bank_account_unfreeze(b, x->a2)) != BANK_OK)
		VIOLATION(S_UNFREEZE, "%s: lifting the freeze on a healthy disk: %s", cs, bank_error_name(rc));
	bank_account_free(a2);

	/* Unknown outcomes: replaying settles them, exactly once. */
	for (int s = S_DEP1; s <= S_REV; s++) {
		if (!UNKNOWN(s) || ACCOUNT_STEP(s))
			continue;
		for (size_t i = 0; i < sizeof ledger_ids / sizeof ledger_ids[0]; i++)
			if (ledger_ids[i].step == s)
				unknown_committed += rt_id_count(b, ledger_ids[i].id) == 1;
		if (s == S_BATCH)
			unknown_committed += rt_id_count(b, item_ids[0]) == 1;
		if (s == S_BATCH) {
			bank_transfer_request req[NITEMS];
			batch_items(x, req);
			bank_batch_results *res = NULL;
			rc = bank_transfer_batch(&res, b, req, NITEMS);
			if (rc != BANK_OK)
				VIOLATION(S_BATCH, "%s: replaying the batch: %s: %s", cs, bank_error_name(rc),
					  bank_error_last()->message);
			for (int i = 0; i < NITEMS; i++) {
				int64_t n = rt_id_count(b, item_ids[i]);
				int ok = res != NULL && res->items[i].code == BANK_OK;
				if (n != (ok ? 1 : 0))
					VIOLATION(S_BATCH, "%s: replayed batch item %s: result %s, %lld in the journal",
						  cs, item_ids[i], res ? bank_error_name(res->items[i].code) : "-",
						  (long long)n);
			}
			bank_batch_results_free(res);
			continue;
		}
		bank_transfer *t = NULL;
		rc = ledger_call(b, s, x, &t);
		const char *id = NULL;
		for (size_t i = 0; i < sizeof ledger_ids / sizeof ledger_ids[0]; i++)
			if (ledger_ids[i].step == s)
				id = ledger_ids[i].id;
		if (rc != BANK_OK)
			VIOLATION(s, "%s: replaying %s (%s) after a failed sync: %s: %s", cs, step_names[s], id,
				  bank_error_name(rc), bank_error_last()->message);
		else if (rt_id_count(b, id) != 1)
			VIOLATION(s, "%s: replayed %s is in the journal %lld times", cs, id,
				  (long long)rt_id_count(b, id));
		bank_transfer_free(t);
	}

	/* The interest run: called again, it completes what a failed run left, exactly once. */
	bank_date as_of = bank_date_of(b, T_RUN) - 1;
	bank_interest_run_result again, third;
	rc = bank_interest_run(&again, b, as_of);
	if (rc != BANK_OK)
		VIOLATION(S_INTEREST, "%s: the interest run, called again: %s: %s", cs, bank_error_name(rc),
			  bank_error_last()->message);
	else if (x->rc[S_INTEREST] == BANK_OK && (again.days != 0 || again.postings != 0))
		VIOLATION(S_INTEREST, "%s: the interest run succeeded but a second call accrued %zu days, posted %zu",
			  cs, again.days, again.postings);
	rc = bank_interest_run(&third, b, as_of);
	if (rc != BANK_OK || third.days != 0 || third.postings != 0)
		VIOLATION(S_INTEREST, "%s: a third interest run changed something (%s, %zu days, %zu postings)", cs,
			  bank_error_name(rc), third.days, third.postings);
	int all_ok = 1;
	for (int s = 0; s < S_INTEREST; s++)
		all_ok &= x->rc[s] == BANK_OK;
	if (reference == NULL) {
		reference = digest(b);
	} else if (all_ok) {
		char *d = digest(b);
		if (strcmp(d, reference) != 0)
			VIOLATION(S_INTEREST, "%s: the interest differs from the dry run's:\n%s\nexpected:\n%s", cs, d,
				  reference);
		free(d);
	}
	rt_check_db(b, cs);
	bank_close(b);
#undef UNKNOWN
#undef PRESENT_IFF
}

int main(int argc, char **argv)
{
	int full = argc > 1 && strcmp(argv[1], "full") == 0;
	char dir[1024];
	rt_tmpdir(dir, sizeof dir, "faults");
	snprintf(path, sizeof path, "%s/bank.db", dir);
	signal(SIGSEGV, on_crash);
	signal(SIGABRT, on_crash);
	signal(SIGBUS, on_crash);
	signal(SIGFPE, on_crash);

	/* The dry run: counts, and the scenario must pass untouched. */
	struct run x;
	fv_reset();
	fv_real_sync(0);
	fv_install();
	snprintf(current, sizeof current, "the dry run");
	scenario(&x, "dry run");
	long total[FV_NCLASS];
	for (int c = 0; c < FV_NCLASS; c++)
		total[c] = fv_count(c);
	for (int s = 0; s < S_N; s++)
		if (x.rc[s] != BANK_OK)
			rt_die("dry run: %s failed: %s", step_names[s], bank_error_last()->message);
	check_after(&x, "dry run");
	if (x.interest_days == 0 || x.interest_postings == 0)
		rt_die("dry run: the interest run accrued %zu days and posted %zu times: nothing to test",
		       x.interest_days, x.interest_postings);
	fv_uninstall();
	fprintf(stderr, "faults: the scenario makes %ld reads, %ld writes, %ld syncs, %ld locks\n", total[FV_READ],
		total[FV_WRITE], total[FV_SYNC], total[FV_LOCK]);

	static const int ioerr[FV_NCLASS] = {SQLITE_IOERR_READ, SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC,
					     SQLITE_IOERR_LOCK};
	long runs = 0, fired = 0, unknown = 0;
	for (int persistent = 0; persistent <= full; persistent++) {
		for (int cls = 0; cls < FV_NCLASS; cls++) {
			for (int e = 0; e < 2; e++) {
				int code = e ? SQLITE_FULL : ioerr[cls];
				for (long nth = 1; nth <= total[cls] + 1; nth++) {
					snprintf(current, sizeof current, "%s fault #%ld of %s, %s", fv_class_name(cls),
						 nth, persistent ? "persistent" : "one-shot",
						 e ? "SQLITE_FULL" : "SQLITE_IOERR");
					rt_unlink_db(path);
					fv_reset();
					fv_real_sync(0);
					fv_install();
					fv_fault(cls, nth, code, persistent);
					scenario(&x, current);
					runs++;
					fired += fv_fired() > 0;
					for (int s = 0; s < S_N; s++) {
						x.sync_failed[s] = cls == FV_SYNC && fv_fired_in(s);
						unknown += x.sync_failed[s] && x.rc[s] != BANK_OK && x.rc[s] != NOT_RUN;
					}
					fv_fault(-1, 0, 0, 0); /* the disk heals */
					check_after(&x, current);
					fv_uninstall();
					if (rt_violations > 100)
						rt_die("too many violations, stopping");
				}
			}
		}
	}
	report_repeats();
	fprintf(stderr,
		"faults: %ld fault points (%s), %ld of them reached; %ld calls with an unknown outcome replayed "
		"(%ld of them had committed after all); violations %ld\n",
		runs, full ? "one-shot and persistent" : "one-shot", fired, unknown, unknown_committed, rt_violations);
	if (rt_violations == 0)
		rt_rmdir(dir);
	else
		fprintf(stderr, "faults: files kept in %s\n", dir);
	free(reference);
	printf("faults: %ld passed, %ld failed\n", runs, rt_violations);
	return rt_violations == 0 ? 0 : 1;
}
