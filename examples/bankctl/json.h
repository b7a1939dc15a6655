/*
 * json.h: bankctl's output buffer and a small JSON writer.
 *
 * bankctl builds everything it prints in a growable buffer and writes it only when the
 * command succeeded, so a failing command prints its error object and nothing else.
 * A buffer remembers an allocation failure (->failed) instead of reporting each one.
 *
 * The writer emits compact JSON. Every value call takes the key it goes under, or NULL
 * inside arrays and for the top-level value; commas are placed by the writer. Strings
 * are escaped per RFC 8259 and invalid UTF-8 bytes become U+FFFD, so the output is
 * always valid JSON whatever the database holds.
 */
#ifndef BANKCTL_JSON_H
#define BANKCTL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define BANKCTL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define BANKCTL_PRINTF(f, a)
#endif

/** A growable NUL-terminated string. Zero-initialize, or call sbuf_init(). */
typedef struct sbuf {
	char *data;  /* NULL until the first append */
	size_t len;  /* bytes used, without the NUL */
	size_t cap;  /* bytes allocated */
	bool failed; /* an allocation failed: the content is incomplete */
} sbuf;

void sbuf_init(sbuf *b);
void sbuf_free(sbuf *b);
void sbuf_reset(sbuf *b);
void sbuf_putn(sbuf *b, const char *s, size_t n);
void sbuf_puts(sbuf *b, const char *s);
void sbuf_putc(sbuf *b, char c);
void sbuf_printf(sbuf *b, const char *fmt, ...) BANKCTL_PRINTF(2, 3);
/** The content, "" when empty. */
const char *sbuf_str(const sbuf *b);

/** Deepest nesting the writer tracks; deeper values are still written, commas too. */
#define JW_MAX_DEPTH 32

/** A JSON writer appending to an sbuf. */
typedef struct jw {
	sbuf *b;
	int depth;                        /* open containers */
	bool has_items[JW_MAX_DEPTH + 1]; /* whether the container at each depth has a value */
} jw;

void jw_init(jw *j, sbuf *b);
void jw_obj_begin(jw *j, const char *key);
void jw_obj_end(jw *j);
void jw_arr_begin(jw *j, const char *key);
void jw_arr_end(jw *j);
/** A string value; NULL writes null. */
void jw_str(jw *j, const char *key, const char *value);
/** A string value, or null when @p value is NULL or "". */
void jw_str_or_null(jw *j, const char *key, const char *value);
void jw_int(jw *j, const char *key, int64_t value);
void jw_bool(jw *j, const char *key, bool value);
void jw_null(jw *j, const char *key);
/** Already-valid JSON text (checked by json_valid() first by the caller). */
void jw_raw(jw *j, const char *key, const char *json);

/** Appends @p s as a JSON string literal (quotes included). */
void json_escape(sbuf *b, const char *s);

/** Whether @p s is exactly one valid JSON value (with optional surrounding blanks). */
bool json_valid(const char *s);

#endif
