/*
 * schema.c: the database layout and its migrations.
 *
 * The schema version is PRAGMA user_version; PRAGMA application_id marks the file as
 * libbank's. bank__schema_migrate runs every missing step in one transaction: a crash
 * leaves the old version intact. A file with tables but no libbank mark, or a version
 * above ours, is refused with BANK_ECORRUPT and a clear message.
 *
 * Tables and who owns their SQL: branch (branch.c), product (product.c), customer and
 * address (customer.c), account, account_edit, account_closed (account.c), transfer and
 * hold (ledger.c), audit (audit.c), product_rate, interest_period, interest_run
 * and interest_state (interest.c, from v2), history (ledger.c and report.c, from v3). The journal (transfer), the audit
 * trail, the account edit and closing archives and the posted interest periods are append-only: triggers refuse UPDATE
 * and DELETE.
 *
 * Amounts are INTEGER minor units; times INTEGER microseconds since the epoch, UTC.
 * Views deposit, withdraw, transfer_in, transfer_out and balance present the journal in
 * the seed system's shape for reporting tools.
 */
#include <stdio.h>

#include "internal.h"

static const char *const schema_v1[] = {
	"CREATE TABLE branch("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL,"
	" address TEXT NOT NULL DEFAULT '',"
	" created_at INTEGER NOT NULL);",
	"CREATE TABLE product("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN ('savings', 'current')),"
	" currency TEXT NOT NULL,"
	" min_balance INTEGER NOT NULL CHECK (min_balance >= 0),"
	" rate INTEGER NOT NULL CHECK (rate >= 0),"
	" overdraft INTEGER NOT NULL CHECK (overdraft >= 0),"
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL);",
	"CREATE TABLE customer("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" dob TEXT NOT NULL DEFAULT '',"
	" occupation TEXT NOT NULL DEFAULT '',"
	" income INTEGER,"
	" income_currency TEXT NOT NULL DEFAULT 'USD',"
	" email TEXT NOT NULL DEFAULT '',"
	" phone TEXT NOT NULL DEFAULT '',"
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL);",
	"CREATE TABLE address("
	" customer_id INTEGER PRIMARY KEY REFERENCES customer(id),"
	" line1 TEXT NOT NULL DEFAULT '',"
	" line2 TEXT NOT NULL DEFAULT '',"
	" city TEXT NOT NULL DEFAULT '',"
	" region TEXT NOT NULL DEFAULT '',"
	" postal_code TEXT NOT NULL DEFAULT '',"
	" country TEXT NOT NULL DEFAULT '');",
	/* kind: 0 customer, 1 cash, 2 interest expense, 3 fee income, 4 suspense.
	 * balance is kept on the account's normal side (credit-normal: credits - debits;
	 * debit-normal (cash, interest expense): debits - credits). */
	"CREATE TABLE account("
	" id INTEGER PRIMARY KEY,"
	" number TEXT NOT NULL UNIQUE,"
	" kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 4),"
	" customer_id INTEGER REFERENCES customer(id),"
	" product_id INTEGER REFERENCES product(id),"
	" branch_id INTEGER NOT NULL REFERENCES branch(id),"
	" currency TEXT NOT NULL,"
	" name TEXT NOT NULL DEFAULT '',"
	" status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'frozen', 'closed')),"
	" frozen INTEGER NOT NULL DEFAULT 0,"
	" balance INTEGER NOT NULL DEFAULT 0,"
	" pending INTEGER NOT NULL DEFAULT 0 CHECK (pending >= 0),"
	" opened_at INTEGER NOT NULL,"
	" last_activity_at INTEGER NOT NULL,"
	" closed_at INTEGER);",
	"CREATE INDEX account_customer ON account(customer_id) WHERE customer_id IS NOT NULL;",
	"CREATE UNIQUE INDEX account_internal ON account(branch_id, currency, kind) WHERE kind <> 0;",
	"CREATE TABLE account_edit("
	" seq INTEGER PRIMARY KEY,"
	" account_id INTEGER NOT NULL REFERENCES account(id),"
	" field TEXT NOT NULL,"
	" old_value TEXT NOT NULL,"
	" new_value TEXT NOT NULL,"
	" principal TEXT NOT NULL,"
	" at INTEGER NOT NULL);",
	"CREATE INDEX account_edit_account ON account_edit(account_id, seq);",
	"CREATE TABLE account_closed("
	" account_id INTEGER PRIMARY KEY REFERENCES account(id),"
	" reason TEXT NOT NULL,"
	" closed_by TEXT NOT NULL,"
	" final_balance INTEGER NOT NULL,"
	" closed_at INTEGER NOT NULL);",
	/* The journal. posted = 1 moves balances (debit_balance / credit_balance hold each
	 * account's balance after it); posted = 0 is a hold or a void (no balance effect). */
	"CREATE TABLE transfer("
	" seq INTEGER PRIMARY KEY,"
	" id TEXT NOT NULL UNIQUE,"
	" kind TEXT NOT NULL,"
	" posted INTEGER NOT NULL CHECK (posted IN (0, 1)),"
	" debit_id INTEGER NOT NULL,"
	" credit_id INTEGER NOT NULL,"
	" amount INTEGER NOT NULL CHECK (amount > 0),"
	" currency TEXT NOT NULL,"
	" memo TEXT NOT NULL DEFAULT '',"
	" ref_seq INTEGER,"
	" expires_at INTEGER,"
	" debit_balance INTEGER,"
	" credit_balance INTEGER,"
	" principal TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" CHECK (debit_id <> credit_id));",
	"CREATE INDEX transfer_debit ON transfer(debit_id, seq);",
	"CREATE INDEX transfer_credit ON transfer(credit_id, seq);",
	"CREATE INDEX transfer_ref ON transfer(ref_seq) WHERE ref_seq IS NOT NULL;",
	"CREATE TRIGGER transfer_append_only_u BEFORE UPDATE ON transfer"
	" BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;",
	"CREATE TRIGGER transfer_append_only_d BEFORE DELETE ON transfer"
	" BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;",
	/* Hold state (mutable): one row per hold transfer. */
	"CREATE TABLE hold("
	" seq INTEGER PRIMARY KEY,"
	" account_id INTEGER NOT NULL,"
	" amount INTEGER NOT NULL CHECK (amount > 0),"
	" status TEXT NOT NULL CHECK (status IN ('active', 'posted', 'voided', 'expired')),"
	" expires_at INTEGER,"
	" closed_seq INTEGER,"
	" closed_at INTEGER);",
	"CREATE INDEX hold_active ON hold(account_id) WHERE status = 'active';",
	"CREATE INDEX hold_expiry ON hold(expires_at) WHERE status = 'active' AND expires_at IS NOT NULL;",
	"CREATE TABLE audit("
	" seq INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" principal TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" object TEXT NOT NULL DEFAULT '',"
	" details TEXT NOT NULL DEFAULT '{}');",
	"CREATE INDEX audit_object ON audit(object, seq);",
	"CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
	"CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
	"CREATE TRIGGER account_edit_append_only_u BEFORE UPDATE ON account_edit"
	" BEGIN SELECT RAISE(ABORT, 'account edits are append-only'); END;",
	"CREATE TRIGGER account_edit_append_only_d BEFORE DELETE ON account_edit"
	" BEGIN SELECT RAISE(ABORT, 'account edits are append-only'); END;",
	"CREATE TRIGGER account_closed_append_only_u BEFORE UPDATE ON account_closed"
	" BEGIN SELECT RAISE(ABORT, 'the closed-account archive is append-only'); END;",
	"CREATE TRIGGER account_closed_append_only_d BEFORE DELETE ON account_closed"
	" BEGIN SELECT RAISE(ABORT, 'the closed-account archive is append-only'); END;",
	/* The seed system's tables, as views over the journal. */
	"CREATE VIEW deposit AS"
	" SELECT t.seq, t.id AS transaction_id, a.number AS account, t.amount, t.currency, t.memo, t.created_at"
	" FROM transfer t JOIN account a ON a.id = t.credit_id WHERE t.kind = 'deposit';",
	"CREATE VIEW withdraw AS"
	" SELECT t.seq, t.id AS transaction_id, a.number AS account, t.amount, t.currency, t.memo, t.created_at"
	" FROM transfer t JOIN account a ON a.id = t.debit_id WHERE t.kind = 'withdrawal';",
	"CREATE VIEW transfer_in AS"
	" SELECT t.seq, t.id AS transaction_id, a.number AS account, s.number AS sender, t.amount, t.currency,"
	" t.memo, t.created_at"
	" FROM transfer t JOIN account a ON a.id = t.credit_id JOIN account s ON s.id = t.debit_id"
	" WHERE t.kind = 'transfer';",
	"CREATE VIEW transfer_out AS"
	" SELECT t.seq, t.id AS transaction_id, a.number AS account, r.number AS recipient, t.amount, t.currency,"
	" t.memo, t.created_at"
	" FROM transfer t JOIN account a ON a.id = t.debit_id JOIN account r ON r.id = t.credit_id"
	" WHERE t.kind = 'transfer';",
	"CREATE VIEW balance AS"
	" SELECT number AS account, balance, pending, currency, last_activity_at AS updated_at FROM account;",
	NULL,
};

/*
 * v2: interest (interest.c owns these tables). Products gain their interest conventions
 * (defaults: act/365, daily balance, monthly compounding, monthly posting, no minimum)
 * and an effective-dated rate schedule, seeded with each product's rate from its
 * creation day (UTC). interest_state holds each account's open period (its accrual
 * state, rewritten daily, so kept small and free of triggers); interest_period the
 * posted periods, append-only; together they are the interest table. balance_method is
 * 0 daily / 1 average; rates is NULL while a period saw one rate (last_rate);
 * full-precision amounts are integers of picounits (10^-12 of a minor unit) in columns
 * without affinity: INTEGER when they fit 64 bits, else decimal TEXT. interest_run: one
 * row per run date.
 */
static const char *const schema_v2[] = {
	"ALTER TABLE product ADD COLUMN day_count TEXT NOT NULL DEFAULT 'act/365'"
	" CHECK (day_count IN ('act/365', 'act/360', 'act/act'));",
	"ALTER TABLE product ADD COLUMN balance_method TEXT NOT NULL DEFAULT 'daily'"
	" CHECK (balance_method IN ('daily', 'average'));",
	"ALTER TABLE product ADD COLUMN compounding TEXT NOT NULL DEFAULT 'monthly'"
	" CHECK (compounding IN ('daily', 'monthly', 'quarterly', 'semiannual', 'annual'));",
	"ALTER TABLE product ADD COLUMN posting TEXT NOT NULL DEFAULT 'monthly'"
	" CHECK (posting IN ('monthly', 'quarterly', 'semiannual', 'annual'));",
	"ALTER TABLE product ADD COLUMN min_interest_balance INTEGER NOT NULL DEFAULT 0"
	" CHECK (min_interest_balance >= 0);",
	/* effective: a bank_date (days since 1970-01-01), the first day the rate applies. */
	"CREATE TABLE product_rate("
	" product_id INTEGER NOT NULL REFERENCES product(id),"
	" effective INTEGER NOT NULL,"
	" rate INTEGER NOT NULL CHECK (rate >= 0),"
	" created_at INTEGER NOT NULL,"
	" PRIMARY KEY (product_id, effective));",
	"INSERT INTO product_rate(product_id, effective, rate, created_at)"
	" SELECT id, created_at / 86400000000, rate, created_at FROM product;",
	/* The open period of each account: its accrual state, rewritten daily (kept small). */
	"CREATE TABLE interest_state("
	" account_id INTEGER PRIMARY KEY REFERENCES account(id),"
	" period_start INTEGER NOT NULL,"
	" period_end INTEGER NOT NULL,"
	" accrued_through INTEGER NOT NULL,"
	" days INTEGER NOT NULL DEFAULT 0 CHECK (days >= 0),"
	" balance_method INTEGER NOT NULL CHECK (balance_method IN (0, 1)),"
	" rates TEXT,"
	" last_rate INTEGER NOT NULL DEFAULT -1,"
	" balance_sum NOT NULL DEFAULT 0,"
	" basis_sum NOT NULL DEFAULT 0,"
	" rate_factor INTEGER NOT NULL DEFAULT 0,"
	" carry_in NOT NULL DEFAULT 0,"
	" accrued NOT NULL DEFAULT 0,"
	" compounded NOT NULL DEFAULT 0,"
	" last_post_at INTEGER NOT NULL DEFAULT 0);",
	/* Posted periods: the same columns, the posting's, and nothing ever changes. */
	"CREATE TABLE interest_period("
	" id INTEGER PRIMARY KEY,"
	" account_id INTEGER NOT NULL REFERENCES account(id),"
	" period_start INTEGER NOT NULL,"
	" period_end INTEGER NOT NULL,"
	" accrued_through INTEGER NOT NULL,"
	" days INTEGER NOT NULL CHECK (days >= 0),"
	" balance_method INTEGER NOT NULL CHECK (balance_method IN (0, 1)),"
	" rates TEXT,"
	" last_rate INTEGER NOT NULL,"
	" balance_sum NOT NULL,"
	" basis_sum NOT NULL,"
	" rate_factor INTEGER NOT NULL,"
	" carry_in NOT NULL,"
	" accrued NOT NULL,"
	" compounded NOT NULL,"
	" last_post_at INTEGER NOT NULL,"
	" posted INTEGER NOT NULL CHECK (posted >= 0),"
	" carry_out NOT NULL,"
	" transfer_id TEXT NOT NULL,"
	" posted_at INTEGER NOT NULL,"
	" UNIQUE (account_id, period_start));",
	"CREATE TRIGGER interest_period_append_only_u BEFORE UPDATE ON interest_period"
	" BEGIN SELECT RAISE(ABORT, 'posted interest periods are final'); END;",
	"CREATE TRIGGER interest_period_append_only_d BEFORE DELETE ON interest_period"
	" BEGIN SELECT RAISE(ABORT, 'posted interest periods are final'); END;",
	"CREATE TABLE interest_run("
	" as_of INTEGER PRIMARY KEY,"
	" started_at INTEGER NOT NULL,"
	" finished_at INTEGER,"
	" accounts INTEGER NOT NULL DEFAULT 0,"
	" days INTEGER NOT NULL DEFAULT 0,"
	" postings INTEGER NOT NULL DEFAULT 0);",
	NULL,
};

/*
 * v3: the posting chain, a per-account history that costs no index page per posting.
 * Each posted journal row names, for each of its two accounts, that account's previous
 * posted row (debit_prev, credit_prev; 0 for the first), and each account names its
 * last posted row (last_seq) and counts its postings. Every BANK__HISTORY_BLOCK-th
 * posting of an account adds one row to history, so a read finds its place in an
 * account's chain by one index seek and at most BANK__HISTORY_BLOCK steps along it.
 * Writes touch the journal's last page, the two account rows and, once per
 * BANK__HISTORY_BLOCK postings, a history page, in place of one page of each of
 * transfer_debit and transfer_credit per posting (see docs/performance.md).
 *
 * Existing journals are chained here: the append-only trigger is lifted for the one
 * UPDATE that fills the new columns, inside the migration's transaction.
 */
static const char *const schema_v3[] = {
	"ALTER TABLE transfer ADD COLUMN debit_prev INTEGER;",
	"ALTER TABLE transfer ADD COLUMN credit_prev INTEGER;",
	"ALTER TABLE account ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;",
	"ALTER TABLE account ADD COLUMN postings INTEGER NOT NULL DEFAULT 0 CHECK (postings >= 0);",
	"CREATE TABLE history("
	" account_id INTEGER NOT NULL,"
	" last_seq INTEGER NOT NULL,"
	" PRIMARY KEY (account_id, last_seq)) WITHOUT ROWID;",
	"CREATE TRIGGER history_append_only_u BEFORE UPDATE ON history"
	" BEGIN SELECT RAISE(ABORT, 'the history index is append-only'); END;",
	"CREATE TRIGGER history_append_only_d BEFORE DELETE ON history"
	" BEGIN SELECT RAISE(ABORT, 'the history index is append-only'); END;",
	"CREATE TEMP TABLE bank_chain AS"
	" SELECT seq, acct, side, lag(seq, 1, 0) OVER w AS prev, row_number() OVER w AS n FROM ("
	"  SELECT seq, debit_id AS acct, 0 AS side FROM transfer WHERE posted = 1"
	"  UNION ALL SELECT seq, credit_id, 1 FROM transfer WHERE posted = 1)"
	" WINDOW w AS (PARTITION BY acct ORDER BY seq);",
	"CREATE UNIQUE INDEX temp.bank_chain_seq ON bank_chain(seq, side);",
	"CREATE INDEX temp.bank_chain_acct ON bank_chain(acct, n);",
	"DROP TRIGGER transfer_append_only_u;",
	"UPDATE transfer SET"
	" debit_prev = (SELECT prev FROM temp.bank_chain c WHERE c.seq = transfer.seq AND c.side = 0),"
	" credit_prev = (SELECT prev FROM temp.bank_chain c WHERE c.seq = transfer.seq AND c.side = 1)"
	" WHERE posted = 1;",
	"CREATE TRIGGER transfer_append_only_u BEFORE UPDATE ON transfer"
	" BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;",
	"UPDATE account SET"
	" last_seq = coalesce((SELECT seq FROM temp.bank_chain c WHERE c.acct = account.id ORDER BY n DESC LIMIT 1), "
	"0),"
	" postings = (SELECT count(*) FROM temp.bank_chain c WHERE c.acct = account.id);",
	/* 16 is BANK__HISTORY_BLOCK (internal.h). */
	"INSERT INTO history(account_id, last_seq) SELECT acct, seq FROM temp.bank_chain WHERE n % 16 = 0;",
	"DROP TABLE temp.bank_chain;",
	"DROP INDEX transfer_debit;",
	"DROP INDEX transfer_credit;",
	NULL,
};

/*
 * Version 4: posting records (postrec.c). account.recent packs the statement columns
 * of an account's postings since its last history block, history.entries those of a
 * block, so that a statement page reads one blob per block instead of one journal row
 * per posting. Rows carried over hold NULL (not known; reads walk the chain as in v3)
 * except an account whose postings end a block exactly, whose recent postings are
 * known to be none. An account's next full block makes it known again.
 */
static const char *const schema_v4[] = {
	"ALTER TABLE account ADD COLUMN recent BLOB DEFAULT X'';",
	/* 16 is BANK__HISTORY_BLOCK (internal.h). */
	"UPDATE account SET recent = NULL WHERE postings % 16 <> 0;",
	"ALTER TABLE history ADD COLUMN entries BLOB;",
	NULL,
};

/* Migration i takes user_version i to i + 1. Append only. */
static const char *const *const migrations[] = {schema_v1, schema_v2, schema_v3, schema_v4};
#define NMIGRATIONS (sizeof migrations / sizeof migrations[0])

int bank_schema_version(void)
{
	return (int)NMIGRATIONS;
}

static int read_int(bank *b, const char *sql, int64_t *out)
{
	bank__q *q = bank__q_get(b, sql);
	if (q == NULL)
		return bank__last_code();
	int rc = bank__q_step(q);
	if (rc < 0)
		return rc;
	*out = rc == 1 ? bank__q_col_int(q, 0) : 0;
	bank__q_reset(q);
	return BANK_OK;
}

static int migrate(bank *b, void *ctx)
{
	(void)ctx;
	int64_t version, app_id, objects;
	int rc;
	if ((rc = read_int(b, "PRAGMA user_version", &version)) != BANK_OK ||
	    (rc = read_int(b, "PRAGMA application_id", &app_id)) != BANK_OK ||
	    (rc = read_int(b, "SELECT count(*) FROM sqlite_schema", &objects)) != BANK_OK)
		return rc;
	if (version == 0 && objects > 0)
		return bank__err(BANK_ECORRUPT, "not a libbank database: it has tables but no libbank schema");
	if (version != 0 && app_id != BANK__APPLICATION_ID)
		return bank__err(BANK_ECORRUPT, "not a libbank database (application_id %lld)", (long long)app_id);
	if (version > (int64_t)NMIGRATIONS)
		return bank__err(BANK_ECORRUPT,
				 "database schema version %lld was written by a newer libbank; this library knows "
				 "version %d",
				 (long long)version, (int)NMIGRATIONS);
	if (version == (int64_t)NMIGRATIONS)
		return BANK_OK;
	for (int64_t v = version; v < (int64_t)NMIGRATIONS; v++)
		for (const char *const *stmt = migrations[v]; *stmt != NULL; stmt++)
			if ((rc = bank__exec(b, *stmt)) != BANK_OK)
				return rc;
	char sql[96];
	snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d", BANK__APPLICATION_ID,
		 (int)NMIGRATIONS);
	return bank__exec(b, sql);
}

int bank__schema_migrate(bank *b)
{
	/* A quick read first: the common case (current version) takes no write lock. */
	int64_t version = 0;
	int rc = read_int(b, "PRAGMA user_version", &version);
	if (rc != BANK_OK)
		return rc;
	if (version == (int64_t)NMIGRATIONS) {
		int64_t app_id = 0;
		if ((rc = read_int(b, "PRAGMA application_id", &app_id)) != BANK_OK)
			return rc;
		if (app_id != BANK__APPLICATION_ID)
			return bank__err(BANK_ECORRUPT, "not a libbank database (application_id %lld)",
					 (long long)app_id);
		return BANK_OK;
	}
	return bank__write(b, migrate, NULL);
}
