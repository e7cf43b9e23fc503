/* labels.h - the words aap-export shows people: decisions, finding codes,
 * rank reasons, sheet and column headers, in French or English, from one
 * built-in table that a call folder's labels.csv can override. */
#ifndef LABELS_H
#define LABELS_H

#include "sbuf.h"

struct call;
struct diag;
struct labels;

/* Languages a document can be written in. */
enum labels_lang {
	LABELS_FR, /* French, the default */
	LABELS_EN  /* English */
};

/* Sets *lang from its code ("fr", "en").  Returns 0, or -1 when code is
 * not one of them. */
int labels_lang_parse(const char *code, enum labels_lang *lang);

/* Loads the labels in lang for call: the built-in table, overridden by the
 * call folder's labels.csv when it has one (which is then recorded among
 * call->files).  Returns 0 with *out set (owned by the caller, free with
 * labels_free), or -1 with err set: AAP_EUSAGE for a labels.csv that is
 * wrong (an unknown key, a bad column: file and line named), AAP_ESYS
 * when it cannot be read or memory ran out. */
int labels_load(struct call *call, enum labels_lang lang,
		struct labels **out, struct diag *err);

/* Frees l; labels_free(NULL) does nothing. */
void labels_free(struct labels *l);

/* The language of l. */
enum labels_lang labels_lang(const struct labels *l);

/* The label of key ("decision:funded", "col:rank", "finding:missing",
 * "criterion:excellence", "field:siret"), or NULL when there is none.
 * Owned by l. */
const char *labels_find(const struct labels *l, const char *key);

/* The label of "prefix:name": labels_find's, else name itself (a code the
 * table does not know is shown as it is spelt).  Owned by l or by the
 * caller of name. */
const char *labels_word(const struct labels *l, const char *prefix,
			const char *name, struct sbuf *scratch);

/* Appends to out the label of key with each "{}" in it replaced by arg
 * (the key itself when unknown).  Returns 0, or -1 when memory ran out. */
int labels_fill(const struct labels *l, const char *key, const char *arg,
		struct sbuf *out);

#endif
