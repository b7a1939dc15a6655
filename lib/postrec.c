/*
 * postrec.c: posting records, the statement columns of an account's postings packed
 * into blobs (schema v4). account.recent holds the records of the account's postings
 * since its last history block; a history row's entries hold the block's
 * BANK__HISTORY_BLOCK records. A statement page then reads one blob per block instead
 * of one journal row per posting (docs/ledger.md, "Posting records").
 *
 * One record, in order (varints are LEB128, at most 10 bytes):
 *   varint  seq               the journal position
 *   byte    flags             bits 0-3 kind (bank__prec_kind_name), bit 4 the account
 *                             is the debit side, bit 5 "read the journal row" (the id is
 *                             not a canonical UUID, or the row has a memo or a ref)
 *   varint  at                created_at, microseconds
 *   varint  amount            minor units, > 0
 *   varint  balance           zigzag: the account's balance after the posting
 *   varint  other             the other account's number, its 12 digits as an integer
 *   16 bytes uuid             the transfer id, only when bit 5 is clear
 * Bits 6 and 7 of flags are zero. Records are written and read only by this file.
 */
#include <string.h>

#include "internal.h"

static const char *const kinds[] = {"deposit", "withdrawal", "transfer", "hold", "post",
				    "void",    "reversal",   "interest", "fee"};
#define NKINDS ((int)(sizeof kinds / sizeof kinds[0]))

#define F_KIND 0x0f
#define F_DEBIT 0x10
#define F_JOURNAL 0x20

int bank__prec_kind(const char *name)
{
	for (int i = 0; i < NKINDS; i++)
		if (strcmp(kinds[i], name) == 0)
			return i;
	return -1;
}

const char *bank__prec_kind_name(int kind)
{
	return kind >= 0 && kind < NKINDS ? kinds[kind] : "unknown";
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool bank__prec_set_id(bank__prec *r, const char *id)
{
	size_t j = 0;
	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (id[i] != '-')
				return false;
			continue;
		}
		int hi = hexval(id[i]), lo = hi < 0 ? -1 : hexval(id[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		r->uuid[j++] = (unsigned char)(hi << 4 | lo);
		i++;
	}
	return id[36] == '\0';
}

void bank__prec_id(const bank__prec *r, char out[37])
{
	bank__uuid_text(r->uuid, out);
}

void bank__prec_make(bank__prec *r, int64_t seq, const char *kind, bool debit, const char *id, bool memo_or_ref,
		     bank_time at, int64_t amount, int64_t balance, const char *other)
{
	r->seq = seq;
	r->at = at;
	r->amount = amount;
	r->balance = balance;
	r->other = bank__account_number_value(other);
	r->kind = bank__prec_kind(kind);
	r->debit = debit;
	r->journal = memo_or_ref || !bank__prec_set_id(r, id);
}

static size_t put(unsigned char *o, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		o[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	o[n++] = (unsigned char)v;
	return n;
}

size_t bank__prec_encode(const bank__prec *r, unsigned char out[BANK__PREC_MAX])
{
	size_t n = put(out, (uint64_t)r->seq);
	out[n++] = (unsigned char)((r->kind & F_KIND) | (r->debit ? F_DEBIT : 0) | (r->journal ? F_JOURNAL : 0));
	n += put(out + n, (uint64_t)r->at);
	n += put(out + n, (uint64_t)r->amount);
	/* zigzag: small magnitudes of either sign stay short */
	n += put(out + n, ((uint64_t)r->balance << 1) ^ (r->balance < 0 ? UINT64_MAX : 0));
	n += put(out + n, r->other);
	if (!r->journal) {
		memcpy(out + n, r->uuid, 16);
		n += 16;
	}
	return n;
}

/* One varint at *p (below end); false when it runs past end or past 10 bytes. */
static bool get(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	uint64_t x = 0;
	for (int shift = 0; shift < 70 && *p < end; shift += 7) {
		unsigned char c = *(*p)++;
		if (shift == 63 && c > 1)
			return false;
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = x;
			return true;
		}
	}
	return false;
}

int bank__prec_decode(const void *blob, size_t len, bank__prec *out, size_t max, size_t *n)
{
	*n = 0;
	if (len == 0) /* SQLite gives an empty blob as NULL */
		return BANK_OK;
	const unsigned char *p = blob, *end = p + len;
	while (p < end) {
		if (*n == max)
			return bank__err(BANK_ECORRUPT, "posting records: more than %zu in one blob", max);
		bank__prec *r = &out[*n];
		uint64_t seq, at, amount, zz, other;
		if (!get(&p, end, &seq) || p == end)
			return bank__err(BANK_ECORRUPT, "posting records: truncated");
		unsigned flags = *p++;
		if (!get(&p, end, &at) || !get(&p, end, &amount) || !get(&p, end, &zz) || !get(&p, end, &other))
			return bank__err(BANK_ECORRUPT, "posting records: truncated");
		r->seq = (int64_t)seq;
		r->kind = (int)(flags & F_KIND);
		r->debit = (flags & F_DEBIT) != 0;
		r->journal = (flags & F_JOURNAL) != 0;
		r->at = (int64_t)at;
		r->amount = (int64_t)amount;
		r->balance = (int64_t)(zz >> 1) ^ -(int64_t)(zz & 1);
		r->other = other;
		if (!r->journal) {
			if (end - p < 16)
				return bank__err(BANK_ECORRUPT, "posting records: truncated");
			memcpy(r->uuid, p, 16);
			p += 16;
		} else {
			memset(r->uuid, 0, sizeof r->uuid);
		}
		if ((flags & ~(unsigned)(F_KIND | F_DEBIT | F_JOURNAL)) != 0 || r->kind >= NKINDS || r->seq <= 0 ||
		    r->at < 0 || r->amount <= 0 || other >= UINT64_C(1000000000000) ||
		    (*n > 0 && r->seq <= out[*n - 1].seq))
			return bank__err(BANK_ECORRUPT, "posting records: record %zu is invalid", *n);
		(*n)++;
	}
	return BANK_OK;
}

void bank__tail_fill(bank__q *q, int col, bank__tail *t)
{
	t->last_seq = bank__q_col_int(q, col);
	t->postings = bank__q_col_int(q, col + 1);
	size_t n;
	const void *recent = bank__q_col_blob(q, col + 2, &n);
	/* A list longer than 15 records can be is not known: reads walk the chain, the next
	 * block is written without records, and bank_verify reports it. */
	t->known = !bank__q_col_null(q, col + 2) && n <= sizeof t->recent;
	t->len = t->known ? n : 0;
	if (t->len > 0)
		memcpy(t->recent, recent, t->len);
}
