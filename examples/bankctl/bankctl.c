/*
 * bankctl.c: a command-line front end to libbank, one command per run.
 *
 *     bankctl [--db PATH] [--json] COMMAND [ARGS...]
 *
 * Flow of a run: parse the global options, find the command in the table below, parse
 * its arguments against the command's option list (usage errors stop here, before any
 * database is touched), open the bank, run the command, print. Everything a command
 * prints on stdout is built in a buffer and written only when it succeeded, so a
 * failing command prints nothing but its error (a JSON error object on stdout with
 * --json, a line on stderr without).
 *
 * Exit status: 0 success, 1 the library or the input refused the request (the JSON
 * "code" is bank_error_name() of the status), 2 usage error.
 *
 * Amounts are parsed and printed only through bank_amount_parse()/bank_amount_format()
 * in the currency of the account or product concerned; times through
 * bank_time_format() (RFC 3339, UTC); dates through bank_date_parse() and
 * bank_date_start() in the bank's time zone. Nothing here uses floating point.
 *
 * Environment: BANK_DB (database path when --db is absent), BANK_NOW (an RFC 3339 time
 * used as the bank's clock), BANK_TZ (the bank's time zone: "UTC", "+HH:MM" or a tz
 * database name such as "Europe/London").
 */
#include "bankctl.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bank.h>

#include "json.h"

/* ---- Types ---- */

/** How an option takes its value. */
enum opt_kind {
	OPT_FLAG,  /* "--name" alone */
	OPT_VALUE, /* "--name VALUE" or "--name=VALUE" */
	OPT_COUNT  /* like OPT_VALUE, and the value must be a whole number (else a usage error) */
};

/** An option a command accepts; a required one missing is a usage error. */
typedef struct optspec {
	const char *name;
	enum opt_kind kind;
	bool required;
} optspec;

#define FLAG(n)                    \
	{                          \
		n, OPT_FLAG, false \
	}
#define VALUE(n)                    \
	{                           \
		n, OPT_VALUE, false \
	}
#define REQUIRED(n)                \
	{                          \
		n, OPT_VALUE, true \
	}
#define COUNT(n)                    \
	{                           \
		n, OPT_COUNT, false \
	}
#define OPTS_END                      \
	{                             \
		NULL, OPT_FLAG, false \
	}

#define MAX_POS 4
#define MAX_OPTS 64

/** A command's parsed arguments: positionals, and options in command-line order. */
typedef struct args {
	int npos;
	const char *pos[MAX_POS];
	int nopt;
	const char *opt_name[MAX_OPTS];  /* the optspec's name */
	const char *opt_value[MAX_OPTS]; /* NULL for flags */
} args;

typedef struct ctx ctx;
typedef int (*cmd_fn)(ctx *c, const args *a);

/** What a command needs before it runs. */
enum db_need { DB_NONE, DB_OPEN };

/** One entry of the command table. */
typedef struct command {
	const char *name; /* first word */
	const char *sub;  /* second word, or NULL */
	cmd_fn fn;
	const optspec *opts; /* terminated by a NULL name */
	int min_pos, max_pos;
	int min_opts; /* options needed (the edit commands need a --FIELD VALUE) */
	enum db_need db;
	const char *usage; /* the arguments after the command words */
	const char *help;  /* one line */
} command;

#define AMT_SLOTS 16
#define TIME_SLOTS 8

/** The state of one run. */
struct ctx {
	bool json;
	const char *db_path;
	const command *cmd;
	const char *usage_name; /* the first word of an incomplete command, for usage errors */
	bool full_usage;        /* a usage error shows every command */
	bank *b;
	bank_time now;              /* BANK_NOW, when set: the clock's fixed value */
	sbuf out;                   /* what stdout gets on success */
	jw j;                       /* JSON writer over out */
	int code;                   /* the error's bank_status */
	sbuf msg;                   /* the error's message */
	bool streamed;              /* part of out is on stdout already (statement --all) */
	bank_verify_report *report; /* violations of a failed verify */
	int fmt_err;                /* a format call failed (the output is unusable) */
	char amt[AMT_SLOTS][BANK_AMOUNT_SIZE];
	int amt_next;
	char tm[TIME_SLOTS][BANK_TIME_SIZE];
	int tm_next;
};

/* ---- Errors ---- */

static int fail(ctx *c, int code, const char *fmt, ...) BANKCTL_PRINTF(3, 4);
static int usage_error(ctx *c, const char *fmt, ...) BANKCTL_PRINTF(2, 3);

/** Records error @p code with a message; returns the exit status 1. */
static int fail(ctx *c, int code, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	c->code = code;
	sbuf_reset(&c->msg);
	sbuf_puts(&c->msg, text);
	return BANKCTL_EXIT_ERROR;
}

/**
 * Records the library's failure @p rc with its own message (bank_error_last()),
 * prefixed by @p what when not NULL; returns 1.
 */
static int fail_lib(ctx *c, int rc, const char *what)
{
	const bank_error *e = bank_error_last();
	const char *m = (e->code == rc && e->message[0] != '\0') ? e->message : bank_strerror(rc);
	if (what != NULL)
		return fail(c, rc, "%s: %s", what, m);
	return fail(c, rc, "%s", m);
}

/** Records a usage error; returns the exit status 2. */
static int usage_error(ctx *c, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	c->code = BANK_EINVAL;
	sbuf_reset(&c->msg);
	sbuf_puts(&c->msg, text);
	return BANKCTL_EXIT_USAGE;
}

/* ---- Formatting ---- */

/** @p v in @p currency as decimal text, from a rotating pool of buffers. */
static const char *amt(ctx *c, int64_t v, const char *currency)
{
	char *buf = c->amt[c->amt_next++ % AMT_SLOTS];
	int rc = bank_amount_format(buf, BANK_AMOUNT_SIZE, v, currency);
	if (rc != BANK_OK) {
		if (c->fmt_err == 0) {
			fail_lib(c, rc, "formatting an amount");
			c->fmt_err = rc;
		}
		buf[0] = '\0';
	}
	return buf;
}

/** @p t as RFC 3339 UTC, from a rotating pool of buffers. */
static const char *tm(ctx *c, bank_time t)
{
	char *buf = c->tm[c->tm_next++ % TIME_SLOTS];
	int rc = bank_time_format(buf, BANK_TIME_SIZE, t);
	if (rc != BANK_OK) {
		if (c->fmt_err == 0) {
			fail_lib(c, rc, "formatting a time");
			c->fmt_err = rc;
		}
		buf[0] = '\0';
	}
	return buf;
}

/** @p rate as percent text into @p buf (BANK_RATE_SIZE bytes); a failure is recorded. */
static const char *rate_text(ctx *c, char *buf, int64_t rate)
{
	int rc = bank_rate_format(buf, BANK_RATE_SIZE, rate);
	if (rc != BANK_OK) {
		if (c->fmt_err == 0) {
			fail_lib(c, rc, "formatting a rate");
			c->fmt_err = rc;
		}
		buf[0] = '\0';
	}
	return buf;
}

/** @p t as RFC 3339, or "-" when it is 0 (not set). */
static const char *tm_or_dash(ctx *c, bank_time t)
{
	return t != 0 ? tm(c, t) : "-";
}

/** @p s, or "-" when empty. */
static const char *or_dash(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "-";
}

static void jw_amount(ctx *c, const char *key, int64_t v, const char *currency)
{
	jw_str(&c->j, key, amt(c, v, currency));
}

static void jw_time(ctx *c, const char *key, bank_time t)
{
	jw_str(&c->j, key, tm(c, t));
}

static void jw_time_or_null(ctx *c, const char *key, bank_time t)
{
	if (t == 0)
		jw_null(&c->j, key);
	else
		jw_time(c, key, t);
}

static void jw_id(ctx *c, const char *key, int64_t id)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", (long long)id);
	jw_str(&c->j, key, buf);
}

static void outf(ctx *c, const char *fmt, ...) BANKCTL_PRINTF(2, 3);

/** Appends human output. */
static void outf(ctx *c, const char *fmt, ...)
{
	char stack[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(stack, sizeof stack, fmt, ap);
	va_end(ap);
	if (n < 0) {
		c->out.failed = true;
		return;
	}
	if ((size_t)n < sizeof stack) {
		sbuf_putn(&c->out, stack, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (big == NULL) {
		c->out.failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sbuf_putn(&c->out, big, (size_t)n);
	free(big);
}

/* ---- Argument helpers ---- */

/** The last value given for option @p name, or NULL. */
static const char *opt(const args *a, const char *name)
{
	const char *v = NULL;
	for (int i = 0; i < a->nopt; i++)
		if (strcmp(a->opt_name[i], name) == 0)
			v = a->opt_value[i];
	return v;
}

/** Whether flag or option @p name was given. */
static bool has_opt(const args *a, const char *name)
{
	for (int i = 0; i < a->nopt; i++)
		if (strcmp(a->opt_name[i], name) == 0)
			return true;
	return false;
}

/** Parses decimal digits (no sign) up to @p max. @return 0, or -1 when malformed or too big. */
static int parse_uint(const char *s, int64_t max, int64_t *out)
{
	int64_t v = 0;
	if (s == NULL || *s == '\0')
		return -1;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		int d = *p - '0';
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/** Parses a customer id (a positive integer); invalid_argument otherwise. */
static int parse_customer_id(ctx *c, const char *s, int64_t *out)
{
	if (parse_uint(s, INT64_MAX, out) != 0 || *out <= 0)
		return fail(c, BANK_EINVAL, "customer id must be a positive integer, not '%s'", s);
	return 0;
}

/** Parses amount text in @p currency; @p what names the argument in the message. */
static int parse_amount(ctx *c, int64_t *out, const char *text, const char *currency, const char *what)
{
	int rc = bank_amount_parse(out, text, currency);
	if (rc != BANK_OK) {
		const bank_error *e = bank_error_last();
		if (e->code != rc || e->message[0] == '\0')
			return fail(c, rc, "%s '%s' is not a valid %s amount", what, text, currency);
		if (strcmp(what, "amount") == 0)
			return fail(c, rc, "%s", e->message);
		return fail(c, rc, "%s: %s", what, e->message);
	}
	return 0;
}

/** Parses the amount of a movement: a valid amount above zero. */
static int parse_movement_amount(ctx *c, int64_t *out, const char *text, const char *currency)
{
	if (parse_amount(c, out, text, currency, "amount"))
		return BANKCTL_EXIT_ERROR;
	if (*out == 0)
		return fail(c, BANK_EINVAL, "amount must be greater than zero");
	return 0;
}

/** Looks up an account (to learn its currency). */
static int get_account(ctx *c, bank_account **out, const char *number)
{
	int rc = bank_account_get(out, c->b, number);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	return 0;
}

static const char *frozen_name(unsigned int f)
{
	switch (f & BANK_FREEZE_BOTH) {
	case BANK_FREEZE_DEBITS: return "debits";
	case BANK_FREEZE_CREDITS: return "credits";
	case BANK_FREEZE_BOTH: return "both";
	default: return "none";
	}
}

/* ---- Printers ---- */

static void put_branch(ctx *c, const char *key, const bank_branch *br)
{
	jw_obj_begin(&c->j, key);
	jw_str(&c->j, "code", br->code);
	jw_str(&c->j, "name", br->name);
	jw_str_or_null(&c->j, "address", br->address);
	jw_time(c, "created_at", br->created_at);
	jw_obj_end(&c->j);
}

/* The interest additions (see the Interest section near the command table). */
static int interest_spec_opts(ctx *c, const args *a, bank_product_spec *spec);
static void put_product_interest(ctx *c, const bank_product *p);
static void human_product_interest(ctx *c, const bank_product *p);

static void put_product(ctx *c, const char *key, const bank_product *p)
{
	char rate[BANK_RATE_SIZE];
	jw_obj_begin(&c->j, key);
	jw_str(&c->j, "code", p->code);
	jw_str(&c->j, "name", p->name);
	jw_str(&c->j, "kind", bank_product_kind_name(p->kind));
	jw_str(&c->j, "currency", p->currency);
	jw_amount(c, "min_balance", p->min_balance, p->currency);
	jw_str(&c->j, "rate", rate_text(c, rate, p->rate));
	jw_amount(c, "overdraft", p->overdraft, p->currency);
	put_product_interest(c, p);
	jw_time(c, "created_at", p->created_at);
	jw_time(c, "updated_at", p->updated_at);
	jw_obj_end(&c->j);
}

static void put_customer(ctx *c, const char *key, const bank_customer *cu)
{
	jw_obj_begin(&c->j, key);
	jw_id(c, "id", cu->id);
	jw_str(&c->j, "name", cu->name);
	jw_str_or_null(&c->j, "dob", cu->dob);
	jw_str_or_null(&c->j, "occupation", cu->occupation);
	if (cu->income >= 0)
		jw_amount(c, "income", cu->income, cu->income_currency);
	else
		jw_null(&c->j, "income");
	jw_str_or_null(&c->j, "income_currency", cu->income_currency);
	/* The record's one amount is income: "currency" names its currency, as on every
	 * other record that holds money. */
	jw_str_or_null(&c->j, "currency", cu->income_currency);
	jw_str_or_null(&c->j, "email", cu->email);
	jw_str_or_null(&c->j, "phone", cu->phone);
	if (cu->has_address) {
		jw_obj_begin(&c->j, "address");
		jw_str_or_null(&c->j, "line1", cu->address.line1);
		jw_str_or_null(&c->j, "line2", cu->address.line2);
		jw_str_or_null(&c->j, "city", cu->address.city);
		jw_str_or_null(&c->j, "region", cu->address.region);
		jw_str_or_null(&c->j, "postal_code", cu->address.postal_code);
		jw_str_or_null(&c->j, "country", cu->address.country);
		jw_obj_end(&c->j);
	} else {
		jw_null(&c->j, "address");
	}
	jw_time(c, "created_at", cu->created_at);
	jw_time(c, "updated_at", cu->updated_at);
	jw_obj_end(&c->j);
}

static void human_customer(ctx *c, const bank_customer *cu)
{
	outf(c, "id:          %lld\n", (long long)cu->id);
	outf(c, "name:        %s\n", cu->name);
	outf(c, "dob:         %s\n", or_dash(cu->dob));
	outf(c, "occupation:  %s\n", or_dash(cu->occupation));
	if (cu->income >= 0)
		outf(c, "income:      %s %s\n", amt(c, cu->income, cu->income_currency), cu->income_currency);
	else
		outf(c, "income:      -\n");
	outf(c, "email:       %s\n", or_dash(cu->email));
	outf(c, "phone:       %s\n", or_dash(cu->phone));
	if (cu->has_address) {
		const bank_address *ad = &cu->address;
		sbuf town;
		sbuf_init(&town);
		sbuf_puts(&town, ad->city);
		if (ad->region[0] != '\0')
			sbuf_printf(&town, "%s%s", town.len ? ", " : "", ad->region);
		if (ad->postal_code[0] != '\0')
			sbuf_printf(&town, "%s%s", town.len ? " " : "", ad->postal_code);
		const char *parts[] = {ad->line1, ad->line2, sbuf_str(&town), ad->country};
		const char *label = "address:     ";
		for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
			if (parts[i][0] == '\0')
				continue;
			outf(c, "%s%s\n", label, parts[i]);
			label = "             ";
		}
		if (town.failed)
			c->out.failed = true;
		sbuf_free(&town);
	} else {
		outf(c, "address:     -\n");
	}
	outf(c, "created at:  %s\n", tm(c, cu->created_at));
	outf(c, "updated at:  %s\n", tm(c, cu->updated_at));
}

static void put_account(ctx *c, const char *key, const bank_account *ac)
{
	const char *cur = ac->currency;
	jw_obj_begin(&c->j, key);
	jw_str(&c->j, "number", ac->number);
	jw_str(&c->j, "kind", bank_account_kind_name(ac->kind));
	if (ac->customer_id > 0)
		jw_id(c, "customer", ac->customer_id);
	else
		jw_null(&c->j, "customer");
	jw_str_or_null(&c->j, "product", ac->product);
	jw_str(&c->j, "branch", ac->branch);
	jw_str(&c->j, "name", ac->name);
	jw_str(&c->j, "currency", cur);
	jw_str(&c->j, "status", ac->status);
	jw_str(&c->j, "frozen", frozen_name(ac->frozen));
	jw_amount(c, "balance", ac->balance, cur);
	jw_amount(c, "pending", ac->pending, cur);
	jw_amount(c, "available", ac->available, cur);
	jw_amount(c, "min_balance", ac->min_balance, cur);
	jw_amount(c, "overdraft", ac->overdraft, cur);
	jw_time(c, "opened_at", ac->opened_at);
	jw_time_or_null(c, "last_activity_at", ac->last_activity_at);
	jw_time_or_null(c, "closed_at", ac->closed_at);
	jw_str_or_null(&c->j, "close_reason", ac->close_reason);
	jw_str_or_null(&c->j, "closed_by", ac->closed_by);
	if (ac->closed_at != 0)
		jw_amount(c, "final_balance", ac->final_balance, cur);
	else
		jw_null(&c->j, "final_balance");
	jw_obj_end(&c->j);
}

static void human_account(ctx *c, const bank_account *ac)
{
	const char *cur = ac->currency;
	outf(c, "number:        %s\n", ac->number);
	outf(c, "kind:          %s\n", bank_account_kind_name(ac->kind));
	if (ac->customer_id > 0)
		outf(c, "customer:      %lld\n", (long long)ac->customer_id);
	outf(c, "product:       %s\n", or_dash(ac->product));
	outf(c, "branch:        %s\n", ac->branch);
	outf(c, "name:          %s\n", or_dash(ac->name));
	outf(c, "currency:      %s\n", cur);
	outf(c, "status:        %s\n", ac->status);
	outf(c, "frozen:        %s\n", frozen_name(ac->frozen));
	outf(c, "balance:       %s\n", amt(c, ac->balance, cur));
	outf(c, "pending:       %s\n", amt(c, ac->pending, cur));
	outf(c, "available:     %s\n", amt(c, ac->available, cur));
	outf(c, "min balance:   %s\n", amt(c, ac->min_balance, cur));
	outf(c, "overdraft:     %s\n", amt(c, ac->overdraft, cur));
	outf(c, "opened at:     %s\n", tm(c, ac->opened_at));
	outf(c, "last activity: %s\n", tm_or_dash(c, ac->last_activity_at));
	if (ac->closed_at != 0) {
		outf(c, "closed at:     %s\n", tm(c, ac->closed_at));
		outf(c, "closed by:     %s\n", or_dash(ac->closed_by));
		outf(c, "close reason:  %s\n", or_dash(ac->close_reason));
		outf(c, "final balance: %s\n", amt(c, ac->final_balance, cur));
	}
}

/** Whether a journal entry moved no balance (a hold or a void), so has no balances after it. */
static bool moves_no_balance(const bank_transfer *t)
{
	return t->pending || strcmp(t->kind, "hold") == 0 || strcmp(t->kind, "void") == 0;
}

/** A movement; @p with_status adds "status" (created or exists) for the call that made it. */
static void put_transfer(ctx *c, const char *key, const bank_transfer *t, bool with_status)
{
	const char *cur = t->currency;
	jw_obj_begin(&c->j, key);
	jw_str(&c->j, "id", t->id);
	if (with_status)
		jw_str(&c->j, "status", bank_transfer_status_name(t->status));
	jw_str(&c->j, "kind", t->kind);
	jw_str(&c->j, "debit", t->debit);
	jw_str(&c->j, "credit", t->credit);
	jw_amount(c, "amount", t->amount, cur);
	jw_str(&c->j, "currency", cur);
	jw_str_or_null(&c->j, "memo", t->memo);
	jw_str_or_null(&c->j, "ref", t->ref);
	jw_bool(&c->j, "pending", t->pending != 0);
	if (t->pending || (t->hold_status != NULL && t->hold_status[0] != '\0')) {
		jw_str_or_null(&c->j, "hold_status", t->hold_status);
		jw_time_or_null(c, "expires_at", t->expires_at);
	}
	if (moves_no_balance(t)) {
		jw_null(&c->j, "debit_balance");
		jw_null(&c->j, "credit_balance");
	} else {
		jw_amount(c, "debit_balance", t->debit_balance, cur);
		jw_amount(c, "credit_balance", t->credit_balance, cur);
	}
	jw_int(&c->j, "seq", t->seq);
	jw_str(&c->j, "principal", t->principal);
	jw_time(c, "created_at", t->created_at);
	jw_obj_end(&c->j);
}

static void human_transfer(ctx *c, const bank_transfer *t, bool with_status)
{
	const char *cur = t->currency;
	if (with_status)
		outf(c, "%s ", bank_transfer_status_name(t->status));
	outf(c, "%s %s: %s %s\n", t->kind, t->id, amt(c, t->amount, cur), cur);
	if (moves_no_balance(t)) {
		outf(c, "  debit   %s\n", t->debit);
		outf(c, "  credit  %s\n", t->credit);
	} else {
		outf(c, "  debit   %s  balance %s\n", t->debit, amt(c, t->debit_balance, cur));
		outf(c, "  credit  %s  balance %s\n", t->credit, amt(c, t->credit_balance, cur));
	}
	if (t->pending || (t->hold_status != NULL && t->hold_status[0] != '\0'))
		outf(c, "  hold    %s, expires %s\n", or_dash(t->hold_status),
		     t->expires_at != 0 ? tm(c, t->expires_at) : "never");
	if (t->ref[0] != '\0')
		outf(c, "  ref     %s\n", t->ref);
	if (t->memo[0] != '\0')
		outf(c, "  memo    %s\n", t->memo);
	outf(c, "  at      %s by %s\n", tm(c, t->created_at), t->principal);
}

/** Prints a movement in the current mode and frees it. */
static int print_transfer(ctx *c, bank_transfer *t, bool with_status)
{
	if (c->json)
		put_transfer(c, NULL, t, with_status);
	else
		human_transfer(c, t, with_status);
	bank_transfer_free(t);
	return 0;
}

/* ---- Commands: bank ---- */

static bank_time fixed_clock(void *p)
{
	return *(const bank_time *)p;
}

/** Opens c->db_path; @p create allows creating (and migrating) the file. */
static int open_bank(ctx *c, bool create)
{
	bank_options opts;
	int rc = bank_options_init(&opts, BANK_OPTIONS_VERSION);
	if (rc != BANK_OK)
		return fail_lib(c, rc, "bank_options_init");
	opts.no_create = create ? 0 : 1;
	const char *now = getenv("BANK_NOW");
	if (now != NULL && now[0] != '\0') {
		if (bank_time_parse(&c->now, now) != BANK_OK)
			return fail(c, BANK_EINVAL, "BANK_NOW is not an RFC 3339 time: '%s'", now);
		opts.clock = fixed_clock;
		opts.clock_ctx = &c->now;
	}
	const char *tz = getenv("BANK_TZ");
	if (tz != NULL && tz[0] != '\0')
		opts.timezone = tz;
	rc = bank_open(&c->b, c->db_path, &opts);
	if (rc == BANK_ENOTFOUND && !create)
		return fail(c, rc, "no bank database at '%s': run 'bankctl init' first (or pass --db PATH)",
			    c->db_path);
	if (rc != BANK_OK) {
		c->b = NULL;
		return fail_lib(c, rc, c->db_path);
	}
	rc = bank_principal_set_system(c->b);
	if (rc != BANK_OK)
		return fail_lib(c, rc, "acting as the system principal");
	return 0;
}

static int cmd_init(ctx *c, const args *a)
{
	(void)a;
	bool existed = strcmp(c->db_path, ":memory:") != 0 && access(c->db_path, F_OK) == 0;
	if (open_bank(c, true))
		return BANKCTL_EXIT_ERROR;
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_bool(&c->j, "ok", true);
		jw_str(&c->j, "db", c->db_path);
		jw_bool(&c->j, "created", !existed);
		jw_int(&c->j, "schema_version", bank_schema_version());
		jw_obj_end(&c->j);
	} else {
		outf(c, "%s bank database %s (schema version %d)\n", existed ? "ready:" : "created", c->db_path,
		     bank_schema_version());
	}
	return 0;
}

/* ---- Commands: branches and products ---- */

static int cmd_branch_add(ctx *c, const args *a)
{
	bank_branch *br = NULL;
	int rc = bank_branch_add(&br, c->b, a->pos[0], a->pos[1], opt(a, "address"));
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json)
		put_branch(c, NULL, br);
	else
		outf(c, "added branch %s (%s)\n", br->code, br->name);
	bank_branch_free(br);
	return 0;
}

static void human_branch(ctx *c, const bank_branch *br)
{
	outf(c, "code:       %s\nname:       %s\naddress:    %s\ncreated at: %s\n", br->code, br->name,
	     or_dash(br->address), tm(c, br->created_at));
}

static int cmd_branch_show(ctx *c, const args *a)
{
	bank_branch *br = NULL;
	int rc = bank_branch_get(&br, c->b, a->pos[0]);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json)
		put_branch(c, NULL, br);
	else
		human_branch(c, br);
	bank_branch_free(br);
	return 0;
}

static int cmd_branch_edit(ctx *c, const args *a)
{
	if (a->nopt == 0)
		return usage_error(c, "branch edit: give at least one --FIELD VALUE");
	for (int i = 0; i < a->nopt; i++) {
		int rc = bank_branch_edit(c->b, a->pos[0], a->opt_name[i], a->opt_value[i]);
		if (rc != BANK_OK)
			return fail_lib(c, rc, NULL);
	}
	return cmd_branch_show(c, a);
}

static int cmd_branch_list(ctx *c, const args *a)
{
	(void)a;
	bank_branch_list *list = NULL;
	int rc = bank_branch_list_get(&list, c->b);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_arr_begin(&c->j, "branches");
		for (size_t i = 0; i < list->count; i++)
			put_branch(c, NULL, list->items[i]);
		jw_arr_end(&c->j);
		jw_obj_end(&c->j);
	} else {
		outf(c, "%-16s  %-30s  %s\n", "CODE", "NAME", "ADDRESS");
		for (size_t i = 0; i < list->count; i++) {
			const bank_branch *br = list->items[i];
			outf(c, "%-16s  %-30s  %s\n", br->code, br->name, or_dash(br->address));
		}
	}
	bank_branch_list_free(list);
	return 0;
}

static int cmd_product_add(ctx *c, const args *a)
{
	bank_product_spec spec = BANK_PRODUCT_SPEC_INIT;
	spec.code = a->pos[0];
	spec.name = a->pos[1];
	spec.currency = opt(a, "currency");
	if (spec.currency == NULL)
		return usage_error(c, "product add: --currency CUR is required");
	const char *kind = opt(a, "kind");
	if (kind != NULL && bank_product_kind_parse(&spec.kind, kind) != BANK_OK)
		return fail(c, BANK_EINVAL, "--kind must be savings or current, not '%s'", kind);
	const char *v;
	if ((v = opt(a, "min-balance")) != NULL &&
	    parse_amount(c, &spec.min_balance, v, spec.currency, "--min-balance"))
		return BANKCTL_EXIT_ERROR;
	if ((v = opt(a, "overdraft")) != NULL && parse_amount(c, &spec.overdraft, v, spec.currency, "--overdraft"))
		return BANKCTL_EXIT_ERROR;
	if ((v = opt(a, "rate")) != NULL && bank_rate_parse(&spec.rate, v) != BANK_OK)
		return fail_lib(c, BANK_EINVAL, "--rate");
	if (interest_spec_opts(c, a, &spec))
		return BANKCTL_EXIT_ERROR;
	bank_product *p = NULL;
	int rc = bank_product_add(&p, c->b, &spec);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json)
		put_product(c, NULL, p);
	else
		outf(c, "added product %s (%s, %s %s)\n", p->code, p->name, bank_product_kind_name(p->kind),
		     p->currency);
	bank_product_free(p);
	return 0;
}

static void human_product(ctx *c, const bank_product *p)
{
	char rate[BANK_RATE_SIZE];
	outf(c, "code:        %s\nname:        %s\nkind:        %s\ncurrency:    %s\n", p->code, p->name,
	     bank_product_kind_name(p->kind), p->currency);
	outf(c, "min balance: %s\nrate:        %s%%\noverdraft:   %s\n", amt(c, p->min_balance, p->currency),
	     rate_text(c, rate, p->rate), amt(c, p->overdraft, p->currency));
	human_product_interest(c, p);
	outf(c, "created at:  %s\nupdated at:  %s\n", tm(c, p->created_at), tm(c, p->updated_at));
}

static int cmd_product_show(ctx *c, const args *a)
{
	bank_product *p = NULL;
	int rc = bank_product_get(&p, c->b, a->pos[0]);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json)
		put_product(c, NULL, p);
	else
		human_product(c, p);
	bank_product_free(p);
	return 0;
}

static int cmd_product_edit(ctx *c, const args *a)
{
	if (a->nopt == 0)
		return usage_error(c, "product edit: give at least one --FIELD VALUE");
	for (int i = 0; i < a->nopt; i++) {
		char field[32];
		snprintf(field, sizeof field, "%s", a->opt_name[i]);
		for (char *p = field; *p; p++)
			if (*p == '-')
				*p = '_';
		int rc = bank_product_edit(c->b, a->pos[0], field, a->opt_value[i]);
		if (rc != BANK_OK)
			return fail_lib(c, rc, NULL);
	}
	return cmd_product_show(c, a);
}

static int cmd_product_list(ctx *c, const args *a)
{
	(void)a;
	bank_product_list *list = NULL;
	int rc = bank_product_list_get(&list, c->b);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_arr_begin(&c->j, "products");
		for (size_t i = 0; i < list->count; i++)
			put_product(c, NULL, list->items[i]);
		jw_arr_end(&c->j);
		jw_obj_end(&c->j);
	} else {
		outf(c, "%-16s  %-24s  %-8s  %-3s  %14s  %10s  %14s\n", "CODE", "NAME", "KIND", "CUR", "MIN BALANCE",
		     "RATE %", "OVERDRAFT");
		for (size_t i = 0; i < list->count; i++) {
			const bank_product *p = list->items[i];
			char rate[BANK_RATE_SIZE];
			outf(c, "%-16s  %-24s  %-8s  %-3s  %14s  %10s  %14s\n", p->code, p->name,
			     bank_product_kind_name(p->kind), p->currency, amt(c, p->min_balance, p->currency),
			     rate_text(c, rate, p->rate), amt(c, p->overdraft, p->currency));
		}
	}
	bank_product_list_free(list);
	return 0;
}

/* ---- Commands: customers ---- */

static int print_customer(ctx *c, int64_t id)
{
	bank_customer *cu = NULL;
	int rc = bank_customer_get(&cu, c->b, id);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json)
		put_customer(c, NULL, cu);
	else
		human_customer(c, cu);
	bank_customer_free(cu);
	return 0;
}

static int cmd_customer_add(ctx *c, const args *a)
{
	bank_customer_spec spec = BANK_CUSTOMER_SPEC_INIT;
	bank_address ad = {NULL, NULL, NULL, NULL, NULL, NULL};
	spec.name = opt(a, "name");
	if (spec.name == NULL)
		return usage_error(c, "customer add: --name NAME is required");
	spec.dob = opt(a, "dob");
	spec.occupation = opt(a, "occupation");
	spec.email = opt(a, "email");
	spec.phone = opt(a, "phone");
	spec.income_currency = opt(a, "income-currency");
	const char *income = opt(a, "income");
	if (income != NULL && parse_amount(c, &spec.income, income,
					   spec.income_currency != NULL ? spec.income_currency : "USD", "--income"))
		return BANKCTL_EXIT_ERROR;
	ad.line1 = opt(a, "address-line1");
	ad.line2 = opt(a, "address-line2");
	ad.city = opt(a, "city");
	ad.region = opt(a, "region");
	ad.postal_code = opt(a, "postal-code");
	ad.country = opt(a, "country");
	if (ad.line1 || ad.line2 || ad.city || ad.region || ad.postal_code || ad.country)
		spec.address = &ad;
	bank_customer *cu = NULL;
	int rc = bank_customer_add(&cu, c->b, &spec);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json)
		put_customer(c, NULL, cu);
	else
		outf(c, "%lld\n", (long long)cu->id);
	bank_customer_free(cu);
	return 0;
}

static int cmd_customer_show(ctx *c, const args *a)
{
	int64_t id;
	if (parse_customer_id(c, a->pos[0], &id))
		return BANKCTL_EXIT_ERROR;
	return print_customer(c, id);
}

static int cmd_customer_edit(ctx *c, const args *a)
{
	int64_t id;
	if (a->nopt == 0)
		return usage_error(c, "customer edit: give at least one --FIELD VALUE");
	if (parse_customer_id(c, a->pos[0], &id))
		return BANKCTL_EXIT_ERROR;
	for (int i = 0; i < a->nopt; i++) {
		char field[32];
		snprintf(field, sizeof field, "%s", a->opt_name[i]);
		for (char *p = field; *p; p++)
			if (*p == '-')
				*p = '_';
		int rc = bank_customer_edit(c->b, id, field, a->opt_value[i]);
		if (rc != BANK_OK)
			return fail_lib(c, rc, NULL);
	}
	return print_customer(c, id);
}

static int cmd_customer_list(ctx *c, const args *a)
{
	(void)a;
	bank_customer_list *list = NULL;
	int rc = bank_customer_list_get(&list, c->b);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_arr_begin(&c->j, "customers");
		for (size_t i = 0; i < list->count; i++)
			put_customer(c, NULL, list->items[i]);
		jw_arr_end(&c->j);
		jw_obj_end(&c->j);
	} else {
		outf(c, "%8s  %-30s  %-30s  %s\n", "ID", "NAME", "EMAIL", "CITY");
		for (size_t i = 0; i < list->count; i++) {
			const bank_customer *cu = list->items[i];
			outf(c, "%8lld  %-30s  %-30s  %s\n", (long long)cu->id, cu->name, or_dash(cu->email),
			     cu->has_address ? or_dash(cu->address.city) : "-");
		}
	}
	bank_customer_list_free(list);
	return 0;
}

/* ---- Commands: accounts ---- */

static int print_account(ctx *c, const char *number)
{
	bank_account *ac = NULL;
	if (get_account(c, &ac, number))
		return BANKCTL_EXIT_ERROR;
	if (c->json)
		put_account(c, NULL, ac);
	else
		human_account(c, ac);
	bank_account_free(ac);
	return 0;
}

static int cmd_account_open(ctx *c, const args *a)
{
	const char *customer = opt(a, "customer"), *product = opt(a, "product"), *branch = opt(a, "branch");
	if (customer == NULL || product == NULL || branch == NULL)
		return usage_error(c, "account open: --customer ID, --product CODE and --branch CODE are required");
	int64_t id;
	if (parse_customer_id(c, customer, &id))
		return BANKCTL_EXIT_ERROR;
	bank_account *ac = NULL;
	int rc = bank_account_open(&ac, c->b, id, product, branch);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json)
		put_account(c, NULL, ac);
	else
		outf(c, "%s\n", ac->number);
	bank_account_free(ac);
	return 0;
}

static int cmd_account_show(ctx *c, const args *a)
{
	return print_account(c, a->pos[0]);
}

static int cmd_account_list(ctx *c, const args *a)
{
	int64_t id = 0;
	const char *customer = opt(a, "customer");
	if (customer != NULL && has_opt(a, "all"))
		return usage_error(c, "account list: --customer and --all exclude each other");
	if (customer != NULL && parse_customer_id(c, customer, &id))
		return BANKCTL_EXIT_ERROR;
	if (has_opt(a, "all"))
		id = -1;
	bank_account_list *list = NULL;
	int rc = bank_account_list_get(&list, c->b, id);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_arr_begin(&c->j, "accounts");
		for (size_t i = 0; i < list->count; i++)
			put_account(c, NULL, list->items[i]);
		jw_arr_end(&c->j);
		jw_obj_end(&c->j);
	} else {
		outf(c, "%-12s  %-16s  %8s  %-10s  %-10s  %-3s  %-7s  %16s  %16s\n", "NUMBER", "KIND", "CUSTOMER",
		     "PRODUCT", "BRANCH", "CUR", "STATUS", "BALANCE", "AVAILABLE");
		for (size_t i = 0; i < list->count; i++) {
			const bank_account *ac = list->items[i];
			char cust[24] = "-";
			if (ac->customer_id > 0)
				snprintf(cust, sizeof cust, "%lld", (long long)ac->customer_id);
			outf(c, "%-12s  %-16s  %8s  %-10s  %-10s  %-3s  %-7s  %16s  %16s\n", ac->number,
			     bank_account_kind_name(ac->kind), cust, or_dash(ac->product), ac->branch, ac->currency,
			     ac->status, amt(c, ac->balance, ac->currency), amt(c, ac->available, ac->currency));
		}
	}
	bank_account_list_free(list);
	return 0;
}

static int cmd_account_edit(ctx *c, const args *a)
{
	if (a->nopt == 0)
		return usage_error(c, "account edit: give at least one --FIELD VALUE");
	for (int i = 0; i < a->nopt; i++) {
		int rc = bank_account_edit(c->b, a->pos[0], a->opt_name[i], a->opt_value[i]);
		if (rc != BANK_OK)
			return fail_lib(c, rc, NULL);
	}
	return print_account(c, a->pos[0]);
}

static int cmd_account_freeze(ctx *c, const args *a)
{
	unsigned int what = 0;
	if (has_opt(a, "debits"))
		what |= BANK_FREEZE_DEBITS;
	if (has_opt(a, "credits"))
		what |= BANK_FREEZE_CREDITS;
	if (what == 0)
		what = BANK_FREEZE_BOTH;
	int rc = bank_account_freeze(c->b, a->pos[0], what);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	return print_account(c, a->pos[0]);
}

static int cmd_account_unfreeze(ctx *c, const args *a)
{
	int rc = bank_account_unfreeze(c->b, a->pos[0]);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	return print_account(c, a->pos[0]);
}

static int cmd_account_close(ctx *c, const args *a)
{
	const char *reason = opt(a, "reason");
	if (reason == NULL)
		return usage_error(c, "account close: --reason R is required");
	int rc = bank_account_close(c->b, a->pos[0], reason);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	return print_account(c, a->pos[0]);
}

static int cmd_account_history(ctx *c, const args *a)
{
	bank_account_edits *e = NULL;
	int rc = bank_account_edits_get(&e, c->b, a->pos[0]);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_str(&c->j, "account", a->pos[0]);
		jw_arr_begin(&c->j, "edits");
		for (size_t i = 0; i < e->count; i++) {
			const bank_account_edit_entry *x = &e->entries[i];
			jw_obj_begin(&c->j, NULL);
			jw_int(&c->j, "seq", x->seq);
			jw_str(&c->j, "field", x->field);
			jw_str(&c->j, "old", x->old_value);
			jw_str(&c->j, "new", x->new_value);
			jw_str(&c->j, "principal", x->principal);
			jw_time(c, "at", x->at);
			jw_obj_end(&c->j);
		}
		jw_arr_end(&c->j);
		jw_obj_end(&c->j);
	} else {
		outf(c, "%-27s  %-10s  %-20s  %-20s  %s\n", "AT", "FIELD", "OLD", "NEW", "BY");
		for (size_t i = 0; i < e->count; i++) {
			const bank_account_edit_entry *x = &e->entries[i];
			outf(c, "%-27s  %-10s  %-20s  %-20s  %s\n", tm(c, x->at), x->field, or_dash(x->old_value),
			     or_dash(x->new_value), x->principal);
		}
	}
	bank_account_edits_free(e);
	return 0;
}

/* ---- Commands: movements ---- */

static int cmd_deposit_withdraw(ctx *c, const args *a, bool deposit)
{
	bank_account *ac = NULL;
	int64_t amount;
	if (get_account(c, &ac, a->pos[0]))
		return BANKCTL_EXIT_ERROR;
	int rc = parse_movement_amount(c, &amount, a->pos[1], ac->currency);
	bank_account_free(ac);
	if (rc)
		return rc;
	bank_transfer *t = NULL;
	rc = deposit ? bank_deposit(&t, c->b, a->pos[0], amount, opt(a, "id"), opt(a, "memo"))
		     : bank_withdraw(&t, c->b, a->pos[0], amount, opt(a, "id"), opt(a, "memo"));
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	return print_transfer(c, t, true);
}

static int cmd_deposit(ctx *c, const args *a)
{
	return cmd_deposit_withdraw(c, a, true);
}

static int cmd_withdraw(ctx *c, const args *a)
{
	return cmd_deposit_withdraw(c, a, false);
}

static int cmd_transfer(ctx *c, const args *a)
{
	bank_account *ac = NULL;
	int64_t amount;
	if (get_account(c, &ac, a->pos[0]))
		return BANKCTL_EXIT_ERROR;
	int rc = parse_movement_amount(c, &amount, a->pos[2], ac->currency);
	bank_account_free(ac);
	if (rc)
		return rc;
	bank_transfer *t = NULL;
	rc = bank_transfer_post(&t, c->b, a->pos[0], a->pos[1], amount, opt(a, "id"), opt(a, "memo"));
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	return print_transfer(c, t, true);
}

static int cmd_transfer_show(ctx *c, const args *a)
{
	bank_transfer *t = NULL;
	int rc = bank_transfer_get(&t, c->b, a->pos[0]);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	return print_transfer(c, t, false);
}

static int cmd_hold(ctx *c, const args *a)
{
	bank_account *ac = NULL;
	int64_t amount, expires_in = 0;
	const char *e = opt(a, "expires-in");
	if (e != NULL && parse_uint(e, INT64_MAX / 1000000, &expires_in) != 0)
		return usage_error(c, "--expires-in takes a whole number of seconds, not '%s'", e);
	if (get_account(c, &ac, a->pos[0]))
		return BANKCTL_EXIT_ERROR;
	int rc = parse_movement_amount(c, &amount, a->pos[1], ac->currency);
	bank_account_free(ac);
	if (rc)
		return rc;
	bank_transfer *t = NULL;
	rc = bank_hold(&t, c->b, a->pos[0], opt(a, "credit"), amount, expires_in, opt(a, "id"), opt(a, "memo"));
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	return print_transfer(c, t, true);
}

static int cmd_hold_post(ctx *c, const args *a)
{
	int64_t amount = 0;
	if (a->npos >= 2) {
		bank_transfer *h = NULL;
		int rc = bank_transfer_get(&h, c->b, a->pos[0]);
		if (rc != BANK_OK)
			return fail_lib(c, rc, NULL);
		rc = parse_movement_amount(c, &amount, a->pos[1], h->currency);
		bank_transfer_free(h);
		if (rc)
			return rc;
	}
	bank_transfer *t = NULL;
	int rc = bank_hold_post(&t, c->b, a->pos[0], amount, opt(a, "id"));
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	return print_transfer(c, t, true);
}

static int cmd_hold_void(ctx *c, const args *a)
{
	bank_transfer *t = NULL;
	int rc = bank_hold_void(&t, c->b, a->pos[0], opt(a, "id"));
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	return print_transfer(c, t, true);
}

static int cmd_hold_sweep(ctx *c, const args *a)
{
	(void)a;
	size_t n = 0;
	int rc = bank_hold_sweep(&n, c->b);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_int(&c->j, "released", (int64_t)n);
		jw_obj_end(&c->j);
	} else {
		outf(c, "released %zu expired hold%s\n", n, n == 1 ? "" : "s");
	}
	return 0;
}

static int cmd_reverse(ctx *c, const args *a)
{
	bank_transfer *t = NULL;
	int rc = bank_reverse(&t, c->b, a->pos[0], opt(a, "id"));
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	return print_transfer(c, t, true);
}

/* ---- Commands: reports ---- */

static int cmd_balance(ctx *c, const args *a)
{
	bank_balance bal;
	int rc = bank_balance_get(&bal, c->b, a->pos[0]);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_str(&c->j, "account", bal.account);
		jw_amount(c, "balance", bal.balance, bal.currency);
		jw_amount(c, "available", bal.available, bal.currency);
		jw_amount(c, "pending", bal.pending, bal.currency);
		jw_str(&c->j, "currency", bal.currency);
		jw_obj_end(&c->j);
	} else {
		outf(c, "account:   %s\nbalance:   %s %s\navailable: %s %s\npending:   %s %s\n", bal.account,
		     amt(c, bal.balance, bal.currency), bal.currency, amt(c, bal.available, bal.currency), bal.currency,
		     amt(c, bal.pending, bal.currency), bal.currency);
	}
	return 0;
}

/** Parses a --from/--to date into @p out; invalid_argument when it is not a real date. */
static int parse_date(ctx *c, const char *text, const char *what, bank_date *out)
{
	if (bank_date_parse(out, text) != BANK_OK)
		return fail(c, BANK_EINVAL, "%s must be a date YYYY-MM-DD, not '%s'", what, text);
	return 0;
}

/*
 * Writes what the output holds so far to stdout and empties it: a streaming command's
 * memory stays one page, however long its output. Once this has run, an error can no
 * longer replace the output; it goes to stderr after what was printed (print_error).
 */
static void stream_flush(ctx *c)
{
	c->streamed = true;
	fputs(sbuf_str(&c->out), stdout);
	fflush(stdout);
	sbuf_reset(&c->out);
}

static void statement_entry_out(ctx *c, const bank_statement_entry *e, const char *cur)
{
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_str(&c->j, "id", e->id);
		jw_int(&c->j, "seq", e->seq);
		jw_str(&c->j, "kind", e->kind);
		jw_time(c, "at", e->at);
		jw_amount(c, "amount", e->amount, cur);
		jw_amount(c, "balance_after", e->balance_after, cur);
		jw_str_or_null(&c->j, "counterparty", e->counterparty);
		jw_str_or_null(&c->j, "memo", e->memo);
		jw_str_or_null(&c->j, "ref", e->ref);
		jw_obj_end(&c->j);
	} else {
		outf(c, "%-27s  %-10s  %14s  %14s  %-12s  %-36s  %s\n", tm(c, e->at), e->kind, amt(c, e->amount, cur),
		     amt(c, e->balance_after, cur), or_dash(e->counterparty), e->id, e->memo);
	}
}

/*
 * A statement's head: the JSON object up to its open entries array (with the closing
 * balance when @p closing_first: a page knows it before its entries), or the human
 * header lines.
 */
static void statement_head_out(ctx *c, const bank_statement *s, const char *from, const char *to, bool closing_first)
{
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_str(&c->j, "account", s->account);
		jw_str(&c->j, "currency", s->currency);
		jw_str(&c->j, "from", from);
		jw_str(&c->j, "to", to);
		jw_time_or_null(c, "since", s->since);
		jw_time_or_null(c, "until", s->until);
		jw_amount(c, "opening_balance", s->opening_balance, s->currency);
		if (closing_first)
			jw_amount(c, "closing_balance", s->closing_balance, s->currency);
		jw_arr_begin(&c->j, "entries");
	} else {
		outf(c, "statement of %s (%s)", s->account, s->currency);
		if (from != NULL)
			outf(c, " from %s", from);
		if (to != NULL)
			outf(c, " to %s", to);
		outf(c, "\nopening balance: %s\n", amt(c, s->opening_balance, s->currency));
		outf(c, "%-27s  %-10s  %14s  %14s  %-12s  %-36s  %s\n", "AT", "KIND", "AMOUNT", "BALANCE",
		     "COUNTERPARTY", "ID", "MEMO");
	}
}

/*
 * A statement's tail after its entries: the closing balance (in JSON only when
 * statement_head_out() did not write it) and the cursor of the next page, or none.
 */
static void statement_tail_out(ctx *c, const char *cur, int64_t closing, bool closing_first, const char *next)
{
	if (c->json) {
		jw_arr_end(&c->j);
		if (!closing_first)
			jw_amount(c, "closing_balance", closing, cur);
		jw_str(&c->j, "next", next);
		jw_obj_end(&c->j);
	} else {
		outf(c, "closing balance: %s\n", amt(c, closing, cur));
		if (next != NULL)
			outf(c, "more: --after %s\n", next);
	}
}

/*
 * statement --all: every entry of the period through the library's streaming iterator,
 * printed a page at a time, so an export of any length runs in the memory of one page.
 * The JSON object is the page's, with closing_balance after the entries (the balance
 * after the last one) and next null.
 */
static int statement_all(ctx *c, const char *account, bank_time since, bank_time until, const char *from,
			 const char *to)
{
	bank_statement_iter *it = NULL;
	int rc = bank_statement_iter_open(&it, c->b, account, since, until, 0);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	const bank_statement *h = bank_statement_iter_page(it);
	char cur[BANK_CURRENCY_SIZE];
	snprintf(cur, sizeof cur, "%s", h->currency);
	int64_t closing = h->opening_balance;
	statement_head_out(c, h, from, to, false);
	const bank_statement_entry *e = NULL;
	size_t n = 0;
	while ((rc = bank_statement_iter_next(it, &e)) == 1) {
		statement_entry_out(c, e, cur);
		closing = e->balance_after;
		if (++n % BANK_STATEMENT_ITER_PAGE == 0 && !c->out.failed)
			stream_flush(c);
	}
	bank_statement_iter_free(it);
	if (rc < 0)
		return fail_lib(c, rc, NULL);
	statement_tail_out(c, cur, closing, false, NULL);
	return 0;
}

static int cmd_statement(ctx *c, const args *a)
{
	const char *from = opt(a, "from"), *to = opt(a, "to"), *limit_text = opt(a, "limit");
	int64_t limit = 0;
	bank_time since = 0, until = 0;
	bank_date d_from = 0, d_to = 0;
	if (has_opt(a, "all") && (limit_text != NULL || opt(a, "after") != NULL))
		return usage_error(c, "--all prints every page: it takes neither --limit nor --after");
	if (limit_text != NULL && parse_uint(limit_text, INT64_MAX, &limit) != 0)
		return usage_error(c, "--limit takes a whole number, not '%s'", limit_text);
	if (limit_text != NULL && (limit < 1 || limit > BANK_STATEMENT_LIMIT_MAX))
		return fail(c, BANK_EINVAL, "--limit must be between 1 and %d", BANK_STATEMENT_LIMIT_MAX);
	if (from != NULL) {
		if (parse_date(c, from, "--from", &d_from))
			return BANKCTL_EXIT_ERROR;
		since = bank_date_start(c->b, d_from);
	}
	if (to != NULL) {
		if (parse_date(c, to, "--to", &d_to))
			return BANKCTL_EXIT_ERROR;
		until = bank_date_start(c->b, d_to + 1); /* --to is inclusive */
	}
	if (from != NULL && to != NULL && d_from > d_to)
		return fail(c, BANK_EINVAL, "--from %s is after --to %s", from, to);
	if (has_opt(a, "all"))
		return statement_all(c, a->pos[0], since, until, from, to);
	bank_statement *s = NULL;
	int rc = bank_statement_get(&s, c->b, a->pos[0], since, until, (size_t)limit, opt(a, "after"));
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	statement_head_out(c, s, from, to, true);
	for (size_t i = 0; i < s->count; i++)
		statement_entry_out(c, &s->entries[i], s->currency);
	statement_tail_out(c, s->currency, s->closing_balance, true, s->next);
	bank_statement_free(s);
	return 0;
}

static int cmd_trial_balance(ctx *c, const args *a)
{
	(void)a;
	bank_trial_balance *t = NULL;
	int rc = bank_trial_balance_get(&t, c->b);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_arr_begin(&c->j, "lines");
		for (size_t i = 0; i < t->count; i++) {
			const bank_trial_line *l = &t->lines[i];
			jw_obj_begin(&c->j, NULL);
			jw_str(&c->j, "branch", l->branch);
			jw_str(&c->j, "currency", l->currency);
			jw_str(&c->j, "kind", l->kind);
			jw_int(&c->j, "accounts", (int64_t)l->accounts);
			jw_amount(c, "debit", l->debit, l->currency);
			jw_amount(c, "credit", l->credit, l->currency);
			jw_obj_end(&c->j);
		}
		jw_arr_end(&c->j);
		jw_arr_begin(&c->j, "totals");
		for (size_t i = 0; i < t->total_count; i++) {
			const bank_trial_total *x = &t->totals[i];
			jw_obj_begin(&c->j, NULL);
			jw_str(&c->j, "currency", x->currency);
			jw_amount(c, "debit", x->debit, x->currency);
			jw_amount(c, "credit", x->credit, x->currency);
			jw_bool(&c->j, "balanced", x->debit == x->credit);
			jw_obj_end(&c->j);
		}
		jw_arr_end(&c->j);
		jw_obj_end(&c->j);
	} else {
		outf(c, "%-16s  %-3s  %-16s  %8s  %16s  %16s\n", "BRANCH", "CUR", "KIND", "ACCOUNTS", "DEBIT",
		     "CREDIT");
		for (size_t i = 0; i < t->count; i++) {
			const bank_trial_line *l = &t->lines[i];
			outf(c, "%-16s  %-3s  %-16s  %8zu  %16s  %16s\n", l->branch, l->currency, l->kind, l->accounts,
			     amt(c, l->debit, l->currency), amt(c, l->credit, l->currency));
		}
		for (size_t i = 0; i < t->total_count; i++) {
			const bank_trial_total *x = &t->totals[i];
			outf(c, "%-16s  %-3s  %-16s  %8s  %16s  %16s  %s\n", "TOTAL", x->currency, "", "",
			     amt(c, x->debit, x->currency), amt(c, x->credit, x->currency),
			     x->debit == x->credit ? "balanced" : "NOT BALANCED");
		}
	}
	bank_trial_balance_free(t);
	return 0;
}

static int cmd_verify(ctx *c, const args *a)
{
	(void)a;
	bank_verify_report *r = NULL;
	int rc = bank_verify(&r, c->b);
	if (rc == BANK_ECORRUPT && r != NULL) {
		c->report = r; /* printed with the error */
		return fail(c, rc, "verify found %zu violation%s of the ledger's invariants", r->count,
			    r->count == 1 ? "" : "s");
	}
	if (rc != BANK_OK) {
		bank_verify_report_free(r);
		return fail_lib(c, rc, NULL);
	}
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_bool(&c->j, "ok", true);
		jw_int(&c->j, "accounts_checked", r->accounts_checked);
		jw_int(&c->j, "transfers_checked", r->transfers_checked);
		jw_obj_end(&c->j);
	} else {
		outf(c, "ok: %lld accounts and %lld transfers checked, no violation\n", (long long)r->accounts_checked,
		     (long long)r->transfers_checked);
	}
	bank_verify_report_free(r);
	return 0;
}

static int cmd_checkpoint(ctx *c, const args *a)
{
	static const char *const names[] = {"passive", "full", "restart", "truncate"};
	const char *name = opt(a, "mode");
	int mode = name == NULL ? BANK_CHECKPOINT_PASSIVE : -1;
	for (int i = 0; name != NULL && i < 4; i++)
		if (strcmp(name, names[i]) == 0)
			mode = i;
	if (mode < 0)
		return fail(c, BANK_EINVAL, "unknown checkpoint mode \"%s\" (passive, full, restart or truncate)",
			    name);
	bank_checkpoint_info info;
	int rc = bank_checkpoint(c->b, (bank_checkpoint_mode)mode, &info);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_str(&c->j, "mode", names[mode]);
		jw_int(&c->j, "wal_pages", info.wal_pages);
		jw_int(&c->j, "copied", info.copied);
		jw_obj_end(&c->j);
	} else {
		outf(c, "checkpoint (%s): %lld of %lld WAL pages in the database file\n", names[mode],
		     (long long)info.copied, (long long)info.wal_pages);
	}
	return 0;
}

static int cmd_audit(ctx *c, const args *a)
{
	int64_t after = 0, limit = 0;
	const char *after_text = opt(a, "after"), *limit_text = opt(a, "limit");
	if (after_text != NULL && parse_uint(after_text, INT64_MAX, &after) != 0)
		return usage_error(c, "--after takes a whole number (a seq), not '%s'", after_text);
	if (limit_text != NULL && parse_uint(limit_text, INT64_MAX, &limit) != 0)
		return usage_error(c, "--limit takes a whole number, not '%s'", limit_text);
	if (limit_text != NULL && (limit < 1 || limit > 10000))
		return fail(c, BANK_EINVAL, "--limit must be between 1 and 10000");
	bank_audit_page *p = NULL;
	int rc = bank_audit_get(&p, c->b, after, opt(a, "object"), (size_t)limit);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_arr_begin(&c->j, "entries");
		for (size_t i = 0; i < p->count; i++) {
			const bank_audit_entry *e = &p->entries[i];
			jw_obj_begin(&c->j, NULL);
			jw_int(&c->j, "seq", e->seq);
			jw_time(c, "at", e->at);
			jw_str(&c->j, "principal", e->principal);
			jw_str(&c->j, "action", e->action);
			jw_str(&c->j, "object", e->object);
			if (json_valid(e->details))
				jw_raw(&c->j, "details", e->details);
			else
				jw_str(&c->j, "details", e->details);
			jw_obj_end(&c->j);
		}
		jw_arr_end(&c->j);
		if (p->next > 0)
			jw_int(&c->j, "next", p->next);
		else
			jw_null(&c->j, "next");
		jw_obj_end(&c->j);
	} else {
		outf(c, "%6s  %-27s  %-10s  %-20s  %-30s  %s\n", "SEQ", "AT", "BY", "ACTION", "OBJECT", "DETAILS");
		for (size_t i = 0; i < p->count; i++) {
			const bank_audit_entry *e = &p->entries[i];
			outf(c, "%6lld  %-27s  %-10s  %-20s  %-30s  %s\n", (long long)e->seq, tm(c, e->at),
			     e->principal, e->action, e->object, e->details);
		}
		if (p->next > 0)
			outf(c, "more: --after %lld\n", (long long)p->next);
	}
	bank_audit_page_free(p);
	return 0;
}

/* ==== Interest (issue 5) ====
 *
 * The interest additions, kept together: product add/edit take the interest
 * conventions (--day-count, --balance-method, --compounding, --posting,
 * --min-interest-balance), and the commands `product rate`, `product apy`,
 * `interest run`, `interest show`, `interest settle` and `interest project`
 * (include/bank/interest.h, docs/interest.md). Exact accruals print in the currency's
 * major unit with all their digits (12 more than the currency's exponent); posted
 * amounts as ordinary amounts.
 */

/** Reads product add's interest options into @p spec (amounts in spec->currency). */
static int interest_spec_opts(ctx *c, const args *a, bank_product_spec *spec)
{
	const char *v;
	if ((v = opt(a, "day-count")) != NULL && bank_day_count_parse(&spec->day_count, v) != BANK_OK)
		return fail_lib(c, BANK_EINVAL, "--day-count");
	if ((v = opt(a, "balance-method")) != NULL && bank_balance_method_parse(&spec->balance_method, v) != BANK_OK)
		return fail_lib(c, BANK_EINVAL, "--balance-method");
	if ((v = opt(a, "compounding")) != NULL && bank_period_parse(&spec->compounding, v) != BANK_OK)
		return fail_lib(c, BANK_EINVAL, "--compounding");
	if ((v = opt(a, "posting")) != NULL && bank_period_parse(&spec->posting, v) != BANK_OK)
		return fail_lib(c, BANK_EINVAL, "--posting");
	if ((v = opt(a, "min-interest-balance")) != NULL &&
	    parse_amount(c, &spec->min_interest_balance, v, spec->currency, "--min-interest-balance"))
		return BANKCTL_EXIT_ERROR;
	return 0;
}

/** The product's interest conventions as JSON members. */
static void put_product_interest(ctx *c, const bank_product *p)
{
	jw_str(&c->j, "day_count", bank_day_count_name(p->day_count));
	jw_str(&c->j, "balance_method", bank_balance_method_name(p->balance_method));
	jw_str(&c->j, "compounding", bank_period_name(p->compounding));
	jw_str(&c->j, "posting", bank_period_name(p->posting));
	jw_amount(c, "min_interest_balance", p->min_interest_balance, p->currency);
}

static void human_product_interest(ctx *c, const bank_product *p)
{
	outf(c, "day count:   %s\nearns on:    %s balance\ncompounding: %s\nposting:     %s\nmin to earn: %s\n",
	     bank_day_count_name(p->day_count), bank_balance_method_name(p->balance_method),
	     bank_period_name(p->compounding), bank_period_name(p->posting),
	     amt(c, p->min_interest_balance, p->currency));
}

/** @p d as YYYY-MM-DD into @p buf (16 bytes). */
static const char *day_text(char buf[16], bank_date d)
{
	if (bank_date_format(buf, 16, d) != BANK_OK)
		snprintf(buf, 16, "?");
	return buf;
}

/** An exact accrual with every digit, into @p buf (BANK_ACCRUAL_SIZE bytes); a failure is recorded. */
static const char *accrual_text(ctx *c, char *buf, bank_accrual a, const char *currency)
{
	int rc = bank_accrual_format(buf, BANK_ACCRUAL_SIZE, a, currency, -1);
	if (rc != BANK_OK) {
		if (c->fmt_err == 0) {
			fail_lib(c, rc, "formatting an accrual");
			c->fmt_err = rc;
		}
		buf[0] = '\0';
	}
	return buf;
}

static int cmd_product_rate(ctx *c, const args *a)
{
	int64_t rate;
	bank_date from;
	if (bank_rate_parse(&rate, a->pos[1]) != BANK_OK)
		return fail_lib(c, BANK_EINVAL, "rate");
	if (parse_date(c, opt(a, "from"), "--from", &from))
		return BANKCTL_EXIT_ERROR;
	int rc = bank_interest_rate_set(c->b, a->pos[0], rate, from);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	bank_rate_schedule *s = NULL;
	if ((rc = bank_interest_rates_get(&s, c->b, a->pos[0])) != BANK_OK)
		return fail_lib(c, rc, NULL);
	char r[BANK_RATE_SIZE], d[16];
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_str(&c->j, "product", a->pos[0]);
		jw_arr_begin(&c->j, "rates");
		for (size_t i = 0; i < s->count; i++) {
			jw_obj_begin(&c->j, NULL);
			jw_str(&c->j, "from", day_text(d, s->entries[i].from));
			jw_str(&c->j, "rate", rate_text(c, r, s->entries[i].rate));
			jw_time(c, "created_at", s->entries[i].created_at);
			jw_obj_end(&c->j);
		}
		jw_arr_end(&c->j);
		jw_obj_end(&c->j);
	} else {
		outf(c, "%-10s  %10s\n", "FROM", "RATE %");
		for (size_t i = 0; i < s->count; i++)
			outf(c, "%-10s  %10s\n", day_text(d, s->entries[i].from), rate_text(c, r, s->entries[i].rate));
	}
	bank_rate_schedule_free(s);
	return 0;
}

static int cmd_product_apy(ctx *c, const args *a)
{
	bank_apy apy;
	int rc = bank_interest_apy(&apy, c->b, a->pos[0]);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_str(&c->j, "product", a->pos[0]);
		jw_str(&c->j, "apy", apy.text);
		jw_obj_end(&c->j);
	} else {
		outf(c, "apy: %s%%\n", apy.text);
	}
	return 0;
}

static int cmd_interest_run(ctx *c, const args *a)
{
	bank_date as_of;
	if (parse_date(c, opt(a, "as-of"), "--as-of", &as_of))
		return BANKCTL_EXIT_ERROR;
	bank_interest_run_result r;
	int rc = bank_interest_run(&r, c->b, as_of);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	char d[16];
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_str(&c->j, "as_of", day_text(d, r.as_of));
		jw_int(&c->j, "accounts", (int64_t)r.accounts);
		jw_int(&c->j, "days", (int64_t)r.days);
		jw_int(&c->j, "postings", (int64_t)r.postings);
		jw_int(&c->j, "transactions", (int64_t)r.transactions);
		jw_obj_end(&c->j);
	} else {
		outf(c, "interest accrued through %s: %zu accounts, %zu account-days, %zu postings\n",
		     day_text(d, r.as_of), r.accounts, r.days, r.postings);
	}
	return 0;
}

static int cmd_interest_show(ctx *c, const args *a)
{
	bank_interest_table *t = NULL;
	int rc = bank_interest_table_get(&t, c->b, a->pos[0]);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	const char *cur = t->currency;
	char d1[16], d2[16], x1[BANK_ACCRUAL_SIZE], x2[BANK_ACCRUAL_SIZE], x3[BANK_ACCRUAL_SIZE];
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_str(&c->j, "account", t->account);
		jw_str(&c->j, "currency", cur);
		jw_arr_begin(&c->j, "periods");
		for (size_t i = 0; i < t->count; i++) {
			const bank_interest_period *p = &t->periods[i];
			jw_obj_begin(&c->j, NULL);
			jw_str(&c->j, "start", day_text(d1, p->start));
			jw_str(&c->j, "end", day_text(d2, p->end));
			if (p->days > 0)
				jw_str(&c->j, "accrued_through", day_text(d1, p->accrued_through));
			else
				jw_null(&c->j, "accrued_through");
			jw_int(&c->j, "days", p->days);
			jw_str(&c->j, "rates", p->rates);
			jw_str(&c->j, "balance_method", p->balance_method);
			jw_amount(c, "balance_basis", p->balance_basis, cur);
			jw_str(&c->j, "carried_in", accrual_text(c, x1, p->carried_in, cur));
			jw_str(&c->j, "accrued", accrual_text(c, x2, p->accrued, cur));
			jw_bool(&c->j, "posted", p->posted_flag != 0);
			if (p->posted_flag) {
				jw_amount(c, "posted_amount", p->posted, cur);
				jw_str(&c->j, "carried_out", accrual_text(c, x3, p->carried_out, cur));
				jw_str_or_null(&c->j, "transfer", p->transfer);
				jw_time(c, "posted_at", p->posted_at);
			} else {
				jw_null(&c->j, "posted_amount");
				jw_null(&c->j, "carried_out");
				jw_null(&c->j, "transfer");
				jw_null(&c->j, "posted_at");
			}
			jw_obj_end(&c->j);
		}
		jw_arr_end(&c->j);
		jw_obj_end(&c->j);
	} else {
		outf(c, "%-10s  %-10s  %4s  %-12s  %14s  %20s  %12s  %s\n", "START", "END", "DAYS", "RATES",
		     "AVG BALANCE", "ACCRUED", "POSTED", "TRANSFER");
		for (size_t i = 0; i < t->count; i++) {
			const bank_interest_period *p = &t->periods[i];
			outf(c, "%-10s  %-10s  %4d  %-12s  %14s  %20s  %12s  %s\n", day_text(d1, p->start),
			     day_text(d2, p->end), p->days, p->rates, amt(c, p->balance_basis, cur),
			     accrual_text(c, x1, p->accrued, cur), p->posted_flag ? amt(c, p->posted, cur) : "(open)",
			     or_dash(p->transfer));
		}
	}
	bank_interest_table_free(t);
	return 0;
}

static int cmd_interest_settle(ctx *c, const args *a)
{
	bank_transfer *t = NULL;
	int rc = bank_interest_settle(&t, c->b, a->pos[0]);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	if (t != NULL)
		return print_transfer(c, t, false);
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_str(&c->j, "account", a->pos[0]);
		jw_null(&c->j, "transfer");
		jw_obj_end(&c->j);
	} else {
		outf(c, "nothing to post: the interest accrued rounds to zero\n");
	}
	return 0;
}

static int cmd_interest_project(ctx *c, const args *a)
{
	int64_t days = 0;
	if (parse_uint(opt(a, "days"), BANK_PROJECTION_DAYS_MAX, &days) != 0 || days < 1)
		return fail(c, BANK_EINVAL, "--days must be between 1 and %d", BANK_PROJECTION_DAYS_MAX);
	bank_account *ac = NULL;
	if (get_account(c, &ac, a->pos[0]))
		return BANKCTL_EXIT_ERROR;
	char cur[BANK_CURRENCY_SIZE], exact[BANK_ACCRUAL_SIZE], rounded[BANK_ACCRUAL_SIZE];
	memcpy(cur, ac->currency, sizeof cur);
	bank_account_free(ac);
	bank_accrual p;
	int rc = bank_interest_project(&p, c->b, a->pos[0], (int)days);
	if (rc != BANK_OK)
		return fail_lib(c, rc, NULL);
	const bank_currency *cu = bank_currency_find(cur);
	if ((rc = bank_accrual_format(rounded, sizeof rounded, p, cur, cu ? cu->exponent : 2)) != BANK_OK)
		return fail_lib(c, rc, "formatting an accrual");
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_str(&c->j, "account", a->pos[0]);
		jw_int(&c->j, "days", days);
		jw_str(&c->j, "currency", cur);
		jw_str(&c->j, "interest", rounded);
		jw_str(&c->j, "exact", accrual_text(c, exact, p, cur));
		jw_obj_end(&c->j);
	} else {
		outf(c, "over %lld days at today's balance: %s %s (exactly %s)\n", (long long)days, rounded, cur,
		     accrual_text(c, exact, p, cur));
	}
	return 0;
}

/* Options of the interest additions (product add and edit take INTEREST_PRODUCT_OPTS). */
#define INTEREST_PRODUCT_OPTS                                                                \
	VALUE("day-count"), VALUE("balance-method"), VALUE("compounding"), VALUE("posting"), \
		VALUE("min-interest-balance")
static const optspec product_rate_opts[] = {REQUIRED("from"), OPTS_END};
static const optspec interest_run_opts[] = {REQUIRED("as-of"), OPTS_END};
static const optspec interest_project_opts[] = {REQUIRED("days"), OPTS_END};

/* ==== End of the interest additions ==== */

/* ---- Command table ---- */

static const optspec no_opts[] = {OPTS_END};
static const optspec branch_add_opts[] = {VALUE("address"), OPTS_END};
static const optspec branch_edit_opts[] = {VALUE("name"), VALUE("address"), OPTS_END};
static const optspec product_add_opts[] = {
	VALUE("kind"), REQUIRED("currency"), VALUE("min-balance"),
	VALUE("rate"), VALUE("overdraft"),   INTEREST_PRODUCT_OPTS,
	OPTS_END,
};
static const optspec product_edit_opts[] = {
	VALUE("name"), VALUE("min-balance"), VALUE("rate"), VALUE("overdraft"), INTEREST_PRODUCT_OPTS, OPTS_END,
};
#define CUSTOMER_FIELDS                                                                                               \
	VALUE("dob"), VALUE("occupation"), VALUE("income"), VALUE("income-currency"), VALUE("email"), VALUE("phone"), \
		VALUE("address-line1"), VALUE("address-line2"), VALUE("city"), VALUE("region"), VALUE("postal-code"), \
		VALUE("country")
static const optspec customer_add_opts[] = {REQUIRED("name"), CUSTOMER_FIELDS, OPTS_END};
static const optspec customer_edit_opts[] = {VALUE("name"), CUSTOMER_FIELDS, OPTS_END};
static const optspec account_open_opts[] = {
	REQUIRED("customer"),
	REQUIRED("product"),
	REQUIRED("branch"),
	OPTS_END,
};
static const optspec account_list_opts[] = {VALUE("customer"), FLAG("all"), OPTS_END};
static const optspec account_edit_opts[] = {
	VALUE("product"), VALUE("branch"), VALUE("customer"), VALUE("name"), OPTS_END,
};
static const optspec freeze_opts[] = {FLAG("debits"), FLAG("credits"), OPTS_END};
static const optspec close_opts[] = {REQUIRED("reason"), OPTS_END};
static const optspec movement_opts[] = {VALUE("id"), VALUE("memo"), OPTS_END};
static const optspec hold_opts[] = {
	VALUE("id"), COUNT("expires-in"), VALUE("credit"), VALUE("memo"), OPTS_END,
};
static const optspec id_opts[] = {VALUE("id"), OPTS_END};
static const optspec statement_opts[] = {
	VALUE("from"), VALUE("to"), COUNT("limit"), VALUE("after"), FLAG("all"), OPTS_END,
};
static const optspec checkpoint_opts[] = {VALUE("mode"), OPTS_END};
static const optspec audit_opts[] = {VALUE("object"), COUNT("after"), COUNT("limit"), OPTS_END};

/* Entries with a second word come before the entry of the same first word without one. */
static const command commands[] = {
	{"init", NULL, cmd_init, no_opts, 0, 0, 0, DB_NONE, "",
	 "create the database, or migrate it to this version (harmless to repeat)"},
	{"branch", "add", cmd_branch_add, branch_add_opts, 2, 2, 0, DB_OPEN, "CODE NAME [--address A]", "add a branch"},
	{"branch", "list", cmd_branch_list, no_opts, 0, 0, 0, DB_OPEN, "", "list the branches"},
	{"branch", "show", cmd_branch_show, no_opts, 1, 1, 0, DB_OPEN, "CODE", "show a branch"},
	{"branch", "edit", cmd_branch_edit, branch_edit_opts, 1, 1, 1, DB_OPEN, "CODE --FIELD VALUE...",
	 "change a branch's --name or --address"},
	{"product", "add", cmd_product_add, product_add_opts, 2, 2, 0, DB_OPEN,
	 "CODE NAME --kind savings|current --currency CUR --min-balance AMT --rate PCT [--overdraft AMT]"
	 " [--day-count act/365|act/360|act/act] [--balance-method daily|average]"
	 " [--compounding daily|monthly|quarterly|semiannual|annual] [--posting monthly|quarterly|semiannual|annual]"
	 " [--min-interest-balance AMT]",
	 "add a product (an account type)"},
	{"product", "list", cmd_product_list, no_opts, 0, 0, 0, DB_OPEN, "", "list the products"},
	{"product", "show", cmd_product_show, no_opts, 1, 1, 0, DB_OPEN, "CODE", "show a product"},
	{"product", "edit", cmd_product_edit, product_edit_opts, 1, 1, 1, DB_OPEN, "CODE --FIELD VALUE...",
	 "change a product's --name, --min-balance, --rate, --overdraft or interest conventions (as product add)"},
	/* interest (see the Interest section) */
	{"product", "rate", cmd_product_rate, product_rate_opts, 2, 2, 0, DB_OPEN, "CODE PCT --from DATE",
	 "set a product's annual rate from DATE on (earlier days keep theirs); prints the schedule"},
	{"product", "apy", cmd_product_apy, no_opts, 1, 1, 0, DB_OPEN, "CODE",
	 "a product's annual percentage yield (Regulation DD), two decimals"},
	{"interest", "run", cmd_interest_run, interest_run_opts, 0, 0, 0, DB_OPEN, "--as-of DATE",
	 "accrue every account through DATE (a finished day) and post every period that ended"},
	{"interest", "show", cmd_interest_show, no_opts, 1, 1, 0, DB_OPEN, "NUMBER", "an account's interest table"},
	{"interest", "settle", cmd_interest_settle, no_opts, 1, 1, 0, DB_OPEN, "NUMBER",
	 "accrue an account to yesterday and post its interest now (before emptying and closing it)"},
	{"interest", "project", cmd_interest_project, interest_project_opts, 1, 1, 0, DB_OPEN, "NUMBER --days N",
	 "what an account would earn over N days at its current balance"},
	{"customer", "add", cmd_customer_add, customer_add_opts, 0, 0, 0, DB_OPEN,
	 "--name N [--dob DATE --occupation O --income AMT --income-currency CUR --email E --phone P "
	 "--address-line1 L --address-line2 L --city C --region R --postal-code P --country CC]",
	 "add a customer; prints the new id"},
	{"customer", "show", cmd_customer_show, no_opts, 1, 1, 0, DB_OPEN, "ID", "show a customer"},
	{"customer", "edit", cmd_customer_edit, customer_edit_opts, 1, 1, 1, DB_OPEN, "ID --FIELD VALUE...",
	 "change customer fields (same options as customer add; \"\" clears)"},
	{"customer", "list", cmd_customer_list, no_opts, 0, 0, 0, DB_OPEN, "", "list the customers"},
	{"account", "open", cmd_account_open, account_open_opts, 0, 0, 0, DB_OPEN,
	 "--customer ID --product CODE --branch CODE", "open an account; prints its number"},
	{"account", "show", cmd_account_show, no_opts, 1, 1, 0, DB_OPEN, "NUMBER", "show an account"},
	{"account", "list", cmd_account_list, account_list_opts, 0, 0, 0, DB_OPEN, "[--customer ID | --all]",
	 "list customer accounts (--all adds the branches' internal accounts)"},
	{"account", "edit", cmd_account_edit, account_edit_opts, 1, 1, 1, DB_OPEN, "NUMBER --FIELD VALUE...",
	 "change an account's --product, --branch, --customer or --name"},
	{"account", "freeze", cmd_account_freeze, freeze_opts, 1, 1, 0, DB_OPEN, "NUMBER [--debits|--credits]",
	 "freeze debits, credits or (by default) both"},
	{"account", "unfreeze", cmd_account_unfreeze, no_opts, 1, 1, 0, DB_OPEN, "NUMBER", "lift every freeze"},
	{"account", "close", cmd_account_close, close_opts, 1, 1, 0, DB_OPEN, "NUMBER --reason R",
	 "close an account with a zero balance"},
	{"account", "history", cmd_account_history, no_opts, 1, 1, 0, DB_OPEN, "NUMBER",
	 "show who changed what on an account"},
	{"deposit", NULL, cmd_deposit, movement_opts, 2, 2, 0, DB_OPEN, "NUMBER AMOUNT [--id ID] [--memo M]",
	 "deposit cash"},
	{"withdraw", NULL, cmd_withdraw, movement_opts, 2, 2, 0, DB_OPEN, "NUMBER AMOUNT [--id ID] [--memo M]",
	 "withdraw cash"},
	{"transfer", "show", cmd_transfer_show, no_opts, 1, 1, 0, DB_OPEN, "ID", "show a journal entry"},
	{"transfer", NULL, cmd_transfer, movement_opts, 3, 3, 0, DB_OPEN, "FROM TO AMOUNT [--id ID] [--memo M]",
	 "move money between two accounts"},
	{"hold", "post", cmd_hold_post, id_opts, 1, 2, 0, DB_OPEN, "HOLD_ID [AMOUNT] [--id ID]",
	 "post a hold (all of it, or AMOUNT and release the rest)"},
	{"hold", "void", cmd_hold_void, id_opts, 1, 1, 0, DB_OPEN, "HOLD_ID [--id ID]", "void a hold"},
	{"hold", "sweep", cmd_hold_sweep, no_opts, 0, 0, 0, DB_OPEN, "", "release every expired hold"},
	{"hold", NULL, cmd_hold, hold_opts, 2, 2, 0, DB_OPEN,
	 "NUMBER AMOUNT [--id ID] [--expires-in SECONDS] [--credit NUMBER] [--memo M]",
	 "reserve funds (a two-phase transfer)"},
	{"reverse", NULL, cmd_reverse, id_opts, 1, 1, 0, DB_OPEN, "TRANSFER_ID [--id ID]", "reverse a transfer"},
	{"balance", NULL, cmd_balance, no_opts, 1, 1, 0, DB_OPEN, "NUMBER", "show balance and available funds"},
	{"statement", NULL, cmd_statement, statement_opts, 1, 1, 0, DB_OPEN,
	 "NUMBER [--from DATE] [--to DATE] [--limit N] [--after CURSOR | --all]",
	 "list postings (dates inclusive, in the bank's time zone); --all streams every page"},
	{"trial-balance", NULL, cmd_trial_balance, no_opts, 0, 0, 0, DB_OPEN, "",
	 "totals per branch, currency and account kind"},
	{"verify", NULL, cmd_verify, no_opts, 0, 0, 0, DB_OPEN, "", "check the ledger's invariants"},
	{"checkpoint", NULL, cmd_checkpoint, checkpoint_opts, 0, 0, 0, DB_OPEN,
	 "[--mode passive|full|restart|truncate]", "copy the write-ahead log into the database file"},
	{"audit", NULL, cmd_audit, audit_opts, 0, 0, 0, DB_OPEN, "[--object OBJ] [--after SEQ] [--limit N]",
	 "read the audit trail"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void append_usage_line(sbuf *b, const command *cmd)
{
	sbuf_printf(b, "  bankctl [--db PATH] [--json] %s%s%s%s%s\n", cmd->name, cmd->sub ? " " : "",
		    cmd->sub ? cmd->sub : "", cmd->usage[0] ? " " : "", cmd->usage);
}

static void append_usage(sbuf *b)
{
	sbuf_puts(b, "usage: bankctl [--db PATH] [--json] COMMAND [ARGS...]\n"
		     "\n"
		     "Global options (before the command):\n"
		     "  --db PATH   the bank database (default: $BANK_DB, else ./bank.db)\n"
		     "  --json      print one JSON object on stdout (errors too)\n"
		     "  --help      this text; --version: the version\n"
		     "\n"
		     "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const command *cmd = &commands[i];
		char words[64];
		snprintf(words, sizeof words, "%s%s%s", cmd->name, cmd->sub ? " " : "", cmd->sub ? cmd->sub : "");
		sbuf_printf(b, "  %-16s %s%s%s\n", words, cmd->usage, cmd->usage[0] ? "\n                   " : "",
			    cmd->help);
	}
	sbuf_puts(b, "\n"
		     "Amounts are decimal text in the account's currency (\"125.50\"); dates are YYYY-MM-DD.\n"
		     "Environment: BANK_DB, BANK_NOW (fixed RFC 3339 clock), BANK_TZ (\"UTC\", \"+HH:MM\" or "
		     "\"Europe/London\").\n"
		     "Exit status: 0 ok, 1 refused (see the error code), 2 usage error.\n"
		     "See docs/bankctl.md.\n");
}

/** Appends the usage of every command named @p name (and @p sub when not NULL). */
static bool append_command_usage(sbuf *b, const char *name, const char *sub)
{
	bool any = false;
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const command *cmd = &commands[i];
		if (strcmp(cmd->name, name) != 0)
			continue;
		if (sub != NULL && (cmd->sub == NULL || strcmp(cmd->sub, sub) != 0))
			continue;
		if (!any)
			sbuf_puts(b, "usage:\n");
		append_usage_line(b, cmd);
		sbuf_printf(b, "      %s\n", cmd->help);
		any = true;
	}
	return any;
}

/** Finds the command for argv[i..]; sets *words to how many words it used. */
static const command *find_command(int argc, char **argv, int i, int *words)
{
	const char *name = argv[i];
	const char *sub = i + 1 < argc ? argv[i + 1] : NULL;
	for (size_t k = 0; k < NCOMMANDS; k++) {
		const command *cmd = &commands[k];
		if (strcmp(cmd->name, name) != 0)
			continue;
		if (cmd->sub == NULL) {
			*words = 1;
			return cmd;
		}
		if (sub != NULL && strcmp(cmd->sub, sub) == 0) {
			*words = 2;
			return cmd;
		}
	}
	return NULL;
}

static bool known_name(const char *name)
{
	for (size_t k = 0; k < NCOMMANDS; k++)
		if (strcmp(commands[k].name, name) == 0)
			return true;
	return false;
}

/**
 * Parses a command's arguments from argv[start..]: options (--name VALUE,
 * --name=VALUE, --flag) anywhere, "--" ends options, "-h"/"--help" asks for help.
 * Anything else, "-5" included, is a positional argument.
 * @return 0, or 2 (usage error recorded)
 */
static int parse_args(ctx *c, const command *cmd, int argc, char **argv, int start, args *a, bool *help)
{
	bool only_pos = false;
	a->npos = a->nopt = 0;
	*help = false;
	for (int i = start; i < argc; i++) {
		const char *s = argv[i];
		if (!only_pos && strcmp(s, "--") == 0) {
			only_pos = true;
			continue;
		}
		if (!only_pos && (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0)) {
			*help = true;
			return 0;
		}
		if (!only_pos && s[0] == '-' && s[1] == '-') {
			const char *name = s + 2;
			const char *eq = strchr(name, '=');
			size_t n = eq != NULL ? (size_t)(eq - name) : strlen(name);
			const optspec *o = NULL;
			for (const optspec *p = cmd->opts; p->name != NULL; p++)
				if (strlen(p->name) == n && strncmp(p->name, name, n) == 0)
					o = p;
			if (o == NULL)
				return usage_error(c, "unknown option '%.*s'", (int)(n < 200 ? n + 2 : 200), s);
			const char *value = NULL;
			if (o->kind != OPT_FLAG) {
				if (eq != NULL)
					value = eq + 1;
				else if (i + 1 < argc)
					value = argv[++i];
				else
					return usage_error(c, "option --%s needs a value", o->name);
			} else if (eq != NULL) {
				return usage_error(c, "option --%s takes no value", o->name);
			}
			int64_t count;
			if (o->kind == OPT_COUNT && parse_uint(value, INT64_MAX, &count) != 0)
				return usage_error(c, "option --%s takes a whole number, not '%.200s'", o->name, value);
			if (a->nopt >= MAX_OPTS)
				return usage_error(c, "too many options");
			a->opt_name[a->nopt] = o->name;
			a->opt_value[a->nopt] = value;
			a->nopt++;
			continue;
		}
		if (a->npos >= cmd->max_pos || a->npos >= MAX_POS)
			return usage_error(c, "unexpected argument '%.200s'", s);
		a->pos[a->npos++] = s;
	}
	if (a->npos < cmd->min_pos)
		return usage_error(c, "missing argument%s", cmd->min_pos - a->npos > 1 ? "s" : "");
	for (const optspec *p = cmd->opts; p->name != NULL; p++)
		if (p->required && !has_opt(a, p->name))
			return usage_error(c, "option --%s is required", p->name);
	if (a->nopt < cmd->min_opts)
		return usage_error(c, "give at least one --FIELD VALUE");
	return 0;
}

/* ---- Entry point ---- */

static void print_error(ctx *c, int status)
{
	const char *name = bank_error_name(c->code);
	const char *message = sbuf_str(&c->msg);
	if (c->streamed) {
		/* Part of the output is printed already (statement --all): stdout stays what
		 * it was, cut short; the error goes to stderr, and the exit status says it. */
		fprintf(stderr, "bankctl: %s: %s (the output above is incomplete)\n", name, message);
		return;
	}
	if (c->json) {
		sbuf o;
		jw j;
		sbuf_init(&o);
		jw_init(&j, &o);
		jw_obj_begin(&j, NULL);
		jw_obj_begin(&j, "error");
		jw_str(&j, "code", name);
		jw_str(&j, "message", message);
		if (c->report != NULL) {
			jw_int(&j, "accounts_checked", c->report->accounts_checked);
			jw_int(&j, "transfers_checked", c->report->transfers_checked);
			jw_arr_begin(&j, "violations");
			for (size_t i = 0; i < c->report->count; i++) {
				const bank_violation *v = &c->report->items[i];
				jw_obj_begin(&j, NULL);
				jw_str(&j, "check", v->check);
				jw_str(&j, "object", v->object);
				jw_str(&j, "message", v->message);
				jw_obj_end(&j);
			}
			jw_arr_end(&j);
		}
		jw_obj_end(&j);
		jw_obj_end(&j);
		sbuf_putc(&o, '\n');
		if (o.failed)
			fputs("{\"error\":{\"code\":\"out_of_memory\",\"message\":\"out of memory\"}}\n", stdout);
		else
			fputs(sbuf_str(&o), stdout);
		sbuf_free(&o);
	}
	if (status == BANKCTL_EXIT_USAGE) {
		sbuf u;
		sbuf_init(&u);
		sbuf_printf(&u, "bankctl: %s\n", message);
		if (c->full_usage) {
			append_usage(&u);
		} else if (c->cmd != NULL) {
			sbuf_puts(&u, "usage:\n");
			append_usage_line(&u, c->cmd);
		} else if (c->usage_name == NULL || !append_command_usage(&u, c->usage_name, NULL)) {
			sbuf_puts(&u, "usage: bankctl [--db PATH] [--json] COMMAND [ARGS...]\n");
		}
		if (!c->full_usage)
			sbuf_puts(&u, "Run 'bankctl help' for every command.\n");
		fputs(sbuf_str(&u), stderr);
		sbuf_free(&u);
	} else if (!c->json) {
		fprintf(stderr, "bankctl: %s: %s\n", name, message);
		if (c->report != NULL)
			for (size_t i = 0; i < c->report->count; i++) {
				const bank_violation *v = &c->report->items[i];
				fprintf(stderr, "  %s %s: %s\n", v->check, v->object, v->message);
			}
	}
}

/** Prints help text: plain, or as {"usage": TEXT} with --json. */
static int print_help(ctx *c, const sbuf *text)
{
	if (c->json) {
		jw_obj_begin(&c->j, NULL);
		jw_str(&c->j, "usage", sbuf_str(text));
		jw_obj_end(&c->j);
	} else {
		sbuf_puts(&c->out, sbuf_str(text));
	}
	return 0;
}

/* Runs the command line; returns the exit status, having printed nothing yet. */
static int run(ctx *c, int argc, char **argv)
{
	int i = 1;
	const char *env_db = getenv("BANK_DB");
	c->db_path = env_db != NULL && env_db[0] != '\0' ? env_db : "bank.db";
	for (; i < argc; i++) {
		const char *s = argv[i];
		if (strcmp(s, "--json") == 0) {
			c->json = true;
		} else if (strcmp(s, "--db") == 0) {
			if (i + 1 >= argc)
				return usage_error(c, "option --db needs a path");
			c->db_path = argv[++i];
		} else if (strncmp(s, "--db=", 5) == 0) {
			c->db_path = s + 5;
		} else if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
			sbuf t;
			sbuf_init(&t);
			append_usage(&t);
			print_help(c, &t);
			sbuf_free(&t);
			return 0;
		} else if (strcmp(s, "--version") == 0) {
			if (c->json) {
				jw_obj_begin(&c->j, NULL);
				jw_str(&c->j, "version", bank_libversion());
				jw_obj_end(&c->j);
			} else {
				outf(c, "bankctl %s (libbank %s)\n", BANK_VERSION, bank_libversion());
			}
			return 0;
		} else if (s[0] == '-') {
			return usage_error(c, "unknown global option '%.200s' (global options come before the command)",
					   s);
		} else {
			break;
		}
	}
	if (c->db_path[0] == '\0')
		return usage_error(c, "--db needs a non-empty path");
	if (i >= argc) {
		c->full_usage = true;
		return usage_error(c, "missing command");
	}
	if (strcmp(argv[i], "help") == 0) {
		sbuf t;
		sbuf_init(&t);
		if (i + 1 < argc) {
			if (!append_command_usage(&t, argv[i + 1], i + 2 < argc ? argv[i + 2] : NULL)) {
				sbuf_free(&t);
				return usage_error(c, "unknown command '%.200s'", argv[i + 1]);
			}
		} else {
			append_usage(&t);
		}
		print_help(c, &t);
		sbuf_free(&t);
		return 0;
	}
	int words = 0;
	const command *cmd = find_command(argc, argv, i, &words);
	if (cmd == NULL) {
		if (!known_name(argv[i]))
			return usage_error(c, "unknown command '%.200s'", argv[i]);
		if (i + 1 < argc && (strcmp(argv[i + 1], "--help") == 0 || strcmp(argv[i + 1], "-h") == 0)) {
			sbuf t;
			sbuf_init(&t);
			append_command_usage(&t, argv[i], NULL);
			print_help(c, &t);
			sbuf_free(&t);
			return 0;
		}
		c->usage_name = argv[i];
		if (i + 1 < argc)
			return usage_error(c, "%s: unknown subcommand '%.200s'", argv[i], argv[i + 1]);
		return usage_error(c, "%s: missing subcommand", argv[i]);
	}
	c->cmd = cmd;
	args a;
	bool help = false;
	int rc = parse_args(c, cmd, argc, argv, i + words, &a, &help);
	if (rc != 0)
		return rc;
	if (help) {
		sbuf t;
		sbuf_init(&t);
		append_command_usage(&t, cmd->name, cmd->sub);
		print_help(c, &t);
		sbuf_free(&t);
		return 0;
	}
	if (cmd->db == DB_OPEN && open_bank(c, false))
		return BANKCTL_EXIT_ERROR;
	rc = cmd->fn(c, &a);
	if (rc == 0 && c->fmt_err != 0)
		rc = BANKCTL_EXIT_ERROR; /* the message is recorded already */
	return rc;
}

int bankctl_main(int argc, char **argv)
{
	ctx c;
	memset(&c, 0, sizeof c);
	sbuf_init(&c.out);
	sbuf_init(&c.msg);
	jw_init(&c.j, &c.out);
	c.code = BANK_OK;
	/* A harness may pass argc 0 or an argv with NULL holes: use the leading non-NULL part. */
	int n = 0;
	if (argv != NULL)
		while (n < argc && argv[n] != NULL)
			n++;
	int status = run(&c, n, argv);
	if (status == 0 && c.out.failed)
		status = fail(&c, BANK_ENOMEM, "out of memory building the output");
	if (status == 0) {
		if (c.json)
			sbuf_putc(&c.out, '\n');
		fputs(sbuf_str(&c.out), stdout);
	} else {
		print_error(&c, status);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* A full disk or a closed pipe: the caller must not take the result as printed. */
		fprintf(stderr, "bankctl: cannot write the output to stdout\n");
		if (status == 0)
			status = BANKCTL_EXIT_ERROR;
	}
	bank_verify_report_free(c.report);
	bank_close(c.b);
	sbuf_free(&c.out);
	sbuf_free(&c.msg);
	return status;
}

#ifndef BANKCTL_NO_MAIN
int main(int argc, char **argv)
{
	return bankctl_main(argc, argv);
}
#endif
