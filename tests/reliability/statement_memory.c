/*
 * statement_memory.c: exporting the statement of a large account keeps memory flat
 * (issue 4, "Memory"; suite 'stress').
 *
 * Posts N transfers (default 200,000, in batches of 1,000) between two accounts, A and
 * B, alternating direction, so A's statement holds N + 1 entries (its opening deposit,
 * then every transfer). Then exports A's whole statement twice: with the streaming
 * iterator (bank_statement_iter_open / _next, pages of 1,000), and by hand with
 * bank_statement_get (limit 1,000, following next). Each pass checks every entry once,
 * in order: strictly rising seq, the amount and sign posted, balance_after the running
 * balance, the closing balance that of bank_balance_get. Peak resident memory
 * (getrusage ru_maxrss) is read before and after each pass: it may grow by at most
 * BOUND MiB (default 8), whatever N is, where holding the whole statement would take
 * well over that (about 30 MiB at the default N).
 *
 * usage: statement_memory [N] [BOUND_MIB]
 *        (or BANK_STMT_TRANSFERS, BANK_STMT_BOUND_MIB in the environment)
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/resource.h>

#include "rt.h"

#define BATCH 1000
#define PAGE 1000
#define FUNDS INT64_C(1000000000000)

static long maxrss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss; /* KiB on Linux */
}

/* The amount of transfer i (1..97 minor units). */
static int64_t amount_of(long i)
{
	return 1 + (int64_t)(i % 97);
}

/* One export's running checks (see the header). */
struct walk {
	long entries, bad;
	int64_t last_seq, running;
	size_t bytes; /* what the whole statement takes, for the record */
};

static void check_entry(struct walk *w, const bank_statement_entry *e)
{
	int64_t want;
	if (w->entries == 0)
		want = FUNDS; /* the opening deposit */
	else
		want = (w->entries - 1) % 2 == 0 ? -amount_of(w->entries - 1) : amount_of(w->entries - 1);
	if (e->seq <= w->last_seq && w->bad++ < 5)
		rt_violation("entry %ld: seq %lld after %lld (repeated or out of order)", w->entries, (long long)e->seq,
			     (long long)w->last_seq);
	if (e->amount != want && w->bad++ < 5)
		rt_violation("entry %ld: amount %lld, posted %lld", w->entries, (long long)e->amount, (long long)want);
	w->running += e->amount;
	if (e->balance_after != w->running && w->bad++ < 5)
		rt_violation("entry %ld: balance_after %lld, running balance %lld", w->entries,
			     (long long)e->balance_after, (long long)w->running);
	w->last_seq = e->seq;
	w->bytes += sizeof *e + strlen(e->id) + strlen(e->kind) + strlen(e->counterparty) + strlen(e->memo) +
		    strlen(e->ref) + 5;
	w->entries++;
}

/* Exports a's whole statement, with the iterator or page by page, and checks it. */
static void export_pass(bank *b, const char *a, long n, long bound_mib, bool iterator)
{
	const char *how = iterator ? "iterator" : "pages";
	long rss0 = maxrss_kib(), pages = 0;
	struct walk w = {0};
	int64_t closing = 0;
	if (iterator) {
		bank_statement_iter *it = NULL;
		RT_OK(bank_statement_iter_open(&it, b, a, 0, 0, PAGE));
		const bank_statement_entry *e = NULL;
		const bank_statement *last = NULL;
		int rc;
		while ((rc = bank_statement_iter_next(it, &e)) == 1) {
			const bank_statement *page = bank_statement_iter_page(it);
			/* A new page is allocated while the iterator still holds the old one, so
			 * consecutive pages never share an address. */
			if (page != last) {
				pages++;
				last = page;
				if (page->count > PAGE && w.bad++ < 5)
					rt_violation("%s: page %ld: %zu entries, limit %d", how, pages, page->count,
						     PAGE);
			}
			check_entry(&w, e);
		}
		RT_OK(rc);
		closing = w.running; /* the export's closing balance: that after its last entry */
		bank_statement_iter_free(it);
	} else {
		char *cursor = NULL;
		for (;;) {
			bank_statement *s = NULL;
			RT_OK(bank_statement_get(&s, b, a, 0, 0, PAGE, cursor));
			free(cursor);
			cursor = NULL;
			pages++;
			if (s->count > PAGE && w.bad++ < 5)
				rt_violation("%s: page %ld: %zu entries, limit %d", how, pages, s->count, PAGE);
			for (size_t i = 0; i < s->count; i++)
				check_entry(&w, &s->entries[i]);
			closing = s->closing_balance;
			if (s->next == NULL) {
				bank_statement_free(s);
				break;
			}
			cursor = strdup(s->next);
			if (cursor == NULL)
				rt_die("out of memory");
			bank_statement_free(s);
		}
	}
	long rss1 = maxrss_kib();

	if (w.entries != n + 1)
		rt_violation("%s: statement holds %ld entries, %ld posted", how, w.entries, n + 1);
	bank_balance bal;
	RT_OK(bank_balance_get(&bal, b, a));
	if (closing != w.running || bal.balance != w.running)
		rt_violation("%s: closing balance %lld, balance %lld, running %lld", how, (long long)closing,
			     (long long)bal.balance, (long long)w.running);
	long growth = rss1 - rss0;
	printf("statement_memory: %s: %ld entries in %ld pages (about %zu KiB in all); peak RSS %ld KiB before, "
	       "%ld after: growth %ld KiB (bound %ld MiB)\n",
	       how, w.entries, pages, w.bytes / 1024, rss0, rss1, growth, bound_mib);
	if (growth > bound_mib * 1024)
		rt_violation("%s: peak RSS grew by %ld KiB during the export, bound %ld MiB", how, growth, bound_mib);
}

int main(int argc, char **argv)
{
	long n = rt_param(argc, argv, 1, "BANK_STMT_TRANSFERS", 200000);
	long bound_mib = rt_param(argc, argv, 2, "BANK_STMT_BOUND_MIB", 8);
	if (n < 1 || bound_mib < 1)
		rt_die("usage: statement_memory [N >= 1] [BOUND_MIB >= 1]");

	char dir[512], path[600];
	rt_tmpdir(dir, sizeof dir, "stmtmem");
	snprintf(path, sizeof path, "%s/bank.db", dir);
	bank_options o;
	rt_options(&o, BANK_DURABILITY_NORMAL, 0);
	bank *b = NULL;
	RT_OK(bank_open(&b, path, &o));
	char numbers[2][BANK_ACCOUNT_NUMBER_SIZE];
	rt_populate(b, 2, FUNDS, numbers);
	const char *a = numbers[0];

	/* Even i: A -> B; odd i: B -> A. */
	bank_transfer_request req[BATCH];
	for (long done = 0; done < n;) {
		size_t k = 0;
		for (; k < BATCH && done < n; k++, done++) {
			bank_transfer_request r = BANK_TRANSFER_REQUEST_INIT;
			r.debit = numbers[done % 2];
			r.credit = numbers[1 - done % 2];
			r.amount = amount_of(done);
			req[k] = r;
		}
		bank_batch_results *res = NULL;
		RT_OK(bank_transfer_batch(&res, b, req, k));
		for (size_t i = 0; i < res->count; i++)
			if (res->items[i].code != BANK_OK)
				rt_die("batch item %zu: %s", i, res->items[i].message);
		bank_batch_results_free(res);
	}
	printf("statement_memory: %ld transfers posted\n", n);

	export_pass(b, a, n, bound_mib, true);
	export_pass(b, a, n, bound_mib, false);

	bank_close(b);
	rt_rmdir(dir);
	long failed = rt_violations;
	printf("statement_memory: %ld passed, %ld failed\n", failed ? 0L : 1L, failed);
	return failed ? 1 : 0;
}
