/* norm: locale-independent normalisation of field values (numbers, rates,
 * dates, booleans, lists, text), exact fixed-point numbers, and the CP1252
 * decoder and UTF-8 checks of the ingest reader. See docs/normalisation.md. */
#include "norm.h"

#include <string.h>

#include "finding.h"

/* ---- Output buffer ------------------------------------------------------ */

/* A bounded writer into the caller's buffer; keeps room for the NUL. */
struct sink {
	char *buf;    /* caller's buffer */
	size_t cap;   /* its size in bytes */
	size_t len;   /* bytes written so far, always < cap when cap > 0 */
	int full;     /* a write did not fit; later writes are dropped */
};

static void sink_init(struct sink *k, char *buf, size_t cap)
{
	k->buf = buf;
	k->cap = cap;
	k->len = 0;
	k->full = 0;
}

/* Append n bytes, all or nothing. */
static void sink_put(struct sink *k, const char *s, size_t n)
{
	if (k->full || n == 0)
		return;
	if (k->cap == 0 || n > k->cap - k->len - 1) {
		k->full = 1;
		return;
	}
	memcpy(k->buf + k->len, s, n);
	k->len += n;
}

static void sink_putc(struct sink *k, char c)
{
	sink_put(k, &c, 1);
}

/* Append v in decimal, zero-padded to width digits. */
static void sink_put_uint(struct sink *k, unsigned v, unsigned width)
{
	char d[12];
	unsigned i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 && i > 0);
	while (sizeof(d) - i < width && i > 0)
		d[--i] = '0';
	sink_put(k, d + i, sizeof(d) - i);
}

/* NUL-terminate; an overflowed sink leaves "" and gives NORM_TOO_LONG. */
static enum norm_status sink_end(struct sink *k)
{
	if (k->full) {
		if (k->cap > 0)
			k->buf[0] = '\0';
		return NORM_TOO_LONG;
	}
	k->buf[k->len] = '\0';
	return NORM_OK;
}

/* Leave "" in out and report st. */
static enum norm_status fail(char *out, size_t cap, enum norm_status st)
{
	if (cap > 0)
		out[0] = '\0';
	return st;
}

/* ---- Status codes ------------------------------------------------------- */

/* The finding each status is on a value; -1 for those that are none. */
static const int status_findings[] = {
	[NORM_OK] = -1,
	[NORM_EMPTY] = -1,
	[NORM_TOO_LONG] = FINDING_TOO_LONG,
	[NORM_BAD_NUMBER] = FINDING_BAD_NUMBER,
	[NORM_AMBIGUOUS] = FINDING_AMBIGUOUS_NUMBER,
	[NORM_TOO_PRECISE] = FINDING_TOO_PRECISE,
	[NORM_OUT_OF_RANGE] = FINDING_OUT_OF_RANGE,
	[NORM_SCIENTIFIC] = FINDING_SCIENTIFIC_NOTATION,
	[NORM_BAD_DATE] = FINDING_BAD_DATE,
	[NORM_BAD_DATETIME] = FINDING_BAD_DATETIME,
	[NORM_BAD_BOOLEAN] = FINDING_BAD_BOOLEAN,
	[NORM_BAD_LIST] = FINDING_BAD_LIST,
	[NORM_BAD_ENCODING] = FINDING_BAD_ENCODING,
	[NORM_BAD_ARGUMENT] = -1,
};

int norm_status_finding(enum norm_status st)
{
	size_t i = (size_t)st;

	if (i >= sizeof status_findings / sizeof status_findings[0])
		return -1;
	return status_findings[i];
}

const char *norm_status_code(enum norm_status st)
{
	int code = norm_status_finding(st);

	if (code >= 0)
		return finding_name((enum finding_code)code);
	switch (st) {
	case NORM_OK:
		return "ok";
	case NORM_EMPTY:
		return "empty";
	case NORM_BAD_ARGUMENT:
		return "bad_argument";
	default:
		return "unknown_status";
	}
}

/* ---- ASCII and white space ---------------------------------------------- */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* 1 when the n bytes at s equal the lower-case ASCII word w, ignoring the
 * ASCII case of s. */
static int word_eq(const char *s, size_t n, const char *w)
{
	size_t i;

	if (strlen(w) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (ascii_lower(s[i]) != w[i])
			return 0;
	return 1;
}

static int bytes_eq(const char *s, size_t n, size_t i, const char *lit,
		size_t len)
{
	return i <= n && n - i >= len && memcmp(s + i, lit, len) == 0;
}

/* Length of U+00A0, U+202F or U+2009 at s[i] (before n), else 0. */
static size_t wide_space_at(const char *s, size_t n, size_t i)
{
	if (bytes_eq(s, n, i, "\xC2\xA0", 2))
		return 2;
	if (bytes_eq(s, n, i, "\xE2\x80\xAF", 3) ||
			bytes_eq(s, n, i, "\xE2\x80\x89", 3))
		return 3;
	return 0;
}

/* Length of a thousands separator space at s[i], else 0. */
static size_t group_space_at(const char *s, size_t n, size_t i)
{
	return s[i] == ' ' ? 1 : wide_space_at(s, n, i);
}

/* Length of a trimmable white space character at s[i], else 0. */
static size_t trim_space_at(const char *s, size_t n, size_t i)
{
	char c = s[i];

	if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
		return 1;
	return wide_space_at(s, n, i);
}

/* Length of a trimmable white space character ending at s[e], not starting
 * before s[b], else 0. */
static size_t trim_space_before(const char *s, size_t b, size_t e)
{
	size_t w;

	if (trim_space_at(s, e, e - 1) == 1)
		return 1;
	for (w = 2; w <= 3; w++)
		if (e - b >= w && wide_space_at(s, e, e - w) == w)
			return w;
	return 0;
}

const char *norm_trim(const char *s, size_t n, size_t *len)
{
	size_t b = 0, e = n, w;
	unsigned char first, last;

	if (n == 0) {
		*len = 0;
		return s;
	}
	/* The usual case: printable ASCII at both ends, nothing to trim (a
	 * wide space ends with a byte >= 0x80). */
	first = (unsigned char)s[0];
	last = (unsigned char)s[n - 1];
	if (first > ' ' && first < 0x80 && last > ' ' && last < 0x80) {
		*len = n;
		return s;
	}
	while (b < e && (w = trim_space_at(s, e, b)) > 0)
		b += w;
	while (e > b && (w = trim_space_before(s, b, e)) > 0)
		e -= w;
	*len = e - b;
	return s + b;
}

/* ---- UTF-8 and CP1252 --------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s[i], or 0 when it is invalid; *cut
 * is set when the sequence is only invalid because s ends inside it. */
static size_t utf8_seq(const unsigned char *s, size_t n, size_t i, int *cut)
{
	unsigned char c = s[i], lo = 0x80, hi = 0xBF;
	size_t len, k;

	*cut = 0;
	if (c < 0x80)
		return 1;
	if (c < 0xC2 || c > 0xF4)
		return 0;
	len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (c == 0xE0)
		lo = 0xA0;      /* overlong */
	else if (c == 0xED)
		hi = 0x9F;      /* surrogates */
	else if (c == 0xF0)
		lo = 0x90;      /* overlong */
	else if (c == 0xF4)
		hi = 0x8F;      /* above U+10FFFF */
	for (k = 1; k < len; k++) {
		if (i + k >= n) {
			*cut = 1;
			return 0;
		}
		if (s[i + k] < lo || s[i + k] > hi)
			return 0;
		lo = 0x80;
		hi = 0xBF;
	}
	return len;
}

enum norm_status norm_utf8_check(const unsigned char *s, size_t n,
		size_t *bad_offset)
{
	size_t i = 0, w;
	int cut;

	while (i < n) {
		w = utf8_seq(s, n, i, &cut);
		if (w == 0) {
			if (bad_offset != NULL)
				*bad_offset = i;
			return NORM_BAD_ENCODING;
		}
		i += w;
	}
	return NORM_OK;
}

int norm_utf8_has_multibyte(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 0x80)
			return 1;
	return 0;
}

/* Unicode of CP1252 bytes 0x80-0x9F; 0 marks the five undefined bytes. */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

/* Code point of CP1252 byte c, or 0 when undefined (byte 0 is U+0000, but
 * callers only ask for bytes >= 0x80). */
static unsigned cp1252_point(unsigned char c)
{
	if (c >= 0x80 && c < 0xA0)
		return cp1252_high[c - 0x80];
	return c;
}

/* Encode code point cp (below U+10000) into buf; returns the length. */
static size_t utf8_encode(unsigned cp, char buf[3])
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xC0 | (cp >> 6));
		buf[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	buf[0] = (char)(0xE0 | (cp >> 12));
	buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	buf[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

enum norm_status norm_cp1252_to_utf8(const unsigned char *in, size_t n,
		char *out, size_t cap, size_t *outlen, size_t *bad_offset)
{
	struct sink k;
	enum norm_status st = NORM_OK;
	char buf[3];
	unsigned cp;
	size_t i;

	if (cap == 0) {
		/* Not even room for the NUL. */
		if (outlen != NULL)
			*outlen = 0;
		if (bad_offset != NULL)
			*bad_offset = 0;
		return NORM_TOO_LONG;
	}
	sink_init(&k, out, cap);
	for (i = 0; i < n; i++) {
		cp = cp1252_point(in[i]);
		if (cp == 0 && in[i] != 0) {
			st = NORM_BAD_ENCODING;
			break;
		}
		sink_put(&k, buf, utf8_encode(cp, buf));
		if (k.full) {
			st = NORM_TOO_LONG;
			break;
		}
	}
	if (cap > 0)
		out[k.len] = '\0';
	if (outlen != NULL)
		*outlen = k.len;
	if (st != NORM_OK && bad_offset != NULL)
		*bad_offset = i;
	return st;
}

/* 1 when every byte is defined in CP1252. */
static int cp1252_defined(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != 0 && cp1252_point(s[i]) == 0)
			return 0;
	return 1;
}

enum norm_encoding norm_guess_encoding(const unsigned char *s, size_t n)
{
	size_t i = 0, w, multibyte = 0;
	int cut = 0;

	if (!norm_utf8_has_multibyte(s, n))
		return NORM_ENC_ASCII;
	while (i < n && (w = utf8_seq(s, n, i, &cut)) > 0) {
		if (w > 1)
			multibyte++;
		i += w;
	}
	if ((i == n || cut) && multibyte > 0)
		return NORM_ENC_UTF8;
	return cp1252_defined(s, n) ? NORM_ENC_CP1252 : NORM_ENC_UNKNOWN;
}

/* ---- Numbers ------------------------------------------------------------ */

/* Room for the fraction of any accepted number, and 2 more digits for
 * moving a percentage's point. */
#define NUM_FRAC_CAP (NORM_DECIMAL_MAX_DECIMALS + 2)

/* A parsed number, exactly: sign, integer digits, fraction digits. */
struct num {
	int negative;                     /* nonzero and below zero */
	char ip[NORM_MAX_INT_DIGITS];     /* integer digits, no leading zero */
	size_t ip_len;                    /* 0 when the integer part is 0 */
	char fp[NUM_FRAC_CAP];            /* fraction digits */
	size_t fp_len;                    /* up to the last nonzero digit */
	int has_mark;                     /* the input had a decimal mark */
};

/* The separators between runs of digits. */
enum num_sep {
	SEP_SPACE,   /* space, U+00A0, U+202F or U+2009: thousands only */
	SEP_DOT,
	SEP_COMMA
};

/* Shape of a number body "D (sep D)*", as seen by num_lex. */
struct num_shape {
	size_t nsep;               /* separators */
	enum num_sep first_kind;   /* kind of the first separator */
	enum num_sep last_kind;    /* kind of the last separator */
	int mixed;                 /* separators before the last differ */
	size_t first_run;          /* digits before the first separator */
	size_t last_run;           /* digits after the last separator */
	int middle_ok;             /* every run between has 3 digits */
	size_t last_sep;           /* offset of the last separator */
};

/* Length and kind of the separator at s[i], 0 when there is none. */
static size_t sep_at(const char *s, size_t n, size_t i, enum num_sep *kind)
{
	*kind = s[i] == '.' ? SEP_DOT : s[i] == ',' ? SEP_COMMA : SEP_SPACE;
	if (*kind != SEP_SPACE)
		return 1;
	return group_space_at(s, n, i);
}

/* 1 when s[i..n) is an exponent "[eE][+-]?[0-9]+". */
static int is_exponent(const char *s, size_t n, size_t i)
{
	size_t d;

	if (s[i] != 'e' && s[i] != 'E')
		return 0;
	i++;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	for (d = i; i < n && is_digit(s[i]); i++)
		continue;
	return i > d && i == n;
}

/* Check that s is "D (sep D)*" (D: one or more digits) and record its
 * shape. */
static enum norm_status num_lex(const char *s, size_t n, struct num_shape *sh)
{
	enum num_sep kind, prev = SEP_SPACE;
	size_t i = 0, run = 0, w;

	memset(sh, 0, sizeof *sh);
	sh->middle_ok = 1;
	while (i < n) {
		if (is_digit(s[i])) {
			run++;
			i++;
			continue;
		}
		if (run > 0 && is_exponent(s, n, i))
			return NORM_SCIENTIFIC;
		w = sep_at(s, n, i, &kind);
		if (w == 0 || run == 0)
			return NORM_BAD_NUMBER;
		if (sh->nsep == 0) {
			sh->first_run = run;
			sh->first_kind = kind;
		} else {
			if (run != 3)
				sh->middle_ok = 0;
			if (prev != sh->first_kind)
				sh->mixed = 1;
		}
		prev = kind;
		sh->last_sep = i;
		sh->nsep++;
		run = 0;
		i += w;
	}
	if (run == 0)
		return NORM_BAD_NUMBER;
	if (sh->nsep == 0)
		sh->first_run = run;
	sh->last_kind = prev;
	sh->last_run = run;
	return NORM_OK;
}

/* Decide which separator, if any, is the decimal mark: *mark gets its
 * offset, or n when the number is whole. The other separators must group
 * the integer digits by three. */
static enum norm_status num_classify(const char *s, size_t n,
		const struct num_shape *sh, size_t *mark)
{
	int all_groups;

	*mark = n;
	if (sh->nsep == 0)
		return NORM_OK;
	if (sh->nsep == 1 && sh->last_kind != SEP_SPACE) {
		/* "1.234": thousands or decimals, unless the left part could
		 * not start a grouped number. */
		if (sh->last_run == 3 && sh->first_run <= 3 && s[0] != '0')
			return NORM_AMBIGUOUS;
		*mark = sh->last_sep;
		return NORM_OK;
	}
	if (sh->mixed)
		return NORM_BAD_NUMBER;
	all_groups = sh->first_kind == sh->last_kind;
	if (!all_groups) {
		if (sh->last_kind == SEP_SPACE)
			return NORM_BAD_NUMBER;
		*mark = sh->last_sep;
	}
	if (s[0] == '0' || sh->first_run > 3 || !sh->middle_ok)
		return NORM_BAD_NUMBER;
	if (all_groups && sh->last_run != 3)
		return NORM_BAD_NUMBER;
	return NORM_OK;
}

/* Copy the digits of s into v, split at mark (n: no mark). */
static enum norm_status num_collect(const char *s, size_t n, size_t mark,
		struct num *v)
{
	size_t i, pos = 0;

	for (i = 0; i < mark; i++) {
		if (!is_digit(s[i]) || (v->ip_len == 0 && s[i] == '0'))
			continue;
		if (v->ip_len == NORM_MAX_INT_DIGITS)
			return NORM_OUT_OF_RANGE;
		v->ip[v->ip_len++] = s[i];
	}
	if (mark == n)
		return NORM_OK;
	v->has_mark = 1;
	for (i = mark + 1; i < n; i++, pos++) {
		if (s[i] != '0') {
			if (pos >= NORM_DECIMAL_MAX_DECIMALS)
				return NORM_TOO_PRECISE;
			v->fp_len = pos + 1;
		}
		if (pos < NORM_DECIMAL_MAX_DECIMALS)
			v->fp[pos] = s[i];
	}
	return NORM_OK;
}

/* Length of a sign at s: '-', '+' or U+2212 MINUS SIGN; 0 when none. */
static size_t sign_at(const char *s, size_t n, int *negative)
{
	*negative = 0;
	if (n > 0 && (s[0] == '-' || s[0] == '+')) {
		*negative = s[0] == '-';
		return 1;
	}
	if (bytes_eq(s, n, 0, "\xE2\x88\x92", 3)) {
		*negative = 1;
		return 3;
	}
	return 0;
}

/* Parse a trimmed number without currency or percent sign. */
static enum norm_status num_parse(const char *s, size_t n, struct num *v)
{
	struct num_shape sh;
	enum norm_status st;
	size_t w, mark = 0;

	memset(v, 0, sizeof *v);
	w = sign_at(s, n, &v->negative);
	s += w;
	n -= w;
	if (n == 0)
		return NORM_BAD_NUMBER;
	st = num_lex(s, n, &sh);
	if (st == NORM_OK)
		st = num_classify(s, n, &sh, &mark);
	if (st == NORM_OK)
		st = num_collect(s, n, mark, v);
	if (v->ip_len == 0 && v->fp_len == 0)
		v->negative = 0;
	return st;
}

/* Compare |v| with the whole number written d (no leading zero). */
static int num_cmp_uint(const struct num *v, const char *d)
{
	size_t dl = strlen(d);
	int c;

	if (v->ip_len != dl)
		return v->ip_len > dl ? 1 : -1;
	c = memcmp(v->ip, d, dl);
	if (c != 0)
		return c > 0 ? 1 : -1;
	return v->fp_len > 0 ? 1 : 0;
}

/* Divide v by 100 by moving its decimal point. */
static void num_div100(struct num *v)
{
	char fp[NUM_FRAC_CAP];
	size_t keep = v->ip_len > 2 ? v->ip_len - 2 : 0;
	size_t moved = v->ip_len - keep;

	fp[0] = '0';
	fp[1] = '0';
	memcpy(fp + 2 - moved, v->ip + keep, moved);
	memcpy(fp + 2, v->fp, v->fp_len);
	v->fp_len += 2;
	memcpy(v->fp, fp, v->fp_len);
	v->ip_len = keep;
	while (v->fp_len > 0 && v->fp[v->fp_len - 1] == '0')
		v->fp_len--;
}

/* Write v with at least min_frac decimals; returns the sink status. */
static enum norm_status num_write(const struct num *v, size_t min_frac,
		char *out, size_t cap)
{
	struct sink k;
	size_t i;

	sink_init(&k, out, cap);
	if (v->negative)
		sink_putc(&k, '-');
	if (v->ip_len == 0)
		sink_putc(&k, '0');
	sink_put(&k, v->ip, v->ip_len);
	if (v->fp_len > 0 || min_frac > 0)
		sink_putc(&k, '.');
	sink_put(&k, v->fp, v->fp_len);
	for (i = v->fp_len; i < min_frac; i++)
		sink_putc(&k, '0');
	return sink_end(&k);
}

/* Length of "€" or "EUR" (any ASCII case) at s[i], else 0. */
static size_t currency_at(const char *s, size_t n, size_t i)
{
	if (bytes_eq(s, n, i, "\xE2\x82\xAC", 3))
		return 3;
	if (n >= i + 3 && word_eq(s + i, 3, "eur"))
		return 3;
	return 0;
}

/* Remove one currency sign before or after the number, then trim again. */
static void strip_currency(const char **s, size_t *n)
{
	size_t w = currency_at(*s, *n, 0);

	if (w > 0)
		*s += w;
	else if (*n >= 3)
		w = currency_at(*s, *n, *n - 3);
	*s = norm_trim(*s, *n - w, n);
}

/* Trim and parse; currency: also strip a currency sign. */
static enum norm_status number_of(const char *in, size_t n, int currency,
		struct num *v)
{
	const char *s = norm_trim(in, n, &n);

	if (n == 0)
		return NORM_EMPTY;
	if (currency)
		strip_currency(&s, &n);
	return num_parse(s, n, v);
}

enum norm_status norm_money(const char *in, size_t n, char *out, size_t cap)
{
	enum norm_status st;
	struct num v;

	st = number_of(in, n, 1, &v);
	if (st == NORM_OK && v.fp_len > NORM_MONEY_DECIMALS)
		st = NORM_TOO_PRECISE;
	if (st != NORM_OK)
		return fail(out, cap, st);
	return num_write(&v, NORM_MONEY_DECIMALS, out, cap);
}

enum norm_status norm_decimal(const char *in, size_t n, char *out,
		size_t cap)
{
	enum norm_status st;
	struct num v;

	st = number_of(in, n, 0, &v);
	if (st != NORM_OK)
		return fail(out, cap, st);
	return num_write(&v, 0, out, cap);
}

enum norm_status norm_integer(const char *in, size_t n, char *out,
		size_t cap)
{
	enum norm_status st;
	struct num v;

	st = number_of(in, n, 0, &v);
	if (st == NORM_OK && v.has_mark)
		st = NORM_BAD_NUMBER;
	if (st != NORM_OK)
		return fail(out, cap, st);
	return num_write(&v, 0, out, cap);
}

/* Check a percentage and turn it into a fraction. */
static enum norm_status rate_from_percent(struct num *v)
{
	if (v->negative || num_cmp_uint(v, "100") > 0)
		return NORM_OUT_OF_RANGE;
	if (v->fp_len + 2 > NORM_RATE_MAX_DECIMALS)
		return NORM_TOO_PRECISE;
	num_div100(v);
	return NORM_OK;
}

/* Check a bare number meant as a fraction. */
static enum norm_status rate_check_fraction(const struct num *v)
{
	if (v->negative || num_cmp_uint(v, "100") > 0)
		return NORM_OUT_OF_RANGE;
	if (num_cmp_uint(v, "1") > 0)
		return NORM_AMBIGUOUS;
	if (v->fp_len > NORM_RATE_MAX_DECIMALS)
		return NORM_TOO_PRECISE;
	return NORM_OK;
}

enum norm_status norm_rate(const char *in, size_t n, char *out, size_t cap)
{
	const char *s = norm_trim(in, n, &n);
	enum norm_status st;
	int percent;
	struct num v;

	if (n == 0)
		return fail(out, cap, NORM_EMPTY);
	percent = s[n - 1] == '%';
	if (percent)
		s = norm_trim(s, n - 1, &n);
	st = num_parse(s, n, &v);
	if (st == NORM_OK)
		st = percent ? rate_from_percent(&v) : rate_check_fraction(&v);
	if (st != NORM_OK)
		return fail(out, cap, st);
	return num_write(&v, 0, out, cap);
}

/* ---- Fixed point -------------------------------------------------------- */

/* 1 when s is "-?[0-9]+(\.[0-9]+)?". */
static int fixed_syntax_ok(const char *s, size_t n)
{
	size_t i = 0, d;

	if (n > 0 && s[0] == '-')
		i++;
	for (d = i; i < n && is_digit(s[i]); i++)
		continue;
	if (i == d)
		return 0;
	if (i == n)
		return 1;
	if (s[i++] != '.')
		return 0;
	for (d = i; i < n && is_digit(s[i]); i++)
		continue;
	return i > d && i == n;
}

/* *mag = *mag * 10 + d; returns -1 when the result would pass INT64_MAX. */
static int mag_push(uint64_t *mag, unsigned d)
{
	if (*mag > ((uint64_t)INT64_MAX - d) / 10)
		return -1;
	*mag = *mag * 10 + d;
	return 0;
}

enum norm_status norm_parse_fixed(const char *s, size_t n, unsigned scale,
		int64_t *out)
{
	uint64_t mag = 0;
	unsigned frac = 0;
	int point = 0;
	size_t i;

	if (scale > NORM_FIXED_MAX_SCALE)
		return NORM_BAD_ARGUMENT;
	if (!fixed_syntax_ok(s, n))
		return NORM_BAD_NUMBER;
	for (i = s[0] == '-' ? 1 : 0; i < n; i++) {
		if (s[i] == '.') {
			point = 1;
		} else if (point && frac == scale) {
			if (s[i] != '0')
				return NORM_TOO_PRECISE;
		} else {
			frac += (unsigned)point;
			if (mag_push(&mag, (unsigned)(s[i] - '0')) != 0)
				return NORM_OUT_OF_RANGE;
		}
	}
	for (; frac < scale; frac++)
		if (mag_push(&mag, 0) != 0)
			return NORM_OUT_OF_RANGE;
	*out = s[0] == '-' ? -(int64_t)mag : (int64_t)mag;
	return NORM_OK;
}

enum norm_status norm_format_fixed(int64_t v, unsigned scale, char *out,
		size_t cap)
{
	uint64_t mag = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
	char d[NORM_FIXED_MAX_SCALE + 2];
	unsigned nd = 0;
	struct sink k;

	if (scale > NORM_FIXED_MAX_SCALE)
		return fail(out, cap, NORM_BAD_ARGUMENT);
	do {
		d[nd++] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag > 0);
	while (nd <= scale)
		d[nd++] = '0';
	sink_init(&k, out, cap);
	if (v < 0)
		sink_putc(&k, '-');
	while (nd > scale)
		sink_putc(&k, d[--nd]);
	if (scale > 0)
		sink_putc(&k, '.');
	while (nd > 0)
		sink_putc(&k, d[--nd]);
	return sink_end(&k);
}

/* ---- Dates and times ---------------------------------------------------- */

/* A date, a time of day and an optional offset from UTC. */
struct stamp {
	unsigned year, month, day;
	unsigned hour, minute, second;
	int has_offset;      /* an offset was given */
	char offset_sign;    /* '+' or '-' */
	unsigned offset_hour, offset_minute;
};

/* Read min to max ASCII digits at s[*i] into *val. */
static int read_uint(const char *s, size_t n, size_t *i, unsigned min,
		unsigned max, unsigned *val)
{
	unsigned k = 0, v = 0;

	while (*i < n && k < max && is_digit(s[*i])) {
		v = v * 10 + (unsigned)(s[*i] - '0');
		(*i)++;
		k++;
	}
	*val = v;
	return k >= min;
}

/* Consume byte c at s[*i]. */
static int expect(const char *s, size_t n, size_t *i, char c)
{
	if (*i < n && s[*i] == c) {
		(*i)++;
		return 1;
	}
	return 0;
}

static int is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* 1 when the day exists in the proleptic Gregorian calendar, years
 * 1-9999. */
static int date_exists(unsigned y, unsigned m, unsigned d)
{
	static const unsigned char days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	unsigned last;

	if (y < 1 || m < 1 || m > 12 || d < 1)
		return 0;
	last = m == 2 && is_leap(y) ? 29u : days[m - 1];
	return d <= last;
}

/* Read "YYYY-MM-DD" or "D/M/YYYY" (day and month of 1 or 2 digits). */
static int read_date(const char *s, size_t n, size_t *i, struct stamp *t)
{
	size_t at = *i;

	if (read_uint(s, n, i, 4, 4, &t->year) && expect(s, n, i, '-') &&
			read_uint(s, n, i, 2, 2, &t->month) &&
			expect(s, n, i, '-') &&
			read_uint(s, n, i, 2, 2, &t->day))
		return date_exists(t->year, t->month, t->day);
	*i = at;
	if (read_uint(s, n, i, 1, 2, &t->day) && expect(s, n, i, '/') &&
			read_uint(s, n, i, 1, 2, &t->month) &&
			expect(s, n, i, '/') &&
			read_uint(s, n, i, 4, 4, &t->year))
		return date_exists(t->year, t->month, t->day);
	return 0;
}

/* Read "H:MM" or "H:MM:SS" (hour of 1 or 2 digits). */
static int read_time(const char *s, size_t n, size_t *i, struct stamp *t)
{
	t->second = 0;
	if (!read_uint(s, n, i, 1, 2, &t->hour) || !expect(s, n, i, ':') ||
			!read_uint(s, n, i, 2, 2, &t->minute))
		return 0;
	if (expect(s, n, i, ':') && !read_uint(s, n, i, 2, 2, &t->second))
		return 0;
	return t->hour <= 23 && t->minute <= 59 && t->second <= 59;
}

/* Read an optional space then "Z", "±HH", "±HHMM" or "±HH:MM", at most
 * 14 hours. */
static int read_offset(const char *s, size_t n, size_t *i, struct stamp *t)
{
	expect(s, n, i, ' ');
	t->has_offset = 1;
	t->offset_sign = '+';
	t->offset_hour = 0;
	t->offset_minute = 0;
	if (expect(s, n, i, 'Z'))
		return 1;
	if (*i >= n || (s[*i] != '+' && s[*i] != '-'))
		return 0;
	t->offset_sign = s[(*i)++];
	if (!read_uint(s, n, i, 2, 2, &t->offset_hour))
		return 0;
	if (*i < n) {
		expect(s, n, i, ':');
		if (!read_uint(s, n, i, 2, 2, &t->offset_minute))
			return 0;
	}
	return t->offset_minute <= 59 &&
		t->offset_hour * 60 + t->offset_minute <= 14 * 60;
}

static void put_date(struct sink *k, const struct stamp *t)
{
	sink_put_uint(k, t->year, 4);
	sink_putc(k, '-');
	sink_put_uint(k, t->month, 2);
	sink_putc(k, '-');
	sink_put_uint(k, t->day, 2);
}

enum norm_status norm_date(const char *in, size_t n, char *out, size_t cap)
{
	const char *s = norm_trim(in, n, &n);
	struct stamp t;
	struct sink k;
	size_t i = 0;

	if (n == 0)
		return fail(out, cap, NORM_EMPTY);
	if (!read_date(s, n, &i, &t) || i != n)
		return fail(out, cap, NORM_BAD_DATE);
	sink_init(&k, out, cap);
	put_date(&k, &t);
	return sink_end(&k);
}

enum norm_status norm_datetime(const char *in, size_t n, char *out,
		size_t cap)
{
	const char *s = norm_trim(in, n, &n);
	struct stamp t;
	struct sink k;
	size_t i = 0;

	if (n == 0)
		return fail(out, cap, NORM_EMPTY);
	t.has_offset = 0;
	if (!read_date(s, n, &i, &t) ||
			!(expect(s, n, &i, 'T') || expect(s, n, &i, ' ')) ||
			!read_time(s, n, &i, &t) ||
			(i < n && !read_offset(s, n, &i, &t)) || i != n)
		return fail(out, cap, NORM_BAD_DATETIME);
	sink_init(&k, out, cap);
	put_date(&k, &t);
	sink_putc(&k, 'T');
	sink_put_uint(&k, t.hour, 2);
	sink_putc(&k, ':');
	sink_put_uint(&k, t.minute, 2);
	sink_putc(&k, ':');
	sink_put_uint(&k, t.second, 2);
	if (t.has_offset) {
		sink_putc(&k, t.offset_sign);
		sink_put_uint(&k, t.offset_hour, 2);
		sink_putc(&k, ':');
		sink_put_uint(&k, t.offset_minute, 2);
	}
	return sink_end(&k);
}

/* ---- Booleans, lists, text ---------------------------------------------- */

enum norm_status norm_boolean(const char *in, size_t n, char *out,
		size_t cap)
{
	static const char *const yes[] = { "oui", "yes", "true", "vrai", "1" };
	static const char *const no[] = { "non", "no", "false", "faux", "0" };
	const char *s = norm_trim(in, n, &n);
	struct sink k;
	size_t i;

	if (n == 0)
		return fail(out, cap, NORM_EMPTY);
	sink_init(&k, out, cap);
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (word_eq(s, n, yes[i])) {
			sink_put(&k, "yes", 3);
			return sink_end(&k);
		}
		if (word_eq(s, n, no[i])) {
			sink_put(&k, "no", 2);
			return sink_end(&k);
		}
	}
	return fail(out, cap, NORM_BAD_BOOLEAN);
}

/* One list item: a trimmed slice of the input. */
struct item {
	const char *p;   /* first byte, inside the caller's input */
	size_t n;        /* length */
};

static int is_sep(const char *seps, char c)
{
	return c != '\0' && strchr(seps, c) != NULL;
}

/* Find the next non-empty item at or after *pos; returns 0 at the end. */
static int list_next(const char *s, size_t n, const char *seps, size_t *pos,
		struct item *it)
{
	size_t b, e;

	while (*pos <= n) {
		b = *pos;
		for (e = b; e < n && !is_sep(seps, s[e]); e++)
			continue;
		*pos = e + 1;
		it->p = norm_trim(s + b, e - b, &it->n);
		if (it->n > 0)
			return 1;
	}
	return 0;
}

/* Bytewise order; a prefix sorts first. */
static int item_cmp(const struct item *a, const struct item *b)
{
	size_t m = a->n < b->n ? a->n : b->n;
	int c = m > 0 ? memcmp(a->p, b->p, m) : 0;

	if (c != 0)
		return c;
	return (a->n > b->n) - (a->n < b->n);
}

/* Check the separators: non-empty, ASCII only. */
static int seps_ok(const char *seps)
{
	size_t i;

	if (seps == NULL || seps[0] == '\0')
		return 0;
	for (i = 0; seps[i] != '\0'; i++)
		if ((unsigned char)seps[i] >= 0x80)
			return 0;
	return 1;
}

/* Check every item; returns NORM_EMPTY when there is none. */
static enum norm_status list_check(const char *s, size_t n, const char *seps)
{
	struct item it;
	size_t pos = 0;
	int any = 0;

	while (list_next(s, n, seps, &pos, &it)) {
		if (memchr(it.p, '|', it.n) != NULL)
			return NORM_BAD_LIST;
		any = 1;
	}
	return any ? NORM_OK : NORM_EMPTY;
}

/* Smallest item greater than *last (any item when last is NULL). */
static int list_min_after(const char *s, size_t n, const char *seps,
		const struct item *last, struct item *best)
{
	struct item it;
	size_t pos = 0;
	int found = 0;

	while (list_next(s, n, seps, &pos, &it)) {
		if (last != NULL && item_cmp(&it, last) <= 0)
			continue;
		if (!found || item_cmp(&it, best) < 0) {
			*best = it;
			found = 1;
		}
	}
	return found;
}

enum norm_status norm_list(const char *in, size_t n, const char *seps,
		char *out, size_t cap)
{
	const char *s = norm_trim(in, n, &n);
	struct item last, next;
	enum norm_status st;
	struct sink k;
	int first = 1;

	if (!seps_ok(seps))
		return fail(out, cap, NORM_BAD_ARGUMENT);
	if (n == 0)
		return fail(out, cap, NORM_EMPTY);
	if (norm_utf8_check((const unsigned char *)s, n, NULL) != NORM_OK)
		return fail(out, cap, NORM_BAD_ENCODING);
	st = list_check(s, n, seps);
	if (st != NORM_OK)
		return fail(out, cap, st);
	/* Selection of the next item in order: no allocation, and each
	 * pass drops duplicates by asking for an item strictly greater. */
	sink_init(&k, out, cap);
	while (!k.full &&
			list_min_after(s, n, seps, first ? NULL : &last, &next)) {
		if (!first)
			sink_putc(&k, '|');
		sink_put(&k, next.p, next.n);
		last = next;
		first = 0;
	}
	return sink_end(&k);
}

enum norm_status norm_text(const char *in, size_t n, char *out, size_t cap)
{
	const char *s = norm_trim(in, n, &n);
	struct sink k;

	if (n == 0)
		return fail(out, cap, NORM_EMPTY);
	if (norm_utf8_check((const unsigned char *)s, n, NULL) != NORM_OK)
		return fail(out, cap, NORM_BAD_ENCODING);
	sink_init(&k, out, cap);
	sink_put(&k, s, n);
	return sink_end(&k);
}

/* ---- Normal forms, recognised without normalising ------------------------ */

/* Digits in s[i, n) from i on; *i moves past them. */
static size_t digits_at(const char *s, size_t n, size_t *i)
{
	size_t at = *i;

	while (*i < n && s[*i] >= '0' && s[*i] <= '9')
		(*i)++;
	return *i - at;
}

/* The two-digit number at s (both digits checked), or -1. */
static int two_digits(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Reads "-?(0|[1-9][0-9]*)" of at most NORM_MAX_INT_DIGITS digits from the
 * start of s; *i moves past it.  Sets *neg_zero when it is "-0". */
static int normal_int_part(const char *s, size_t n, size_t *i, int *neg_zero)
{
	size_t k, neg = n > 0 && s[0] == '-';

	*i = neg;
	k = digits_at(s, n, i);
	*neg_zero = neg && k == 1 && s[1] == '0';
	return k > 0 && k <= NORM_MAX_INT_DIGITS && !(k > 1 && s[neg] == '0');
}

int norm_is_integer(const char *s, size_t n)
{
	size_t i;
	int neg_zero;

	return normal_int_part(s, n, &i, &neg_zero) && i == n && !neg_zero;
}

int norm_is_money(const char *s, size_t n)
{
	size_t i;
	int neg_zero;

	if (!normal_int_part(s, n, &i, &neg_zero) || n - i != 3 ||
	    s[i] != '.' || two_digits(s + i + 1) < 0)
		return 0;
	/* "-0.00" normalises to "0.00"; "-0.20" stays. */
	return !(neg_zero && s[i + 1] == '0' && s[i + 2] == '0');
}

int norm_is_decimal(const char *s, size_t n)
{
	size_t i, k;
	int neg_zero;

	if (!normal_int_part(s, n, &i, &neg_zero))
		return 0;
	if (i == n)
		return !neg_zero; /* "-0" normalises to "0"; "-0.5" stays */
	k = i + 1;
	if (s[i] != '.' || k == n || n - k > NORM_DECIMAL_MAX_DECIMALS ||
	    s[n - 1] == '0')
		return 0;
	return digits_at(s, n, &k) == n - i - 1;
}

int norm_is_rate(const char *s, size_t n)
{
	size_t i = 2;

	if (n == 1)
		return s[0] == '0' || s[0] == '1';
	if (n < 3 || s[0] != '0' || s[1] != '.' || n - 2 > NORM_RATE_MAX_DECIMALS)
		return 0;
	return digits_at(s, n, &i) == n - 2 && s[n - 1] != '0';
}

/* "YYYY-MM-DD" at s (10 bytes), an existing day. */
static int normal_date_at(const char *s)
{
	int y1 = two_digits(s), y2 = two_digits(s + 2), m, d;

	if (y1 < 0 || y2 < 0 || s[4] != '-' || s[7] != '-')
		return 0;
	m = two_digits(s + 5);
	d = two_digits(s + 8);
	return m >= 0 && d >= 0 &&
	       date_exists((unsigned)(y1 * 100 + y2), (unsigned)m, (unsigned)d);
}

int norm_is_date(const char *s, size_t n)
{
	return n == 10 && normal_date_at(s);
}

int norm_is_datetime(const char *s, size_t n)
{
	int h, m;

	if ((n != 19 && n != 25) || !normal_date_at(s) || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':')
		return 0;
	h = two_digits(s + 11);
	if (h < 0 || h > 23 || (m = two_digits(s + 14)) < 0 || m > 59 ||
	    (m = two_digits(s + 17)) < 0 || m > 59)
		return 0;
	if (n == 19)
		return 1;
	if ((s[19] != '+' && s[19] != '-') || s[22] != ':')
		return 0;
	h = two_digits(s + 20);
	m = two_digits(s + 23);
	return h >= 0 && m >= 0 && m <= 59 && h * 60 + m <= 14 * 60;
}

int norm_is_boolean(const char *s, size_t n)
{
	return (n == 3 && memcmp(s, "yes", 3) == 0) ||
	       (n == 2 && memcmp(s, "no", 2) == 0);
}
