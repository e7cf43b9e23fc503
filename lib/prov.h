/* prov.h - the stream's provenance (docs/stream.md): the '#stage' line a
 * stage adds and the '#trailer' line that ends a stream, each a word and
 * " key=value" tokens.  The table of keys, the one writer and the one
 * reader of those lines. */
#ifndef PROV_H
#define PROV_H

#include <stddef.h>

#include "sbuf.h"

struct call;
struct diag;

/* The keys of the tokens aap's stages write. */
enum prov_key {
	PROV_NAME,             /* '#stage': the stage */
	PROV_VERSION,          /* '#stage': its version */
	PROV_CALL,             /* '#stage': the call's id */
	PROV_FILE,             /* '#stage': ROLE:NAME:SHA256 of a file read */
	PROV_TRUNCATION_CHECK, /* '#stage': "off" for --no-truncation-check */
	PROV_SOURCE,           /* '#stage' of aap-ingest: a source's name */
	PROV_DELIMITER,        /* '#stage' of aap-ingest: its delimiter */
	PROV_UNMAPPED,         /* '#stage' of aap-ingest: a label left out */
	PROV_BATCH,            /* '#stage' of aap-push: the batch id */
	PROV_CUTOFF,           /* '#stage' of aap-score: the batch's cut-off */
	PROV_CARRY,            /* '#stage' of aap-score: CUTOFF:SHA256 of a
				  stream of an earlier cut-off it read */
	PROV_CARRIED,          /* '#stage' of aap-score: the amount carried
				  into the envelope */
	PROV_RECORDS,          /* '#trailer': the number of records, first */
	PROV_INPUT,            /* '#trailer': NAME:SHA256 of an input */
	PROV_ENCODING,         /* '#trailer' of aap-ingest: a source's */
	PROV_ENVELOPE,         /* '#trailer' of aap-score: the envelope */
	PROV_GRANTED,          /* '#trailer' of aap-score: the amount granted */
	PROV_LEFT,             /* '#trailer' of aap-score: what is left */
	PROV_SHA256,           /* '#trailer': the stream's digest, last */
	PROV_NKEYS
};

/* The kinds of '#' lines, by their first word. */
enum prov_kind {
	PROV_OTHER,  /* '#aap-stream' or a line aap does not know */
	PROV_STAGE,  /* '#stage' */
	PROV_TRAILER /* '#trailer' */
};

/* The role of a call folder's tables in file tokens ("call"); the side
 * files' roles are in columns.h. */
extern const char prov_role_call[];

/* The values of an encoding= token: how aap-ingest read a source. */
extern const char prov_encoding_utf8[];
extern const char prov_encoding_cp1252[];

/* Returns the spelling of key k ("name", ...). */
const char *prov_key_name(enum prov_key k);

/* Appends " key=value" to b, the value percent-encoded where it holds a
 * byte below 0x21, 0x7F or '%'.  Returns 0, or -1 when memory has run
 * out. */
int prov_token(struct sbuf *b, enum prov_key key, const char *value);

/* Same as prov_token with a value of n bytes. */
int prov_token_n(struct sbuf *b, enum prov_key key, const char *value,
		 size_t n);

/* Appends " file=role:name:sha256" to b (name percent-encoded).  Returns
 * 0 or -1 (memory). */
int prov_token_file(struct sbuf *b, const char *role, const char *name,
		    const char *sha256);

/* Appends " input=name:sha256" to b.  Returns 0 or -1 (memory). */
int prov_token_input(struct sbuf *b, const char *name, const char *sha256);

/* Appends " truncation-check=off" to b.  Returns 0 or -1 (memory). */
int prov_token_unchecked(struct sbuf *b);

/* Appends to b the start of a '#stage' line: "#stage name=stage
 * version=V call=ID" and a file token for each of the call's files.
 * Returns 0 or -1 (memory). */
int prov_stage_line(struct sbuf *b, const char *stage,
		    const struct call *call);

/* Appends to b the trailer line "#trailer records=N<tokens> sha256=HEX"
 * with its LF; tokens (as prov_token builds them) may be NULL.  Returns 0
 * or -1 (memory). */
int prov_trailer_line(struct sbuf *b, unsigned long long records,
		      const struct sbuf *tokens, const char *sha256);

/* Decodes the percent-encoded n bytes at s, appending them to out.
 * Returns 0, or -1 when a '%' is not followed by two hex digits or memory
 * ran out. */
int prov_decode(const char *s, size_t n, struct sbuf *out);

/* One token of a parsed line. */
struct prov_token {
	const char *key;   /* the key, NUL-terminated; owned by the line */
	const char *value; /* the value decoded, NUL-terminated; owned too */
	size_t len;        /* bytes in value, which may hold a NUL */
};

/* A '#' line taken apart.  prov_line_init'ed, or zero-initialised. */
struct prov_line {
	enum prov_kind kind;    /* by the line's first word */
	struct prov_token *tok; /* its tokens, in order; owned */
	size_t n;               /* how many */
	char *store;            /* the keys and values; owned */
};

/* Makes l empty without allocating. */
void prov_line_init(struct prov_line *l);

/* Frees what l holds and makes it empty. */
void prov_line_fini(struct prov_line *l);

/* Parses the '#' line (without its line end) into l, replacing what l
 * held: the word, then tokens, each one space and key=value, the key
 * [a-z0-9.-]+ and the value percent-encoded.  file and line_no locate the
 * line in messages.  Returns 0, or -1 with err set: AAP_EDATA for a
 * malformed token (l is then empty), AAP_ESYS when memory ran out. */
int prov_parse(struct prov_line *l, const char *line, const char *file,
	       unsigned long line_no, struct diag *err);

/* The kind of '#' line line is, by its first word. */
enum prov_kind prov_kind_of(const char *line);

/* The first token of l with key k, or NULL.  Owned by l. */
const struct prov_token *prov_find(const struct prov_line *l,
				   enum prov_key k);

/* 1 when l has the token truncation-check=off. */
int prov_unchecked(const struct prov_line *l);

/* A file token's value taken apart.  Points into the token. */
struct prov_file {
	const char *role;   /* the role, not NUL-terminated */
	size_t role_len;    /* its length: it holds no ':' */
	const char *name;   /* the base name, not NUL-terminated */
	size_t name_len;    /* its length */
	const char *sha256; /* the last 64 bytes, NUL-terminated */
};

/* Splits the value of file token t: ROLE:NAME:SHA256, the role up to the
 * first ':', the digest the last 64 bytes.  Returns 0, or -1 when t's
 * value has not that form. */
int prov_file_split(const struct prov_token *t, struct prov_file *f);

/* Checks that the trailer l holds exactly the tokens the stage that wrote
 * it writes, in their order, each value well formed: records=, then the
 * inputs (for aap-ingest, input= and encoding= for each source= token of
 * its '#stage' line, with the same name; for a stage that reads a stream,
 * one input=), aap-score's envelope=, granted= and left=, and sha256=.
 * stage is the stream's last '#stage' line, or NULL when it has none:
 * the trailer of a writer aap does not know may hold the keys of a
 * trailer, each well formed, in any order between the first and last.
 * file and line_no locate the trailer in messages.  Returns 0, or -1 with
 * err set (AAP_EDATA) for a token unknown, missing, repeated, out of
 * place or malformed. */
int prov_trailer_check(const struct prov_line *l, const struct prov_line *stage,
		       const char *file, unsigned long line_no,
		       struct diag *err);

#endif
