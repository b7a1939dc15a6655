/*
 * statement_memory.c: exporting the statement of a large account keeps memory flat
 * (issue 4, "Memory"; suite 'stress').
 *
 * Posts N transfers (default 200,000, in batches of 1,000) between two accounts, A and
 * B, alternating direction, so A's statement holds N + 1 entries (its opening deposit,
 * then every transfer). Then pages through A's whole statement with bank_statement_get
 * (limit 1,000, following next) and checks every entry once, in order: strictly rising
 * seq, the amount and sign posted, balance_after the running balance, the closing
 * balance that of bank_balance_get. Peak resident memory (getrusage ru_maxrss) is read
 * before and after the paging: it may grow by at most BOUND MiB (default 8), whatever
 * N is, where holding the whole statement would take well over that.
 *
 * usage: statement_memory [N] [BOUND_MIB]
 *        (or BANK_STMT_TRANSFERS, BANK_STMT_BOUND_MIB in the environment)
 */
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

	long rss0 = maxrss_kib();
	long entries = 0, pages = 0, bad = 0;
	int64_t last_seq = 0, running = 0, closing = 0;
	size_t bytes = 0; /* what the whole statement takes, for the record */
	char *cursor = NULL;
	for (;;) {
		bank_statement *s = NULL;
		RT_OK(bank_statement_get(&s, b, a, 0, 0, PAGE, cursor));
		free(cursor);
		cursor = NULL;
		pages++;
		if (s->count > PAGE && bad++ < 5)
			rt_violation("page %ld: %zu entries, limit %d", pages, s->count, PAGE);
		for (size_t i = 0; i < s->count; i++, entries++) {
			const bank_statement_entry *e = &s->entries[i];
			int64_t want;
			if (entries == 0)
				want = FUNDS; /* the opening deposit */
			else
				want = (entries - 1) % 2 == 0 ? -amount_of(entries - 1) : amount_of(entries - 1);
			if (e->seq <= last_seq && bad++ < 5)
				rt_violation("entry %ld: seq %lld after %lld (repeated or out of order)", entries,
					     (long long)e->seq, (long long)last_seq);
			if (e->amount != want && bad++ < 5)
				rt_violation("entry %ld: amount %lld, posted %lld", entries, (long long)e->amount,
					     (long long)want);
			running += e->amount;
			if (e->balance_after != running && bad++ < 5)
				rt_violation("entry %ld: balance_after %lld, running balance %lld", entries,
					     (long long)e->balance_after, (long long)running);
			last_seq = e->seq;
			bytes += sizeof *e + strlen(e->id) + strlen(e->kind) + strlen(e->counterparty) +
				 strlen(e->memo) + strlen(e->ref) + 5;
		}
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
	long rss1 = maxrss_kib();

	if (entries != n + 1)
		rt_violation("statement holds %ld entries, %ld posted", entries, n + 1);
	bank_balance bal;
	RT_OK(bank_balance_get(&bal, b, a));
	if (closing != running || bal.balance != running)
		rt_violation("closing balance %lld, balance %lld, running %lld", (long long)closing,
			     (long long)bal.balance, (long long)running);
	long growth = rss1 - rss0;
	printf("statement_memory: %ld entries in %ld pages (about %zu KiB in all); peak RSS %ld KiB before "
	       "paging, %ld after: growth %ld KiB (bound %ld MiB)\n",
	       entries, pages, bytes / 1024, rss0, rss1, growth, bound_mib);
	if (growth > bound_mib * 1024)
		rt_violation("peak RSS grew by %ld KiB while paging, bound %ld MiB", growth, bound_mib);

	bank_close(b);
	rt_rmdir(dir);
	long failed = rt_violations;
	printf("statement_memory: %ld passed, %ld failed\n", failed ? 0L : 1L, failed);
	return failed ? 1 : 0;
}
