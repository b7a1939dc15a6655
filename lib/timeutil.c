/*
 * timeutil.c: times, dates and the bank's time zone.
 *
 * A bank_time is microseconds since the epoch in UTC; a bank_date counts days since
 * 1970-01-01 in the bank's zone. Calendar arithmetic uses the proleptic Gregorian
 * calendar (days_from_civil / civil_from_days, exact integer formulas), so nothing here
 * depends on the process's TZ or locale. The bank's zone (UTC, a fixed offset or a tz
 * database zone) is tz.c's: bank_date_of and bank_date_start below ask it for the offset
 * at an instant and for the first instant of a local day.
 */
#include <stdio.h>
#include <time.h>

#include "internal.h"

#define USEC_PER_SEC INT64_C(1000000)
#define SEC_PER_DAY INT64_C(86400)

int64_t bank__days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void bank__civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
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

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dim[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Reads exactly n digits. */
static bool digits(const char **p, int n, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (unsigned)(c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool parse_ymd(const char **p, int64_t *days)
{
	unsigned y, m, d;
	if (!digits(p, 4, &y) || **p != '-')
		return false;
	(*p)++;
	if (!digits(p, 2, &m) || **p != '-')
		return false;
	(*p)++;
	if (!digits(p, 2, &d))
		return false;
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return false;
	*days = bank__days_from_civil(y, m, d);
	return true;
}

int bank_date_parse(bank_date *out, const char *text)
{
	const char *p = text;
	int64_t days;
	if (text == NULL || !parse_ymd(&p, &days) || *p != '\0')
		return bank__err(BANK_EINVAL, "invalid date \"%.40s\": expected YYYY-MM-DD", text ? text : "(null)");
	*out = (bank_date)days;
	return BANK_OK;
}

int bank_date_format(char *buf, size_t size, bank_date d)
{
	int64_t y;
	unsigned m, day;
	bank__civil_from_days(d, &y, &m, &day);
	if (buf == NULL || size < 11 || y < 0 || y > 9999)
		return bank__err(BANK_ELIMIT, "date buffer too small or year out of range");
	snprintf(buf, size, "%04d-%02u-%02u", (int)y, m, day);
	return BANK_OK;
}

int bank_time_format(char *buf, size_t size, bank_time t)
{
	if (buf == NULL || size < BANK_TIME_SIZE)
		return bank__err(BANK_ELIMIT, "time buffer smaller than BANK_TIME_SIZE");
	int64_t secs = floor_div(t, USEC_PER_SEC);
	int64_t usec = t - secs * USEC_PER_SEC;
	int64_t days = floor_div(secs, SEC_PER_DAY);
	int64_t sod = secs - days * SEC_PER_DAY;
	int64_t y;
	unsigned m, d;
	bank__civil_from_days(days, &y, &m, &d);
	if (y < 1 || y > 9999)
		return bank__err(BANK_ELIMIT, "time out of the range 0001..9999");
	snprintf(buf, size, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", (int)y, m, d, (int)(sod / 3600),
		 (int)(sod / 60 % 60), (int)(sod % 60), (int)usec);
	return BANK_OK;
}

int bank_time_parse(bank_time *out, const char *text)
{
	const char *p = text;
	int64_t days;
	unsigned hh, mm, ss;
	int64_t usec = 0;
	if (text == NULL || !parse_ymd(&p, &days))
		goto bad;
	if (*p != 'T' && *p != 't' && *p != ' ')
		goto bad;
	p++;
	if (!digits(&p, 2, &hh) || *p++ != ':' || !digits(&p, 2, &mm) || *p++ != ':' || !digits(&p, 2, &ss))
		goto bad;
	/* Second 60 is RFC 3339's leap second; as in POSIX time it is the next minute's 00. */
	if (hh > 23 || mm > 59 || ss > 60)
		goto bad;
	if (*p == '.') {
		p++;
		int n = 0;
		int64_t scale = 100000;
		while (*p >= '0' && *p <= '9') {
			if (n < 6)
				usec += (*p - '0') * scale;
			scale /= 10;
			p++;
			n++;
		}
		if (n == 0 || n > 9)
			goto bad;
	}
	int64_t offset = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;
		unsigned oh, om;
		p++;
		if (!digits(&p, 2, &oh) || *p++ != ':' || !digits(&p, 2, &om) || oh > 23 || om > 59)
			goto bad;
		offset = sign * (int64_t)(oh * 3600 + om * 60);
	} else {
		goto bad;
	}
	if (*p != '\0')
		goto bad;
	*out = ((days * SEC_PER_DAY + (int64_t)hh * 3600 + (int64_t)mm * 60 + (int64_t)ss) - offset) * USEC_PER_SEC +
	       usec;
	return BANK_OK;
bad:
	return bank__err(BANK_EINVAL, "invalid time \"%.40s\": expected RFC 3339, e.g. 2026-11-24T09:30:00Z",
			 text ? text : "(null)");
}

bank_time bank__clock_system(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (bank_time)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}

bank_time bank_date_start(const bank *b, bank_date d)
{
	int64_t s = bank__tz_day_start(b->tz, d);
	/* Saturate where the start leaves bank_time's range (beyond year +-292,000). */
	if (s > INT64_MAX / USEC_PER_SEC)
		return INT64_MAX;
	if (s < INT64_MIN / USEC_PER_SEC)
		return INT64_MIN;
	return s * USEC_PER_SEC;
}

bank_date bank_date_of(const bank *b, bank_time t)
{
	int64_t secs = floor_div(t, USEC_PER_SEC);
	secs += bank__tz_offset(b->tz, secs);
	return (bank_date)floor_div(secs, SEC_PER_DAY);
}
