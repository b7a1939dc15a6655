/*
 * json.c: bankctl's output buffer, JSON writer and JSON validator (see json.h).
 */
#include "json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Buffer ---- */

void sbuf_init(sbuf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

void sbuf_free(sbuf *b)
{
	free(b->data);
	sbuf_init(b);
}

void sbuf_reset(sbuf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
	b->failed = false;
}

static bool sbuf_grow(sbuf *b, size_t extra)
{
	if (b->failed)
		return false;
	if (extra > SIZE_MAX / 2 - b->len) {
		b->failed = true;
		return false;
	}
	if (b->len + extra + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
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

void sbuf_putn(sbuf *b, const char *s, size_t n)
{
	if (!sbuf_grow(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void sbuf_puts(sbuf *b, const char *s)
{
	sbuf_putn(b, s, strlen(s));
}

void sbuf_putc(sbuf *b, char c)
{
	sbuf_putn(b, &c, 1);
}

void sbuf_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		b->failed = true;
	else if (sbuf_grow(b, (size_t)n)) {
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
		b->len += (size_t)n;
	}
	va_end(again);
}

const char *sbuf_str(const sbuf *b)
{
	return b->data != NULL ? b->data : "";
}

/* ---- Escaping ---- */

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when it is not valid. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0; /* overlong */
		if (c == 0xed && s[1] >= 0xa0)
			return 0; /* surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0; /* overlong */
		if (c == 0xf4 && s[1] >= 0x90)
			return 0; /* above U+10FFFF */
		return 4;
	}
	return 0;
}

void json_escape(sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	sbuf_putc(b, '"');
	while (*p != '\0') {
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			sbuf_putc(b, '\\');
			sbuf_putc(b, (char)c);
			p++;
		} else if (c < 0x20) {
			switch (c) {
			case '\n': sbuf_puts(b, "\\n"); break;
			case '\r': sbuf_puts(b, "\\r"); break;
			case '\t': sbuf_puts(b, "\\t"); break;
			case '\b': sbuf_puts(b, "\\b"); break;
			case '\f': sbuf_puts(b, "\\f"); break;
			default: sbuf_printf(b, "\\u%04x", (unsigned)c); break;
			}
			p++;
		} else if (c < 0x80) {
			sbuf_putc(b, (char)c);
			p++;
		} else {
			/* utf8_len stops at the NUL: a NUL is never a continuation byte. */
			size_t n = utf8_len(p);
			if (n == 0) {
				sbuf_puts(b, "\\ufffd");
				p++;
			} else {
				sbuf_putn(b, (const char *)p, n);
				p += n;
			}
		}
	}
	sbuf_putc(b, '"');
}

/* ---- Writer ---- */

void jw_init(jw *j, sbuf *b)
{
	j->b = b;
	j->depth = 0;
	memset(j->has_items, 0, sizeof j->has_items);
}

/* Writes the comma and the key that precede a value. */
static void jw_prefix(jw *j, const char *key)
{
	int d = j->depth <= JW_MAX_DEPTH ? j->depth : JW_MAX_DEPTH;
	if (j->depth > 0) {
		if (j->has_items[d])
			sbuf_putc(j->b, ',');
		j->has_items[d] = true;
	}
	if (key != NULL) {
		json_escape(j->b, key);
		sbuf_putc(j->b, ':');
	}
}

static void jw_open(jw *j, const char *key, char c)
{
	jw_prefix(j, key);
	sbuf_putc(j->b, c);
	j->depth++;
	if (j->depth <= JW_MAX_DEPTH)
		j->has_items[j->depth] = false;
}

static void jw_close(jw *j, char c)
{
	sbuf_putc(j->b, c);
	if (j->depth > 0)
		j->depth--;
}

void jw_obj_begin(jw *j, const char *key)
{
	jw_open(j, key, '{');
}
void jw_obj_end(jw *j)
{
	jw_close(j, '}');
}
void jw_arr_begin(jw *j, const char *key)
{
	jw_open(j, key, '[');
}
void jw_arr_end(jw *j)
{
	jw_close(j, ']');
}

void jw_str(jw *j, const char *key, const char *value)
{
	jw_prefix(j, key);
	if (value == NULL)
		sbuf_puts(j->b, "null");
	else
		json_escape(j->b, value);
}

void jw_str_or_null(jw *j, const char *key, const char *value)
{
	jw_str(j, key, value != NULL && value[0] != '\0' ? value : NULL);
}

void jw_int(jw *j, const char *key, int64_t value)
{
	jw_prefix(j, key);
	sbuf_printf(j->b, "%lld", (long long)value);
}

void jw_bool(jw *j, const char *key, bool value)
{
	jw_prefix(j, key);
	sbuf_puts(j->b, value ? "true" : "false");
}

void jw_null(jw *j, const char *key)
{
	jw_prefix(j, key);
	sbuf_puts(j->b, "null");
}

void jw_raw(jw *j, const char *key, const char *json)
{
	jw_prefix(j, key);
	sbuf_puts(j->b, json);
}

/* ---- Validator ---- */

#define JV_MAX_DEPTH 64

static const char *jv_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *jv_value(const char *p, int depth);

static const char *jv_string(const char *p)
{
	if (*p != '"')
		return NULL;
	p++;
	for (;;) {
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			return p + 1;
		if (c < 0x20)
			return NULL; /* control character or end of text */
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++) {
					char h = p[i];
					if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') ||
					      (h >= 'A' && h <= 'F')))
						return NULL;
				}
				p += 5;
			} else if (*p != '\0' && strchr("\"\\/bfnrt", *p) != NULL) {
				p++;
			} else {
				return NULL;
			}
		} else if (c < 0x80) {
			p++;
		} else {
			size_t n = utf8_len((const unsigned char *)p);
			if (n == 0)
				return NULL;
			p += n;
		}
	}
}

static const char *jv_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

static const char *jv_value(const char *p, int depth)
{
	if (depth > JV_MAX_DEPTH)
		return NULL;
	p = jv_ws(p);
	switch (*p) {
	case '{':
		p = jv_ws(p + 1);
		if (*p == '}')
			return p + 1;
		for (;;) {
			p = jv_string(jv_ws(p));
			if (p == NULL)
				return NULL;
			p = jv_ws(p);
			if (*p != ':')
				return NULL;
			p = jv_value(p + 1, depth + 1);
			if (p == NULL)
				return NULL;
			p = jv_ws(p);
			if (*p == '}')
				return p + 1;
			if (*p != ',')
				return NULL;
			p++;
		}
	case '[':
		p = jv_ws(p + 1);
		if (*p == ']')
			return p + 1;
		for (;;) {
			p = jv_value(p, depth + 1);
			if (p == NULL)
				return NULL;
			p = jv_ws(p);
			if (*p == ']')
				return p + 1;
			if (*p != ',')
				return NULL;
			p++;
		}
	case '"': return jv_string(p);
	case 't': return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
	case 'f': return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
	case 'n': return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
	default: return jv_number(p);
	}
}

bool json_valid(const char *s)
{
	if (s == NULL)
		return false;
	const char *p = jv_value(s, 0);
	return p != NULL && *jv_ws(p) == '\0';
}
