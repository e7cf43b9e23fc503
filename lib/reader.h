/* reader.h - CSV records from a file descriptor, in constant memory (libcsv
 * for exports, read with recovery from bad quoting; a scanner of its own
 * for the stream and the call's files); optionally hands back '#' lines met
 * at a record start (the stream's provenance and trailer) instead of
 * parsing them. */
#ifndef READER_H
#define READER_H

#include <stddef.h>

#include "sbuf.h"

struct diag;

/* Size caps (documented in docs/stream.md and docs/ingest.md). */
#define READER_FIELD_MAX ((size_t)1 << 20)  /* 1 MiB per field */
#define READER_RECORD_MAX ((size_t)4 << 20) /* 4 MiB per record */

/* How the bytes of the input are to be taken. */
enum reader_encoding {
	READER_BYTES,   /* as they are, unchecked (the stream, call tables) */
	READER_AUTO,    /* UTF-8, or Windows-1252 when no valid multi-byte
			   UTF-8 sequence comes before an invalid byte */
	READER_UTF8,    /* UTF-8; an invalid byte is an error */
	READER_CP1252   /* Windows-1252, decoded to UTF-8 */
};

/* How to read. */
struct reader_opts {
	unsigned char delim;  /* field delimiter; 0: detect it from the first
				 line among ',', ';' and tab */
	enum reader_encoding encoding; /* how to take the bytes */
	int hash_lines;       /* 1: a line that starts with '#' where a record
				 would start is returned as READ_HASH */
	int cr_ends_line;     /* 1: CR, LF and CRLF end a record (sources);
				 0: only LF does (the stream) */
	int skip_bom;         /* 1: drop a UTF-8 byte order mark at the start */
	size_t field_max;     /* longest field accepted, in bytes */
	size_t record_max;    /* longest record accepted, in bytes */
	int recover;          /* 1: a record with bad quoting is returned cut
				 short with `broken` set, and reading goes on
				 at the next line (sources) */
	int libcsv;           /* 1: parse with libcsv even without recovery,
				 where the reader's own scanner reads
				 otherwise: the reference that tests compare
				 the scanner with */
};

/* What reader_next found. */
enum read_result {
	READ_ERROR = -1, /* see the diag */
	READ_END = 0,    /* end of input */
	READ_RECORD = 1, /* a record: reader_record */
	READ_HASH = 2    /* a '#' line: reader_hash_line */
};

/* One parsed record.  Owned by the reader, valid until the next call. */
struct record {
	size_t n;             /* number of fields (0 for a blank line) */
	unsigned long line;   /* line where the record starts, 1-based */
	struct sbuf data;     /* field bytes, each followed by a NUL */
	size_t *off;          /* offset of field i in data */
	size_t *len;          /* length of field i */
	size_t cap;           /* slots in off and len */
	int broken;           /* 0, or READER_STRAY_QUOTE / READER_AFTER_QUOTE:
				 the record was cut at field n+1 by bad quoting
				 (sources only); the rest of its line was
				 skipped */
};

#define READER_STRAY_QUOTE 1
#define READER_AFTER_QUOTE 2

/* Returns field i of r (NUL-terminated; may hold NULs of its own).  Inline:
 * every stage calls it for every field. */
static inline const char *record_field(const struct record *r, size_t i)
{
	return r->data.data + r->off[i];
}

/* Returns the length of field i of r. */
static inline size_t record_len(const struct record *r, size_t i)
{
	return r->len[i];
}

/* Frees what r holds (a record the caller keeps, or a reader's). */
void record_fini(struct record *r);

/* Called with every byte the reader consumes, in order (for digests).
 * Returns 0, or -1 to stop the reader with a system error. */
typedef int (*reader_tap_fn)(void *ctx, const void *p, size_t n);

struct reader;

/* Fills o with the defaults: ',' delimiter, LF only, no '#' lines, no BOM
 * skipping, the READER_*_MAX caps. */
void reader_opts_default(struct reader_opts *o);

/* Returns a reader of fd (not closed by the reader), named name in
 * messages (copied), or NULL with err set when memory has run out. */
struct reader *reader_new(int fd, const char *name,
			  const struct reader_opts *o, struct diag *err);

/* Frees r; reader_free(NULL) does nothing. */
void reader_free(struct reader *r);

/* Sets the tap that sees every consumed byte (NULL for none); not once
 * reading ahead. */
void reader_set_tap(struct reader *r, reader_tap_fn fn, void *ctx);

/* From now on, a thread of its own reads and parses ahead of the caller,
 * on another core (or, when no thread can be had, the caller reads: the
 * items are the same either way).  The tap is then called from that
 * thread, and neither the tap nor hash_lines may change any more.  At a
 * '#' line the thread waits for the caller to ask for the next item, so
 * that the tap has then seen what reader_next promises.  A source calls it
 * once its tap is set, the stream once its header is read. */
void reader_read_ahead(struct reader *r);

/* Turns the return of '#' lines on (1) or off (0) from now on; not once
 * reading ahead. */
void reader_set_hash_lines(struct reader *r, int on);

/* Reads the next item.  On READ_ERROR err holds the message, at the line
 * where the bad record starts: AAP_EDATA for bad CSV, AAP_ESYS for I/O or
 * memory.  After READ_HASH the tap has seen exactly the bytes before the
 * line; the line itself is tapped on the next call. */
enum read_result reader_next(struct reader *r, struct diag *err);

/* The record READ_RECORD found. */
const struct record *reader_record(const struct reader *r);

/* The line READ_HASH found, without its line end; *len set if not NULL. */
const char *reader_hash_line(const struct reader *r, size_t *len);

/* The delimiter in use (detected or given). */
unsigned char reader_delim(const struct reader *r);

/* The encoding in use: READER_UTF8 or READER_CP1252 for a source, or what
 * was given.  READER_AUTO while no non-ASCII byte was met (the input is
 * then ASCII, valid as both). */
enum reader_encoding reader_encoding(const struct reader *r);

/* The line number where the last item returned starts. */
unsigned long reader_line(const struct reader *r);

/* The name given to reader_new. */
const char *reader_name(const struct reader *r);

/* Bytes consumed so far. */
unsigned long long reader_offset(const struct reader *r);

/* Refuses a record that is not text: a NUL byte would cut a value short
 * without a word, and invalid UTF-8 could not be stored.  header, when
 * not NULL, names the fields; else they are numbered.  file names the
 * input in messages.  Returns 0, or -1 with err set (class status) at
 * the record's line. */
int record_check_text(const struct record *rec, const struct record *header,
		      const char *file, int status, struct diag *err);

#endif
