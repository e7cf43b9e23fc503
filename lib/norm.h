/* norm: locale-independent normalisation of CSV field values by field type,
 * exact fixed-point numbers, and the Windows-1252 / UTF-8 helpers of the
 * ingest reader. Pure functions: no I/O, no allocation, no floating point. */
#ifndef AAP_NORM_H
#define AAP_NORM_H

#include <stddef.h>
#include <stdint.h>

/* Most integer digits a number may have (leading zeros not counted). */
#define NORM_MAX_INT_DIGITS 15
/* Most significant decimals per type (trailing zeros not counted). */
#define NORM_MONEY_DECIMALS 2
#define NORM_DECIMAL_MAX_DECIMALS 9
#define NORM_RATE_MAX_DECIMALS 6
/* Largest scale norm_parse_fixed and norm_format_fixed accept. */
#define NORM_FIXED_MAX_SCALE 18

/* Outcome of a normalisation. NORM_OK is 0; the others are findings on the
 * value (or, for NORM_TOO_LONG and NORM_BAD_ARGUMENT, on the call). */
enum norm_status {
	NORM_OK = 0,        /* normal form written */
	NORM_EMPTY,         /* nothing left after trimming */
	NORM_TOO_LONG,      /* the normal form does not fit the output buffer */
	NORM_BAD_NUMBER,    /* not a number in any accepted spelling */
	NORM_AMBIGUOUS,     /* could be read two ways (1.234, bare rate 45) */
	NORM_TOO_PRECISE,   /* more significant decimals than the type allows */
	NORM_OUT_OF_RANGE,  /* too many digits, or outside the type's range */
	NORM_SCIENTIFIC,    /* scientific notation (1,23457E+13) */
	NORM_BAD_DATE,      /* not a date, or no such day in the calendar */
	NORM_BAD_DATETIME,  /* not a date and time, or an impossible one */
	NORM_BAD_BOOLEAN,   /* not one of the accepted yes/no words */
	NORM_BAD_LIST,      /* a list item contains the '|' joiner */
	NORM_BAD_ENCODING,  /* invalid UTF-8, or a byte undefined in CP1252 */
	NORM_BAD_ARGUMENT   /* the caller passed an unusable parameter */
};

/* The finding (an enum finding_code, finding.h) a status is on the value,
 * or -1 for NORM_OK, NORM_EMPTY, NORM_BAD_ARGUMENT and an unknown value. */
int norm_status_finding(enum norm_status st);

/* Stable snake_case code of a status: its finding's code ("bad_number",
 * "ambiguous_number", ...), else "ok", "empty" or "bad_argument".  Returns
 * a static string, never NULL; an unknown value gives "unknown_status". */
const char *norm_status_code(enum norm_status st);

/* Remove surrounding white space from the n bytes at s: ASCII space, tab,
 * CR, LF, U+00A0, U+202F and U+2009 (UTF-8). Returns a pointer into s (not
 * owned, not NUL-terminated) and stores the trimmed length in *len. s may be
 * NULL when n is 0. Never fails. */
const char *norm_trim(const char *s, size_t n, size_t *len);

/*
 * The normalisers below share one contract.
 * in, n:    the value, UTF-8, n bytes, not necessarily NUL-terminated.
 * out, cap: caller-owned buffer of cap bytes; on NORM_OK it holds the normal
 *           form, NUL-terminated. On any other status it holds "" when
 *           cap > 0. Nothing is written past cap.
 * Returns NORM_OK, NORM_EMPTY when the value is empty after trimming,
 * NORM_TOO_LONG when the normal form and its NUL do not fit in cap, or a
 * finding code listed with each function. docs/normalisation.md has every
 * rule with examples.
 */

/* Trim only; in must be valid UTF-8 (else NORM_BAD_ENCODING). */
enum norm_status norm_text(const char *in, size_t n, char *out, size_t cap);

/* Amount in euros -> "-?[0-9]+\.[0-9]{2}". Accepts French and English
 * grouping, a decimal comma or point, and "€" or "EUR" before or after.
 * Findings: NORM_BAD_NUMBER, NORM_AMBIGUOUS, NORM_TOO_PRECISE (a significant
 * third decimal), NORM_OUT_OF_RANGE, NORM_SCIENTIFIC. */
enum norm_status norm_money(const char *in, size_t n, char *out, size_t cap);

/* Decimal number -> "-?[0-9]+(\.[0-9]*[1-9])?" (trailing zeros removed).
 * Same spellings as money, without currency; at most
 * NORM_DECIMAL_MAX_DECIMALS significant decimals. Same findings as money. */
enum norm_status norm_decimal(const char *in, size_t n, char *out,
		size_t cap);

/* Whole number -> "-?[0-9]+". Grouping allowed, no decimal mark.
 * Findings: NORM_BAD_NUMBER, NORM_AMBIGUOUS, NORM_OUT_OF_RANGE,
 * NORM_SCIENTIFIC. */
enum norm_status norm_integer(const char *in, size_t n, char *out,
		size_t cap);

/* Fraction 0..1 -> "[01]|0\.[0-9]*[1-9]" ("0.45"). "45 %" is divided by
 * 100 exactly; a bare number above 1 is NORM_AMBIGUOUS (above 100:
 * NORM_OUT_OF_RANGE); negatives and more than 100 % are NORM_OUT_OF_RANGE;
 * more than NORM_RATE_MAX_DECIMALS decimals is NORM_TOO_PRECISE. */
enum norm_status norm_rate(const char *in, size_t n, char *out, size_t cap);

/* Calendar date, "DD/MM/YYYY" (day and month may have one digit) or
 * "YYYY-MM-DD" -> "YYYY-MM-DD". Finding: NORM_BAD_DATE. */
enum norm_status norm_date(const char *in, size_t n, char *out, size_t cap);

/* Date and time -> "YYYY-MM-DDTHH:MM:SS" followed by "±HH:MM" when the
 * input carries an offset (kept as given, "Z" becomes "+00:00").
 * Finding: NORM_BAD_DATETIME. */
enum norm_status norm_datetime(const char *in, size_t n, char *out,
		size_t cap);

/* oui/non, yes/no, true/false, vrai/faux, 1/0 in any ASCII case ->
 * "yes" or "no". Finding: NORM_BAD_BOOLEAN. */
enum norm_status norm_boolean(const char *in, size_t n, char *out,
		size_t cap);

/* Set of items -> items sorted bytewise, without duplicates, joined by '|'.
 * seps is a NUL-terminated string of ASCII bytes, any of which separates two
 * items (", " exports: pass ",;"). Each item is trimmed; empty items are
 * dropped. Findings: NORM_BAD_ENCODING (in is not UTF-8), NORM_BAD_LIST (an
 * item contains '|'), NORM_BAD_ARGUMENT (seps NULL, empty, or holding a byte
 * >= 0x80). An input with only separators and spaces is NORM_EMPTY. */
enum norm_status norm_list(const char *in, size_t n, const char *seps,
		char *out, size_t cap);

/* Parse the n bytes at s, a normal decimal "-?[0-9]+(\.[0-9]+)?" (no
 * spaces, no '+'), into *out = value * 10^scale exactly. Decimals beyond
 * scale are accepted only when they are zeros. Returns NORM_OK,
 * NORM_BAD_NUMBER (syntax), NORM_TOO_PRECISE (a nonzero digit beyond scale),
 * NORM_OUT_OF_RANGE (|result| > INT64_MAX) or NORM_BAD_ARGUMENT (scale >
 * NORM_FIXED_MAX_SCALE). *out is written only on NORM_OK. */
enum norm_status norm_parse_fixed(const char *s, size_t n, unsigned scale,
		int64_t *out);

/* Write v / 10^scale into out as "-?[0-9]+" followed, when scale > 0, by
 * '.' and exactly scale decimals (1234.00), NUL-terminated. Returns NORM_OK,
 * NORM_TOO_LONG (out holds "" when cap > 0) or NORM_BAD_ARGUMENT (scale >
 * NORM_FIXED_MAX_SCALE). */
enum norm_status norm_format_fixed(int64_t v, unsigned scale, char *out,
		size_t cap);

/* Decode n bytes of Windows-1252 (the Microsoft table: 0x80-0x9F are
 * typographic signs, not C1 controls) into UTF-8 in out, NUL-terminated;
 * *outlen gets the length without the NUL. A buffer of 3 * n + 1 bytes
 * always suffices. Since the encoding is single-byte, a stream may be
 * decoded in chunks of any size. Returns NORM_OK, NORM_BAD_ENCODING for a
 * byte undefined in CP1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D), or NORM_TOO_LONG;
 * on either error *bad_offset gets the offset of the input byte that could
 * not be decoded or stored, and out holds the bytes decoded before it.
 * outlen and bad_offset may be NULL. */
enum norm_status norm_cp1252_to_utf8(const unsigned char *in, size_t n,
		char *out, size_t cap, size_t *outlen, size_t *bad_offset);

/* Check that the n bytes at s are strict UTF-8: shortest form only, no
 * surrogates (U+D800-U+DFFF), nothing above U+10FFFF, no truncated
 * sequence. Returns NORM_OK or NORM_BAD_ENCODING with *bad_offset (may be
 * NULL) set to the first byte of the first invalid sequence. */
enum norm_status norm_utf8_check(const unsigned char *s, size_t n,
		size_t *bad_offset);

/* Returns 1 when the n bytes at s contain a byte >= 0x80 (in valid UTF-8:
 * a multibyte character), 0 when they are pure ASCII. */
int norm_utf8_has_multibyte(const unsigned char *s, size_t n);

/* 1 when the n bytes at s are the normal form of their type (what the
 * normaliser of that type gives back unchanged), 0 when not: a check in
 * one pass, for values that should already be normal (the stream).  The
 * normal forms are in docs/normalisation.md. */
int norm_is_integer(const char *s, size_t n);
int norm_is_money(const char *s, size_t n);
int norm_is_decimal(const char *s, size_t n);
int norm_is_rate(const char *s, size_t n);
int norm_is_date(const char *s, size_t n);
int norm_is_datetime(const char *s, size_t n);
int norm_is_boolean(const char *s, size_t n);

/* Encoding of a sample, as told by its bytes. */
enum norm_encoding {
	NORM_ENC_ASCII,    /* bytes < 0x80 only: ASCII, UTF-8 and CP1252 agree */
	NORM_ENC_UTF8,     /* valid UTF-8 with at least one multibyte character */
	NORM_ENC_CP1252,   /* not UTF-8, every byte defined in CP1252 */
	NORM_ENC_UNKNOWN   /* neither */
};

/* Guess the encoding of the n bytes at s, typically the first block of a
 * file. A UTF-8 sequence cut by the end of the sample does not count
 * against UTF-8. Returns one of enum norm_encoding; never fails. */
enum norm_encoding norm_guess_encoding(const unsigned char *s, size_t n);

#endif
