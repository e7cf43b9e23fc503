/* stream.h - the stream between stages (docs/stream.md): '#' provenance
 * lines, a CSV header and records, and a trailer that proves the stream
 * whole. */
#ifndef STREAM_H
#define STREAM_H

#include <stddef.h>

#include "digest.h"
#include "reader.h"
#include "sbuf.h"

#define STREAM_WORD "#aap-stream" /* the first line's word */
#define STREAM_MAGIC STREAM_WORD " format=1"
#define STREAM_PROV_MAX 1000 /* '#' lines accepted before the header */
/* The longest '#' line, its LF included, that a reader accepts and so a
 * writer may write: the reader's cap on a line. */
#define STREAM_LINE_MAX READER_RECORD_MAX

struct diag;
struct stream_in;
struct stream_out;

/* Opens the stream on fd, named name in messages, and reads its
 * provenance and header.  check: 1 to demand a stream with its trailer,
 * 0 (--no-truncation-check) to accept bare CSV and a missing trailer.
 * Returns the stream, owned by the caller, or NULL with err set
 * (AAP_EDATA for a bad stream, AAP_ESYS for I/O or memory). */
struct stream_in *stream_in_open(int fd, const char *name, int check,
				 struct diag *err);

/* Frees s; stream_in_free(NULL) does nothing. */
void stream_in_free(struct stream_in *s);

/* The header: its fields are the column names. */
const struct record *stream_in_header(const struct stream_in *s);

/* Index of column name, or -1. */
long stream_in_column(const struct stream_in *s, const char *name);

/* Number of provenance lines ('#aap-stream' and '#stage' lines). */
size_t stream_in_nprov(const struct stream_in *s);

/* Provenance line i, with its '#', without its line end. */
const char *stream_in_prov(const struct stream_in *s, size_t i);

/* 1 when the input was bare CSV (accepted without the check). */
int stream_in_bare(const struct stream_in *s);

/* Reads the next record.  READ_RECORD: stream_in_record holds it;
 * READ_END: the trailer was found and holds (or, unchecked, the input
 * ended); READ_ERROR: err set, AAP_EDATA when the stream is malformed,
 * cut off or altered. */
enum read_result stream_in_next(struct stream_in *s, struct diag *err);

/* The last record read, with as many fields as the header. */
const struct record *stream_in_record(const struct stream_in *s);

/* Line of the last record read in the stream. */
unsigned long stream_in_line(const struct stream_in *s);

/* Records read so far. */
unsigned long long stream_in_count(const struct stream_in *s);

/* After READ_END: the SHA-256 of every byte of the input, its trailer
 * included. */
const char *stream_in_digest(const struct stream_in *s);

/* After READ_END: the trailer line, "" when there was none. */
const char *stream_in_trailer(const struct stream_in *s);

/* Starts a stream on fd named name.  plain: write bare CSV, no '#' line.
 * Returns it, owned by the caller, or NULL when memory ran out. */
struct stream_out *stream_out_new(int fd, const char *name, int plain);

/* Frees s without finishing it; stream_out_free(NULL) does nothing. */
void stream_out_free(struct stream_out *s);

/* Writes one '#' line (given with its '#', without line end); nothing in
 * plain mode.  Returns 0 or -1 (see stream_out_finish for the error). */
int stream_out_line(struct stream_out *s, const char *line, size_t n);

/* Writes one field of the current record (the header counts as one). */
int stream_out_field(struct stream_out *s, const char *p, size_t n);

/* Ends the current record; the first one ended is the header, not
 * counted. */
int stream_out_end_record(struct stream_out *s);

/* Writes the trailer "#trailer records=N<tokens> sha256=HEX" (tokens, as
 * built by prov_token, may be NULL) unless plain, and flushes.  Returns
 * 0, or -1 with err set (AAP_ESYS) when any write failed. */
int stream_out_finish(struct stream_out *s, const struct sbuf *tokens,
		      struct diag *err);

/* Returns 0, or -1 with err set (AAP_ESYS) once a write has failed. */
int stream_out_failed(const struct stream_out *s, struct diag *err);

/* Writes out what is buffered, without a trailer: the stream is left cut
 * off, as a reader will see.  For a run that fails midway. */
void stream_out_abandon(struct stream_out *s);

/* Records written so far, the header excluded. */
unsigned long long stream_out_count(const struct stream_out *s);

#endif
