/* prov.c - writing and reading the stream's '#stage' and '#trailer'
 * lines and their tokens. */
#include <string.h>

#include "aap.h"
#include "call.h"
#include "diag.h"
#include "digest.h"
#include "i18n.h"
#include "mem.h"
#include "prov.h"

static const char stage_word[] = "#stage";
static const char trailer_word[] = "#trailer";
static const char unchecked_value[] = "off";

const char prov_role_call[] = "call";
const char prov_encoding_utf8[] = "UTF-8";
const char prov_encoding_cp1252[] = "WINDOWS-1252";

static const char *const key_names[PROV_NKEYS] = {
	[PROV_NAME] = "name",
	[PROV_VERSION] = "version",
	[PROV_CALL] = "call",
	[PROV_FILE] = "file",
	[PROV_TRUNCATION_CHECK] = "truncation-check",
	[PROV_SOURCE] = "source",
	[PROV_DELIMITER] = "delimiter",
	[PROV_UNMAPPED] = "unmapped",
	[PROV_BATCH] = "batch",
	[PROV_CUTOFF] = "cutoff",
	[PROV_CARRY] = "carry",
	[PROV_CARRIED] = "carried",
	[PROV_RECORDS] = "records",
	[PROV_INPUT] = "input",
	[PROV_ENCODING] = "encoding",
	[PROV_ENVELOPE] = "envelope",
	[PROV_GRANTED] = "granted",
	[PROV_LEFT] = "left",
	[PROV_SHA256] = "sha256",
};

const char *prov_key_name(enum prov_key k)
{
	return key_names[k];
}

/* 1 for the bytes a token value carries as they are. */
static int plain_byte(unsigned char c)
{
	return c > 0x20 && c != 0x7F && c != '%';
}

int prov_token_n(struct sbuf *b, enum prov_key key, const char *value,
		 size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	if (sbuf_addc(b, ' ') < 0 || sbuf_adds(b, key_names[key]) < 0 ||
	    sbuf_addc(b, '=') < 0)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)value[i];
		char esc[3] = { '%', hex[c >> 4], hex[c & 15] };

		if (plain_byte(c) ? sbuf_addc(b, (char)c) : sbuf_add(b, esc, 3))
			return -1;
	}
	return 0;
}

int prov_token(struct sbuf *b, enum prov_key key, const char *value)
{
	return prov_token_n(b, key, value, strlen(value));
}

int prov_token_file(struct sbuf *b, const char *role, const char *name,
		    const char *sha256)
{
	struct sbuf v;
	int rc;

	sbuf_init(&v);
	rc = sbuf_adds(&v, role) < 0 || sbuf_addc(&v, ':') < 0 ||
	     sbuf_adds(&v, name) < 0 || sbuf_addc(&v, ':') < 0 ||
	     sbuf_adds(&v, sha256) < 0 ? -1 :
	     prov_token_n(b, PROV_FILE, v.data, v.len);
	sbuf_fini(&v);
	return rc;
}

int prov_token_input(struct sbuf *b, const char *name, const char *sha256)
{
	struct sbuf v;
	int rc;

	sbuf_init(&v);
	rc = sbuf_adds(&v, name) < 0 || sbuf_addc(&v, ':') < 0 ||
	     sbuf_adds(&v, sha256) < 0 ? -1 :
	     prov_token_n(b, PROV_INPUT, v.data, v.len);
	sbuf_fini(&v);
	return rc;
}

int prov_token_unchecked(struct sbuf *b)
{
	return prov_token(b, PROV_TRUNCATION_CHECK, unchecked_value);
}

int prov_stage_line(struct sbuf *b, const char *stage,
		    const struct call *call)
{
	size_t i;

	if (sbuf_adds(b, stage_word) < 0 ||
	    prov_token(b, PROV_NAME, stage) < 0 ||
	    prov_token(b, PROV_VERSION, AAP_VERSION) < 0 ||
	    prov_token(b, PROV_CALL, call->id) < 0)
		return -1;
	for (i = 0; i < call->nfiles; i++)
		if (prov_token_file(b, prov_role_call, call->files[i].name,
				    call->files[i].sha256) < 0)
			return -1;
	return 0;
}

int prov_trailer_line(struct sbuf *b, unsigned long long records,
		      const struct sbuf *tokens, const char *sha256)
{
	struct sbuf n;
	int rc;

	sbuf_init(&n);
	rc = sbuf_adds(b, trailer_word) < 0 || sbuf_addu(&n, records) < 0 ||
	     prov_token_n(b, PROV_RECORDS, n.data, n.len) < 0 ||
	     (tokens != NULL && sbuf_add(b, sbuf_str(tokens), tokens->len) < 0) ||
	     prov_token(b, PROV_SHA256, sha256) < 0 || sbuf_addc(b, '\n') < 0 ?
	     -1 : 0;
	sbuf_fini(&n);
	return rc;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes n bytes at s into out, which has room for n bytes.  Returns the
 * length decoded, or -1 for a '%' without two hex digits after it. */
static long decode_into(const char *s, size_t n, char *out)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			out[k++] = s[i];
			continue;
		}
		if (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)
			return -1;
		out[k++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
		i += 2;
	}
	return (long)k;
}

int prov_decode(const char *s, size_t n, struct sbuf *out)
{
	long k;

	if (sbuf_grow(out, n) < 0)
		return -1;
	k = decode_into(s, n, out->data + out->len);
	if (k < 0) {
		out->data[out->len] = '\0';
		return -1;
	}
	out->len += (size_t)k;
	out->data[out->len] = '\0';
	return 0;
}

void prov_line_init(struct prov_line *l)
{
	memset(l, 0, sizeof(*l));
}

void prov_line_fini(struct prov_line *l)
{
	mem_free(l->tok);
	mem_free(l->store);
	prov_line_init(l);
}

enum prov_kind prov_kind_of(const char *line)
{
	size_t n = strcspn(line, " ");

	if (n == sizeof(stage_word) - 1 && strncmp(line, stage_word, n) == 0)
		return PROV_STAGE;
	if (n == sizeof(trailer_word) - 1 && strncmp(line, trailer_word, n) == 0)
		return PROV_TRAILER;
	return PROV_OTHER;
}

/* The length of the key at the start of t (n bytes): [a-z0-9.-]+ up to
 * an '='; 0 when there is none. */
static size_t key_length(const char *t, size_t n)
{
	size_t i;

	for (i = 0; i < n && t[i] != '='; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') ||
		      t[i] == '.' || t[i] == '-'))
			return 0;
	return i < n ? i : 0;
}

/* Reports the malformed token t (n bytes). */
static int malformed(struct prov_line *l, const char *t, size_t n,
		     const char *file, unsigned long line_no, struct diag *err)
{
	size_t k = key_length(t, n);

	prov_line_fini(l);
	if (k == 0)
		return diag_set(err, AAP_EDATA, file, line_no,
				"malformed token in the provenance");
	return diag_set(err, AAP_EDATA, file, line_no,
			"malformed %.*s token in the provenance", (int)k, t);
}

int prov_parse(struct prov_line *l, const char *line, const char *file,
	       unsigned long line_no, struct diag *err)
{
	size_t len = strlen(line), ntok = 0, used = 0, i, n, k;
	const char *t;
	long v;

	prov_line_fini(l);
	for (i = 0; i < len; i++)
		ntok += line[i] == ' ';
	/* Each token "k=v" takes at most its own length and one byte once
	 * decoded with the NULs of its key and value. */
	l->store = mem_alloc(len + ntok + 1);
	l->tok = mem_calloc(ntok ? ntok : 1, sizeof(*l->tok));
	if (l->store == NULL || l->tok == NULL) {
		prov_line_fini(l);
		return diag_oom(err);
	}
	l->kind = prov_kind_of(line);
	for (t = strchr(line, ' '); t != NULL; t = line + i) {
		t++;
		n = strcspn(t, " ");
		i = (size_t)(t - line) + n;
		k = key_length(t, n);
		if (k == 0)
			return malformed(l, t, n, file, line_no, err);
		memcpy(l->store + used, t, k);
		l->store[used + k] = '\0';
		l->tok[l->n].key = l->store + used;
		used += k + 1;
		v = decode_into(t + k + 1, n - k - 1, l->store + used);
		if (v < 0)
			return malformed(l, t, n, file, line_no, err);
		l->store[used + (size_t)v] = '\0';
		l->tok[l->n].value = l->store + used;
		l->tok[l->n++].len = (size_t)v;
		used += (size_t)v + 1;
		if (i == len)
			break;
	}
	return 0;
}

const struct prov_token *prov_find(const struct prov_line *l,
				   enum prov_key k)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->tok[i].key, key_names[k]) == 0)
			return &l->tok[i];
	return NULL;
}

int prov_unchecked(const struct prov_line *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->tok[i].key, key_names[PROV_TRUNCATION_CHECK]) == 0 &&
		    strcmp(l->tok[i].value, unchecked_value) == 0)
			return 1;
	return 0;
}

int prov_file_split(const struct prov_token *t, struct prov_file *f)
{
	const char *v = t->value, *colon = memchr(v, ':', t->len);
	size_t n = t->len;

	if (colon == NULL || n < (size_t)(colon - v) + 2 + DIGEST_HEX_LEN ||
	    v[n - DIGEST_HEX_LEN - 1] != ':')
		return -1;
	f->role = v;
	f->role_len = (size_t)(colon - v);
	f->name = colon + 1;
	f->name_len = n - f->role_len - 2 - DIGEST_HEX_LEN;
	f->sha256 = v + n - DIGEST_HEX_LEN;
	return 0;
}

/* What the trailer holds between records= and sha256=, by the stage
 * that wrote it. */
enum trailer_inputs {
	INPUTS_STREAM,  /* one input=NAME:SHA256, the stream it read */
	INPUTS_SOURCES, /* input= and encoding= for each source= of its line */
	INPUTS_ANY      /* a writer aap does not know: any of the keys */
};

static const struct trailer_shape {
	const char *stage;          /* the '#stage' line's name */
	enum trailer_inputs inputs; /* its input tokens */
	int money;                  /* 1: envelope=, granted=, left= follow */
} trailer_shapes[] = {
	{ "aap-ingest", INPUTS_SOURCES, 0 },
	{ "aap-validate", INPUTS_STREAM, 0 },
	{ "aap-score", INPUTS_STREAM, 1 },
	{ "aap-push", INPUTS_STREAM, 0 },
};

/* The keys a trailer may hold. */
static int trailer_key(enum prov_key k)
{
	return k == PROV_RECORDS || k == PROV_INPUT || k == PROV_ENCODING ||
	       k == PROV_ENVELOPE || k == PROV_GRANTED || k == PROV_LEFT ||
	       k == PROV_SHA256;
}

/* The key named key, or PROV_NKEYS. */
static enum prov_key key_of(const char *key)
{
	int k;

	for (k = 0; k < PROV_NKEYS; k++)
		if (strcmp(key, key_names[k]) == 0)
			return (enum prov_key)k;
	return PROV_NKEYS;
}

static int all_digits(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return 0;
	return n > 0;
}

/* 1 for 64 lower-case hex digits. */
static int digest_hex(const char *v, size_t n)
{
	size_t i;

	if (n != DIGEST_HEX_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
			return 0;
	return 1;
}

/* 1 when t's value is well formed for its key k. */
static int value_ok(enum prov_key k, const struct prov_token *t)
{
	const char *v = t->value, *dot;
	size_t n = t->len;

	switch (k) {
	case PROV_RECORDS:
		return all_digits(v, n) && n <= 20 && (v[0] != '0' || n == 1);
	case PROV_INPUT:
		return n > DIGEST_HEX_LEN + 1 && v[n - DIGEST_HEX_LEN - 1] == ':' &&
		       memchr(v, '\0', n) == NULL &&
		       digest_hex(v + n - DIGEST_HEX_LEN, DIGEST_HEX_LEN);
	case PROV_ENCODING:
		return strcmp(v, prov_encoding_utf8) == 0 ||
		       strcmp(v, prov_encoding_cp1252) == 0;
	case PROV_ENVELOPE:
	case PROV_GRANTED:
	case PROV_LEFT:
		dot = memchr(v, '.', n);
		return dot != NULL && all_digits(v, (size_t)(dot - v)) &&
		       (dot == v + 1 || v[0] != '0') && dot - v <= 18 &&
		       n - (size_t)(dot - v) == 3 && all_digits(dot + 1, 2);
	case PROV_SHA256:
		return digest_hex(v, n);
	default:
		return 0;
	}
}

/* Reports a trailer that does not hold what it must. */
static int altered(const char *file, unsigned long line_no, struct diag *err,
		   const char *what, const char *key)
{
	diag_set(err, AAP_EDATA, file, line_no,
		 "the trailer %s \"%s\": the stream was altered", _(what), key);
	return -1;
}

/* Reports token i of l, which is not the one the trailer must hold
 * there; lacking names the token that must be, or is NULL. */
static int misplaced(const struct prov_line *l, size_t i, const char *lacking,
		     const char *file, unsigned long line_no, struct diag *err)
{
	enum prov_key got = key_of(l->tok[i].key);
	size_t j;

	if (got == PROV_NKEYS || !trailer_key(got))
		return altered(file, line_no, err, "holds an unknown token",
			       l->tok[i].key);
	for (j = 0; j < l->n; j++)
		if (j != i && strcmp(l->tok[j].key, l->tok[i].key) == 0)
			return altered(file, line_no, err,
				       "holds a repeated token", l->tok[i].key);
	if (lacking != NULL)
		return altered(file, line_no, err, "lacks its token", lacking);
	return altered(file, line_no, err, "holds a token out of place",
		       l->tok[i].key);
}

/* Checks token i of l against the key k it must have there. */
static int expect(const struct prov_line *l, size_t i, enum prov_key k,
		  const char *file, unsigned long line_no, struct diag *err)
{
	if (i >= l->n)
		return altered(file, line_no, err, "lacks its token",
			       key_names[k]);
	if (key_of(l->tok[i].key) != k)
		return misplaced(l, i, key_names[k], file, line_no, err);
	if (!value_ok(k, &l->tok[i]))
		return altered(file, line_no, err, "has a malformed token",
			       key_names[k]);
	return 0;
}

/* The shape of the trailer of stage, the last '#stage' line (NULL when
 * the stream has none). */
static const struct trailer_shape *shape_of(const struct prov_line *stage)
{
	const struct prov_token *name = stage ? prov_find(stage, PROV_NAME) : NULL;
	size_t i;

	for (i = 0; name != NULL && i < sizeof(trailer_shapes) /
					 sizeof(*trailer_shapes); i++)
		if (strcmp(name->value, trailer_shapes[i].stage) == 0)
			return &trailer_shapes[i];
	return NULL;
}

/* Checks that the name of input token t is the source s. */
static int input_names(const struct prov_token *t, const struct prov_token *s,
		       const char *file, unsigned long line_no,
		       struct diag *err)
{
	if (t->len - DIGEST_HEX_LEN - 1 == s->len &&
	    memcmp(t->value, s->value, s->len) == 0)
		return 0;
	return diag_set(err, AAP_EDATA, file, line_no,
			"the trailer's input token names another file than its "
			"'#stage' line's source: the stream was altered");
}

/* The amount of the money token t (well formed), in cents. */
static long long cents(const struct prov_token *t)
{
	long long c = 0;
	size_t i;

	for (i = 0; i < t->len; i++)
		if (t->value[i] != '.')
			c = c * 10 + (t->value[i] - '0');
	return c;
}

int prov_trailer_check(const struct prov_line *l, const struct prov_line *stage,
		       const char *file, unsigned long line_no,
		       struct diag *err)
{
	const struct trailer_shape *sh = shape_of(stage);
	static const enum prov_key money[] = { PROV_ENVELOPE, PROV_GRANTED,
					       PROV_LEFT };
	enum prov_key k;
	size_t i = 1, j, m;

	if (expect(l, 0, PROV_RECORDS, file, line_no, err) < 0)
		return -1;
	if (sh == NULL) {
		/* A writer aap does not know: the keys of a trailer, each
		 * well formed, none but input= and encoding= twice. */
		for (; i + 1 < l->n; i++) {
			k = key_of(l->tok[i].key);
			if (k == PROV_NKEYS || !trailer_key(k) ||
			    k == PROV_RECORDS || k == PROV_SHA256)
				return misplaced(l, i, NULL, file, line_no, err);
			if (!value_ok(k, &l->tok[i]))
				return altered(file, line_no, err,
					       "has a malformed token",
					       key_names[k]);
			for (j = 0; j < i && k != PROV_INPUT &&
				    k != PROV_ENCODING; j++)
				if (strcmp(l->tok[j].key, l->tok[i].key) == 0)
					return altered(file, line_no, err,
						       "holds a repeated token",
						       l->tok[i].key);
		}
	} else if (sh->inputs == INPUTS_SOURCES) {
		for (m = 0; m < stage->n; m++) {
			if (strcmp(stage->tok[m].key, key_names[PROV_SOURCE]) != 0)
				continue;
			if (expect(l, i, PROV_INPUT, file, line_no, err) < 0 ||
			    input_names(&l->tok[i], &stage->tok[m], file, line_no,
					err) < 0 ||
			    expect(l, i + 1, PROV_ENCODING, file, line_no, err) < 0)
				return -1;
			i += 2;
		}
	} else {
		if (expect(l, i++, PROV_INPUT, file, line_no, err) < 0)
			return -1;
		for (m = 0; sh->money && m < sizeof(money) / sizeof(*money); m++)
			if (expect(l, i++, money[m], file, line_no, err) < 0)
				return -1;
		if (sh->money && cents(&l->tok[i - 3]) !=
				 cents(&l->tok[i - 2]) + cents(&l->tok[i - 1]))
			return diag_set(err, AAP_EDATA, file, line_no,
					"the trailer's envelope is not what was "
					"granted and what is left: the stream was "
					"altered");
	}
	if (expect(l, i, PROV_SHA256, file, line_no, err) < 0)
		return -1;
	if (i + 1 < l->n)
		return misplaced(l, i + 1, NULL, file, line_no, err);
	return 0;
}
