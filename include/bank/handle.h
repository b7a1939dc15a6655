/**
 * @file bank/handle.h
 * @brief Opening and closing a bank, its options, its clock and its principal.
 *
 * A bank lives in one SQLite file (or in memory). bank_open() creates the schema in an
 * empty file and migrates an older one in a single transaction; it refuses a file that
 * is not a libbank database or that a newer libbank wrote. One handle per thread; many
 * handles and processes may share one file.
 */
#ifndef BANK_HANDLE_H
#define BANK_HANDLE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How hard a commit works to survive a power cut. */
typedef enum bank_durability {
	BANK_DURABILITY_FULL = 0,  /**< fsync at every commit (SQLite synchronous=FULL): the default */
	BANK_DURABILITY_NORMAL = 1 /**< WAL synchronous=NORMAL: a power cut may lose the last commits, never corrupts */
} bank_durability;

/**
 * A clock: returns the current time in microseconds since the epoch (UTC).
 * Injected through bank_options for tests and harnesses.
 */
typedef bank_time (*bank_clock_fn)(void *ctx);

/**
 * Current version of bank_options; bank_options_init() sets it. Version 1 ends at
 * no_create; version 2 adds cache_size_kib, wal_autocheckpoint and mmap_size_mib; version 3
 * adds statement_records. bank_open() accepts every version up to this one and reads only
 * the fields the caller's version has.
 */
#define BANK_OPTIONS_VERSION 3

/**
 * bank_options.wal_autocheckpoint: commits never checkpoint; the program calls
 * bank_checkpoint(), for example from a thread with its own handle, so that no commit
 * pays for copying the WAL into the database file. The WAL grows until it does.
 */
#define BANK_WAL_AUTOCHECKPOINT_OFF (-1)

/** Options of bank_open(). Always start from BANK_OPTIONS_INIT or bank_options_init(). */
typedef struct bank_options {
	unsigned int version;       /**< BANK_OPTIONS_VERSION */
	bank_durability durability; /**< default BANK_DURABILITY_FULL */
	int busy_timeout_ms;        /**< how long to wait for another writer; default 5000 */
	const char *timezone;       /**< "UTC" (default when NULL), a fixed offset "+05:30" / "-08:00", or a tz
					 database name "Europe/London", read at bank_open() from
					 $TZDIR or /usr/share/zoneinfo (the process's TZ is never used) */
	bank_clock_fn clock;        /**< NULL: the system clock */
	void *clock_ctx;            /**< passed to @ref clock */
	int id_seeded;              /**< nonzero: generated ids and account numbers come from @ref id_seed */
	uint64_t id_seed;           /**< seed of the deterministic id generator (when id_seeded) */
	int no_create;              /**< nonzero: fail with BANK_ENOTFOUND instead of creating a missing file */
	/* version 2 */
	int cache_size_kib;     /**< the handle's page cache in KiB (SQLite cache_size); 0: the default, 32768
				     (32 MiB); at most 16 GiB */
	int wal_autocheckpoint; /**< WAL size in pages after which a commit checkpoints (SQLite
				     wal_autocheckpoint); 0: SQLite's default, 1000 pages; larger values trade
				     WAL disk space for fewer rewrites of hot pages (docs/performance.md);
				     BANK_WAL_AUTOCHECKPOINT_OFF (-1): commits through this handle never
				     checkpoint, the program runs bank_checkpoint() itself */
	int mmap_size_mib;      /**< how much of the database file to read through a memory map (SQLite
				     mmap_size), in MiB; 0: none, the default. Reads of pages outside the
				     page cache then cost no system call; an I/O error while reading the map
				     raises SIGBUS instead of returning BANK_EIO (SQLite's caveat) */
	/* version 3 */
	int statement_records; /**< 1: postings through this handle keep each account's posting records
				    (docs/ledger.md), so that a statement page reads about one row per 16
				    entries instead of one journal row per entry: about 2.5 to 3 times faster
				    pages, at the cost of wider account rows and fewer transfers per second
				    (docs/performance.md); 0: not kept, the default. Handles with either
				    setting may share a file: an account's records are used only where
				    every posting since its last full block kept them */
} bank_options;

/** Static initializer of bank_options with every default. */
#define BANK_OPTIONS_INIT                                                                               \
	{                                                                                               \
		BANK_OPTIONS_VERSION, BANK_DURABILITY_FULL, 5000, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, 0 \
	}

/**
 * Fills @p opts with the defaults for @p version (pass BANK_OPTIONS_VERSION): only the
 * fields that version has are written, so an older caller's smaller struct is safe.
 * @return BANK_OK, or BANK_EINVAL for an unknown version
 */
BANK_EXTERN(int) bank_options_init(bank_options *opts, unsigned int version) BANK_NONNULL(1);

/**
 * Opens (creating or migrating as needed) the bank at @p path.
 *
 * @param out receives the handle, to be closed with bank_close(); NULL on failure
 * @param path a file path, or ":memory:" for a private in-memory bank (one handle only;
 *        no WAL there)
 * @param opts options, or NULL for the defaults
 * @return BANK_OK; BANK_EINVAL (bad option, unknown time zone,
 *         unknown options version); BANK_ENOTFOUND (missing
 *         file with no_create); BANK_ECORRUPT (not a libbank database, or one written
 *         by a newer libbank); BANK_EBUSY; BANK_EIO; BANK_ENOMEM
 */
BANK_EXTERN(int) bank_open(bank **out, const char *path, const bank_options *opts) BANK_WARN_UNUSED;

/** Closes @p b and frees everything it owns. NULL is a no-op. */
BANK_EXTERN(void) bank_close(bank *b);

/** The schema version this library writes (PRAGMA user_version). */
BANK_EXTERN(int) bank_schema_version(void);

/** The current time by the handle's clock, never earlier than the last time it returned. */
BANK_EXTERN(bank_time) bank_now(bank *b) BANK_NONNULL(1);

/** The name of the principal the handle acts as ("system" for the system principal). */
BANK_EXTERN(const char *) bank_principal(const bank *b) BANK_NONNULL(1);

/**
 * Makes the handle act as the system principal: the embedding program's own jobs.
 * The access-control module adds user principals behind the same authorization check.
 * @return BANK_OK
 */
BANK_EXTERN(int) bank_principal_set_system(bank *b) BANK_NONNULL(1);

/** How much bank_checkpoint() does (SQLite's checkpoint modes). */
typedef enum bank_checkpoint_mode {
	BANK_CHECKPOINT_PASSIVE = 0, /**< copy what can be copied now; never waits, never blocks a writer */
	BANK_CHECKPOINT_FULL = 1,    /**< wait (up to the busy timeout) for the writer, then copy every page */
	BANK_CHECKPOINT_RESTART = 2, /**< FULL, then wait for readers, so that the next commit writes the WAL
					  from its start */
	BANK_CHECKPOINT_TRUNCATE = 3 /**< RESTART, then truncate the WAL file to zero bytes */
} bank_checkpoint_mode;

/** What bank_checkpoint() found and did. */
typedef struct bank_checkpoint_info {
	int64_t wal_pages; /**< pages (frames) in the WAL when the checkpoint ended; 0 for a bank without a WAL
			      (":memory:") and after a TRUNCATE that finished */
	int64_t copied;    /**< how many of them are now in the database file (all of them when the
			      checkpoint finished) */
} bank_checkpoint_info;

/**
 * Copies committed pages from the write-ahead log into the database file (a SQLite
 * checkpoint). Commits do this by themselves every bank_options.wal_autocheckpoint
 * pages; a program that opened its handles with @ref BANK_WAL_AUTOCHECKPOINT_OFF calls
 * this instead, from any handle on the file (docs/performance.md, "WAL checkpoints").
 * It changes no bank data, so it writes no audit record. Any handle on the file may run
 * it while others post: a PASSIVE checkpoint never waits and never makes a writer wait.
 *
 * @param b the handle (NULL: BANK_EMISUSE)
 * @param mode how much to do
 * @param info receives the WAL's size and the pages copied, also when the result is
 *        BANK_EBUSY; may be NULL
 * @return BANK_OK; BANK_EINVAL (unknown mode); BANK_EBUSY (FULL, RESTART or TRUNCATE
 *         could not finish within the busy timeout because another handle kept writing
 *         or reading, or, in any mode, another handle was checkpointing or a commit was
 *         changing the WAL at that moment: what could be copied was copied, and a later
 *         call goes on from there);
 *         BANK_EPERM (the principal may not run it); BANK_EIO
 */
BANK_EXTERN(int) bank_checkpoint(bank *b, bank_checkpoint_mode mode, bank_checkpoint_info *info);

/**
 * Formats @p t as RFC 3339 in UTC with microseconds: "2026-11-24T11:13:24.000000Z".
 * @return BANK_OK, or BANK_ELIMIT when @p size < BANK_TIME_SIZE or the year leaves 0001..9999
 */
BANK_EXTERN(int) bank_time_format(char *buf, size_t size, bank_time t) BANK_WARN_UNUSED;

/**
 * Parses RFC 3339 ("2026-11-24T11:13:24Z", "2026-11-24T12:13:24.5+01:00"). A leap
 * second ("2016-12-31T23:59:60Z") is the instant after the minute's second 59, the
 * next minute's second 00, as in POSIX time.
 * @return BANK_OK or BANK_EINVAL
 */
BANK_EXTERN(int) bank_time_parse(bank_time *out, const char *text) BANK_WARN_UNUSED;

/** Parses "YYYY-MM-DD" (a real calendar date). @return BANK_OK or BANK_EINVAL */
BANK_EXTERN(int) bank_date_parse(bank_date *out, const char *text) BANK_WARN_UNUSED;

/** Formats a date as "YYYY-MM-DD". @return BANK_OK or BANK_ELIMIT when size < 11 */
BANK_EXTERN(int) bank_date_format(char *buf, size_t size, bank_date d) BANK_WARN_UNUSED;

/**
 * The first instant of date @p d in the bank's time zone: the earliest instant whose
 * date is @p d. Where DST begins at midnight the day starts at 01:00 local; a date the
 * zone skipped (Pacific/Apia 2011-12-30) starts where the next date does, so
 * [bank_date_start(d), bank_date_start(d + 1)) never overlap and cover all time.
 */
BANK_EXTERN(bank_time) bank_date_start(const bank *b, bank_date d) BANK_NONNULL(1);

/**
 * The date in the bank's time zone that contains instant @p t: the local calendar day
 * of @p t with the UTC offset in effect at @p t (during a fall-back overlap, the clock's
 * repeated hour belongs to the date the clock shows).
 */
BANK_EXTERN(bank_date) bank_date_of(const bank *b, bank_time t) BANK_NONNULL(1);

#ifdef __cplusplus
}
#endif
#endif
