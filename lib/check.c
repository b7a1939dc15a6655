/*
 * check.c: input checks shared by the domain files. Each returns BANK_OK or sets a
 * BANK_EINVAL error that names the field, so callers can simply return its result.
 */
#include <string.h>

#include "internal.h"

int bank__check_code(const char *what, const char *code)
{
	if (code == NULL || code[0] == '\0')
		return bank__err(BANK_EINVAL, "%s code is missing", what);
	size_t n = 0;
	for (const char *p = code; *p; p++, n++) {
		char c = *p;
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
			  c == '-';
		if (!ok || n >= 16)
			return bank__err(BANK_EINVAL, "%s code \"%.40s\" must be 1-16 of A-Z a-z 0-9 _ -", what, code);
	}
	return BANK_OK;
}

/* Length of the UTF-8 sequence at p, or 0 when it is malformed. */
static size_t utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	size_t n;
	unsigned min;
	unsigned cp;
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2, min = 0x80, cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3, min = 0x800, cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4, min = 0x10000, cp = p[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

int bank__check_text(const char *what, const char *text, size_t max, bool required)
{
	if (text == NULL || text[0] == '\0') {
		if (required)
			return bank__err(BANK_EINVAL, "%s is missing", what);
		return BANK_OK;
	}
	size_t len = strlen(text);
	if (len > max)
		return bank__err(BANK_EINVAL, "%s is longer than %zu bytes", what, max);
	for (const unsigned char *p = (const unsigned char *)text; *p;) {
		if (*p < 0x20 || *p == 0x7f)
			return bank__err(BANK_EINVAL, "%s contains a control character", what);
		size_t n = utf8_len(p);
		if (n == 0)
			return bank__err(BANK_EINVAL, "%s is not valid UTF-8", what);
		p += n;
	}
	return BANK_OK;
}
