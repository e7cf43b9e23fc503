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
#include "diag.h"
#include "finding.h"
#include "htab.h"
#include "mem.h"
#include "norm.h"
#include "region.h"
#include "rules.h"
#include "ruleset.h"

/* Bounds of the matcher: a pattern that needs more is unsafe. */
#define MATCH_LIMIT 1000000u
#define DEPTH_LIMIT 10000u
#define HEAP_LIMIT_KIB 16384u
#define JIT_STACK_MIN ((size_t)32 << 10)
#define JIT_STACK_MAX ((size_t)1 << 20)

#define KEY_BYTES 12     /* a unique key is kept in 12 bytes (key_of) */

/* The finding each kind of rule gives. */
static const enum finding_code kind_code[] = {
	[RULESET_REQUIRED] = FINDING_MISSING,
	[RULESET_MIN] = FINDING_BELOW_MIN,
	[RULESET_MAX] = FINDING_ABOVE_MAX,
	[RULESET_ALLOWED] = FINDING_NOT_ALLOWED,
	[RULESET_PATTERN] = FINDING_NO_MATCH,
	[RULESET_CHECKSUM] = FINDING_BAD_CHECKSUM,
	[RULESET_UNIQUE] = FINDING_DUPLICATE,
	[RULESET_REGION] = FINDING_OUTSIDE_REGION,
	[RULESET_MAX_SHARE] = FINDING_SHARE_ABOVE_MAX,
	[RULESET_NOT_AFTER] = FINDING_AFTER,
	[RULESET_NOT_ABOVE] = FINDING_ABOVE,
};

/* One key of a set of unique keys: 20 bytes, with no padding.  The
 * first copy's place is packed in 8 bytes: 1 + the index of its source
 * file in the top 24 bits, its line in the low 40. */
#define KEY_LINE_BITS 40
#define KEY_LINE_MAX (((uint64_t)1 << KEY_LINE_BITS) - 1)
#define KEY_FILE_MAX ((1u << (64 - KEY_LINE_BITS)) - 1)
struct key_slot {
	unsigned char k[KEY_BYTES]; /* the key, as key_of keeps it */
	unsigned char at[8];        /* file and line, packed; read with memcpy */
};

/* The keys met so far by one unique rule. */
struct keyset {
	struct key_slot *key;  /* the keys, in the order met */
	size_t n, cap;         /* used, allocated */
	struct htab index;     /* the keys by their bytes */
};

struct rules {
	const struct call *call; /* the call */
	struct ruleset *set;     /* the rules, in file order */
	struct keyset *keys;     /* per rule: the keys a unique rule met */
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



/* ---- normal forms ---- */
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

/* ---- unique keys ---- */

/* The bytes of key id of the keyset ctx (htab_key_fn). */
static const void *keyset_key(const void *ctx, size_t id, size_t *n)
{
	const struct keyset *k = ctx;

	*n = KEY_BYTES;
	return k->key[id].k;
}

/* Looks key up; when absent, adds it with its place at (file and line,
 * packed) and sets *first to 0, else sets *first to the first copy's
 * place.  Returns 0 or -1 (memory). */
static int keyset_put(struct keyset *k, const unsigned char *key,
		      uint64_t at, uint64_t *first)
{
	struct key_slot *e;
	size_t cap, id;
	int r;

	*first = 0;
	if (k->n == k->cap) {
		cap = k->cap ? k->cap * 2 : 1024;
		if ((e = mem_realloc(k->key, cap * sizeof(*e))) == NULL)
			return -1;
		k->key = e;
		k->cap = cap;
	}
	if ((r = htab_put(&k->index, key, KEY_BYTES, k->n, &id)) < 0)
		return -1;
	if (r == 1) {
		memcpy(first, k->key[id].at, sizeof(*first));
		return 0;
	}
	memcpy(k->key[k->n].k, key, KEY_BYTES);
	memcpy(k->key[k->n].at, &at, sizeof(at));
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
	it->rank = finding_rank(&parts, c);
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

/* Orders two items as finding_cmp does. */
static int item_cmp(const struct rules_findings *f,
		    const struct rules_finding *a,
		    const struct rules_finding *b)
{
	struct finding_item va, vb;

	finding_parse(f->text.data + a->off, a->len, &va);
	finding_parse(f->text.data + b->off, b->len, &vb);
	return finding_cmp(&va, a->rank, &vb, b->rank);
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

void rules_free(struct rules *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; r->keys != NULL && i < r->set->n; i++) {
		htab_fini(&r->keys[i].index);
		mem_free(r->keys[i].key);
	}
	mem_free(r->keys);
	ruleset_free(r->set);
	for (i = 0; i < r->nfiles; i++)
		mem_free(r->files[i]);
	mem_free(r->files);
	mem_free(r->bad);
	sbuf_fini(&r->scratch);
	sbuf_fini(&r->msg);
	pcre2_match_data_free(r->md);
	pcre2_match_context_free(r->mctx);
	pcre2_jit_stack_free(r->jit);
	EVP_MD_CTX_free(r->ctx);
	EVP_MD_free(r->sha);
	mem_free(r);
}

/* Sets up the matcher, once, for the first pattern, and compiles pattern
 * re with JIT when there. */
static int matcher_init(struct rules *r, pcre2_code *re)
{
	/* Without JIT (not built in, or no executable memory) the
	 * interpreter matches under the same limits. */
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
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

int rules_load(struct call *c, struct rules **out, struct diag *err)
{
	struct rules *r = mem_calloc(1, sizeof(*r));
	size_t i;

	*out = NULL;
	if (r == NULL || (r->bad = mem_calloc(c->nfields, 1)) == NULL) {
		mem_free(r);
		return diag_oom(err);
	}
	r->call = c;
	sbuf_init(&r->scratch);
	sbuf_init(&r->msg);
	if (ruleset_load(c, &r->set, err) < 0) {
		rules_free(r);
		return -1;
	}
	if ((r->keys = mem_calloc(r->set->n + 1, sizeof(*r->keys))) == NULL) {
		rules_free(r);
		return diag_oom(err);
	}
	for (i = 0; i < r->set->n; i++)
		htab_init(&r->keys[i].index, keyset_key, &r->keys[i]);
	for (i = 0; i < r->set->n; i++)
		if ((r->set->rule[i].kind == RULESET_PATTERN &&
		     matcher_init(r, r->set->rule[i].re) < 0) ||
		    (r->set->rule[i].kind == RULESET_UNIQUE && hasher_init(r) < 0)) {
			rules_free(r);
			return diag_oom(err);
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
static int finding4(struct rules *r, const struct ruleset_rule *ru,
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
				  code == KIND_CODE ? kind_code[ru->kind] :
				  (enum finding_code)code, field,
				  detail, msg, len);
}

/* finding4 with the message in three pieces (each may be NULL). */
static int finding(struct rules *r, const struct ruleset_rule *ru,
		   struct rules_findings *f, int code, long field,
		   const char *detail, const char *a, const char *b,
		   const char *c)
{
	const char *const piece[4] = { a, b, c, NULL };

	return finding4(r, ru, f, code, field, detail, piece);
}

/* The detail of a checksum finding on field fld: the checksum, or NULL
 * when the field bears its name (error:bad_checksum:siret, not
 * error:bad_checksum:siret:siret). */
static const char *checksum_detail(const struct rules *r,
				   const struct ruleset_rule *ru, long fld)
{
	return strcmp(r->call->fields[fld].name, ru->value) == 0 ? NULL
								 : ru->value;
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
static int applies(const struct rules *r, const struct ruleset_rule *ru,
		   const struct rules_record *rec)
{
	if (ru->when < 0)
		return 1;
	return usable(r, rec, ru->when) &&
	       ruleset_set_has(&ru->when_in, rec->val[ru->when], rec->len[ru->when]);
}

static int check_bound(struct rules *r, const struct ruleset_rule *ru,
		       const struct rules_record *rec,
		       struct rules_findings *f)
{
	enum field_type t = r->call->fields[ru->field].type;
	struct ruleset_ord v;
	int c;

	if (ruleset_ord_of(t, rec->val[ru->field], rec->len[ru->field], &v) < 0)
		return 0;
	c = ruleset_ord_cmp(&v, &ru->bound);
	if (ru->kind == RULESET_MIN && c < 0)
		return finding(r, ru, f, KIND_CODE, (long)ru->field, NULL,
			       "below the minimum ", ru->value, NULL);
	if (ru->kind == RULESET_MAX && c > 0)
		return finding(r, ru, f, KIND_CODE, (long)ru->field, NULL,
			       "above the maximum ", ru->value, NULL);
	return 0;
}

static int check_allowed(struct rules *r, const struct ruleset_rule *ru,
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
		if (!ruleset_set_has(&ru->set, s, (size_t)(e - s)))
			return finding(r, ru, f, KIND_CODE, (long)ru->field, NULL,
				       "not one of the allowed values: ",
				       ru->value, NULL);
		if (e == end)
			return 0;
		s = e + 1;
	}
}

/* Stops the run: ru's pattern hit a bound of the matcher on rec. */
static int unsafe_pattern(const struct rules *r, const struct ruleset_rule *ru,
			  const struct rules_record *rec, int rc,
			  struct diag *err)
{
	PCRE2_UCHAR msg[256];

	pcre2_get_error_message(rc, msg, sizeof(msg));
	diag_set(err, AAP_EUSAGE, r->set->path, ru->line,
		 "the pattern of field \"%s\" is unsafe: %s on application "
		 "\"%.*s\" (%s line %lu)", r->call->fields[ru->field].name,
		 (const char *)msg, (int)(rec->len[0] > 100 ? 100 : rec->len[0]),
		 rec->val[0], rec->file[0] ? rec->file : "-", rec->line);
	diag_hint(err, "the call's rule is unsafe: write a pattern that does "
		       "not backtrack without bound");
	return -1;
}

static int check_pattern(struct rules *r, const struct ruleset_rule *ru,
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

static int check_unique(struct rules *r, struct ruleset_rule *ru,
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
	    keyset_put(&r->keys[ru - r->set->rule], key,
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

static int check_region(struct rules *r, const struct ruleset_rule *ru,
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
	if (ruleset_set_has(&ru->set, dep, strlen(dep)))
		return 0;
	return finding(r, ru, f, KIND_CODE, used, dep, "located in département ", dep,
		       ", outside the call's region");
}

static int check_share(struct rules *r, const struct ruleset_rule *ru,
		       const struct rules_record *rec,
		       struct rules_findings *f)
{
	const char *const piece[4] = { "more than ", ru->value,
				       " of the field ",
				       r->call->fields[ru->other].name };
	ruleset_wide part, whole;

	if (ruleset_parse_num(rec->val[ru->field], rec->len[ru->field], &part) < 0 ||
	    ruleset_parse_num(rec->val[ru->other], rec->len[ru->other], &whole) < 0)
		return 0;
	/* part / whole <= rate, without division: part and whole are
	 * below 10^24, rate at most 10^9. */
	if (part * RULESET_SCALE <= ru->rate * whole)
		return 0;
	return finding4(r, ru, f, KIND_CODE, (long)ru->field, ru->share, piece);
}

static int check_order(struct rules *r, const struct ruleset_rule *ru,
		       const struct rules_record *rec,
		       struct rules_findings *f)
{
	const struct call *c = r->call;
	struct ruleset_ord a, b;

	if (ruleset_ord_of(c->fields[ru->field].type, rec->val[ru->field],
		   rec->len[ru->field], &a) < 0 ||
	    ruleset_ord_of(c->fields[ru->other].type, rec->val[ru->other],
		   rec->len[ru->other], &b) < 0 || ruleset_ord_cmp(&a, &b) <= 0)
		return 0;
	return finding(r, ru, f, KIND_CODE, (long)ru->field, c->fields[ru->other].name,
		       ru->kind == RULESET_NOT_AFTER ? "after the field "
					       : "above the field ",
		       c->fields[ru->other].name, NULL);
}

/* Checks rule ru against rec. */
static int check_rule(struct rules *r, struct ruleset_rule *ru,
		      const struct rules_record *rec,
		      struct rules_findings *f, struct diag *err)
{
	long fld = (long)ru->field;
	int rc = 0;

	if (ru->kind == RULESET_REQUIRED)
		rc = rec->len[fld] == 0
			     ? finding(r, ru, f, KIND_CODE, fld, NULL, "a value is required",
				       NULL, NULL) : 0;
	else if (ru->kind == RULESET_REGION)
		rc = check_region(r, ru, rec, f);
	else if (!usable(r, rec, fld) ||
		 (ru->other >= 0 && !usable(r, rec, ru->other)))
		rc = 0;
	else if (ru->kind == RULESET_PATTERN)
		return check_pattern(r, ru, rec, f, err);
	else if (ru->kind == RULESET_UNIQUE)
		return check_unique(r, ru, rec, f, err);
	else if (ru->kind == RULESET_MIN || ru->kind == RULESET_MAX)
		rc = check_bound(r, ru, rec, f);
	else if (ru->kind == RULESET_ALLOWED)
		rc = check_allowed(r, ru, rec, f);
	else if (ru->kind == RULESET_CHECKSUM)
		rc = ru->sum(rec->val[fld], rec->len[fld])
			     ? 0 : finding(r, ru, f, KIND_CODE, fld,
					   checksum_detail(r, ru, fld), "fails the ",
					   ru->value, " checksum");
	else if (ru->kind == RULESET_MAX_SHARE)
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
	for (i = 0; i < r->set->n; i++)
		if (applies(r, &r->set->rule[i], rec) &&
		    check_rule(r, &r->set->rule[i], rec, f, err) < 0)
			return -1;
	return 0;
}
