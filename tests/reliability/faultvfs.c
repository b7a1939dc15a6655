/*
 * faultvfs.c: the power-loss and fault-injection VFS of the reliability tests (see
 * faultvfs.h).
 *
 * Every file the VFS opens is a struct fv_file followed by the real "unix" file. Named
 * files share one struct fv_path per path (a WAL is opened and closed many times; its
 * unsynced writes belong to the file, not to a handle), holding the size at the last sync
 * and the log of writes and truncates since then. A power cut undoes the whole log
 * (newest first, restoring the bytes each entry replaced), truncates the file to its
 * synced size, then redoes the entries the chosen mode keeps, oldest first.
 */
#include "faultvfs.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

/* ---- State ---- */

struct fv_event {
	int trunc;           /* 0: a write; 1: a truncate */
	sqlite3_int64 off;   /* write offset, or the new size of a truncate */
	int len;             /* bytes written, or bytes the truncate removed */
	unsigned char *old;  /* the bytes replaced (zeros past the end of the file) */
	unsigned char *data; /* the bytes written (NULL for a truncate) */
};

struct fv_path {
	char *name;
	sqlite3_int64 synced_size;
	struct fv_event *ev;
	size_t nev, cap;
	struct fv_path *next;
};

typedef struct fv_file {
	sqlite3_file base;
	struct fv_path *path; /* NULL: not tracked (temp files) */
	sqlite3_file *real;
	sqlite3_int64 pad; /* keeps the real file 8-byte aligned */
} fv_file;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fv_vfs;
static struct fv_path *paths;

int fv_step;
static long counts[FV_NCLASS];
static struct {
	int cls;
	long nth;
	int code;
	int persistent;
} fault = {-1, 0, 0, 0};
static long fired;
static int fired_step = -1;
static uint64_t fired_mask; /* bit s: the fault fired while fv_step was s (0..63) */

static int tracking, real_sync = 1, crashed;
static long io_count, crash_at, kill_at;

static const char *const class_names[] = {"read", "write", "sync", "lock"};

const char *fv_class_name(int cls)
{
	return cls >= 0 && cls < FV_NCLASS ? class_names[cls] : "?";
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		rt_die("faultvfs: out of memory");
	return p;
}

static void path_clear(struct fv_path *p)
{
	for (size_t i = 0; i < p->nev; i++) {
		free(p->ev[i].old);
		free(p->ev[i].data);
	}
	p->nev = 0;
}

static struct fv_path *path_get(const char *name, sqlite3_file *real)
{
	for (struct fv_path *p = paths; p; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	struct fv_path *p = xmalloc(sizeof *p);
	memset(p, 0, sizeof *p);
	p->name = xmalloc(strlen(name) + 1);
	strcpy(p->name, name);
	sqlite3_int64 size = 0;
	if (real->pMethods->xFileSize(real, &size) != SQLITE_OK)
		size = 0;
	p->synced_size = size; /* what exists when first seen counts as durable */
	p->next = paths;
	paths = p;
	return p;
}

static void path_forget(const char *name)
{
	for (struct fv_path **pp = &paths; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->name, name) == 0) {
			struct fv_path *p = *pp;
			*pp = p->next;
			path_clear(p);
			free(p->ev);
			free(p->name);
			free(p);
			return;
		}
	}
}

static void log_event(struct fv_path *p, struct fv_event e)
{
	if (p->nev == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		struct fv_event *n = realloc(p->ev, p->cap * sizeof *n);
		if (n == NULL)
			rt_die("faultvfs: out of memory");
		p->ev = n;
	}
	p->ev[p->nev++] = e;
}

void fv_reset(void)
{
	while (paths != NULL) {
		struct fv_path *p = paths;
		paths = p->next;
		path_clear(p);
		free(p->ev);
		free(p->name);
		free(p);
	}
	memset(counts, 0, sizeof counts);
	fault.cls = -1;
	fault.nth = 0;
	fired = 0;
	fired_step = -1;
	fired_mask = 0;
	crashed = 0;
	io_count = 0;
	crash_at = 0;
	kill_at = 0;
}

void fv_fault(int cls, long nth, int code, int persistent)
{
	memset(counts, 0, sizeof counts);
	fault.cls = cls;
	fault.nth = nth;
	fault.code = code;
	fault.persistent = persistent;
	fired = 0;
	fired_step = -1;
	fired_mask = 0;
}

long fv_count(int cls)
{
	return cls >= 0 && cls < FV_NCLASS ? counts[cls] : 0;
}

long fv_fired(void)
{
	return fired;
}

int fv_fired_step(void)
{
	return fired_step;
}

int fv_fired_in(int step)
{
	return step >= 0 && step < 64 && (fired_mask >> step) & 1;
}

void fv_track(int on)
{
	tracking = on;
}

void fv_real_sync(int on)
{
	real_sync = on;
}

void fv_crash_after(long n)
{
	crash_at = n > 0 ? io_count + n : 0;
}

void fv_kill_after(long n)
{
	kill_at = n > 0 ? io_count + n : 0;
}

void fv_crash_now(void)
{
	crashed = 1;
}

int fv_crashed(void)
{
	return crashed;
}

long fv_io_count(void)
{
	return io_count;
}

/* Counts an op of @p cls; returns the injected error or SQLITE_OK. */
static int fault_check(int cls)
{
	counts[cls]++;
	if (fault.cls != cls || fault.nth <= 0)
		return SQLITE_OK;
	if (counts[cls] == fault.nth || (fault.persistent && counts[cls] > fault.nth)) {
		if (fired++ == 0)
			fired_step = fv_step;
		if (fv_step >= 0 && fv_step < 64)
			fired_mask |= UINT64_C(1) << fv_step;
		return fault.code;
	}
	return SQLITE_OK;
}

/* Counts a write, sync or truncate; returns nonzero when the power is (now) off. */
static int power_check(void)
{
	if (crashed)
		return 1;
	io_count++;
	if (kill_at > 0 && io_count >= kill_at)
		kill(getpid(), SIGKILL); /* a process crash at this exact I/O, before it is done */
	if (crash_at > 0 && io_count >= crash_at)
		crashed = 1;
	return crashed;
}

/* ---- I/O methods ---- */

#define REAL(f) (((fv_file *)(f))->real)
#define RM(f) (REAL(f)->pMethods)

static int fv_close(sqlite3_file *f)
{
	int rc = SQLITE_OK;
	if (RM(f) != NULL)
		rc = RM(f)->xClose(REAL(f));
	return crashed ? SQLITE_OK : rc;
}

static int fv_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	if (crashed)
		return SQLITE_IOERR_READ;
	int rc = fault_check(FV_READ);
	if (rc != SQLITE_OK)
		return rc;
	return RM(f)->xRead(REAL(f), buf, amt, off);
}

static int fv_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	if (power_check())
		return SQLITE_IOERR_WRITE;
	int rc = fault_check(FV_WRITE);
	if (rc != SQLITE_OK)
		return rc;
	fv_file *p = (fv_file *)f;
	struct fv_event e = {0, off, amt, NULL, NULL};
	if (tracking && p->path != NULL) {
		e.old = xmalloc((size_t)amt);
		int r = RM(f)->xRead(REAL(f), e.old, amt, off); /* zero-fills past the end */
		if (r != SQLITE_OK && r != SQLITE_IOERR_SHORT_READ) {
			free(e.old);
			return r;
		}
		e.data = xmalloc((size_t)amt);
		memcpy(e.data, buf, (size_t)amt);
	}
	rc = RM(f)->xWrite(REAL(f), buf, amt, off);
	if (tracking && p->path != NULL) {
		if (rc == SQLITE_OK) {
			log_event(p->path, e);
		} else {
			free(e.old);
			free(e.data);
		}
	}
	return rc;
}

static int fv_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (power_check())
		return SQLITE_IOERR_TRUNCATE;
	fv_file *p = (fv_file *)f;
	struct fv_event e = {1, size, 0, NULL, NULL};
	if (tracking && p->path != NULL) {
		sqlite3_int64 cur = 0;
		int r = RM(f)->xFileSize(REAL(f), &cur);
		if (r != SQLITE_OK)
			return r;
		if (cur > size) {
			e.len = (int)(cur - size);
			e.old = xmalloc((size_t)e.len);
			r = RM(f)->xRead(REAL(f), e.old, e.len, size);
			if (r != SQLITE_OK && r != SQLITE_IOERR_SHORT_READ) {
				free(e.old);
				return r;
			}
		}
	}
	int rc = RM(f)->xTruncate(REAL(f), size);
	if (tracking && p->path != NULL) {
		if (rc == SQLITE_OK)
			log_event(p->path, e);
		else
			free(e.old);
	}
	return rc;
}

static int fv_sync(sqlite3_file *f, int flags)
{
	if (power_check())
		return SQLITE_IOERR_FSYNC;
	int rc = fault_check(FV_SYNC);
	if (rc != SQLITE_OK)
		return rc;
	if (real_sync && (rc = RM(f)->xSync(REAL(f), flags)) != SQLITE_OK)
		return rc;
	fv_file *p = (fv_file *)f;
	if (p->path != NULL) {
		path_clear(p->path);
		sqlite3_int64 size = 0;
		if (RM(f)->xFileSize(REAL(f), &size) == SQLITE_OK)
			p->path->synced_size = size;
	}
	return SQLITE_OK;
}

static int fv_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	if (crashed)
		return SQLITE_IOERR_FSTAT;
	return RM(f)->xFileSize(REAL(f), size);
}

static int fv_lock(sqlite3_file *f, int level)
{
	if (crashed)
		return SQLITE_IOERR_LOCK;
	int rc = fault_check(FV_LOCK);
	if (rc != SQLITE_OK)
		return rc;
	return RM(f)->xLock(REAL(f), level);
}

static int fv_unlock(sqlite3_file *f, int level)
{
	return RM(f)->xUnlock(REAL(f), level);
}

static int fv_check_reserved(sqlite3_file *f, int *out)
{
	if (crashed)
		return SQLITE_IOERR_CHECKRESERVEDLOCK;
	return RM(f)->xCheckReservedLock(REAL(f), out);
}

static int fv_file_control(sqlite3_file *f, int op, void *arg)
{
	return RM(f)->xFileControl(REAL(f), op, arg);
}

static int fv_sector_size(sqlite3_file *f)
{
	return RM(f)->xSectorSize(REAL(f));
}

static int fv_device_characteristics(sqlite3_file *f)
{
	return RM(f)->xDeviceCharacteristics(REAL(f));
}

static int fv_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **pp)
{
	return RM(f)->xShmMap(REAL(f), region, size, extend, pp);
}

static int fv_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return RM(f)->xShmLock(REAL(f), offset, n, flags);
}

static void fv_shm_barrier(sqlite3_file *f)
{
	RM(f)->xShmBarrier(REAL(f));
}

static int fv_shm_unmap(sqlite3_file *f, int delete_flag)
{
	return RM(f)->xShmUnmap(REAL(f), delete_flag);
}

/* Version 2: shared memory, but no xFetch, so SQLite never reads around xRead via mmap. */
static const sqlite3_io_methods fv_io = {
	2,
	fv_close,
	fv_read,
	fv_write,
	fv_truncate,
	fv_sync,
	fv_file_size,
	fv_lock,
	fv_unlock,
	fv_check_reserved,
	fv_file_control,
	fv_sector_size,
	fv_device_characteristics,
	fv_shm_map,
	fv_shm_lock,
	fv_shm_barrier,
	fv_shm_unmap,
	NULL,
	NULL,
};

/* ---- VFS methods ---- */

static int fv_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	(void)vfs;
	fv_file *p = (fv_file *)f;
	memset(p, 0, sizeof *p);
	p->real = (sqlite3_file *)(void *)&p[1];
	if (crashed)
		return SQLITE_CANTOPEN;
	int rc = real_vfs->xOpen(real_vfs, name, p->real, flags, out_flags);
	if (p->real->pMethods != NULL)
		p->base.pMethods = &fv_io;
	if (rc == SQLITE_OK && name != NULL &&
	    (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)))
		p->path = path_get(name, p->real);
	return rc;
}

static int fv_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	if (crashed)
		return SQLITE_IOERR_DELETE;
	int rc = real_vfs->xDelete(real_vfs, name, sync_dir);
	if (rc == SQLITE_OK || rc == SQLITE_IOERR_DELETE_NOENT)
		path_forget(name);
	return rc;
}

static int fv_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	if (crashed)
		return SQLITE_IOERR_ACCESS;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int fv_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *fv_dlopen(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return real_vfs->xDlOpen(real_vfs, name);
}

static void fv_dlerror(sqlite3_vfs *vfs, int n, char *msg)
{
	(void)vfs;
	real_vfs->xDlError(real_vfs, n, msg);
}

static void (*fv_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	(void)vfs;
	return real_vfs->xDlSym(real_vfs, h, sym);
}

static void fv_dlclose(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	real_vfs->xDlClose(real_vfs, h);
}

static int fv_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int fv_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return real_vfs->xSleep(real_vfs, us);
}

static int fv_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return real_vfs->xCurrentTime(real_vfs, out);
}

static int fv_get_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xGetLastError(real_vfs, n, out);
}

static int fv_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

void fv_install(void)
{
	if (real_vfs == NULL) {
		real_vfs = sqlite3_vfs_find("unix");
		if (real_vfs == NULL)
			rt_die("faultvfs: no \"unix\" VFS");
		fv_vfs.iVersion = 2;
		fv_vfs.szOsFile = (int)sizeof(fv_file) + real_vfs->szOsFile;
		fv_vfs.mxPathname = real_vfs->mxPathname;
		fv_vfs.zName = "faultvfs";
		fv_vfs.xOpen = fv_open;
		fv_vfs.xDelete = fv_delete;
		fv_vfs.xAccess = fv_access;
		fv_vfs.xFullPathname = fv_full_pathname;
		fv_vfs.xDlOpen = fv_dlopen;
		fv_vfs.xDlError = fv_dlerror;
		fv_vfs.xDlSym = fv_dlsym;
		fv_vfs.xDlClose = fv_dlclose;
		fv_vfs.xRandomness = fv_randomness;
		fv_vfs.xSleep = fv_sleep;
		fv_vfs.xCurrentTime = fv_current_time;
		fv_vfs.xGetLastError = fv_get_last_error;
		fv_vfs.xCurrentTimeInt64 = fv_current_time_int64;
	}
	if (sqlite3_vfs_register(&fv_vfs, 1) != SQLITE_OK)
		rt_die("faultvfs: sqlite3_vfs_register failed");
}

void fv_uninstall(void)
{
	if (real_vfs != NULL && sqlite3_vfs_register(real_vfs, 1) != SQLITE_OK)
		rt_die("faultvfs: cannot make \"unix\" the default VFS again");
}

/* ---- Power cut ---- */

static void pwrite_all(int fd, const unsigned char *buf, size_t n, off_t off, const char *name)
{
	while (n > 0) {
		ssize_t w = pwrite(fd, buf, n, off);
		if (w <= 0)
			rt_die("faultvfs: restoring %s: pwrite failed", name);
		buf += w;
		n -= (size_t)w;
		off += w;
	}
}

void fv_powercut(int mode, rt_rng *r, fv_cut_stats *stats)
{
	fv_cut_stats s = {0, 0, 0, 0};
	for (struct fv_path *p = paths; p; p = p->next) {
		if (p->nev == 0)
			continue;
		int fd = open(p->name, O_RDWR);
		if (fd < 0)
			continue; /* deleted while its writes were unsynced: nothing to restore */
		s.files++;
		s.unsynced += (long)p->nev;
		/* Undo, newest first: back to the synced image. */
		for (size_t i = p->nev; i-- > 0;) {
			struct fv_event *e = &p->ev[i];
			if (e->trunc) {
				if (e->len > 0)
					pwrite_all(fd, e->old, (size_t)e->len, (off_t)e->off, p->name);
			} else {
				pwrite_all(fd, e->old, (size_t)e->len, (off_t)e->off, p->name);
			}
		}
		if (ftruncate(fd, (off_t)p->synced_size) != 0)
			rt_die("faultvfs: restoring %s: ftruncate failed", p->name);
		/* Redo what reached the disk, oldest first. */
		size_t prefix = mode == FV_CUT_PREFIX ? (size_t)rt_below(r, p->nev + 1) : 0;
		for (size_t i = 0; i < p->nev; i++) {
			struct fv_event *e = &p->ev[i];
			int keep = mode == FV_CUT_RANDOM ? (int)rt_below(r, 2) : mode == FV_CUT_PREFIX ? i < prefix : 0;
			if (!keep)
				continue;
			s.kept++;
			if (e->trunc) {
				if (ftruncate(fd, (off_t)e->off) != 0)
					rt_die("faultvfs: restoring %s: ftruncate failed", p->name);
				continue;
			}
			size_t len = (size_t)e->len;
			int last = mode == FV_CUT_PREFIX && i + 1 == prefix;
			if ((mode == FV_CUT_RANDOM || last) && len > 512 && rt_below(r, 4) == 0) {
				len = 512 *
				      (size_t)rt_below(r, (uint64_t)(len / 512)); /* torn: a whole-sector prefix */
				s.torn++;
			}
			if (len > 0)
				pwrite_all(fd, e->data, len, (off_t)e->off, p->name);
		}
		close(fd);
	}
	if (stats != NULL) {
		stats->files += s.files;
		stats->unsynced += s.unsynced;
		stats->kept += s.kept;
		stats->torn += s.torn;
	}
	fv_reset();
}
