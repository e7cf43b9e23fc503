/* rules.c - the rules engine: rules.csv loaded and compiled once, then
 * checked against each record; and the findings list the checks feed. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "aap.h"
#include "call.h"
#include "checksum.h"
#include "diag.h"
#include "finding.h"
#include "hash.h"
#include "mem.h"
#include "norm.h"
#include "region.h"
#include "rules.h"
#include "table.h"

/* Bounds of the matcher: a pattern that needs more is unsafe. */
#define MATCH_LIMIT 1000000u
#define DEPTH_LIMIT 10000u
#define HEAP_LIMIT_KIB 16384u
#define JIT_STACK_MIN ((size_t)32 << 10)
#define JIT_STACK_MAX ((size_t)1 << 20)

#define SCALE 1000000000 /* numbers are compared as value × 10^9 */
#define KEY_BYTES 12     /* a unique key is kept in 12 bytes (key_of) */

/* Exact numbers wide enough for 15 integer digits, 9 decimals and one
 * product of two of them. */
__extension__ typedef __int128 wide;

/* The kinds of rule. */
enum rule_kind {
	RK_REQUIRED,
	RK_MIN,
	RK_MAX,
	RK_ALLOWED,
	RK_PATTERN,
	RK_CHECKSUM,
	RK_UNIQUE,
	RK_REGION,
	RK_MAX_SHARE,
	RK_NOT_AFTER,
	RK_NOT_ABOVE
};

enum { NO, MAY, MUST }; /* whether a kind takes a value or another field */

/* What a kind of rule is called, what it finds, what it takes. */
static const struct kind {
	const char *name;  /* in the rule column */
	enum finding_code code; /* the finding it gives */
	int value;         /* NO or MUST */
	int other;         /* NO, MAY or MUST */
} kinds[] = {
	[RK_REQUIRED] = { "required", FINDING_MISSING, NO, NO },
	[RK_MIN] = { "min", FINDING_BELOW_MIN, MUST, NO },
	[RK_MAX] = { "max", FINDING_ABOVE_MAX, MUST, NO },
	[RK_ALLOWED] = { "allowed", FINDING_NOT_ALLOWED, MUST, NO },
	[RK_PATTERN] = { "pattern", FINDING_NO_MATCH, MUST, NO },
	[RK_CHECKSUM] = { "checksum", FINDING_BAD_CHECKSUM, MUST, NO },
	[RK_UNIQUE] = { "unique", FINDING_DUPLICATE, NO, NO },
	[RK_REGION] = { "region", FINDING_OUTSIDE_REGION, MUST, MAY },
	[RK_MAX_SHARE] = { "max_share", FINDING_SHARE_ABOVE_MAX, MUST, MUST },
	[RK_NOT_AFTER] = { "not_after", FINDING_AFTER, NO, MUST },
	[RK_NOT_ABOVE] = { "not_above", FINDING_ABOVE, NO, MUST },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* A set of strings, for allowed values and départements. */
struct vset {
	char **v;  /* the strings, owned */
	size_t n;  /* how many */
};

/* A value that can be ordered: a number, a date or a date and time. */
struct ord {
	int num;         /* 1: a number (num), 0: a date or datetime */
	wide v;          /* number × 10^9 */
	long long days;  /* calendar day as written, days since 1970-01-01 */
	long long secs;  /* local time as written, seconds since 1970 */
	int time;        /* 1: a datetime, 0: a date */
	int has_off;     /* the datetime has an offset */
	long long off;   /* the offset, seconds east of UTC */
};

/* One slot of a set of unique keys: 20 bytes, with no padding.  The
 * first copy's place is packed in 8 bytes: 1 + the index of its source
 * file in the top 24 bits, its line in the low 40; 0 marks a free slot. */
#define KEY_LINE_BITS 40
#define KEY_LINE_MAX (((uint64_t)1 << KEY_LINE_BITS) - 1)
#define KEY_FILE_MAX ((1u << (64 - KEY_LINE_BITS)) - 1)
struct key_slot {
	unsigned char k[KEY_BYTES]; /* the key, as key_of keeps it */
	unsigned char at[8];        /* file and line, packed; read with memcpy */
};

/* The packed place of slot s (0: free). */
static uint64_t slot_at(const struct key_slot *s)
{
	uint64_t at;

	memcpy(&at, s->at, sizeof(at));
	return at;
}

/* The keys met so far by one unique rule. */
struct keyset {
	struct key_slot *slot; /* open addressing, linear probing */
	size_t cap;            /* slots, a power of two */
	size_t n;              /* used */
};

/* One row of rules.csv, compiled. */
struct rule {
	enum rule_kind kind;
	size_t field;         /* the field the rule is about */
	long other;           /* the other field, or -1 */
	int error;            /* 1: error, 0: warning */
	long when;            /* the field of the condition, or -1 */
	struct vset when_in;  /* the values for which the rule applies */
	char *when_text;      /* the when cell, for duplicate rules */
	char *value;          /* the value cell */
	char *message;        /* the message cell, "" for the default */
	unsigned long line;   /* its line in rules.csv */
	struct ord bound;     /* min, max */
	wide rate;            /* max_share, × 10^9 */
	char share[16];       /* max_share, the rate's normal form */
	struct vset set;      /* allowed values, départements of region */
	pcre2_code *re;       /* pattern */
	checksum_fn sum;      /* checksum */
	struct keyset keys;   /* unique */
};

struct rules {
	const struct call *call; /* the call */
	char *path;              /* rules.csv as named in messages */
	struct rule *rule;       /* the rules, in file order */
	size_t n;                /* how many */
	unsigned char *bad;      /* per field: this record's value is unusable */
	struct sbuf scratch;     /* a list's normal form */
	struct sbuf msg;         /* a message being built */
	pcre2_match_data *md;    /* one for every match */
	pcre2_match_context *mctx; /* the bounds */
	pcre2_jit_stack *jit;    /* NULL without JIT */
	EVP_MD *sha;             /* SHA-256, fetched once */
	EVP_MD_CTX *ctx;         /* reused for every key */
	char **files;            /* source files of unique keys */
	size_t nfiles;           /* how many */
	size_t last_file;        /* index of the last one used */
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int bytes_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int c = memcmp(a, b, na < nb ? na : nb);

	if (c != 0)
		return c;
	return (na > nb) - (na < nb);
}

/* Index of the field of c called name (n bytes), or -1. */
static long field_index(const struct call *c, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < c->nfields; i++)
		if (strlen(c->fields[i].name) == n &&
		    memcmp(c->fields[i].name, name, n) == 0)
			return (long)i;
	return -1;
}

/* ---- ordered values ---- */

static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* Reads the n digits at s into *v.  Returns 0 or -1. */
static int read_digits(const char *s, size_t n, unsigned *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return 0;
}

/* Reads a normal decimal "-?[0-9]+(\.[0-9]+)?" into *v = value × 10^9;
 * decimals beyond the ninth must be zeros.  Returns 0 or -1. */
static int parse_num(const char *s, size_t n, wide *v)
{
	size_t i = 0, idig = 0, fdig = 0;
	wide ip = 0, frac = 0;
	int neg = n > 0 && s[0] == '-';

	for (i = (size_t)neg; i < n && is_digit(s[i]); i++, idig++)
		if (idig < 20)
			ip = ip * 10 + (s[i] - '0');
	if (idig == 0 || idig > 20)
		return -1;
	if (i < n && (s[i++] != '.' || i == n))
		return -1;
	for (; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		if (fdig == 9 && s[i] != '0')
			return -1;
		if (fdig < 9)
			frac = frac * 10 + (s[i] - '0'), fdig++;
	}
	for (; fdig < 9; fdig++)
		frac *= 10;
	*v = ip * SCALE + frac;
	if (neg)
		*v = -*v;
	return 0;
}

/* Reads "YYYY-MM-DD" at s into o.  Returns 0 or -1. */
static int parse_date(const char *s, struct ord *o)
{
	unsigned y, m, d;

	if (read_digits(s, 4, &y) < 0 || s[4] != '-' ||
	    read_digits(s + 5, 2, &m) < 0 || s[7] != '-' ||
	    read_digits(s + 8, 2, &d) < 0 || m < 1 || m > 12 || d < 1)
		return -1;
	o->days = days_from_civil(y, m, d);
	return 0;
}

/* Reads "YYYY-MM-DDTHH:MM:SS" and an optional "±HH:MM" into o. */
static int parse_datetime(const char *s, size_t n, struct ord *o)
{
	unsigned h, mi, se, oh, om;

	if ((n != 19 && n != 25) || parse_date(s, o) < 0 || s[10] != 'T' ||
	    read_digits(s + 11, 2, &h) < 0 || s[13] != ':' ||
	    read_digits(s + 14, 2, &mi) < 0 || s[16] != ':' ||
	    read_digits(s + 17, 2, &se) < 0)
		return -1;
	o->time = 1;
	o->secs = o->days * 86400 + h * 3600 + mi * 60 + se;
	if (n == 19)
		return 0;
	if ((s[19] != '+' && s[19] != '-') || read_digits(s + 20, 2, &oh) < 0 ||
	    s[22] != ':' || read_digits(s + 23, 2, &om) < 0)
		return -1;
	o->has_off = 1;
	o->off = (long long)(oh * 3600 + om * 60) * (s[19] == '-' ? -1 : 1);
	return 0;
}

/* Reads the normal form s (n bytes) of a field of type t into o.
 * Returns 0, or -1 when it is not one or t is not ordered. */
static int ord_of(enum field_type t, const char *s, size_t n, struct ord *o)
{
	memset(o, 0, sizeof(*o));
	switch (t) {
	case FIELD_INTEGER:
	case FIELD_DECIMAL:
	case FIELD_MONEY:
	case FIELD_RATE:
		o->num = 1;
		return parse_num(s, n, &o->v);
	case FIELD_DATE:
		return n == 10 ? parse_date(s, o) : -1;
	case FIELD_DATETIME:
		return parse_datetime(s, n, o);
	default:
		return -1;
	}
}

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

/* Compares two values of the same family.  A date and a datetime compare
 * on the day the datetime states; two datetimes on their UTC instant when
 * both have an offset, else on the local times as written. */
static int ord_cmp(const struct ord *a, const struct ord *b)
{
	if (a->num)
		return CMP(a->v, b->v);
	if (!a->time || !b->time)
		return CMP(a->days, b->days);
	if (a->has_off && b->has_off)
		return CMP(a->secs - a->off, b->secs - b->off);
	return CMP(a->secs, b->secs);
}

static int type_numeric(enum field_type t)
{
	return t == FIELD_INTEGER || t == FIELD_DECIMAL || t == FIELD_MONEY ||
	       t == FIELD_RATE;
}

static int type_temporal(enum field_type t)
{
	return t == FIELD_DATE || t == FIELD_DATETIME;
}

/* ---- normal forms ---- */

/* The normaliser of type t; NULL for text, enum and decimal. */
static enum norm_status (*normaliser(enum field_type t))(const char *,
							  size_t, char *,
							  size_t)
{
	switch (t) {
	case FIELD_INTEGER:
		return norm_integer;
	case FIELD_MONEY:
		return norm_money;
	case FIELD_RATE:
		return norm_rate;
	case FIELD_DATE:
		return norm_date;
	case FIELD_DATETIME:
		return norm_datetime;
	case FIELD_BOOLEAN:
		return norm_boolean;
	default:
		return NULL;
	}
}

/* 1 when s (n bytes) is in the normal form of type t, 0 when not, -1 when
 * memory ran out.  A normal form normalises to itself. */
static int normal_form(struct rules *r, enum field_type t, const char *s,
		       size_t n)
{
	enum norm_status st;

	switch (t) {
	case FIELD_TEXT:
	case FIELD_ENUM:
		return 1;
	case FIELD_DECIMAL:
		return norm_is_decimal(s, n);
	case FIELD_INTEGER:
		return norm_is_integer(s, n);
	case FIELD_MONEY:
		return norm_is_money(s, n);
	case FIELD_RATE:
		return norm_is_rate(s, n);
	case FIELD_DATE:
		return norm_is_date(s, n);
	case FIELD_DATETIME:
		return norm_is_datetime(s, n);
	case FIELD_BOOLEAN:
		return norm_is_boolean(s, n);
	case FIELD_LIST:
		break;
	}
	sbuf_reset(&r->scratch);
	if (sbuf_grow(&r->scratch, n) < 0)
		return -1;
	st = norm_list(s, n, "|", r->scratch.data, n + 1);
	return st == NORM_OK && memcmp(r->scratch.data, s, n) == 0 &&
	       r->scratch.data[n] == '\0';
}

/* ---- sets of strings ---- */

static void vset_fini(struct vset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		mem_free(s->v[i]);
	mem_free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* Splits text at '|' into s, each item trimmed of spaces.  Returns 0, 1
 * when an item is empty, -1 when memory ran out. */
static int vset_parse(struct vset *s, const char *text)
{
	const char *p = text, *e;
	size_t n, cnt = 1;
	char **v;

	for (e = text; *e; e++)
		cnt += *e == '|';
	if ((s->v = mem_calloc(cnt, sizeof(*s->v))) == NULL)
		return -1;
	for (;;) {
		e = strchr(p, '|');
		n = e ? (size_t)(e - p) : strlen(p);
		while (n > 0 && *p == ' ')
			p++, n--;
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n == 0)
			return 1;
		v = &s->v[s->n];
		if ((*v = mem_strndup(p, n)) == NULL)
			return -1;
		s->n++;
		if (e == NULL)
			return 0;
		p = e + 1;
	}
}

/* 1 when the n bytes at p are one of the strings of s. */
static int vset_has(const struct vset *s, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strlen(s->v[i]) == n && memcmp(s->v[i], p, n) == 0)
			return 1;
	return 0;
}

/* ---- unique keys ---- */

static int keyset_grow(struct keyset *k)
{
	size_t cap = k->cap ? k->cap * 2 : 1024, i, j;
	struct key_slot *slot = mem_calloc(cap, sizeof(*slot));

	if (slot == NULL)
		return -1;
	for (i = 0; i < k->cap; i++) {
		if (slot_at(&k->slot[i]) == 0)
			continue;
		for (j = hash64(k->slot[i].k, KEY_BYTES) & (cap - 1);
		     slot_at(&slot[j]) != 0;
		     j = (j + 1) & (cap - 1))
			;
		slot[j] = k->slot[i];
	}
	mem_free(k->slot);
	k->slot = slot;
	k->cap = cap;
	return 0;
}

/* Looks key up; when absent, adds it with its place at (file and line,
 * packed) and sets *first to 0, else sets *first to the first copy's
 * place.  Returns 0 or -1 (memory). */
static int keyset_put(struct keyset *k, const unsigned char *key,
		      uint64_t at, uint64_t *first)
{
	size_t i;

	*first = 0;
	if ((k->n + 1) * 4 > k->cap * 3 && keyset_grow(k) < 0)
		return -1;
	for (i = hash64(key, KEY_BYTES) & (k->cap - 1);
	     (*first = slot_at(&k->slot[i])) != 0; i = (i + 1) & (k->cap - 1))
		if (memcmp(k->slot[i].k, key, KEY_BYTES) == 0)
			return 0;
	memcpy(k->slot[i].k, key, KEY_BYTES);
	memcpy(k->slot[i].at, &at, sizeof(at));
	k->n++;
	return 0;
}

/* The 12 bytes that stand for the key s (n bytes) in a key set.  The last
 * byte tells the three forms apart, so that they never meet:
 * - at most 11 bytes: the bytes themselves, zero-padded, then 0x80 | n;
 * - a string of 12 to 19 digits (a SIRET): its value on 8 bytes, little
 *   endian, 3 zero bytes, then 0xC0 | n;
 * - anything else: the first 95 bits of its SHA-256 (top bit of the last
 *   byte cleared).
 * The first two are exact; the third takes the chance of two different
 * keys sharing 95 bits of SHA-256, about 1 in 10^17 for a million keys. */
static int key_of(struct rules *r, const char *s, size_t n,
		  unsigned char *key)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	uint64_t v = 0;
	unsigned len;
	size_t i;

	memset(key, 0, KEY_BYTES);
	if (n < KEY_BYTES) {
		memcpy(key, s, n);
		key[KEY_BYTES - 1] = (unsigned char)(0x80 | n);
		return 0;
	}
	for (i = 0; i < n && n <= 19 && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	if (i == n) {
		for (i = 0; i < 8; i++)
			key[i] = (unsigned char)(v >> (8 * i));
		key[KEY_BYTES - 1] = (unsigned char)(0xC0 | n);
		return 0;
	}
	if (EVP_DigestInit_ex(r->ctx, r->sha, NULL) != 1 ||
	    EVP_DigestUpdate(r->ctx, s, n) != 1 ||
	    EVP_DigestFinal_ex(r->ctx, md, &len) != 1)
		return -1;
	memcpy(key, md, KEY_BYTES);
	key[KEY_BYTES - 1] &= 0x7F;
	return 0;
}

/* 1 + the index of source file name in r->files, added when new; 0 when
 * memory ran out.  A stream names few files: the last one is tried
 * first. */
static uint32_t file_id(struct rules *r, const char *name)
{
	char **files;
	size_t i;

	if (r->nfiles > 0 && strcmp(r->files[r->last_file], name) == 0)
		return (uint32_t)(r->last_file + 1);
	for (i = 0; i < r->nfiles; i++)
		if (strcmp(r->files[i], name) == 0)
			break;
	if (i == r->nfiles) {
		if (r->nfiles == UINT32_MAX - 1)
			return 0;
		files = mem_realloc(r->files, (r->nfiles + 1) * sizeof(*files));
		if (files == NULL)
			return 0;
		r->files = files;
		if ((files[r->nfiles] = mem_strdup(name)) == NULL)
			return 0;
		r->nfiles++;
	}
	r->last_file = i;
	return (uint32_t)(i + 1);
}

/* ---- findings ---- */

void rules_findings_init(struct rules_findings *f, int messages)
{
	memset(f, 0, sizeof(*f));
	sbuf_init(&f->text);
	f->messages = messages;
}

void rules_findings_fini(struct rules_findings *f)
{
	sbuf_fini(&f->text);
	mem_free(f->item);
	memset(f, 0, sizeof(*f));
}

void rules_findings_reset(struct rules_findings *f)
{
	sbuf_reset(&f->text);
	f->n = 0;
}

/* Takes the len bytes at off in f's text as a new item. */
static int take_item(struct rules_findings *f, const struct call *c,
		     size_t off, size_t len)
{
	struct rules_finding *it;
	struct finding_item parts;
	const char *s = f->text.data + off;
	long idx;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;

		it = mem_realloc(f->item, cap * sizeof(*it));
		if (it == NULL)
			return -1;
		f->item = it;
		f->cap = cap;
	}
	it = &f->item[f->n++];
	memset(it, 0, sizeof(*it));
	finding_parse(s, len, &parts);
	it->off = off;
	it->len = len;
	it->error = parts.error;
	it->code_off = off + (size_t)(parts.code - s);
	it->code_len = parts.code_len;
	it->field_off = off + (size_t)(parts.field - s);
	it->field_len = parts.field_len;
	it->detail_off = off + (size_t)(parts.detail - s);
	it->detail_len = parts.detail_len;
	if (it->field_len == 0)
		return 0;
	idx = field_index(c, parts.field, parts.field_len);
	it->rank = idx >= 0 ? (size_t)idx + 1 : c->nfields + 1;
	return 0;
}

int rules_findings_parse(struct rules_findings *f, const struct call *c,
			 const char *s, size_t n)
{
	struct finding_item it;
	size_t pos = 0, off;

	while (finding_next(s, n, &pos, &it)) {
		off = f->text.len;
		if (sbuf_add(&f->text, it.item, it.len) < 0 ||
		    take_item(f, c, off, it.len) < 0)
			return -1;
	}
	return 0;
}

int rules_findings_add(struct rules_findings *f, const struct call *c,
		       int error, enum finding_code code, long field,
		       const char *detail, const char *msg, size_t msglen)
{
	size_t off = f->text.len;

	if (finding_write(&f->text, error, code,
			  field >= 0 ? c->fields[field].name : NULL, detail) < 0 ||
	    take_item(f, c, off, f->text.len - off) < 0)
		return -1;
	if (msg != NULL && msglen > 0) {
		f->item[f->n - 1].msg_off = f->text.len;
		f->item[f->n - 1].msg_len = msglen;
		if (sbuf_add(&f->text, msg, msglen) < 0)
			return -1;
	}
	return 0;
}

/* Orders two items: rank, field, code, detail, then the whole text. */
static int item_cmp(const struct rules_findings *f,
		    const struct rules_finding *a,
		    const struct rules_finding *b)
{
	const char *t = f->text.data;
	int c;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if ((c = bytes_cmp(t + a->field_off, a->field_len, t + b->field_off,
			   b->field_len)) != 0 ||
	    (c = bytes_cmp(t + a->code_off, a->code_len, t + b->code_off,
			   b->code_len)) != 0 ||
	    (c = bytes_cmp(t + a->detail_off, a->detail_len,
			   t + b->detail_off, b->detail_len)) != 0)
		return c;
	return bytes_cmp(t + a->off, a->len, t + b->off, b->len);
}

void rules_findings_sort(struct rules_findings *f)
{
	struct rules_finding tmp;
	size_t i, j, out;

	/* Insertion sort: a record has few findings, and it is stable. */
	for (i = 1; i < f->n; i++) {
		tmp = f->item[i];
		for (j = i; j > 0 && item_cmp(f, &f->item[j - 1], &tmp) > 0; j--)
			f->item[j] = f->item[j - 1];
		f->item[j] = tmp;
	}
	for (i = 0, out = 0; i < f->n; i++) {
		if (out > 0 && item_cmp(f, &f->item[out - 1], &f->item[i]) == 0) {
			if (f->item[out - 1].msg_len == 0) {
				f->item[out - 1].msg_off = f->item[i].msg_off;
				f->item[out - 1].msg_len = f->item[i].msg_len;
			}
			continue;
		}
		f->item[out++] = f->item[i];
	}
	f->n = out;
}

int rules_findings_format(const struct rules_findings *f, struct sbuf *out)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if ((i > 0 && sbuf_addc(out, ';') < 0) ||
		    sbuf_add(out, f->text.data + f->item[i].off,
			     f->item[i].len) < 0)
			return -1;
	return 0;
}

int rules_findings_has_error(const struct rules_findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->item[i].error)
			return 1;
	return 0;
}

int rules_finding_message(const struct rules_findings *f, size_t i,
			  struct sbuf *out)
{
	const struct rules_finding *it = &f->item[i];

	if (it->msg_len > 0)
		return sbuf_add(out, f->text.data + it->msg_off, it->msg_len);
	return finding_default_message(f->text.data + it->code_off,
				       it->code_len, out);
}

/* ---- loading ---- */

static void rule_fini(struct rule *ru)
{
	vset_fini(&ru->when_in);
	vset_fini(&ru->set);
	mem_free(ru->when_text);
	mem_free(ru->value);
	mem_free(ru->message);
	pcre2_code_free(ru->re);
	mem_free(ru->keys.slot);
}

void rules_free(struct rules *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		rule_fini(&r->rule[i]);
	for (i = 0; i < r->nfiles; i++)
		mem_free(r->files[i]);
	mem_free(r->files);
	mem_free(r->rule);
	mem_free(r->bad);
	mem_free(r->path);
	sbuf_fini(&r->scratch);
	sbuf_fini(&r->msg);
	pcre2_match_data_free(r->md);
	pcre2_match_context_free(r->mctx);
	pcre2_jit_stack_free(r->jit);
	EVP_MD_CTX_free(r->ctx);
	EVP_MD_free(r->sha);
	mem_free(r);
}

/* Sets up the matcher, once, for the first pattern. */
static int matcher_init(struct rules *r)
{
	if (r->md != NULL)
		return 0;
	r->md = pcre2_match_data_create(1, NULL);
	r->mctx = pcre2_match_context_create(NULL);
	if (r->md == NULL || r->mctx == NULL)
		return -1;
	pcre2_set_match_limit(r->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(r->mctx, DEPTH_LIMIT);
	pcre2_set_heap_limit(r->mctx, HEAP_LIMIT_KIB);
	/* NULL when PCRE2 was built without JIT: the interpreter runs, under
	 * the same limits. */
	r->jit = pcre2_jit_stack_create(JIT_STACK_MIN, JIT_STACK_MAX, NULL);
	if (r->jit != NULL)
		pcre2_jit_stack_assign(r->mctx, NULL, r->jit);
	return 0;
}

/* Sets up the hash of unique keys, once. */
static int hasher_init(struct rules *r)
{
	if (r->ctx != NULL)
		return 0;
	r->sha = EVP_MD_fetch(NULL, "SHA256", NULL);
	r->ctx = EVP_MD_CTX_new();
	return r->sha == NULL || r->ctx == NULL ? -1 : 0;
}

/* Compiles the pattern of ru, once and for all, with JIT when there. */
static int compile_pattern(struct rules *r, struct rule *ru,
			   struct diag *err)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	int code;

	ru->re = pcre2_compile((PCRE2_SPTR)ru->value, PCRE2_ZERO_TERMINATED,
			       PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED |
			       PCRE2_ENDANCHORED | PCRE2_NEVER_BACKSLASH_C,
			       &code, &off, NULL);
	if (ru->re == NULL) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"the pattern of field \"%s\" does not compile: "
				"%s at offset %zu", r->call->fields[ru->field].name,
				(const char *)msg, (size_t)off);
	}
	/* Without JIT (not built in, or no executable memory) the
	 * interpreter matches under the same limits. */
	pcre2_jit_compile(ru->re, PCRE2_JIT_COMPLETE);
	return matcher_init(r) < 0 ? diag_oom(err) : 0;
}

/* Normalises the bound of a min or max rule by its field's type. */
static int take_bound(struct rules *r, struct rule *ru, struct diag *err)
{
	const struct call_field *fd = &r->call->fields[ru->field];
	enum norm_status (*fn)(const char *, size_t, char *, size_t);
	char buf[64];
	size_t n = strlen(ru->value);

	fn = normaliser(fd->type);
	if (fd->type == FIELD_DECIMAL)
		fn = norm_decimal;
	if (!type_numeric(fd->type) && !type_temporal(fd->type))
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"%s\" needs a number, date or datetime "
				"field; \"%s\" is %s", kinds[ru->kind].name,
				fd->name, call_type_name(fd->type));
	if (fn(ru->value, n, buf, sizeof(buf)) != NORM_OK ||
	    ord_of(fd->type, buf, strlen(buf), &ru->bound) < 0)
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"the bound \"%s\" is not a %s value", ru->value,
				call_type_name(fd->type));
	return 0;
}

/* Checks the two fields of a max_share or not_after rule. */
static int take_pair(struct rules *r, struct rule *ru, struct diag *err)
{
	const struct call_field *a = &r->call->fields[ru->field];
	const struct call_field *b = &r->call->fields[ru->other];
	int num = ru->kind == RK_MAX_SHARE;

	if (num && (!type_numeric(a->type) || a->type == FIELD_RATE ||
		    !type_numeric(b->type) || b->type == FIELD_RATE))
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"max_share\" needs two integer, decimal "
				"or money fields");
	if (!num && !((type_numeric(a->type) && type_numeric(b->type)) ||
		      (type_temporal(a->type) && type_temporal(b->type))))
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"%s\" compares two numbers or two dates; "
				"\"%s\" is %s, \"%s\" is %s",
				kinds[ru->kind].name, a->name,
				call_type_name(a->type), b->name,
				call_type_name(b->type));
	if (num && (norm_rate(ru->value, strlen(ru->value), ru->share,
			      sizeof(ru->share)) != NORM_OK ||
		    parse_num(ru->share, strlen(ru->share), &ru->rate) < 0))
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"the share \"%s\" is not a rate (0.6 or 60 %%)",
				ru->value);
	return 0;
}

/* Compiles what the kind of ru needs from its value. */
static int take_kind(struct rules *r, struct rule *ru, struct diag *err)
{
	size_t i;
	int rc;

	switch (ru->kind) {
	case RK_MIN:
	case RK_MAX:
		return take_bound(r, ru, err);
	case RK_PATTERN:
		return compile_pattern(r, ru, err);
	case RK_CHECKSUM:
		ru->sum = checksum_named(ru->value);
		if (ru->sum == NULL)
			return diag_set(err, AAP_EUSAGE, r->path, ru->line,
					"unknown checksum \"%s\"", ru->value);
		return 0;
	case RK_ALLOWED:
	case RK_REGION:
		rc = vset_parse(&ru->set, ru->value);
		if (rc < 0)
			return diag_oom(err);
		if (rc > 0)
			return diag_set(err, AAP_EUSAGE, r->path, ru->line,
					"an empty value in \"%s\"", ru->value);
		for (i = 0; ru->kind == RK_REGION && i < ru->set.n; i++)
			if (!region_valid_dep(ru->set.v[i]))
				return diag_set(err, AAP_EUSAGE, r->path,
						ru->line, "\"%s\" is not a "
						"département code", ru->set.v[i]);
		return 0;
	case RK_UNIQUE:
		return hasher_init(r) < 0 ? diag_oom(err) : 0;
	case RK_MAX_SHARE:
	case RK_NOT_AFTER:
	case RK_NOT_ABOVE:
		return take_pair(r, ru, err);
	default:
		return 0;
	}
}

/* Reads the when cell "FIELD=V1|V2" of ru. */
static int take_when(struct rules *r, struct rule *ru, const char *when,
		     struct diag *err)
{
	const char *eq = strchr(when, '=');
	int rc;

	ru->when = -1;
	if (*when == '\0')
		return 0;
	if (eq == NULL ||
	    (ru->when = field_index(r->call, when, (size_t)(eq - when))) < 0)
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"bad condition \"%s\": FIELD=VALUE|VALUE... with "
				"a field of the call", when);
	rc = vset_parse(&ru->when_in, eq + 1);
	if (rc < 0)
		return diag_oom(err);
	if (rc > 0)
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"an empty value in the condition \"%s\"", when);
	return 0;
}

/* The cell of column name in row, "" when the table has no such column. */
static const char *cell(const struct table *t, const struct table_row *row,
			const char *name)
{
	long c = table_col(t, name);

	return c >= 0 ? row->cells[c] : "";
}

/* Reads the severity cell into ru->error. */
static int take_severity(struct rules *r, struct rule *ru, const char *sev,
			 struct diag *err)
{
	if (*sev == '\0' || strcmp(sev, "error") == 0)
		ru->error = 1;
	else if (strcmp(sev, "warning") == 0)
		ru->error = 0;
	else
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"severity must be error or warning, not \"%s\"",
				sev);
	return 0;
}

/* Reads the field, rule and other cells of row into ru. */
static int take_names(struct rules *r, struct rule *ru, const char *field,
		      const char *kind, const char *other, struct diag *err)
{
	const struct kind *k;
	long idx;

	for (k = kinds; k < kinds + NKINDS && strcmp(k->name, kind) != 0; k++)
		;
	if (k == kinds + NKINDS) {
		diag_set(err, AAP_EUSAGE, r->path, ru->line,
			 "unknown rule \"%s\"", kind);
		diag_hint(err, "rules: required, min, max, allowed, pattern, "
			       "checksum, unique, region, max_share, not_after, "
			       "not_above; a field's type is in fields.csv");
		return -1;
	}
	ru->kind = (enum rule_kind)(k - kinds);
	if ((idx = field_index(r->call, field, strlen(field))) < 0)
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"%s\" names the field \"%s\", which the "
				"call does not have", kind, field);
	ru->field = (size_t)idx;
	ru->other = -1;
	if (*other == '\0' && k->other == MUST)
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"%s\" needs the other field", kind);
	if (*other != '\0' && k->other == NO)
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"%s\" takes no other field", kind);
	if (*other != '\0' &&
	    (ru->other = field_index(r->call, other, strlen(other))) < 0)
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"%s\" names the other field \"%s\", which "
				"the call does not have", kind, other);
	return 0;
}

/* Reads one row of rules.csv into ru. */
static int take_rule(struct rules *r, const struct table *t,
		     const struct table_row *row, struct rule *ru,
		     struct diag *err)
{
	const char *value = cell(t, row, "value");

	ru->line = row->line;
	if (take_names(r, ru, cell(t, row, "field"), cell(t, row, "rule"),
		       cell(t, row, "other"), err) < 0 ||
	    take_severity(r, ru, cell(t, row, "severity"), err) < 0)
		return -1;
	if ((ru->value = mem_strdup(value)) == NULL ||
	    (ru->message = mem_strdup(cell(t, row, "message"))) == NULL ||
	    (ru->when_text = mem_strdup(cell(t, row, "when"))) == NULL)
		return diag_oom(err);
	if (kinds[ru->kind].value == MUST && *value == '\0')
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"%s\" needs a value", kinds[ru->kind].name);
	if (kinds[ru->kind].value == NO && *value != '\0')
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"%s\" takes no value", kinds[ru->kind].name);
	if (take_when(r, ru, ru->when_text, err) < 0)
		return -1;
	return take_kind(r, ru, err);
}

/* Refuses a rule given twice: same field, kind, other field, condition. */
static int check_duplicate(struct rules *r, const struct rule *ru,
			   struct diag *err)
{
	const struct rule *o;

	for (o = r->rule; o < ru; o++)
		if (o->field == ru->field && o->kind == ru->kind &&
		    o->other == ru->other &&
		    strcmp(o->when_text, ru->when_text) == 0)
			return diag_set(err, AAP_EUSAGE, r->path, ru->line,
					"rule \"%s\" of field \"%s\" is given "
					"twice, first at line %lu",
					kinds[ru->kind].name,
					r->call->fields[ru->field].name, o->line);
	return 0;
}

static int load_table(struct rules *r, struct call *c, struct diag *err)
{
	static const char *const cols[] = { "field", "rule", "value", "other",
					    "when", "severity", "message" };
	static const int need[] = { 1, 1, 0, 0, 0, 0, 0 };
	struct table *t = NULL;
	size_t i;
	int rc = -1;

	if (call_table(c, "rules.csv", &t, err) < 0 ||
	    table_expect(t, cols, need, 7, err) < 0)
		goto done;
	if ((r->path = mem_strdup(t->path)) == NULL ||
	    (r->rule = mem_calloc(t->nrows, sizeof(*r->rule))) == NULL) {
		diag_oom(err);
		goto done;
	}
	for (i = 0; i < t->nrows; i++) {
		r->n++;
		if (take_rule(r, t, &t->rows[i], &r->rule[i], err) < 0 ||
		    check_duplicate(r, &r->rule[i], err) < 0)
			goto done;
	}
	rc = 0;
done:
	table_free(t);
	return rc;
}

int rules_load(struct call *c, struct rules **out, struct diag *err)
{
	struct rules *r = mem_calloc(1, sizeof(*r));

	*out = NULL;
	if (r == NULL || (r->bad = mem_calloc(c->nfields, 1)) == NULL) {
		mem_free(r);
		return diag_oom(err);
	}
	r->call = c;
	sbuf_init(&r->scratch);
	sbuf_init(&r->msg);
	if (call_has_table(c, "rules.csv") && load_table(r, c, err) < 0) {
		rules_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

/* ---- checking ---- */

#define KIND_CODE (-1) /* for finding4: the code of the rule's kind */

/* Adds a finding of ru about field, with code (KIND_CODE: the code of
 * ru's kind) and detail (may be NULL).  Its message for people is ru's,
 * when it has one and code is KIND_CODE, else the four pieces (each may be
 * NULL) put together. */
static int finding4(struct rules *r, const struct rule *ru,
		    struct rules_findings *f, int code, long field,
		    const char *detail, const char *const piece[4])
{
	const char *msg = NULL;
	size_t len = 0, i;

	if (f->messages && code == KIND_CODE && ru->message[0] != '\0') {
		msg = ru->message;
		len = strlen(msg);
	} else if (f->messages) {
		sbuf_reset(&r->msg);
		for (i = 0; i < 4; i++)
			if (piece[i] != NULL && sbuf_adds(&r->msg, piece[i]) < 0)
				return -1;
		msg = r->msg.data;
		len = r->msg.len;
	}
	return rules_findings_add(f, r->call, ru->error,
				  code == KIND_CODE ? kinds[ru->kind].code :
				  (enum finding_code)code, field,
				  detail, msg, len);
}

/* finding4 with the message in three pieces (each may be NULL). */
static int finding(struct rules *r, const struct rule *ru,
		   struct rules_findings *f, int code, long field,
		   const char *detail, const char *a, const char *b,
		   const char *c)
{
	const char *const piece[4] = { a, b, c, NULL };

	return finding4(r, ru, f, code, field, detail, piece);
}

/* 1 when field i of rec has a value the rules can use. */
static int usable(const struct rules *r, const struct rules_record *rec,
		  long i)
{
	return i >= 0 && rec->len[i] > 0 && !r->bad[i];
}

/* Checks every non-empty value against its type, unless an error about
 * its field is there already; marks the unusable ones in r->bad. */
static int check_types(struct rules *r, const struct rules_record *rec,
		       struct rules_findings *f)
{
	const struct call *c = r->call;
	size_t i;
	int ok;

	memset(r->bad, 0, c->nfields);
	for (i = 0; i < f->n; i++)
		if (f->item[i].error && f->item[i].rank >= 1 &&
		    f->item[i].rank <= c->nfields)
			r->bad[f->item[i].rank - 1] = 1;
	for (i = 0; i < c->nfields; i++) {
		if (rec->len[i] == 0 || r->bad[i])
			continue;
		ok = normal_form(r, c->fields[i].type, rec->val[i], rec->len[i]);
		if (ok < 0)
			return -1;
		if (ok)
			continue;
		r->bad[i] = 1;
		if (rules_findings_add(f, c, FINDING_ERROR, FINDING_BAD_TYPE,
				       (long)i, call_type_name(c->fields[i].type),
				       NULL, 0) < 0)
			return -1;
	}
	return 0;
}

/* 1 when the condition of ru holds for rec. */
static int applies(const struct rules *r, const struct rule *ru,
		   const struct rules_record *rec)
{
	if (ru->when < 0)
		return 1;
	return usable(r, rec, ru->when) &&
	       vset_has(&ru->when_in, rec->val[ru->when], rec->len[ru->when]);
}

static int check_bound(struct rules *r, const struct rule *ru,
		       const struct rules_record *rec,
		       struct rules_findings *f)
{
	enum field_type t = r->call->fields[ru->field].type;
	struct ord v;
	int c;

	if (ord_of(t, rec->val[ru->field], rec->len[ru->field], &v) < 0)
		return 0;
	c = ord_cmp(&v, &ru->bound);
	if (ru->kind == RK_MIN && c < 0)
		return finding(r, ru, f, KIND_CODE, (long)ru->field, NULL,
			       "below the minimum ", ru->value, NULL);
	if (ru->kind == RK_MAX && c > 0)
		return finding(r, ru, f, KIND_CODE, (long)ru->field, NULL,
			       "above the maximum ", ru->value, NULL);
	return 0;
}

static int check_allowed(struct rules *r, const struct rule *ru,
			 const struct rules_record *rec,
			 struct rules_findings *f)
{
	const char *s = rec->val[ru->field], *end = s + rec->len[ru->field];
	const char *e;
	int list = r->call->fields[ru->field].type == FIELD_LIST;

	/* A list passes when each of its items is allowed. */
	for (;;) {
		e = list ? memchr(s, '|', (size_t)(end - s)) : NULL;
		if (e == NULL)
			e = end;
		if (!vset_has(&ru->set, s, (size_t)(e - s)))
			return finding(r, ru, f, KIND_CODE, (long)ru->field, NULL,
				       "not one of the allowed values: ",
				       ru->value, NULL);
		if (e == end)
			return 0;
		s = e + 1;
	}
}

/* Stops the run: ru's pattern hit a bound of the matcher on rec. */
static int unsafe_pattern(const struct rules *r, const struct rule *ru,
			  const struct rules_record *rec, int rc,
			  struct diag *err)
{
	PCRE2_UCHAR msg[256];

	pcre2_get_error_message(rc, msg, sizeof(msg));
	diag_set(err, AAP_EUSAGE, r->path, ru->line,
		 "the pattern of field \"%s\" is unsafe: %s on application "
		 "\"%.*s\" (%s line %lu)", r->call->fields[ru->field].name,
		 (const char *)msg, (int)(rec->len[0] > 100 ? 100 : rec->len[0]),
		 rec->val[0], rec->file[0] ? rec->file : "-", rec->line);
	diag_hint(err, "the call's rule is unsafe: write a pattern that does "
		       "not backtrack without bound");
	return -1;
}

static int check_pattern(struct rules *r, const struct rule *ru,
			 const struct rules_record *rec,
			 struct rules_findings *f, struct diag *err)
{
	size_t n = rec->len[ru->field];
	int rc;

	if (n > RULES_SUBJECT_MAX)
		return finding(r, ru, f, FINDING_TOO_LONG, (long)ru->field, "pattern",
			       "too long to be matched against a pattern", NULL,
			       NULL) < 0 ? diag_oom(err) : 0;
	rc = pcre2_match(ru->re, (PCRE2_SPTR)rec->val[ru->field], n, 0, 0,
			 r->md, r->mctx);
	if (rc >= 0)
		return 0;
	if (rc == PCRE2_ERROR_NOMATCH)
		rc = finding(r, ru, f, KIND_CODE, (long)ru->field, NULL,
			     "does not match the pattern ", ru->value, NULL);
	else if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21)
		rc = finding(r, ru, f, FINDING_BAD_ENCODING, (long)ru->field, NULL,
			     "not valid UTF-8", NULL, NULL);
	else if (rc == PCRE2_ERROR_NOMEMORY)
		return diag_oom(err);
	else
		return unsafe_pattern(r, ru, rec, rc, err);
	return rc < 0 ? diag_oom(err) : 0;
}

static int check_unique(struct rules *r, struct rule *ru,
			const struct rules_record *rec,
			struct rules_findings *f, struct diag *err)
{
	unsigned char key[KEY_BYTES];
	uint32_t file = file_id(r, rec->file);
	uint64_t first, first_file;
	char num[24], where[512];

	if (file == 0)
		return diag_oom(err);
	if (file > KEY_FILE_MAX || rec->line > KEY_LINE_MAX)
		return diag_set(err, AAP_EDATA, rec->file, rec->line,
				"too many source files or lines for the "
				"duplicate check (at most %u files of %llu "
				"lines)", KEY_FILE_MAX,
				(unsigned long long)KEY_LINE_MAX);
	if (key_of(r, rec->val[ru->field], rec->len[ru->field], key) < 0 ||
	    keyset_put(&ru->keys, key,
		       (uint64_t)file << KEY_LINE_BITS | rec->line, &first) < 0)
		return diag_oom(err);
	if (first == 0)
		return 0;
	first_file = first >> KEY_LINE_BITS;
	snprintf(num, sizeof(num), "%llu",
		 (unsigned long long)(first & KEY_LINE_MAX));
	/* The line alone when both copies come from the same file. */
	if (first_file != file)
		snprintf(where, sizeof(where), "line %s of %.400s", num,
			 r->files[first_file - 1]);
	else
		snprintf(where, sizeof(where), "line %s", num);
	if (finding(r, ru, f, KIND_CODE, (long)ru->field, num,
		    "the same value as the application at ", where, NULL) < 0)
		return diag_oom(err);
	return 0;
}

static int check_region(struct rules *r, const struct rule *ru,
			const struct rules_record *rec,
			struct rules_findings *f)
{
	char dep[REGION_DEP_MAX];
	long used = (long)ru->field;

	if (!usable(r, rec, used) ||
	    !region_from_insee(rec->val[used], rec->len[used], dep)) {
		used = ru->other;
		if (!usable(r, rec, used) ||
		    !region_from_postcode(rec->val[used], rec->len[used], dep))
			return finding(r, ru, f, FINDING_UNKNOWN_LOCATION,
				       (long)ru->field, NULL, "neither the commune "
				       "code nor the postcode gives a département",
				       NULL, NULL);
	}
	if (vset_has(&ru->set, dep, strlen(dep)))
		return 0;
	return finding(r, ru, f, KIND_CODE, used, dep, "located in département ", dep,
		       ", outside the call's region");
}

static int check_share(struct rules *r, const struct rule *ru,
		       const struct rules_record *rec,
		       struct rules_findings *f)
{
	const char *const piece[4] = { "more than ", ru->value,
				       " of the field ",
				       r->call->fields[ru->other].name };
	wide part, whole;

	if (parse_num(rec->val[ru->field], rec->len[ru->field], &part) < 0 ||
	    parse_num(rec->val[ru->other], rec->len[ru->other], &whole) < 0)
		return 0;
	/* part / whole <= rate, without division: part and whole are
	 * below 10^24, rate at most 10^9. */
	if (part * SCALE <= ru->rate * whole)
		return 0;
	return finding4(r, ru, f, KIND_CODE, (long)ru->field, ru->share, piece);
}

static int check_order(struct rules *r, const struct rule *ru,
		       const struct rules_record *rec,
		       struct rules_findings *f)
{
	const struct call *c = r->call;
	struct ord a, b;

	if (ord_of(c->fields[ru->field].type, rec->val[ru->field],
		   rec->len[ru->field], &a) < 0 ||
	    ord_of(c->fields[ru->other].type, rec->val[ru->other],
		   rec->len[ru->other], &b) < 0 || ord_cmp(&a, &b) <= 0)
		return 0;
	return finding(r, ru, f, KIND_CODE, (long)ru->field, c->fields[ru->other].name,
		       ru->kind == RK_NOT_AFTER ? "after the field "
					       : "above the field ",
		       c->fields[ru->other].name, NULL);
}

/* Checks rule ru against rec. */
static int check_rule(struct rules *r, struct rule *ru,
		      const struct rules_record *rec,
		      struct rules_findings *f, struct diag *err)
{
	long fld = (long)ru->field;
	int rc = 0;

	if (ru->kind == RK_REQUIRED)
		rc = rec->len[fld] == 0
			     ? finding(r, ru, f, KIND_CODE, fld, NULL, "a value is required",
				       NULL, NULL) : 0;
	else if (ru->kind == RK_REGION)
		rc = check_region(r, ru, rec, f);
	else if (!usable(r, rec, fld) ||
		 (ru->other >= 0 && !usable(r, rec, ru->other)))
		rc = 0;
	else if (ru->kind == RK_PATTERN)
		return check_pattern(r, ru, rec, f, err);
	else if (ru->kind == RK_UNIQUE)
		return check_unique(r, ru, rec, f, err);
	else if (ru->kind == RK_MIN || ru->kind == RK_MAX)
		rc = check_bound(r, ru, rec, f);
	else if (ru->kind == RK_ALLOWED)
		rc = check_allowed(r, ru, rec, f);
	else if (ru->kind == RK_CHECKSUM)
		rc = ru->sum(rec->val[fld], rec->len[fld])
			     ? 0 : finding(r, ru, f, KIND_CODE, fld, ru->value, "fails the ",
					   ru->value, " checksum");
	else if (ru->kind == RK_MAX_SHARE)
		rc = check_share(r, ru, rec, f);
	else
		rc = check_order(r, ru, rec, f);
	return rc < 0 ? diag_oom(err) : 0;
}

int rules_check(struct rules *r, const struct rules_record *rec,
		struct rules_findings *f, struct diag *err)
{
	size_t i;

	if (check_types(r, rec, f) < 0)
		return diag_oom(err);
	for (i = 0; i < r->n; i++)
		if (applies(r, &r->rule[i], rec) &&
		    check_rule(r, &r->rule[i], rec, f, err) < 0)
			return -1;
	return 0;
}
