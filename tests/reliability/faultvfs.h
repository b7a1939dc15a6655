/*
 * faultvfs.h: a test SQLite VFS over the default "unix" one, for power loss and
 * fault injection. Tests only: libbank never sees it except as the default VFS.
 *
 * fv_install() registers it as the default VFS (makeDflt = 1), so a bank_open() that
 * follows goes through it; fv_uninstall() makes "unix" the default again. One thread.
 *
 * Power loss. With tracking on, every write and truncate of a named file (database, WAL)
 * goes to the real file, and is also logged with the bytes it replaced until the file is
 * next synced: what an operating system holds in its page cache. fv_crash_after(n) makes
 * the n-th write/sync/truncate from now fail, and every I/O after it (reads, writes,
 * syncs, locks, opens, deletes) fail too: the machine is off. fv_powercut() then rewrites
 * the real files as a disk would hold them after the cut: the synced image plus all, a
 * random subset or a random prefix of the unsynced writes (a kept write may be torn at a
 * 512-byte boundary). The shared-memory wal-index is passed straight through (it is
 * memory); a power cut loses it, so delete the -shm file before reopening.
 *
 * Faults. fv_fault(class, n, code, persistent) makes the n-th read, write, sync or lock
 * (xLock) from now return @p code (SQLITE_IOERR_* or SQLITE_FULL) without doing it; with
 * @p persistent, every later one of that class fails too. The test sets fv_step before
 * each call it makes, so fv_fired_step() tells which call met the fault.
 */
#ifndef LIBBANK_FAULTVFS_H
#define LIBBANK_FAULTVFS_H

#include <stdint.h>

#include "rt.h"

enum fv_class { FV_READ, FV_WRITE, FV_SYNC, FV_LOCK, FV_NCLASS };

enum fv_cut_mode {
	FV_CUT_DROP_ALL, /* every unsynced write is lost */
	FV_CUT_RANDOM,   /* each unsynced write survives with probability 1/2, some torn */
	FV_CUT_PREFIX    /* the unsynced writes reached the disk in order, up to a random point */
};

/** Registers the VFS ("faultvfs") as the default. Idempotent. */
void fv_install(void);
/** Makes "unix" the default VFS again. */
void fv_uninstall(void);
/** Forgets counters, faults, the crash and every tracked file (all files count as synced). */
void fv_reset(void);

/** Names of the classes: "read", "write", "sync", "lock". */
const char *fv_class_name(int cls);

/* ---- Faults ---- */

/** The step the test is in (any number it likes); recorded when a fault fires. */
extern int fv_step;
/** Injects a fault at the @p nth (1-based) op of @p cls from now; nth 0 disables it. */
void fv_fault(int cls, long nth, int code, int persistent);
/** Ops of @p cls since the last fv_reset() or fv_fault(). */
long fv_count(int cls);
/** How many times the fault fired (0: never reached). */
long fv_fired(void);
/** fv_step when the fault first fired, or -1. */
int fv_fired_step(void);
/** Whether the fault fired while fv_step was @p step (0..63). */
int fv_fired_in(int step);

/* ---- Power loss ---- */

/** Logs unsynced writes (see above). Off by default. */
void fv_track(int on);
/** With @p on 0, xSync does not call the real fsync (the simulation does not need it). */
void fv_real_sync(int on);
/** The power fails at the @p n-th (1-based) write, sync or truncate from now; 0: never. */
void fv_crash_after(long n);
/**
 * The process kills itself (SIGKILL) at the @p n-th write, sync or truncate from now,
 * before doing it: a process crash at an exact I/O point. 0: never.
 */
void fv_kill_after(long n);
/** The power fails now. */
void fv_crash_now(void);
/** Whether the power has failed. */
int fv_crashed(void);
/** Writes, syncs and truncates since the last reset. */
long fv_io_count(void);

typedef struct fv_cut_stats {
	long files, unsynced, kept, torn;
} fv_cut_stats;

/**
 * Rewrites every tracked file as the disk holds it after the cut. Every handle on them
 * must be closed. Resets the VFS afterwards (fv_reset()).
 */
void fv_powercut(int mode, rt_rng *r, fv_cut_stats *stats);

#endif
