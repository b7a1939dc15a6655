/*
 * interest.c: interest accrual and posting on customer accounts. Owns the product_rate
 * (effective-dated rates), interest_state (each account's open period: the accrual
 * state), interest_period (posted periods: with the open one, the interest table) and
 * interest_run tables.
 *
 * Exactness. Interest is an integer count of picounits: 10^-12 of a minor unit
 * (BANK_ACCRUAL_SCALE), in 128-bit integers; stored as INTEGER when it fits 64 bits and
 * as decimal TEXT beyond (an int64 of picounits stops at 92,233 dollars). A day's
 * interest is
 *
 *     basis * rate / (100 * BANK_RATE_SCALE * days_in_year)    rounded half even to a picounit
 *
 * with basis = end-of-day balance * 10^12 + interest compounded and not yet posted. The
 * average-balance method keeps sums instead and recomputes the period's interest each
 * day: sum(basis) * sum(rate * L / days_in_year) / (days * 10^8 * L), L = lcm(360, 365,
 * 366), which is the average basis times the sum of the daily rates, exactly. Products
 * a * b / c that could pass 2^127 are split (muldiv). Floating point only in the APY,
 * which is a disclosed percentage, not money.
 *
 * State. An account's open period is its interest_state row (keyed by the account's row
 * id, so a run reads the states in account order): last day accrued, days, sums, rates
 * seen, compounded and accrued picounits, the remainder carried in. At the period's end
 * the accrued amount is rounded half even once, posted through ledger.c
 * (bank__ledger_interest: interest expense -> customer, id "int-<number>-<end date>", so
 * a replay finds it instead of posting twice), the period is appended to interest_period
 * (append-only: triggers refuse UPDATE and DELETE) and the state row starts the next
 * period with the remainder. The state row is rewritten every day, so it is small and
 * has no trigger; the daily UPDATE sets five columns. Lifecycle of a period:
 *
 *     interest_state (open) --each accrued day--> open --period end: post--> interest_period
 *        ^                                                                      |
 *        +------------- next period, remainder carried (same state row) -------+
 *
 * Closing an account posts its open period as final and deletes its state row.
 *
 * Value dating. A posting made by a late run (the run for March 31 executed on April 5,
 * or one run catching up a whole year) lands in the journal after days it belongs to:
 * interest posted for a period counts in the earning balance from the day after the
 * period's end. accrue_account() adds such "late" postings (posted_at after the day
 * being accrued) back; the state row's last_post_at tells cheaply when there are none.
 * Otherwise an end-of-day balance is the account row's balance when the account has not
 * moved since that day ended, else a journal read (report.c's balance-before-time).
 *
 * Runs. bank_interest_run(as_of) walks customer accounts in id order, BATCH accounts
 * per write transaction, and brings each one to as_of; accounts already there are
 * skipped by the query, so a rerun (same date) is a no-op and a run cut short resumes
 * where it stopped with the same result. interest_run keeps one row per date: the
 * latest date bounds later runs (no run before it).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef bank__i128 i128;
__extension__ typedef unsigned __int128 u128;

#define PICO BANK_ACCRUAL_SCALE
/* Rate units per 1.0 (100% = 100 * BANK_RATE_SCALE). */
#define RATE_ONE ((int64_t)100 * BANK_RATE_SCALE)
/* lcm(360, 365, 366): every day-count's days-in-year divides it. */
#define YEAR_LCM INT64_C(1603080)
/* Accounts per run transaction. */
#define BATCH 2000
#define I128_MAX ((i128)(((u128)1 << 127) - 1))

#ifdef BANK_INTERNAL_TESTS
size_t bank__interest_test_batch = 0;
size_t bank__interest_test_stop_after = 0;
#endif

/* ---- Names ---- */

static const char *const day_count_names[] = {"act/365", "act/360", "act/act"};
static const char *const method_names[] = {"daily", "average"};
static const char *const period_names[] = {"monthly", "quarterly", "semiannual", "annual", "daily"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int name_index(const char *const *names, size_t n, const char *text)
{
	for (size_t i = 0; text != NULL && i < n; i++)
		if (strcmp(names[i], text) == 0)
			return (int)i;
	return -1;
}

const char *bank_day_count_name(bank_day_count dc)
{
	return (unsigned)dc < NELEM(day_count_names) ? day_count_names[dc] : "unknown";
}

int bank_day_count_parse(bank_day_count *out, const char *text)
{
	int i = name_index(day_count_names, NELEM(day_count_names), text);
	if (i < 0)
		return bank__err(BANK_EINVAL, "unknown day count \"%.40s\": use act/365, act/360 or act/act",
				 text ? text : "");
	*out = (bank_day_count)i;
	return BANK_OK;
}

const char *bank_balance_method_name(bank_balance_method m)
{
	return (unsigned)m < NELEM(method_names) ? method_names[m] : "unknown";
}

int bank_balance_method_parse(bank_balance_method *out, const char *text)
{
	int i = name_index(method_names, NELEM(method_names), text);
	if (i < 0)
		return bank__err(BANK_EINVAL, "unknown balance method \"%.40s\": use daily or average",
				 text ? text : "");
	*out = (bank_balance_method)i;
	return BANK_OK;
}

const char *bank_period_name(bank_period p)
{
	return (unsigned)p < NELEM(period_names) ? period_names[p] : "unknown";
}

int bank_period_parse(bank_period *out, const char *text)
{
	int i = name_index(period_names, NELEM(period_names), text);
	if (i < 0)
		return bank__err(BANK_EINVAL,
				 "unknown period \"%.40s\": use daily, monthly, quarterly, semiannual or annual",
				 text ? text : "");
	*out = (bank_period)i;
	return BANK_OK;
}

int bank__interest_check_conventions(bank_day_count dc, bank_balance_method m, bank_period compounding,
				     bank_period posting, int64_t min_interest_balance)
{
	if ((unsigned)dc >= NELEM(day_count_names))
		return bank__err(BANK_EINVAL, "unknown day count %d", (int)dc);
	if ((unsigned)m >= NELEM(method_names))
		return bank__err(BANK_EINVAL, "unknown balance method %d", (int)m);
	if ((unsigned)compounding >= NELEM(period_names))
		return bank__err(BANK_EINVAL, "unknown compounding period %d", (int)compounding);
	if ((unsigned)posting >= NELEM(period_names))
		return bank__err(BANK_EINVAL, "unknown posting period %d", (int)posting);
	if (posting == BANK_PERIOD_DAILY)
		return bank__err(BANK_EINVAL, "the posting period must be monthly, quarterly, semiannual or annual");
	if (min_interest_balance < 0)
		return bank__err(BANK_EINVAL, "the minimum balance to earn interest is negative");
	return BANK_OK;
}

/* ---- Calendar (the formulas of timeutil.c: proleptic Gregorian, exact) ---- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool leap_year(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The last day of the calendar period of kind p that contains day d. */
static bank_date period_end(bank_date d, bank_period p)
{
	int64_t y;
	unsigned m, day;
	if (p == BANK_PERIOD_DAILY)
		return d;
	civil_from_days(d, &y, &m, &day);
	unsigned last = 12;
	switch (p) {
	case BANK_PERIOD_MONTHLY: last = m; break;
	case BANK_PERIOD_QUARTERLY: last = (m + 2) / 3 * 3; break;
	case BANK_PERIOD_SEMIANNUAL: last = m <= 6 ? 6 : 12; break;
	default: break;
	}
	/* The day before the first of the next month. */
	return last == 12 ? (bank_date)(days_from_civil(y + 1, 1, 1) - 1)
			  : (bank_date)(days_from_civil(y, last + 1, 1) - 1);
}

static int64_t days_in_year(bank_day_count dc, bank_date d)
{
	if (dc == BANK_DAY_COUNT_ACT_360)
		return 360;
	if (dc == BANK_DAY_COUNT_ACT_ACT) {
		int64_t y;
		unsigned m, day;
		civil_from_days(d, &y, &m, &day);
		return leap_year(y) ? 366 : 365;
	}
	return 365;
}

static void date_text(char buf[16], bank_date d)
{
	if (bank_date_format(buf, 16, d) != BANK_OK)
		snprintf(buf, 16, "%ld", (long)d);
}

/* ---- 128-bit arithmetic ---- */

/* num / den rounded half to even; den > 0. */
static i128 div_half_even(i128 num, i128 den)
{
	i128 q = num / den, r = num % den;
	if (r < 0) { /* floor division */
		q -= 1;
		r += den;
	}
	i128 twice = r * 2; /* r < den, den <= 2^126 in every use here */
	if (twice > den || (twice == den && (q & 1) != 0))
		q += 1;
	return q;
}

/*
 * *out = a * b / c rounded half to even, for b >= 0 and c > 0, without overflowing where
 * a * b would: a = q c + r, so a b / c = q b + r b / c. BANK_ELIMIT when even that leaves
 * 128 bits (balances near INT64_MAX at absurd rates).
 */
static int muldiv(i128 *out, i128 a, int64_t b, int64_t c)
{
	bool neg = a < 0;
	i128 ua = neg ? -a : a;
	i128 q = ua / c, r = ua % c;
	if (b != 0 && q > I128_MAX / b)
		return bank__err(BANK_ELIMIT, "interest arithmetic would overflow 128 bits");
	i128 v = q * b + div_half_even(r * b, c);
	*out = neg ? -v : v;
	return BANK_OK;
}

static void i128_text(char buf[48], i128 v)
{
	char tmp[48];
	size_t n = 0;
	bool neg = v < 0;
	u128 u = neg ? (u128)0 - (u128)v : (u128)v;
	do {
		tmp[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u != 0);
	size_t k = 0;
	if (neg)
		buf[k++] = '-';
	while (n > 0)
		buf[k++] = tmp[--n];
	buf[k] = '\0';
}

/* Parses what i128_text wrote; anything else (a corrupted row) is BANK_ECORRUPT. */
static int i128_parse(i128 *out, const char *s)
{
	const char *p = s;
	bool neg = *p == '-';
	if (neg)
		p++;
	if (*p == '\0' || strlen(p) > 38)
		return bank__err(BANK_ECORRUPT, "interest state holds \"%.48s\", not an integer", s);
	i128 v = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return bank__err(BANK_ECORRUPT, "interest state holds \"%.48s\", not an integer", s);
		v = v * 10 + (*p - '0');
	}
	*out = neg ? -v : v;
	return BANK_OK;
}

static bank_accrual accrual_of(i128 v)
{
	i128 units = v / PICO, frac = v % PICO;
	if (frac < 0) {
		frac += PICO;
		units -= 1;
	}
	bank_accrual a;
	a.units = units > INT64_MAX ? INT64_MAX : units < INT64_MIN ? INT64_MIN : (int64_t)units;
	a.frac = (int64_t)frac;
	return a;
}

static i128 accrual_value(bank_accrual a)
{
	return (i128)a.units * PICO + a.frac;
}

int bank_accrual_format(char *buf, size_t size, bank_accrual a, const char *currency, int decimals)
{
	const bank_currency *cur = currency ? bank_currency_find(currency) : NULL;
	if (cur == NULL)
		return bank__err(BANK_EINVAL, "unknown currency \"%.10s\"", currency ? currency : "");
	int all = cur->exponent + BANK_ACCRUAL_DIGITS;
	if (decimals == -1)
		decimals = all;
	if (decimals < 0 || decimals > all)
		return bank__err(BANK_EINVAL, "decimals must be 0..%d (or -1 for all)", all);
	if (a.frac < 0 || a.frac >= PICO)
		return bank__err(BANK_EINVAL, "accrual fraction out of range");
	i128 v = accrual_value(a), scale = 1;
	for (int i = decimals; i < all; i++)
		scale *= 10;
	v = div_half_even(v, scale); /* once: rounding digit by digit would round twice */
	char digits[48];
	bool neg = v < 0;
	i128_text(digits, neg ? -v : v);
	size_t n = strlen(digits);
	char out[BANK_ACCRUAL_SIZE];
	size_t k = 0;
	if (neg)
		out[k++] = '-';
	if ((int)n <= decimals) {
		out[k++] = '0';
		if (decimals > 0)
			out[k++] = '.';
		for (int i = 0; i < decimals - (int)n; i++)
			out[k++] = '0';
		memcpy(out + k, digits, n);
		k += n;
	} else {
		memcpy(out + k, digits, n - (size_t)decimals);
		k += n - (size_t)decimals;
		if (decimals > 0) {
			out[k++] = '.';
			memcpy(out + k, digits + n - (size_t)decimals, (size_t)decimals);
			k += (size_t)decimals;
		}
	}
	out[k] = '\0';
	if (buf == NULL || size <= k)
		return bank__err(BANK_ELIMIT, "accrual buffer too small");
	memcpy(buf, out, k + 1);
	return BANK_OK;
}

/* ---- Products as interest sees them ---- */

struct rate_at {
	bank_date from;
	int64_t rate;
};

struct prod {
	int64_t id;
	bank_day_count dc;
	bank_balance_method method;
	bank_period compounding, posting;
	int64_t min_balance;
	char currency[BANK_CURRENCY_SIZE];
	size_t nrates;
	struct rate_at *rates; /* by from, ascending */
};

static void prod_free(struct prod *p)
{
	free(p->rates);
	p->rates = NULL;
	p->nrates = 0;
}

static int conv_parse(const char *const *names, size_t n, const char *text, int *out, const char *what)
{
	int i = name_index(names, n, text);
	if (i < 0)
		return bank__err(BANK_ECORRUPT, "product has an unknown %s \"%.20s\"", what, text);
	*out = i;
	return BANK_OK;
}

static int prod_load(bank *b, int64_t id, struct prod *p)
{
	memset(p, 0, sizeof *p);
	p->id = id;
	bank__q *q = bank__q_get(b, "SELECT day_count, balance_method, compounding, posting, min_interest_balance,"
				    " currency FROM product WHERE id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, id);
	int rc = bank__q_step(q);
	int dc = 0, m = 0, comp = 0, post = 0;
	if (rc == 1) {
		if ((rc = conv_parse(day_count_names, NELEM(day_count_names), bank__q_col_text(q, 0), &dc,
				     "day count")) == BANK_OK &&
		    (rc = conv_parse(method_names, NELEM(method_names), bank__q_col_text(q, 1), &m,
				     "balance method")) == BANK_OK &&
		    (rc = conv_parse(period_names, NELEM(period_names), bank__q_col_text(q, 2), &comp,
				     "compounding")) == BANK_OK)
			rc = conv_parse(period_names, NELEM(period_names), bank__q_col_text(q, 3), &post,
					"posting period");
		p->min_balance = bank__q_col_int(q, 4);
		snprintf(p->currency, sizeof p->currency, "%s", bank__q_col_text(q, 5));
	} else if (rc == 0) {
		rc = bank__err(BANK_ENOTFOUND, "no product with id %lld", (long long)id);
	}
	bank__q_reset(q);
	if (rc != BANK_OK)
		return rc;
	p->dc = (bank_day_count)dc;
	p->method = (bank_balance_method)m;
	p->compounding = (bank_period)comp;
	p->posting = (bank_period)post;
	q = bank__q_get(b, "SELECT effective, rate FROM product_rate WHERE product_id = ? ORDER BY effective");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, id);
	size_t cap = 0;
	while ((rc = bank__q_step(q)) == 1) {
		if ((rc = bank__grow(&p->rates, sizeof *p->rates, p->nrates + 1, &cap)) != BANK_OK)
			break;
		p->rates[p->nrates].from = (bank_date)bank__q_col_int(q, 0);
		p->rates[p->nrates].rate = bank__q_col_int(q, 1);
		p->nrates++;
	}
	bank__q_reset(q);
	if (rc < 0) {
		prod_free(p);
		return rc;
	}
	if (p->nrates == 0) {
		prod_free(p);
		return bank__err(BANK_ECORRUPT, "product %lld has no rate schedule", (long long)id);
	}
	return BANK_OK;
}

/* The rate on day d: the latest entry from on or before d (the first entry before it). */
static int64_t prod_rate_on(const struct prod *p, bank_date d)
{
	size_t lo = 0, hi = p->nrates; /* first entry with from > d */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->rates[mid].from <= d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return p->rates[lo == 0 ? 0 : lo - 1].rate;
}

/* A handful of products per batch, loaded on first use. */
struct prod_cache {
	size_t n, cap;
	struct prod *items;
};

static void cache_free(struct prod_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		prod_free(&c->items[i]);
	free(c->items);
	memset(c, 0, sizeof *c);
}

static int cache_get(bank *b, struct prod_cache *c, int64_t id, const struct prod **out)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->items[i].id == id) {
			*out = &c->items[i];
			return BANK_OK;
		}
	int rc = bank__grow(&c->items, sizeof *c->items, c->n + 1, &c->cap);
	if (rc != BANK_OK || (rc = prod_load(b, id, &c->items[c->n])) != BANK_OK)
		return rc;
	*out = &c->items[c->n++];
	return BANK_OK;
}

int bank__interest_rate_insert(bank *b, int64_t product_id, bank_date from, int64_t rate, bank_time now)
{
	bank__q *q = bank__q_get(b, "INSERT OR REPLACE INTO product_rate(product_id, effective, rate, created_at)"
				    " VALUES (?, ?, ?, ?)");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, product_id);
	bank__q_int(q, 2, from);
	bank__q_int(q, 3, rate);
	bank__q_int(q, 4, now);
	return bank__q_exec(q);
}

int bank__interest_rate_today(bank *b, int64_t product_id, int64_t *rate)
{
	bank__q *q = bank__q_get(b, "SELECT rate FROM product_rate WHERE product_id = ?1"
				    " ORDER BY effective <= ?2 DESC, (CASE WHEN effective <= ?2 THEN -effective"
				    " ELSE effective END) LIMIT 1");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, product_id);
	bank__q_int(q, 2, bank_date_of(b, bank_now(b)));
	int rc = bank__q_step(q);
	if (rc == 1)
		*rate = bank__q_col_int(q, 0);
	bank__q_reset(q);
	return rc < 0 ? rc : BANK_OK;
}

/* ---- One period's state ---- */

struct period {
	bool stored; /* the account's interest_state row exists */
	bank_date start, end, through;
	int64_t days;
	bank_balance_method method;
	char *rates;         /* "RATE from DATE; ..." (heap) */
	int64_t last_rate;   /* -1: none yet */
	i128 bal_sum;        /* sum of end-of-day balances, minor unit-days */
	i128 basis_sum;      /* sum of earning bases, picounit-days (average method) */
	int64_t rate_factor; /* sum of rate * YEAR_LCM / days_in_year (average method) */
	i128 carry_in, accrued, compounded;
	bank_time last_post_at; /* latest interest posting of the account, 0 when none */
	bool wide;              /* since read: a column beyond the daily five changed */
	/* final fields */
	bool final;
	int64_t posted;
	i128 carry_out;
	char transfer[BANK_ID_SIZE];
	bank_time posted_at;
};

static void period_start_new(struct period *s, bank_date start, const struct prod *p, i128 carry,
			     bank_time last_post_at)
{
	bool stored = s->stored;
	free(s->rates);
	memset(s, 0, sizeof *s);
	s->stored = stored;
	s->wide = true;
	s->start = start;
	s->end = period_end(start, p->posting);
	s->through = start - 1;
	s->method = p->method;
	s->last_rate = -1;
	s->carry_in = s->accrued = s->compounded = carry;
	s->last_post_at = last_post_at;
}

static void rate_text(char buf[BANK_RATE_SIZE], int64_t rate)
{
	if (bank_rate_format(buf, BANK_RATE_SIZE, rate) != BANK_OK)
		snprintf(buf, BANK_RATE_SIZE, "%lld", (long long)rate);
}

static int rates_add(struct period *s, int64_t rate, bank_date d)
{
	char r[BANK_RATE_SIZE], day[16], item[BANK_RATE_SIZE + 32];
	rate_text(r, rate);
	date_text(day, d);
	snprintf(item, sizeof item, "%s%s from %s", s->rates && s->rates[0] ? "; " : "", r, day);
	size_t old = s->rates ? strlen(s->rates) : 0, add = strlen(item);
	char *n = realloc(s->rates, old + add + 1);
	if (n == NULL)
		return bank__oom();
	memcpy(n + old, item, add + 1);
	s->rates = n;
	return BANK_OK;
}

/*
 * Notes the rate of a day. While a period sees one rate, only last_rate is kept (the
 * text stays NULL: rows are rewritten daily, so they are kept small); the first change
 * writes "R0 from <start>; R1 from <day>" (days are accrued from the start on, in order).
 */
static int rates_note(struct period *s, int64_t rate, bank_date d)
{
	int rc;
	if (s->last_rate >= 0 && (s->rates == NULL || s->rates[0] == '\0') &&
	    (rc = rates_add(s, s->last_rate, s->start)) != BANK_OK)
		return rc;
	if (s->last_rate >= 0 && (rc = rates_add(s, rate, d)) != BANK_OK)
		return rc;
	s->last_rate = rate;
	s->wide = true;
	return BANK_OK;
}

/*
 * Accrues day d on end-of-day balance `balance` (minor units, value-dated): see the file
 * comment for the formulas. Updates sums, accrued and (at a compounding boundary)
 * compounded.
 */
static int accrue_day(const struct prod *p, struct period *s, bank_date d, int64_t balance)
{
	int64_t rate = prod_rate_on(p, d), diy = days_in_year(p->dc, d);
	int rc;
	if (rate != s->last_rate && (rc = rates_note(s, rate, d)) != BANK_OK)
		return rc;
	i128 basis = (i128)balance * PICO + s->compounded;
	s->days++;
	s->bal_sum += balance;
	s->through = d;
	if (s->method == BANK_BALANCE_DAILY) {
		if (balance >= 0 && balance >= p->min_balance && basis > 0) {
			i128 day = 0;
			if ((rc = muldiv(&day, basis, rate, RATE_ONE * diy)) != BANK_OK)
				return rc;
			s->accrued += day;
		}
	} else {
		s->wide = true;
		s->basis_sum += basis;
		s->rate_factor += rate * (YEAR_LCM / diy);
		i128 earned = 0;
		if (s->basis_sum > 0 && s->bal_sum >= 0 && s->bal_sum >= (i128)p->min_balance * s->days &&
		    (rc = muldiv(&earned, s->basis_sum, s->rate_factor, s->days * RATE_ONE * YEAR_LCM)) != BANK_OK)
			return rc;
		s->accrued = s->carry_in + earned;
	}
	if (p->compounding == BANK_PERIOD_DAILY || d == period_end(d, p->compounding) || d == s->end)
		s->compounded = s->accrued;
	return BANK_OK;
}

/* Rounds the period's interest once (half even) and fills the final fields; no posting. */
static int period_close(struct period *s, bank_date end)
{
	i128 posted = div_half_even(s->accrued, PICO);
	if (posted < 0 || posted > INT64_MAX)
		return bank__err(BANK_ELIMIT, "the interest of a period leaves the range of a 64-bit amount");
	s->end = end;
	s->final = true;
	s->posted = (int64_t)posted;
	s->carry_out = s->accrued - posted * PICO;
	return BANK_OK;
}

/* The columns interest_state and interest_period share, in this order. */
#define PERIOD_FIELDS                                                                                     \
	"period_start, period_end, accrued_through, days, balance_method, rates, last_rate, balance_sum," \
	" basis_sum, rate_factor, carry_in, accrued, compounded, last_post_at"
#define PERIOD_COLS                                                                                        \
	"p.period_start, p.period_end, p.accrued_through, p.days, p.balance_method, p.rates, p.last_rate," \
	" p.balance_sum, p.basis_sum, p.rate_factor, p.carry_in, p.accrued, p.compounded, p.last_post_at"
/* Columns PERIOD_COLS takes; table reads add posted, carry_out, transfer_id, posted_at. */
#define PERIOD_NCOLS 14
/* Every period of account ?1, posted ones and the open one (posted NULL), as "p". */
#define ACCOUNT_PERIODS                                                                                         \
	"(SELECT " PERIOD_FIELDS ", posted, carry_out, transfer_id, posted_at FROM interest_period"             \
	" WHERE account_id = ?1 UNION ALL SELECT " PERIOD_FIELDS ", NULL, NULL, NULL, NULL FROM interest_state" \
	" WHERE account_id = ?1) p"

/*
 * 128-bit values are stored as INTEGER when they fit 64 bits (nearly always: the columns
 * have no type affinity, so SQLite keeps what is bound) and as decimal TEXT otherwise.
 * SQLite reads such TEXT as an integer saturated to INT64_MAX / INT64_MIN, so only those
 * two values need the text (which is exact for an INTEGER too).
 */
static int col_i128(bank__q *q, int col, i128 *out)
{
	int64_t v = bank__q_col_int(q, col);
	if (v == INT64_MAX || v == INT64_MIN)
		return i128_parse(out, bank__q_col_text(q, col));
	*out = v;
	return BANK_OK;
}

/* Binds v; buf (which bank__q_text does not copy) must live until the statement ran. */
static void bind_i128(bank__q *q, int i, i128 v, char buf[48])
{
	if (v >= INT64_MIN && v <= INT64_MAX) {
		bank__q_int(q, i, (int64_t)v);
	} else {
		i128_text(buf, v);
		bank__q_text(q, i, buf);
	}
}

/* Reads PERIOD_COLS starting at column `col` into s. */
static int period_read(bank__q *q, int col, struct period *s)
{
	int rc;
	free(s->rates);
	memset(s, 0, sizeof *s);
	s->stored = true;
	s->start = (bank_date)bank__q_col_int(q, col);
	s->end = (bank_date)bank__q_col_int(q, col + 1);
	s->through = (bank_date)bank__q_col_int(q, col + 2);
	s->days = bank__q_col_int(q, col + 3);
	s->method = bank__q_col_int(q, col + 4) == 1 ? BANK_BALANCE_AVERAGE : BANK_BALANCE_DAILY;
	if (!bank__q_col_null(q, col + 5) && (s->rates = bank__strdup(bank__q_col_text(q, col + 5))) == NULL)
		return bank__oom();
	s->last_rate = bank__q_col_int(q, col + 6);
	if ((rc = col_i128(q, col + 7, &s->bal_sum)) != BANK_OK ||
	    (rc = col_i128(q, col + 8, &s->basis_sum)) != BANK_OK)
		return rc;
	s->rate_factor = bank__q_col_int(q, col + 9);
	if ((rc = col_i128(q, col + 10, &s->carry_in)) != BANK_OK ||
	    (rc = col_i128(q, col + 11, &s->accrued)) != BANK_OK ||
	    (rc = col_i128(q, col + 12, &s->compounded)) != BANK_OK)
		return rc;
	s->last_post_at = bank__q_col_int(q, col + 13);
	return BANK_OK;
}

/*
 * Writes s. A final (posted) period is appended to interest_period; an open one is the
 * account's interest_state row, inserted or updated. The daily case (the row exists
 * and only accrual moved: no new period, rate or average-method sums) sets the five
 * columns accrual changes: the run does it once per account and day.
 */
static int period_store(bank *b, int64_t account_id, struct period *s)
{
	char tb[6][48];
	int rc;
	if (s->stored && !s->final && !s->wide) {
		bank__q *q = bank__q_get(b, "UPDATE interest_state SET accrued_through = ?, days = ?, balance_sum = ?,"
					    " accrued = ?, compounded = ? WHERE account_id = ?");
		if (q == NULL)
			return bank__last_code();
		bank__q_int(q, 1, s->through);
		bank__q_int(q, 2, s->days);
		bind_i128(q, 3, s->bal_sum, tb[0]);
		bind_i128(q, 4, s->accrued, tb[1]);
		bind_i128(q, 5, s->compounded, tb[2]);
		bank__q_int(q, 6, account_id);
		return bank__q_exec(q);
	}
	/* Parameters a statement does not use are ignored by SQLite. */
	bank__q *q;
	if (s->final)
		q = bank__q_get(b, "INSERT INTO interest_period(account_id, " PERIOD_FIELDS ", posted, carry_out,"
				   " transfer_id, posted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
				   " ?13, ?14, ?15, ?16, ?17, ?18, ?19)");
	else if (s->stored)
		q = bank__q_get(b,
				"UPDATE interest_state SET period_start = ?2, period_end = ?3, accrued_through = ?4,"
				" days = ?5, balance_method = ?6, rates = ?7, last_rate = ?8, balance_sum = ?9,"
				" basis_sum = ?10, rate_factor = ?11, carry_in = ?12, accrued = ?13, compounded = ?14,"
				" last_post_at = ?15 WHERE account_id = ?1");
	else
		q = bank__q_get(b, "INSERT INTO interest_state(account_id, " PERIOD_FIELDS ") VALUES (?1, ?2, ?3, ?4,"
				   " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, account_id);
	bank__q_int(q, 2, s->start);
	bank__q_int(q, 3, s->end);
	bank__q_int(q, 4, s->through);
	bank__q_int(q, 5, s->days);
	bank__q_int(q, 6, s->method);
	if (s->rates && s->rates[0])
		bank__q_text(q, 7, s->rates);
	bank__q_int(q, 8, s->last_rate);
	bind_i128(q, 9, s->bal_sum, tb[0]);
	bind_i128(q, 10, s->basis_sum, tb[1]);
	bank__q_int(q, 11, s->rate_factor);
	bind_i128(q, 12, s->carry_in, tb[2]);
	bind_i128(q, 13, s->accrued, tb[3]);
	bind_i128(q, 14, s->compounded, tb[4]);
	bank__q_int(q, 15, s->last_post_at);
	if (s->final) {
		bank__q_int(q, 16, s->posted);
		bind_i128(q, 17, s->carry_out, tb[5]);
		bank__q_text(q, 18, s->transfer);
		bank__q_int(q, 19, s->posted_at);
	}
	if ((rc = bank__q_exec(q)) != BANK_OK)
		return rc;
	if (!s->final) {
		s->stored = true;
		s->wide = false;
	}
	return BANK_OK;
}

/* Forgets the open period of a closed account (its last period is final). */
static int state_delete(bank *b, int64_t account_id)
{
	bank__q *q = bank__q_get(b, "DELETE FROM interest_state WHERE account_id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, account_id);
	return bank__q_exec(q);
}

/* ---- One account ---- */

/* A customer account with its open period, as the run reads it. */
struct acct {
	int64_t id;
	char number[BANK_ACCOUNT_NUMBER_SIZE];
	int64_t product_id;
	int64_t balance;
	bank_time last_activity, opened_at;
	bool has_period;
	struct period per;
};

#define ACCT_COLS "a.id, a.number, a.product_id, a.balance, a.last_activity_at, a.opened_at, "

static int acct_read(bank__q *q, struct acct *a)
{
	memset(a, 0, sizeof *a);
	a->id = bank__q_col_int(q, 0);
	const char *num = bank__q_col_text(q, 1);
	size_t len = strlen(num);
	len = len < sizeof a->number ? len : sizeof a->number - 1;
	memcpy(a->number, num, len);
	a->number[len] = '\0';
	a->product_id = bank__q_col_int(q, 2);
	a->balance = bank__q_col_int(q, 3);
	a->last_activity = bank__q_col_int(q, 4);
	a->opened_at = bank__q_col_int(q, 5);
	a->has_period = !bank__q_col_null(q, 6);
	return a->has_period ? period_read(q, 6, &a->per) : BANK_OK;
}

static void acct_free(struct acct *a)
{
	free(a->per.rates);
	a->per.rates = NULL;
}

/* Interest posted after the end of a day it belongs to (value-dated earlier). */
struct late {
	bank_time at;
	int64_t amount;
};

struct work {
	bank *b;
	bank_time now; /* the journal time of this transaction's postings */
	struct prod_cache cache;
	struct late *late;
	size_t nlate, late_cap;
	/* counters */
	size_t days, postings;
};

static int late_push(struct work *w, bank_time at, int64_t amount)
{
	int rc = bank__grow(&w->late, sizeof *w->late, w->nlate + 1, &w->late_cap);
	if (rc != BANK_OK)
		return rc;
	w->late[w->nlate].at = at;
	w->late[w->nlate].amount = amount;
	w->nlate++;
	return BANK_OK;
}

/* Loads the account's postings made at or after `since` (only when its open row says there may be some). */
static int late_load(struct work *w, const struct acct *a, bank_time since)
{
	w->nlate = 0;
	if (!a->has_period || a->per.last_post_at < since)
		return BANK_OK;
	bank__q *q = bank__q_get(w->b, "SELECT posted, posted_at FROM interest_period WHERE account_id = ?"
				       " AND posted > 0 AND posted_at >= ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, a->id);
	bank__q_int(q, 2, since);
	int rc;
	while ((rc = bank__q_step(q)) == 1)
		if ((rc = late_push(w, bank__q_col_int(q, 1), bank__q_col_int(q, 0))) != BANK_OK)
			break;
	bank__q_reset(q);
	return rc < 0 ? rc : BANK_OK;
}

/* The value-dated end-of-day balance of day d. */
static int eod_balance(struct work *w, const struct acct *a, bank_date d, int64_t *out)
{
	bank_time next = bank_date_start(w->b, d + 1);
	int64_t bal = a->balance;
	int rc;
	if (a->last_activity >= next && (rc = bank__balance_before_time(w->b, a->id, next, &bal)) != BANK_OK)
		return rc;
	for (size_t i = 0; i < w->nlate; i++)
		if (w->late[i].at >= next && bank_money_add(&bal, bal, w->late[i].amount) != BANK_OK)
			return bank__err(BANK_ELIMIT, "the balance of account %s leaves the 64-bit range", a->number);
	*out = bal;
	return BANK_OK;
}

/* Posts the period s (already closed by period_close) now, and stores it final. */
static int period_post(struct work *w, struct acct *a, struct period *s)
{
	int rc;
	s->posted_at = w->now;
	s->transfer[0] = '\0';
	if (s->posted > 0) {
		char from[16], to[16], memo[64];
		date_text(from, s->start);
		date_text(to, s->end);
		snprintf(memo, sizeof memo, "interest %s..%s", from, to);
		/* The id is "int-<number>-<end>"; a client may have taken it first (ids are
		 * theirs to choose), so on a conflict the next of ".2" .. ".9" is tried. The
		 * posting and its period row commit together, so a taken id is never ours. */
		for (int n = 1;; n++) {
			if (n == 1)
				snprintf(s->transfer, sizeof s->transfer, "int-%s-%s", a->number, to);
			else
				snprintf(s->transfer, sizeof s->transfer, "int-%s-%s.%d", a->number, to, n);
			rc = bank__ledger_interest(w->b, a->number, s->posted, s->transfer, memo, w->now, NULL);
			if (rc != BANK_ECONFLICT || n == 9)
				break;
		}
		if (rc != BANK_OK)
			return rc;
		a->balance += s->posted; /* the ledger checked the range */
		a->last_activity = w->now;
		if ((rc = late_push(w, w->now, s->posted)) != BANK_OK)
			return rc;
		w->postings++;
	}
	return period_store(w->b, a->id, s);
}

/*
 * Brings account a to day `until` (inclusive): accrues every day not accrued yet and
 * posts every posting period that ends on or before `until`. Leaves the open period in
 * a->per (stored). Sets *accrued_days to the days accrued. In the caller's write
 * transaction.
 */
static int accrue_account(struct work *w, struct acct *a, bank_date until, size_t *accrued_days)
{
	const struct prod *p;
	int rc = cache_get(w->b, &w->cache, a->product_id, &p);
	*accrued_days = 0;
	if (rc != BANK_OK)
		return rc;
	bank_date first = a->has_period ? a->per.through + 1 : bank_date_of(w->b, a->opened_at);
	if (first > until)
		return BANK_OK;
	if (!a->has_period) {
		period_start_new(&a->per, first, p, 0, 0);
		a->has_period = true;
	}
	if ((rc = late_load(w, a, bank_date_start(w->b, first + 1))) != BANK_OK)
		return rc;
	for (bank_date d = first; d <= until; d++) {
		int64_t bal = 0;
		if ((rc = eod_balance(w, a, d, &bal)) != BANK_OK || (rc = accrue_day(p, &a->per, d, bal)) != BANK_OK)
			return rc;
		(*accrued_days)++;
		if (d == a->per.end) {
			if ((rc = period_close(&a->per, d)) != BANK_OK || (rc = period_post(w, a, &a->per)) != BANK_OK)
				return rc;
			bank_time last = a->per.posted > 0 ? a->per.posted_at : a->per.last_post_at;
			/* The next period is stored at once: it carries the remainder, even if empty. */
			period_start_new(&a->per, d + 1, p, a->per.carry_out, last);
			if ((rc = period_store(w->b, a->id, &a->per)) != BANK_OK)
				return rc;
		}
	}
	if (!a->per.final && a->per.days > 0)
		rc = period_store(w->b, a->id, &a->per);
	return rc;
}

/* Reads one account (any status) with its open period. */
static int acct_load(bank *b, int64_t account_id, struct acct *a)
{
	bank__q *q = bank__q_get(b, "SELECT " ACCT_COLS PERIOD_COLS
				    " FROM account a LEFT JOIN interest_state p ON p.account_id = a.id"
				    " WHERE a.id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, account_id);
	int rc = bank__q_step(q);
	if (rc == 1)
		rc = acct_read(q, a);
	else if (rc == 0)
		rc = bank__err(BANK_ENOTFOUND, "no account with id %lld", (long long)account_id);
	bank__q_reset(q);
	return rc;
}

/*
 * Accrues an account to yesterday and posts its open period (ending yesterday, or
 * empty). When `reopen`, the next period starts today; when not (closing), the last
 * period stays final and the remainder is forfeited. In the caller's write transaction.
 */
static int settle(bank *b, int64_t account_id, bool reopen, bank_transfer **out, int64_t *posted)
{
	struct work w = {0};
	struct acct a;
	memset(&a, 0, sizeof a);
	w.b = b;
	*posted = 0;
	int rc = bank__ledger_now(b, &w.now);
	if (rc != BANK_OK || (rc = acct_load(b, account_id, &a)) != BANK_OK) {
		acct_free(&a);
		return rc;
	}
	bank_date yesterday = bank_date_of(b, w.now) - 1;
	size_t days = 0;
	const struct prod *p = NULL;
	if ((rc = accrue_account(&w, &a, yesterday, &days)) != BANK_OK || !a.has_period)
		goto done;
	if ((rc = cache_get(b, &w.cache, a.product_id, &p)) != BANK_OK)
		goto done;
	/* Closing: an open period with days, or with a remainder to forfeit, becomes final
	 * (an empty one ends on its first day); then the state goes. */
	if (a.per.days > 0 || (!reopen && a.per.carry_in != 0)) {
		bank_date end = a.per.days > 0 ? a.per.through : a.per.start;
		if ((rc = period_close(&a.per, end)) != BANK_OK || (rc = period_post(&w, &a, &a.per)) != BANK_OK)
			goto done;
		*posted = a.per.posted;
		if (out && a.per.posted > 0) {
			if ((rc = bank_transfer_get(out, b, a.per.transfer)) != BANK_OK)
				goto done;
			(*out)->status = BANK_TRANSFER_CREATED; /* posted by this call (period_post) */
		}
		if (reopen) {
			period_start_new(&a.per, yesterday + 1, p, a.per.carry_out,
					 a.per.posted > 0 ? a.per.posted_at : a.per.last_post_at);
			rc = period_store(b, a.id, &a.per);
		}
	}
	if (rc == BANK_OK && !reopen && a.per.stored)
		rc = state_delete(b, a.id);
done:
	acct_free(&a);
	cache_free(&w.cache);
	free(w.late);
	return rc;
}

int bank__interest_close(bank *b, int64_t account_id, int64_t *posted)
{
	return settle(b, account_id, false, NULL, posted);
}

struct settle_ctx {
	const char *number;
	bank_transfer **out;
};

static int settle_fn(bank *b, void *vctx)
{
	struct settle_ctx *c = vctx;
	bank__q *q = bank__q_get(b, "SELECT id, kind, status FROM account WHERE number = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_text(q, 1, c->number);
	int rc = bank__q_step(q);
	int64_t id = rc == 1 ? bank__q_col_int(q, 0) : 0;
	int kind = rc == 1 ? (int)bank__q_col_int(q, 1) : 0;
	bool closed = rc == 1 && strcmp(bank__q_col_text(q, 2), "closed") == 0;
	bank__q_reset(q);
	if (rc == 0)
		return bank__err(BANK_ENOTFOUND, "no account %s", c->number);
	if (rc < 0)
		return rc;
	if (kind != BANK_ACCOUNT_CUSTOMER)
		return bank__err(BANK_EINVAL, "account %s is an internal ledger account", c->number);
	if (closed)
		return bank__err(BANK_ECLOSED, "account %s is closed", c->number);
	int64_t posted;
	if ((rc = settle(b, id, true, c->out, &posted)) != BANK_OK)
		return rc;
	bank__buf d;
	bank__json_begin(&d);
	bank__json_int(&d, "posted", posted);
	bank__json_end(&d);
	char object[32];
	snprintf(object, sizeof object, "account:%s", c->number);
	rc = d.failed ? bank__oom() : bank__audit(b, bank_now(b), "interest.settle", object, d.data);
	bank__buf_free(&d);
	return rc;
}

int bank_interest_settle(bank_transfer **out, bank *b, const char *account)
{
	if (out)
		*out = NULL;
	if (b == NULL)
		return bank__err(BANK_EMISUSE, "bank handle is NULL");
	char object[32];
	snprintf(object, sizeof object, "account:%.12s", account ? account : "");
	int rc;
	if ((rc = bank_account_number_check(account)) != BANK_OK ||
	    (rc = bank__authorize(b, "interest.settle", object)) != BANK_OK)
		return rc;
	struct settle_ctx c = {account, out};
	rc = bank__write(b, settle_fn, &c);
	if (rc != BANK_OK && out) {
		bank_transfer_free(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- Runs ---- */

static size_t batch_size(void)
{
#ifdef BANK_INTERNAL_TESTS
	if (bank__interest_test_batch > 0)
		return bank__interest_test_batch;
#endif
	return BATCH;
}

static int last_run(bank *b, bank_date *out, bool *found)
{
	bank__q *q = bank__q_get(b, "SELECT max(as_of) FROM interest_run");
	if (q == NULL)
		return bank__last_code();
	int rc = bank__q_step(q);
	*found = rc == 1 && !bank__q_col_null(q, 0);
	*out = *found ? (bank_date)bank__q_col_int(q, 0) : 0;
	bank__q_reset(q);
	return rc < 0 ? rc : BANK_OK;
}

struct batch {
	bank_date as_of;
	bool first;
	int64_t after;   /* last account id done */
	size_t rows;     /* accounts read */
	size_t accounts; /* accounts that accrued something */
	size_t days, postings;
	struct acct *buf; /* batch_size() of them, reused by every batch */
};

static int run_batch(bank *b, struct batch *bt)
{
	int rc;
	bool changed = false; /* anything written: then this transaction gets its audit record */
	char day[16];
	date_text(day, bt->as_of);
	if (bt->first) {
		bank_date last;
		bool found;
		if ((rc = last_run(b, &last, &found)) != BANK_OK)
			return rc;
		if (found && bt->as_of < last) {
			char l[16];
			date_text(l, last);
			return bank__err(BANK_EINVAL,
					 "interest already ran as of %s; a run as of %s would go back in time", l, day);
		}
		bank__q *q =
			bank__q_get(b, "INSERT OR IGNORE INTO interest_run(as_of, started_at, accounts, days, postings)"
				       " VALUES (?, ?, 0, 0, 0)");
		if (q == NULL)
			return bank__last_code();
		bank__q_int(q, 1, bt->as_of);
		bank__q_int(q, 2, bank_now(b));
		if ((rc = bank__q_exec(q)) != BANK_OK)
			return rc;
		changed = bank__changes(b) > 0;
	}
	struct work w = {0};
	w.b = b;
	if ((rc = bank__ledger_now(b, &w.now)) != BANK_OK)
		return rc;
	size_t limit = batch_size();
	struct acct *rows = bt->buf;
	bank__q *q =
		bank__q_get(b, "SELECT " ACCT_COLS PERIOD_COLS " FROM account a"
			       " LEFT JOIN interest_state p ON p.account_id = a.id"
			       " WHERE a.id > ?1 AND a.kind = 0 AND a.status <> 'closed' AND a.opened_at < ?2"
			       " AND (p.accrued_through IS NULL OR p.accrued_through < ?3) ORDER BY a.id LIMIT ?4");
	size_t n = 0;
	if (q == NULL) {
		rc = bank__last_code();
		goto done;
	}
	bank__q_int(q, 1, bt->after);
	bank__q_int(q, 2, bank_date_start(b, bt->as_of + 1));
	bank__q_int(q, 3, bt->as_of);
	bank__q_int(q, 4, (int64_t)limit);
	while (n < limit && (rc = bank__q_step(q)) == 1) {
		rc = acct_read(q, &rows[n]);
		n++;
		if (rc != BANK_OK)
			break;
	}
	bank__q_reset(q);
	if (rc < 0)
		goto done;
	rc = BANK_OK;
	for (size_t i = 0; i < n && rc == BANK_OK; i++) {
		size_t days = 0;
		rc = accrue_account(&w, &rows[i], bt->as_of, &days);
		if (days > 0)
			bt->accounts++;
		w.days += days;
		if (rc == BANK_ELIMIT || rc == BANK_ECORRUPT || rc == BANK_ECONFLICT) {
			/* Name the account that stops the run (the rest of the message stays). */
			char msg[256];
			bank__copy(msg, sizeof msg, bank_error_last()->message);
			rc = bank__err(rc, "account %s: %s", rows[i].number, msg);
		}
	}
	if (rc != BANK_OK)
		goto done;
	bt->rows = n;
	if (n > 0)
		bt->after = rows[n - 1].id;
	bt->days = w.days;
	bt->postings = w.postings;
	if (n > 0) {
		q = bank__q_get(b, "UPDATE interest_run SET accounts = accounts + ?, days = days + ?,"
				   " postings = postings + ? WHERE as_of = ?");
		if (q == NULL) {
			rc = bank__last_code();
			goto done;
		}
		bank__q_int(q, 1, (int64_t)bt->accounts);
		bank__q_int(q, 2, (int64_t)w.days);
		bank__q_int(q, 3, (int64_t)w.postings);
		bank__q_int(q, 4, bt->as_of);
		if ((rc = bank__q_exec(q)) != BANK_OK)
			goto done;
		changed = true;
	}
	if (n < limit) {
		q = bank__q_get(b, "UPDATE interest_run SET finished_at = ? WHERE as_of = ? AND finished_at IS NULL");
		if (q == NULL) {
			rc = bank__last_code();
			goto done;
		}
		bank__q_int(q, 1, w.now);
		bank__q_int(q, 2, bt->as_of);
		if ((rc = bank__q_exec(q)) != BANK_OK)
			goto done;
		changed = changed || bank__changes(b) > 0;
	}
	if (changed) {
		bank__buf d;
		bank__json_begin(&d);
		bank__json_str(&d, "as_of", day);
		bank__json_int(&d, "accounts", (int64_t)bt->accounts);
		bank__json_int(&d, "days", (int64_t)w.days);
		bank__json_int(&d, "postings", (int64_t)w.postings);
		if (n > 0) {
			bank__json_str(&d, "first", rows[0].number);
			bank__json_str(&d, "last", rows[n - 1].number);
		}
		bank__json_int(&d, "finished", n < limit);
		bank__json_end(&d);
		char object[48];
		snprintf(object, sizeof object, "interest_run:%s", day);
		rc = d.failed ? bank__oom() : bank__audit(b, w.now, "interest.run", object, d.data);
		bank__buf_free(&d);
	}
done:
	for (size_t i = 0; i < n; i++)
		acct_free(&rows[i]);
	cache_free(&w.cache);
	free(w.late);
	return rc;
}

int bank_interest_run(bank_interest_run_result *out, bank *b, bank_date as_of)
{
	if (out)
		memset(out, 0, sizeof *out);
	if (b == NULL)
		return bank__err(BANK_EMISUSE, "bank handle is NULL");
	int rc = bank__authorize(b, "interest.run", NULL);
	if (rc != BANK_OK)
		return rc;
	bank_date today = bank_date_of(b, bank_now(b));
	if (as_of >= today) {
		char d1[16], d2[16];
		date_text(d1, as_of);
		date_text(d2, today);
		return bank__err(BANK_EINVAL, "day %s is not over yet (today is %s): interest accrues on finished days",
				 d1, d2);
	}
	struct batch bt = {0};
	bt.as_of = as_of;
	bt.first = true;
	if ((bt.buf = calloc(batch_size(), sizeof *bt.buf)) == NULL)
		return bank__oom();
	bank_interest_run_result res = {0};
	res.as_of = as_of;
	for (;;) {
		bt.accounts = bt.days = bt.postings = bt.rows = 0;
		if ((rc = bank__tx_begin(b)) != BANK_OK)
			break;
		if ((rc = run_batch(b, &bt)) != BANK_OK) {
			bank__tx_rollback(b);
			break;
		}
		if ((rc = bank__tx_commit(b)) != BANK_OK)
			break;
		bt.first = false;
		res.transactions++;
		res.accounts += bt.accounts;
		res.days += bt.days;
		res.postings += bt.postings;
#ifdef BANK_INTERNAL_TESTS
		if (bank__interest_test_stop_after > 0 && res.transactions >= bank__interest_test_stop_after) {
			rc = bank__err(BANK_EIO, "interest run stopped by the test hook after %zu transactions",
				       res.transactions);
			break;
		}
#endif
		if (bt.rows < batch_size())
			break;
	}
	free(bt.buf);
	if (out)
		*out = res;
	return rc;
}

int bank_interest_last_run(bank_date *out, bank *b)
{
	*out = 0;
	if (b == NULL)
		return bank__err(BANK_EMISUSE, "bank handle is NULL");
	int rc = bank__authorize(b, "interest.read", NULL);
	bool found;
	if (rc == BANK_OK && (rc = last_run(b, out, &found)) == BANK_OK && !found)
		rc = bank__err(BANK_ENOTFOUND, "interest has never run");
	return rc;
}

/* ---- Rates ---- */

static int product_id_of(bank *b, const char *code, int64_t *id)
{
	return bank__id_by_code(b, "SELECT id FROM product WHERE code = ?", "product", code, id);
}

struct rate_ctx {
	const char *code;
	int64_t rate;
	bank_date from;
};

static int rate_fn(bank *b, void *vctx)
{
	struct rate_ctx *c = vctx;
	int64_t pid = 0;
	int rc = product_id_of(b, c->code, &pid);
	if (rc != BANK_OK)
		return rc;
	/* Accrued days are final: the new rate must start after the last of them. */
	/* Open accounts' states are ahead of their posted periods; closed accounts are final. */
	bank__q *q = bank__q_get(b, "SELECT max(p.accrued_through) FROM interest_state p JOIN account a"
				    " ON a.id = p.account_id WHERE a.product_id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, pid);
	rc = bank__q_step(q);
	bool any = rc == 1 && !bank__q_col_null(q, 0);
	bank_date accrued = any ? (bank_date)bank__q_col_int(q, 0) : 0;
	bank__q_reset(q);
	if (rc < 0)
		return rc;
	bank_date run;
	bool ran;
	if ((rc = last_run(b, &run, &ran)) != BANK_OK)
		return rc;
	if (ran && (!any || run > accrued)) {
		accrued = run;
		any = true;
	}
	char from[16], last[16];
	date_text(from, c->from);
	if (any && c->from <= accrued) {
		date_text(last, accrued);
		return bank__err(BANK_EINVAL,
				 "interest is accrued through %s; a rate change must start after it, not on %s", last,
				 from);
	}
	bank_time now = bank_now(b);
	if ((rc = bank__interest_rate_insert(b, pid, c->from, c->rate, now)) != BANK_OK)
		return rc;
	q = bank__q_get(b, "UPDATE product SET rate = ?, updated_at = ? WHERE id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, c->rate);
	bank__q_int(q, 2, now);
	bank__q_int(q, 3, pid);
	if ((rc = bank__q_exec(q)) != BANK_OK)
		return rc;
	bank__buf d;
	bank__json_begin(&d);
	bank__json_int(&d, "rate", c->rate);
	bank__json_str(&d, "from", from);
	bank__json_end(&d);
	char object[64];
	snprintf(object, sizeof object, "product:%s", c->code);
	rc = d.failed ? bank__oom() : bank__audit(b, now, "product.rate", object, d.data);
	bank__buf_free(&d);
	return rc;
}

int bank_interest_rate_set(bank *b, const char *product, int64_t rate, bank_date from)
{
	if (b == NULL)
		return bank__err(BANK_EMISUSE, "bank handle is NULL");
	int rc = bank__check_code("product", product);
	if (rc != BANK_OK)
		return rc;
	if (rate < 0 || rate > BANK_RATE_MAX)
		return bank__err(BANK_EINVAL, "rate out of range 0..1000%%");
	char tmp[16];
	if (bank_date_format(tmp, sizeof tmp, from) != BANK_OK)
		return bank__err(BANK_EINVAL, "date out of range");
	if ((rc = bank__authorize(b, "product.rate", NULL)) != BANK_OK)
		return rc;
	struct rate_ctx c = {product, rate, from};
	return bank__write(b, rate_fn, &c);
}

void bank_rate_schedule_free(bank_rate_schedule *s)
{
	if (s == NULL)
		return;
	free(s->entries);
	free(s);
}

int bank_interest_rates_get(bank_rate_schedule **out, bank *b, const char *product)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_interest_rates_get: NULL argument");
	*out = NULL;
	int rc;
	int64_t pid = 0;
	if ((rc = bank__check_code("product", product)) != BANK_OK ||
	    (rc = bank__authorize(b, "product.read", NULL)) != BANK_OK ||
	    (rc = product_id_of(b, product, &pid)) != BANK_OK)
		return rc;
	bank_rate_schedule *s = calloc(1, sizeof *s);
	if (s == NULL)
		return bank__oom();
	bank__q *q = bank__q_get(b, "SELECT effective, rate, created_at FROM product_rate WHERE product_id = ?"
				    " ORDER BY effective");
	if (q == NULL) {
		free(s);
		return bank__last_code();
	}
	bank__q_int(q, 1, pid);
	size_t cap = 0;
	while ((rc = bank__q_step(q)) == 1) {
		if ((rc = bank__grow(&s->entries, sizeof *s->entries, s->count + 1, &cap)) != BANK_OK)
			break;
		s->entries[s->count].from = (bank_date)bank__q_col_int(q, 0);
		s->entries[s->count].rate = bank__q_col_int(q, 1);
		s->entries[s->count].created_at = bank__q_col_int(q, 2);
		s->count++;
	}
	bank__q_reset(q);
	if (rc < 0) {
		bank_rate_schedule_free(s);
		return rc;
	}
	*out = s;
	return BANK_OK;
}

/* ---- The interest table ---- */

void bank_interest_table_free(bank_interest_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->count; i++) {
		free((char *)t->periods[i].rates);
		free((char *)t->periods[i].transfer);
	}
	free(t->periods);
	free(t);
}

/* One rate reads "5"; several keep their dates: "5 from 2026-03-01; 4 from 2026-03-16". */
static char *rates_public(const struct period *s)
{
	char r[BANK_RATE_SIZE] = "";
	if (s->rates && s->rates[0])
		return bank__strdup(s->rates);
	if (s->last_rate >= 0)
		rate_text(r, s->last_rate);
	return bank__strdup(r);
}

static int64_t average_balance(i128 sum, int64_t days)
{
	if (days <= 0)
		return 0;
	i128 v = div_half_even(sum, days);
	return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : (int64_t)v;
}

static int period_row_public(bank__q *q, bank_interest_period *x)
{
	struct period s = {0};
	int rc = period_read(q, 0, &s);
	i128 cout = 0;
	if (rc == BANK_OK)
		rc = col_i128(q, PERIOD_NCOLS + 1, &cout);
	if (rc != BANK_OK) {
		free(s.rates);
		return rc;
	}
	memset(x, 0, sizeof *x);
	x->start = s.start;
	x->end = s.end;
	x->accrued_through = s.through;
	x->days = (int)s.days;
	x->rates = rates_public(&s);
	x->balance_method = bank_balance_method_name(s.method);
	x->balance_basis = average_balance(s.bal_sum, s.days);
	x->carried_in = accrual_of(s.carry_in);
	x->accrued = accrual_of(s.accrued);
	x->posted_flag = !bank__q_col_null(q, PERIOD_NCOLS);
	x->posted = bank__q_col_int(q, PERIOD_NCOLS);
	x->carried_out = accrual_of(cout);
	x->transfer = bank__strdup(bank__q_col_text(q, PERIOD_NCOLS + 2));
	x->posted_at = bank__q_col_int(q, PERIOD_NCOLS + 3);
	free(s.rates);
	return x->rates && x->transfer ? BANK_OK : bank__oom();
}

int bank_interest_table_get(bank_interest_table **out, bank *b, const char *account)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_interest_table_get: NULL argument");
	*out = NULL;
	char object[32];
	snprintf(object, sizeof object, "account:%.12s", account ? account : "");
	int rc;
	int64_t id;
	if ((rc = bank_account_number_check(account)) != BANK_OK ||
	    (rc = bank__authorize(b, "interest.read", object)) != BANK_OK)
		return rc;
	if ((rc = bank__tx_begin_read(b)) != BANK_OK)
		return rc;
	bank_interest_table *t = NULL;
	if ((rc = bank__account_id(b, account, &id)) != BANK_OK)
		goto done;
	if ((t = calloc(1, sizeof *t)) == NULL) {
		rc = bank__oom();
		goto done;
	}
	snprintf(t->account, sizeof t->account, "%s", account);
	bank__q *q = bank__q_get(b, "SELECT currency FROM account WHERE id = ?");
	if (q == NULL) {
		rc = bank__last_code();
		goto done;
	}
	bank__q_int(q, 1, id);
	if ((rc = bank__q_step(q)) == 1)
		snprintf(t->currency, sizeof t->currency, "%s", bank__q_col_text(q, 0));
	bank__q_reset(q);
	if (rc < 0)
		goto done;
	q = bank__q_get(b, "SELECT " PERIOD_COLS ", p.posted, coalesce(p.carry_out, 0), coalesce(p.transfer_id, ''),"
			   " coalesce(p.posted_at, 0) FROM " ACCOUNT_PERIODS " ORDER BY p.period_start");
	if (q == NULL) {
		rc = bank__last_code();
		goto done;
	}
	bank__q_int(q, 1, id);
	size_t cap = 0;
	while ((rc = bank__q_step(q)) == 1) {
		if ((rc = bank__grow(&t->periods, sizeof *t->periods, t->count + 1, &cap)) != BANK_OK)
			break;
		if ((rc = period_row_public(q, &t->periods[t->count])) != BANK_OK)
			break;
		t->count++;
	}
	bank__q_reset(q);
	if (rc > 0)
		rc = BANK_OK;
done:
	bank__tx_rollback(b);
	if (rc != BANK_OK) {
		bank_interest_table_free(t);
		return rc;
	}
	*out = t;
	return BANK_OK;
}

/* ---- Projection ---- */

int bank_interest_project(bank_accrual *out, bank *b, const char *account, int days)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_interest_project: NULL argument");
	memset(out, 0, sizeof *out);
	char object[32];
	snprintf(object, sizeof object, "account:%.12s", account ? account : "");
	int rc;
	if (days < 1 || days > BANK_PROJECTION_DAYS_MAX)
		return bank__err(BANK_EINVAL, "projection days must be 1..%d", BANK_PROJECTION_DAYS_MAX);
	if ((rc = bank_account_number_check(account)) != BANK_OK ||
	    (rc = bank__authorize(b, "interest.read", object)) != BANK_OK)
		return rc;
	if ((rc = bank__tx_begin_read(b)) != BANK_OK)
		return rc;
	struct prod p = {0};
	struct period s = {0};
	bank__q *q = bank__q_get(b, "SELECT kind, coalesce(product_id, 0), balance FROM account WHERE number = ?");
	int64_t pid = 0, balance = 0;
	if (q == NULL) {
		rc = bank__last_code();
		goto done;
	}
	bank__q_text(q, 1, account);
	rc = bank__q_step(q);
	if (rc == 1) {
		if (bank__q_col_int(q, 0) != BANK_ACCOUNT_CUSTOMER)
			rc = bank__err(BANK_EINVAL, "account %s is an internal ledger account", account);
		pid = bank__q_col_int(q, 1);
		balance = bank__q_col_int(q, 2);
	} else if (rc == 0) {
		rc = bank__err(BANK_ENOTFOUND, "no account %s", account);
	}
	bank__q_reset(q);
	if (rc < 0 || (rc = prod_load(b, pid, &p)) != BANK_OK)
		goto done;
	bank_date today = bank_date_of(b, bank_now(b));
	i128 total = 0;
	period_start_new(&s, today, &p, 0, 0);
	for (bank_date d = today; d < today + days; d++) {
		if ((rc = accrue_day(&p, &s, d, balance)) != BANK_OK)
			goto done;
		if (d == s.end || d == today + days - 1)
			total += s.accrued - s.carry_in;
		if (d == s.end) {
			if ((rc = period_close(&s, d)) != BANK_OK)
				goto done;
			if (bank_money_add(&balance, balance, s.posted) != BANK_OK) {
				rc = bank__err(BANK_ELIMIT, "the projected balance leaves the 64-bit range");
				goto done;
			}
			period_start_new(&s, d + 1, &p, s.carry_out, 0);
		}
	}
	*out = accrual_of(total);
done:
	bank__tx_rollback(b);
	free(s.rates);
	prod_free(&p);
	return rc;
}

/* ---- APY (Regulation DD, Appendix A) ---- */

static void apy_fill(bank_apy *out, double apy_percent)
{
	/* Rounded half up to the hundredth of a percentage point; the tiny nudge absorbs
	 * binary representation error at exact halves (6.175 stored as 6.17499...). */
	double h = floor(apy_percent * 100.0 + 0.5 + 1e-9);
	out->hundredths = (int64_t)h;
	int64_t a = out->hundredths < 0 ? -out->hundredths : out->hundredths;
	snprintf(out->text, sizeof out->text, "%s%lld.%02lld", out->hundredths < 0 ? "-" : "", (long long)(a / 100),
		 (long long)(a % 100));
}

int bank_interest_apy(bank_apy *out, bank *b, const char *product)
{
	memset(out, 0, sizeof *out);
	if (b == NULL)
		return bank__err(BANK_EMISUSE, "bank handle is NULL");
	int rc;
	int64_t pid = 0, rate = 0;
	if ((rc = bank__check_code("product", product)) != BANK_OK ||
	    (rc = bank__authorize(b, "product.read", NULL)) != BANK_OK ||
	    (rc = product_id_of(b, product, &pid)) != BANK_OK)
		return rc;
	struct prod p;
	if ((rc = prod_load(b, pid, &p)) != BANK_OK)
		return rc;
	rate = prod_rate_on(&p, bank_date_of(b, bank_now(b)));
	/* Compounding periods a year: interest posted at a period end compounds too. */
	static const double per_year[] = {12, 4, 2, 1, 365};
	double n = per_year[p.compounding] > per_year[p.posting] ? per_year[p.compounding] : per_year[p.posting];
	double diy = p.dc == BANK_DAY_COUNT_ACT_360 ? 360.0 : 365.0;
	double r = (double)rate / (double)RATE_ONE;
	/* Interest on a principal of 1 over 365 days: n periods of 365/n days each. */
	double interest = pow(1.0 + r * (365.0 / n) / diy, n) - 1.0;
	prod_free(&p);
	apy_fill(out, 100.0 * interest); /* (1 + I/P)^(365/365) - 1 */
	return BANK_OK;
}

int bank_interest_apy_earned(bank_apy *out, bank *b, const char *account, bank_date day)
{
	memset(out, 0, sizeof *out);
	if (b == NULL)
		return bank__err(BANK_EMISUSE, "bank handle is NULL");
	char object[32];
	snprintf(object, sizeof object, "account:%.12s", account ? account : "");
	int rc;
	int64_t id;
	if ((rc = bank_account_number_check(account)) != BANK_OK ||
	    (rc = bank__authorize(b, "interest.read", object)) != BANK_OK ||
	    (rc = bank__account_id(b, account, &id)) != BANK_OK)
		return rc;
	bank__q *q = bank__q_get(b, "SELECT " PERIOD_COLS ", p.posted FROM " ACCOUNT_PERIODS
				    " WHERE p.period_start <= ?2 ORDER BY p.period_start DESC LIMIT 1");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, id);
	bank__q_int(q, 2, day);
	struct period s = {0};
	int64_t posted = 0;
	bool final = false;
	rc = bank__q_step(q);
	if (rc == 1) {
		rc = period_read(q, 0, &s);
		final = !bank__q_col_null(q, PERIOD_NCOLS);
		posted = bank__q_col_int(q, PERIOD_NCOLS);
	} else if (rc == 0) {
		rc = BANK_ENOTFOUND;
	}
	bank__q_reset(q);
	free(s.rates);
	if (rc == BANK_OK && day > s.end)
		rc = BANK_ENOTFOUND;
	if (rc == BANK_ENOTFOUND) {
		char d[16];
		date_text(d, day);
		return bank__err(BANK_ENOTFOUND, "account %s has no interest period containing %s", account, d);
	}
	if (rc != BANK_OK)
		return rc;
	if (!final)
		posted = (int64_t)div_half_even(s.accrued, PICO);
	double balance = s.days > 0 ? (double)s.bal_sum / (double)s.days : 0.0;
	if (balance <= 0.0 || s.days == 0) {
		apy_fill(out, 0.0);
		return BANK_OK;
	}
	apy_fill(out, 100.0 * (pow(1.0 + (double)posted / balance, 365.0 / (double)s.days) - 1.0));
	return BANK_OK;
}
