/*
 * wl.h: the random ledger workload of the crash and power-loss tests, with an exact
 * model of what it does.
 *
 * The model knows the balance and pending amount of WL_NACCT customer accounts, the
 * active holds and the transfers that can still be reversed, and so predicts the
 * outcome of every operation it generates: the generator only emits operations the
 * model says succeed, plus deliberate refusals whose outcome does not depend on the
 * state (an amount of WL_HUGE always fails with insufficient funds). A generated op is
 * one of deposit, withdrawal, transfer, hold, post (whole or partial), void, reversal, a
 * batch (with linked chains, some meant to fail whole) or a replay of an earlier op
 * (which must answer "exists" and post nothing).
 *
 * Ops travel between processes as one text line (wl_format/wl_parse), short enough
 * (< PIPE_BUF) to be written atomically to a pipe.
 */
#ifndef LIBBANK_WL_H
#define LIBBANK_WL_H

#include <stddef.h>
#include <stdint.h>

#include "bank.h"
#include "rt.h"

#define WL_NACCT 4
#define WL_BATCH_MAX 6
#define WL_IDLEN 40
/** Batch item ids: the op id, a dot and the item index. */
#define WL_ITEM_IDLEN 56
#define WL_HIST 8
/** An amount no account ever has available: a refusal whatever the state. */
#define WL_HUGE INT64_C(1000000000000000)
/** Longest line wl_format() writes, newline and NUL included. */
#define WL_LINE 1024

enum wl_kind { WL_DEPOSIT, WL_WITHDRAW, WL_TRANSFER, WL_HOLD, WL_POST, WL_VOID, WL_REVERSE, WL_BATCH };

/** One batch item: debit -1 is a deposit, credit -1 a withdrawal. */
typedef struct wl_item {
	int debit, credit;
	int64_t amount;
	char id[WL_ITEM_IDLEN];
	int linked;
	int ok;   /* predicted to succeed */
	int code; /* predicted code when !ok */
} wl_item;

typedef struct wl_op {
	int kind;
	int a, c;       /* account indexes; c -1: the branch's internal account */
	int64_t amount; /* requested amount (post: 0 = whole hold; void, reverse: 0) */
	int64_t eff;    /* the amount the journal row will carry */
	char id[WL_IDLEN];
	char ref[WL_IDLEN]; /* hold (post, void) or transfer (reverse); "" when none */
	int expect;         /* BANK_OK, or the refusal code */
	int replay;         /* a repeat of a committed op: answers "exists" */
	int n;              /* batch items */
	wl_item items[WL_BATCH_MAX];
} wl_op;

typedef struct wl_hold {
	char id[WL_IDLEN];
	int a, c;
	int64_t amount;
} wl_hold;

typedef struct wl_rev {
	char id[WL_IDLEN];
	int debit, credit; /* -1: an internal account */
	int64_t amount;
} wl_rev;

typedef struct wl_model {
	char num[WL_NACCT][BANK_ACCOUNT_NUMBER_SIZE];
	int64_t bal[WL_NACCT], pend[WL_NACCT];
	wl_hold *holds; /* active holds */
	size_t nholds, capholds;
	wl_rev *revs; /* posted transfers not yet reversed */
	size_t nrevs, caprevs;
	wl_op hist[WL_HIST]; /* recent committed single ops, to replay */
	size_t nhist;
} wl_model;

/** An empty model of the accounts @p numbers. */
void wl_model_init(wl_model *m, char numbers[][BANK_ACCOUNT_NUMBER_SIZE]);
void wl_model_free(wl_model *m);
/** Deep copy into an uninitialized @p dst. */
void wl_model_copy(wl_model *dst, const wl_model *src);
/** Reads the model's state from the database (balances, active holds, reversible transfers, history). */
void wl_model_load(wl_model *m, bank *b);
/** Compares an expected model with one loaded from the database; returns violations. */
long wl_model_compare(const wl_model *expected, const wl_model *found, const char *when);

/** Generates a random op the model can predict; ids are "<prefix><counter>". */
void wl_gen(const wl_model *m, rt_rng *r, const char *prefix, unsigned long *counter, wl_op *op);
/** Applies an op that completed as predicted (refusals and replays change nothing). */
void wl_apply(wl_model *m, const wl_op *op);

/**
 * Runs @p op through the public API (account numbers from @p m) and checks its outcome against the prediction.
 * @p retry: a repeat of an op whose outcome is unknown, so "created" and "exists" are
 * both right. Returns 1 when the outcome is as predicted, else 0 with the reason in @p msg.
 */
int wl_exec(bank *b, const wl_model *m, const wl_op *op, int retry, char *msg, size_t size);

/**
 * The ids of @p op: with @p created set, those a successful run adds to the journal
 * (none for a replay or a refusal); otherwise those that must not be in it after a
 * refusal. Returns the count; @p ids receives pointers into @p op.
 */
size_t wl_ids(const wl_op *op, int created, const char *ids[WL_BATCH_MAX + 1]);

/** "deposit", "batch"... */
const char *wl_kind_name(int kind);

/** One line, "\n" terminated. */
void wl_format(const wl_op *op, char *buf, size_t size);
/** Parses what wl_format wrote (without the leading tag). Returns 1 on success. */
int wl_parse(const char *line, wl_op *op);

#endif
