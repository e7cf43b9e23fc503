/* fuzz_norm.c - libFuzzer harness for the value normalisers.  The first
 * byte chooses the function, the second the output buffer (below 0x80:
 * large enough; else 0 to 127 bytes, to reach too_long), the rest is the
 * value.  The output buffer is a heap block of exactly cap bytes, so a
 * write past cap is caught; the promises of docs/normalisation.md
 * (NUL-terminated output, "" on failure, normal forms that normalise to
 * themselves) are checked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "norm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef enum norm_status (*norm_fn)(const char *, size_t, char *, size_t);

static enum norm_status list_comma(const char *in, size_t n, char *out,
				   size_t cap)
{
	return norm_list(in, n, ",;", out, cap);
}

static enum norm_status list_bar(const char *in, size_t n, char *out,
				 size_t cap)
{
	return norm_list(in, n, "|", out, cap);
}

/* The normalisers, and whether their normal form is a fixed point. */
static const struct {
	norm_fn fn;
	int idempotent;
	int (*is_normal)(const char *, size_t); /* its one-pass check */
} fns[] = {
	{ norm_text, 1, NULL },             { norm_money, 1, norm_is_money },
	{ norm_decimal, 0, NULL },          { norm_integer, 1, norm_is_integer },
	{ norm_rate, 1, norm_is_rate },     { norm_date, 1, norm_is_date },
	{ norm_datetime, 1, norm_is_datetime },
	{ norm_boolean, 1, norm_is_boolean },
	{ list_comma, 0, NULL },            { list_bar, 1, NULL },
};
#define NFNS (sizeof(fns) / sizeof(fns[0]))

/* Checks the shared contract of one call's output. */
static void check_out(enum norm_status st, const char *out, size_t cap)
{
	if (cap == 0) {
		if (st == NORM_OK)
			abort(); /* no room even for the NUL */
		return;
	}
	if (memchr(out, '\0', cap) == NULL)
		abort(); /* always NUL-terminated within cap */
	if (st != NORM_OK && out[0] != '\0')
		abort(); /* "" on any failure */
	if (strcmp(norm_status_code(st), "unknown_status") == 0)
		abort();
}

static void one_normaliser(size_t k, const char *in, size_t n, size_t cap)
{
	char *out = malloc(cap ? cap : 1), *again;
	enum norm_status st = fns[k].fn(in, n, out, cap);
	size_t len;

	check_out(st, out, cap);
	/* A NUL in the value would end its normal form early: the stages
	 * refuse NUL bytes before normalising, so skip those here. */
	if (memchr(in, '\0', n) != NULL) {
		free(out);
		return;
	}
	if (st == NORM_OK && fns[k].idempotent) {
		len = strlen(out);
		again = malloc(len + 1);
		if (fns[k].fn(out, len, again, len + 1) != NORM_OK ||
		    strcmp(out, again) != 0)
			abort();
		free(again);
	}
	/* The one-pass check says "normal" exactly when the normaliser gives
	 * the value back unchanged. */
	if (fns[k].is_normal != NULL && cap > n &&
	    fns[k].is_normal(in, n) !=
		    (st == NORM_OK && strlen(out) == n && memcmp(out, in, n) == 0))
		abort();
	/* Money normal forms survive parse and format unchanged. */
	if (st == NORM_OK && k == 1) {
		int64_t v;
		char back[32];

		if (norm_parse_fixed(out, strlen(out), 2, &v) != NORM_OK ||
		    norm_format_fixed(v, 2, back, sizeof(back)) != NORM_OK ||
		    strcmp(back, out) != 0)
			abort();
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in;
	size_t n, cap, k, len, off;
	unsigned char sel;
	char *out;

	if (size < 2)
		return 0;
	sel = data[0];
	cap = data[1] < 0x80 ? 3 * (size - 2) + 64 : (size_t)(data[1] - 0x80);
	in = (const char *)data + 2;
	n = size - 2;
	k = sel % 16;
	if (k < NFNS) {
		one_normaliser(k, in, n, cap);
		return 0;
	}
	out = malloc(cap ? cap : 1);
	switch (k) {
	case 10: { /* Windows-1252 */
		enum norm_status st = norm_cp1252_to_utf8(
			(const unsigned char *)in, n, out, cap, &len, &off);
		if (st == NORM_OK && (len >= cap || out[len] != '\0'))
			abort();
		if (st == NORM_OK && norm_utf8_check(
			    (const unsigned char *)out, len, NULL) != NORM_OK)
			abort(); /* what it decodes is valid UTF-8 */
		/* The offset of the byte that could not be decoded, or of
		 * the first not stored (n when only the NUL did not fit). */
		if ((st == NORM_BAD_ENCODING && off >= n) ||
		    (st == NORM_TOO_LONG && off > n))
			abort();
		break;
	}
	case 11: { /* strict UTF-8, and the guess agreeing with it */
		enum norm_status st = norm_utf8_check(
			(const unsigned char *)in, n, &off);
		enum norm_encoding g = norm_guess_encoding(
			(const unsigned char *)in, n);
		int mb = norm_utf8_has_multibyte((const unsigned char *)in, n);

		if (st != NORM_OK && off >= n)
			abort();
		if (st == NORM_OK && g != (mb ? NORM_ENC_UTF8 : NORM_ENC_ASCII))
			abort();
		break;
	}
	case 12: { /* fixed point: parse, format, parse */
		int64_t v, w;
		unsigned scale = (unsigned)(sel >> 4) + (data[1] & 0x0F);

		if (norm_parse_fixed(in, n, scale, &v) == NORM_OK &&
		    norm_format_fixed(v, scale, out, cap) == NORM_OK &&
		    (norm_parse_fixed(out, strlen(out), scale, &w) != NORM_OK ||
		     v != w))
			abort();
		break;
	}
	case 13: { /* list with separators from the input: "seps\0value" */
		const char *z = memchr(in, '\0', n);

		if (z != NULL) {
			char *seps = malloc((size_t)(z - in) + 1);

			memcpy(seps, in, (size_t)(z - in));
			seps[z - in] = '\0';
			check_out(norm_list(z + 1, n - (size_t)(z - in) - 1,
					    seps, out, cap), out, cap);
			free(seps);
		}
		break;
	}
	case 14: { /* trim stays inside the value */
		const char *t = norm_trim(in, n, &len);

		if (t < in || t + len > in + n)
			abort();
		break;
	}
	default: { /* format any int64 at any scale */
		int64_t v = 0;
		size_t i;

		for (i = 0; i < n && i < 8; i++)
			v = (int64_t)((uint64_t)v << 8 | (uint8_t)in[i]);
		enum norm_status st = norm_format_fixed(
			v, (unsigned)(sel >> 4) + 4, out, cap);

		if (st != NORM_BAD_ARGUMENT)
			check_out(st, out, cap);
		break;
	}
	}
	free(out);
	return 0;
}
