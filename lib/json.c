/*
 * json.c: strings and a growable buffer; the JSON writer for audit details.
 *
 * A bank__buf remembers an allocation failure instead of reporting each one: callers
 * build, then check ->failed once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

char *bank__strdup(const char *s)
{
	if (s == NULL)
		return NULL;
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

size_t bank__copy(char *dst, size_t size, const char *src)
{
	size_t n = 0;
	if (size == 0)
		return 0;
	while (src[n] != '\0' && n + 1 < size) {
		dst[n] = src[n];
		n++;
	}
	dst[n] = '\0';
	return n;
}

char *bank__strdup0(const char *s)
{
	return bank__strdup(s != NULL ? s : "");
}

void bank__buf_init(bank__buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

void bank__buf_free(bank__buf *b)
{
	free(b->data);
	bank__buf_init(b);
}

static bool buf_grow(bank__buf *b, size_t extra)
{
	if (b->failed)
		return false;
	if (b->len + extra + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *p = realloc(b->data, cap);
	if (p == NULL) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

static void buf_append(bank__buf *b, const char *s, size_t n)
{
	if (!buf_grow(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void bank__buf_puts(bank__buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void bank__buf_putc(bank__buf *b, char c)
{
	buf_append(b, &c, 1);
}

void bank__buf_printf(bank__buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void bank__buf_json_str(bank__buf *b, const char *s)
{
	if (s == NULL) {
		bank__buf_puts(b, "null");
		return;
	}
	bank__buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		/* Copy runs of characters that need no escape in one append. */
		const unsigned char *run = p;
		while (*p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			buf_append(b, (const char *)run, (size_t)(p - run));
		if (*p == '\0')
			break;
		switch (*p) {
		case '"': bank__buf_puts(b, "\\\""); break;
		case '\\': bank__buf_puts(b, "\\\\"); break;
		case '\n': bank__buf_puts(b, "\\n"); break;
		case '\r': bank__buf_puts(b, "\\r"); break;
		case '\t': bank__buf_puts(b, "\\t"); break;
		default:
			if (*p < 0x20)
				bank__buf_printf(b, "\\u%04x", *p);
			else
				bank__buf_putc(b, (char)*p);
		}
	}
	bank__buf_putc(b, '"');
}

void bank__json_begin(bank__buf *b)
{
	bank__buf_init(b);
	bank__buf_putc(b, '{');
}

static void json_key(bank__buf *b, const char *key)
{
	if (b->len > 1)
		bank__buf_putc(b, ',');
	bank__buf_json_str(b, key);
	bank__buf_putc(b, ':');
}

void bank__json_str(bank__buf *b, const char *key, const char *value)
{
	json_key(b, key);
	bank__buf_json_str(b, value);
}

void bank__json_int(bank__buf *b, const char *key, int64_t value)
{
	json_key(b, key);
	char tmp[24];
	int n = 0;
	uint64_t u = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
	do {
		tmp[sizeof tmp - 1 - n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (value < 0)
		tmp[sizeof tmp - 1 - n++] = '-';
	buf_append(b, tmp + sizeof tmp - n, (size_t)n);
}

void bank__json_end(bank__buf *b)
{
	bank__buf_putc(b, '}');
}

int bank__grow(void *arrp, size_t elem_size, size_t need, size_t *cap)
{
	void **arr = arrp;
	if (need <= *cap)
		return BANK_OK;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need)
		ncap *= 2;
	void *p = realloc(*arr, ncap * elem_size);
	if (p == NULL)
		return bank__oom();
	*arr = p;
	*cap = ncap;
	return BANK_OK;
}
