/*
 * audit.c: the one authorization check and the append-only audit trail.
 *
 * Every public entry point that changes bank data calls bank__authorize() before it
 * touches anything and bank__audit() inside its write transaction, so a change and its
 * audit record commit or vanish together. This version knows the system principal
 * only, which may do everything; the access-control module adds users, roles and
 * sessions behind the same function.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int bank__authorize(bank *b, const char *action, const char *object)
{
	(void)object;
	if (b == NULL)
		return bank__err(BANK_EMISUSE, "bank handle is NULL");
	if (strcmp(b->principal, "system") == 0)
		return BANK_OK;
	return bank__err(BANK_EPERM, "%s may not %s", b->principal, action);
}

int bank__audit(bank *b, bank_time at, const char *action, const char *object, const char *details)
{
	bank__q *q = bank__q_get(b, "INSERT INTO audit(at, principal, action, object, details) VALUES (?, ?, ?, ?, ?)");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, at);
	bank__q_text(q, 2, b->principal);
	bank__q_text(q, 3, action);
	bank__q_text(q, 4, object ? object : "");
	bank__q_text(q, 5, details ? details : "{}");
	return bank__q_exec(q);
}

int bank_audit_get(bank_audit_page **out, bank *b, int64_t after_seq, const char *object, size_t limit)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_audit_get: NULL argument");
	*out = NULL;
	if (limit == 0)
		limit = 100;
	if (limit > 10000)
		return bank__err(BANK_EINVAL, "limit %zu above 10000", limit);
	int rc = bank__authorize(b, "audit.read", object);
	if (rc != BANK_OK)
		return rc;
	bank_audit_page *p = calloc(1, sizeof *p);
	if (p == NULL || (p->entries = calloc(limit, sizeof *p->entries)) == NULL) {
		free(p);
		return bank__oom();
	}
	bank__q *q = object ? bank__q_get(b, "SELECT seq, at, principal, action, object, details FROM audit"
					     " WHERE object = ? AND seq > ? ORDER BY seq LIMIT ?")
			    : bank__q_get(b, "SELECT seq, at, principal, action, object, details FROM audit"
					     " WHERE ?1 IS NULL AND seq > ? ORDER BY seq LIMIT ?");
	if (q == NULL) {
		bank_audit_page_free(p);
		return bank__last_code();
	}
	bank__q_text(q, 1, object);
	bank__q_int(q, 2, after_seq);
	bank__q_int(q, 3, (int64_t)limit);
	while ((rc = bank__q_step(q)) == 1) {
		bank_audit_entry *e = &p->entries[p->count++];
		e->seq = bank__q_col_int(q, 0);
		e->at = bank__q_col_int(q, 1);
		e->principal = bank__strdup(bank__q_col_text(q, 2));
		e->action = bank__strdup(bank__q_col_text(q, 3));
		e->object = bank__strdup(bank__q_col_text(q, 4));
		e->details = bank__strdup(bank__q_col_text(q, 5));
		if (!e->principal || !e->action || !e->object || !e->details) {
			bank__q_reset(q);
			bank_audit_page_free(p);
			return bank__oom();
		}
	}
	bank__q_reset(q);
	if (rc < 0) {
		bank_audit_page_free(p);
		return rc;
	}
	p->next = p->count == limit ? p->entries[p->count - 1].seq : 0;
	*out = p;
	return BANK_OK;
}

void bank_audit_page_free(bank_audit_page *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->count; i++) {
		free((char *)p->entries[i].principal);
		free((char *)p->entries[i].action);
		free((char *)p->entries[i].object);
		free((char *)p->entries[i].details);
	}
	free(p->entries);
	free(p);
}
