/*
 * db.c: the only file in lib/ that calls SQLite.
 *
 * It owns the statement cache (keyed by the address of the SQL literal), the
 * transaction helpers and the mapping of SQLite result codes to libbank codes.
 *
 * Writes: BEGIN IMMEDIATE takes the write lock up front, so a write transaction never
 * fails half-way with SQLITE_BUSY; sqlite3_busy_timeout waits for other writers, and
 * bank__tx_begin retries a busy that came back early, within the same timeout. Nested
 * write scopes (a public call made inside another's transaction) are counted, not
 * nested in SQL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "internal.h"

struct bank__q; /* never defined: a bank__q * is a sqlite3_stmt * */

#define STMT(q) ((sqlite3_stmt *)(void *)(q))

int bank__sqlite_status(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE: return BANK_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return BANK_EBUSY;
	case SQLITE_NOMEM: return BANK_ENOMEM;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_FORMAT: return BANK_ECORRUPT;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return BANK_EEXISTS;
		return BANK_EINVAL;
	case SQLITE_MISUSE:
	case SQLITE_RANGE: return BANK_EMISUSE;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH: return BANK_EPERM;
	default: return BANK_EIO;
	}
}

static int fail(bank *b, int rc, const char *what)
{
	int code = bank__sqlite_status(rc);
	return bank__err_sqlite(code, rc, "%s: %s", what, b && b->db ? sqlite3_errmsg(b->db) : sqlite3_errstr(rc));
}

bank__q *bank__q_get(bank *b, const char *sql)
{
	uintptr_t h = ((uintptr_t)sql >> 3) % BANK__STMT_CACHE;
	for (size_t n = 0; n < BANK__STMT_CACHE; n++) {
		size_t i = (h + n) % BANK__STMT_CACHE;
		if (b->cache[i].sql == sql) {
			sqlite3_stmt *st = b->cache[i].stmt;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return (bank__q *)(void *)st;
		}
		if (b->cache[i].sql == NULL) {
			sqlite3_stmt *st = NULL;
			int rc = sqlite3_prepare_v3(b->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
			if (rc != SQLITE_OK) {
				fail(b, rc, "prepare");
				return NULL;
			}
			b->cache[i].sql = sql;
			b->cache[i].stmt = st;
			return (bank__q *)(void *)st;
		}
	}
	/* Cache full (more distinct statements than slots): a programming error. */
	bank__err(BANK_EMISUSE, "statement cache full");
	return NULL;
}

void bank__db_cache_clear(bank *b)
{
	for (size_t i = 0; i < BANK__STMT_CACHE; i++) {
		if (b->cache[i].stmt != NULL)
			sqlite3_finalize(b->cache[i].stmt);
		b->cache[i].stmt = NULL;
		b->cache[i].sql = NULL;
	}
}

void bank__q_int(bank__q *q, int i, int64_t v)
{
	sqlite3_bind_int64(STMT(q), i, v);
}

void bank__q_text(bank__q *q, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(STMT(q), i);
	else
		sqlite3_bind_text(STMT(q), i, v, -1, SQLITE_STATIC);
}

void bank__q_blob(bank__q *q, int i, const void *v, size_t n)
{
	static const char empty[1];
	if (v == NULL)
		sqlite3_bind_null(STMT(q), i);
	else
		sqlite3_bind_blob(STMT(q), i, n ? v : empty, (int)n, SQLITE_STATIC);
}

void bank__q_null(bank__q *q, int i)
{
	sqlite3_bind_null(STMT(q), i);
}

int bank__q_step(bank__q *q)
{
	int rc = sqlite3_step(STMT(q));
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	sqlite3 *db = sqlite3_db_handle(STMT(q));
	int ext = sqlite3_extended_errcode(db);
	int code = bank__sqlite_status(ext);
	bank__err_sqlite(code, ext, "database: %s", sqlite3_errmsg(db));
	sqlite3_reset(STMT(q));
	return code;
}

int bank__q_exec(bank__q *q)
{
	int rc = bank__q_step(q);
	if (rc < 0)
		return rc;
	sqlite3_reset(STMT(q));
	return BANK_OK;
}

int64_t bank__q_col_int(bank__q *q, int col)
{
	return sqlite3_column_int64(STMT(q), col);
}

const char *bank__q_col_text(bank__q *q, int col)
{
	const unsigned char *t = sqlite3_column_text(STMT(q), col);
	return t ? (const char *)t : "";
}

const void *bank__q_col_blob(bank__q *q, int col, size_t *n)
{
	const void *v = sqlite3_column_blob(STMT(q), col);
	*n = v ? (size_t)sqlite3_column_bytes(STMT(q), col) : 0;
	return v;
}

bool bank__q_col_null(bank__q *q, int col)
{
	return sqlite3_column_type(STMT(q), col) == SQLITE_NULL;
}

void bank__q_reset(bank__q *q)
{
	if (q != NULL)
		sqlite3_reset(STMT(q));
}

int64_t bank__changes(bank *b)
{
	return sqlite3_changes64(b->db);
}

int bank__exec(bank *b, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(b->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int ext = sqlite3_extended_errcode(b->db);
		int code = bank__sqlite_status(ext);
		bank__err_sqlite(code, ext, "database: %s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return code;
	}
	return BANK_OK;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Milliseconds on the monotonic clock. */
static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int begin(bank *b, const char *sql)
{
	if (b->tx_depth > 0) {
		b->tx_depth++;
		return BANK_OK;
	}
	/* sqlite3_busy_timeout waits inside each attempt. A busy can also bypass that handler
	 * and come back at once (a WAL recovery in another process): such a busy is retried,
	 * but only within the busy timeout, counted from the first attempt, so the option
	 * bounds the whole wait (not each of several attempts). */
	int64_t deadline = monotonic_ms() + b->busy_timeout_ms;
	for (int attempt = 0;; attempt++) {
		int rc = sqlite3_exec(b->db, sql, NULL, NULL, NULL);
		if (rc == SQLITE_OK) {
			b->tx_depth = 1;
			return BANK_OK;
		}
		int pause = attempt < 10 ? 1 + attempt * 5 : 50;
		if ((rc & 0xff) != SQLITE_BUSY || monotonic_ms() + pause > deadline)
			return fail(b, sqlite3_extended_errcode(b->db), "begin transaction");
		sleep_ms(pause);
	}
}

int bank__tx_begin(bank *b)
{
	return begin(b, "BEGIN IMMEDIATE");
}

int bank__tx_begin_read(bank *b)
{
	return begin(b, "BEGIN DEFERRED");
}

int bank__tx_commit(bank *b)
{
	if (b->tx_depth > 1) {
		b->tx_depth--;
		return BANK_OK;
	}
	int rc = sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		int code = fail(b, sqlite3_extended_errcode(b->db), "commit");
		bank__tx_rollback(b);
		return code;
	}
	b->tx_depth = 0;
	b->numcache.first_new_id = 0; /* committed: the new accounts' ids are theirs for good */
	return BANK_OK;
}

void bank__numcache_rollback(bank *b)
{
	int64_t first = b->numcache.first_new_id;
	for (int64_t id = first; first > 0 && id < (int64_t)b->numcache.ids; id++)
		b->numcache.number_of[id] = 0; /* stale hash slots then fail their compare */
	b->seq_at_valid = false;
}

void bank__numcache_free(bank *b)
{
	free(b->numcache.number_of);
	free(b->numcache.slots);
	memset(&b->numcache, 0, sizeof b->numcache);
}

void bank__tx_rollback(bank *b)
{
	bank__numcache_rollback(b);
	if (b->tx_depth > 1) {
		/* An inner scope failed: the outer one decides; it sees the error code. */
		b->tx_depth--;
		return;
	}
	b->tx_depth = 0;
	b->numcache.first_new_id = 0;
	if (!sqlite3_get_autocommit(b->db))
		sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
}

int bank__savepoint(bank *b)
{
	int rc = sqlite3_exec(b->db, "SAVEPOINT chain", NULL, NULL, NULL);
	return rc == SQLITE_OK ? BANK_OK : fail(b, sqlite3_extended_errcode(b->db), "savepoint");
}

int bank__savepoint_release(bank *b)
{
	int rc = sqlite3_exec(b->db, "RELEASE chain", NULL, NULL, NULL);
	return rc == SQLITE_OK ? BANK_OK : fail(b, sqlite3_extended_errcode(b->db), "release savepoint");
}

void bank__savepoint_rollback(bank *b)
{
	bank__numcache_rollback(b);
	sqlite3_exec(b->db, "ROLLBACK TO chain; RELEASE chain", NULL, NULL, NULL);
}

int bank__write(bank *b, int (*fn)(bank *b, void *ctx), void *ctx)
{
	int rc = bank__tx_begin(b);
	if (rc != BANK_OK)
		return rc;
	rc = fn(b, ctx);
	if (rc != BANK_OK) {
		bank__tx_rollback(b);
		return rc;
	}
	return bank__tx_commit(b);
}

int bank__db_open(bank *b, const char *path, bool create)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	int rc = sqlite3_open_v2(path, &b->db, flags, NULL);
	if (rc != SQLITE_OK) {
		int ext = b->db ? sqlite3_extended_errcode(b->db) : rc;
		int code = (rc & 0xff) == SQLITE_CANTOPEN ? (create ? BANK_EIO : BANK_ENOTFOUND)
							  : bank__sqlite_status(ext);
		bank__err_sqlite(code, ext, "cannot open %.200s: %s%s", path,
				 b->db ? sqlite3_errmsg(b->db) : sqlite3_errstr(rc),
				 code == BANK_ENOTFOUND ? " (create it first, e.g. bankctl init)" : "");
		sqlite3_close_v2(b->db);
		b->db = NULL;
		return code;
	}
	sqlite3_extended_result_codes(b->db, 1);
	sqlite3_busy_timeout(b->db, b->busy_timeout_ms);
	/* Read the header now so a file that is not SQLite fails here, clearly. */
	rc = sqlite3_exec(b->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		int ext = sqlite3_extended_errcode(b->db);
		int code = bank__sqlite_status(ext);
		if (code == BANK_ECORRUPT)
			bank__err_sqlite(code, ext, "%.200s is not a libbank database (not an SQLite file)", path);
		else
			fail(b, ext, "open");
		return code;
	}
	return BANK_OK;
}

int bank__db_checkpoint(bank *b, int mode, int64_t *wal_pages, int64_t *copied)
{
	int log = -1, done = -1;
	int rc = sqlite3_wal_checkpoint_v2(b->db, "main", mode, &log, &done);
	/* -1: no WAL (an in-memory bank), or the checkpoint did not start. */
	*wal_pages = log > 0 ? log : 0;
	*copied = done > 0 ? done : 0;
	if (rc == SQLITE_OK)
		return BANK_OK;
	if ((rc & 0xff) == SQLITE_LOCKED)
		return bank__err_sqlite(BANK_EBUSY, rc, "checkpoint: this handle has a read or write open");
	if ((rc & 0xff) == SQLITE_BUSY)
		return bank__err_sqlite(BANK_EBUSY, rc,
					"checkpoint: another handle kept the WAL busy past the busy timeout"
					" (%lld of %lld pages copied)",
					(long long)*copied, (long long)*wal_pages);
	return fail(b, rc, "checkpoint");
}

void bank__db_close(bank *b)
{
	bank__db_cache_clear(b);
	if (b->db != NULL)
		sqlite3_close_v2(b->db);
	b->db = NULL;
}

int bank__collect(bank__q *q, void *arrp, size_t elem_size, size_t *count, int (*row)(void *slot, bank__q *q))
{
	size_t cap = *count;
	int rc;
	while ((rc = bank__q_step(q)) == 1) {
		if ((rc = bank__grow(arrp, elem_size, *count + 1, &cap)) != BANK_OK)
			break;
		unsigned char *base = *(void **)arrp;
		if ((rc = row(base + *count * elem_size, q)) != BANK_OK)
			break;
		(*count)++;
	}
	bank__q_reset(q);
	return rc < 0 ? rc : BANK_OK;
}

int bank__id_by_code(bank *b, const char *sql, const char *what, const char *code, int64_t *id)
{
	bank__q *q = bank__q_get(b, sql);
	if (q == NULL)
		return bank__last_code();
	bank__q_text(q, 1, code);
	int rc = bank__q_step(q);
	if (rc == 1)
		*id = bank__q_col_int(q, 0);
	bank__q_reset(q);
	if (rc == 0)
		return bank__err(BANK_ENOTFOUND, "no %s with code \"%s\"", what, code);
	return rc < 0 ? rc : BANK_OK;
}

int64_t bank__last_rowid(bank *b)
{
	return sqlite3_last_insert_rowid(b->db);
}
