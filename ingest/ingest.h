/* ingest.h - turning application exports into the stream: source headers
 * mapped to the call's canonical fields, one record per application. */
#ifndef INGEST_H
#define INGEST_H

#include <stddef.h>

struct call;
struct diag;
struct diag_sink;

/* What to ingest and how. */
struct ingest_opts {
	const struct call *call;      /* the call, loaded */
	int plain;                    /* write bare CSV, no '#' lines */
	int encoding;                 /* enum reader_encoding; READER_AUTO
					 detects it per file */
	unsigned char delim;          /* delimiter, 0 to detect it per file */
	int out_fd;                   /* where the stream goes */
	const struct diag_sink *sink; /* warnings for records carried */
};

/* Parses an --encoding value ("utf-8", "windows-1252", "cp1252", any
 * case).  Returns an enum reader_encoding, or -1 when unknown. */
int ingest_parse_encoding(const char *s);

/* Parses a --delimiter value (",", ";", "tab" or a tab).  Returns the
 * byte, or 0 when it is not one of those. */
unsigned char ingest_parse_delim(const char *s);

/* Reads the nfiles source exports named in files ("-" is stdin; none
 * means stdin) and writes the stream.  Every file is opened and its header
 * checked before anything is written.  Returns 0 when the stream was
 * written whole, or -1 with err set: AAP_EDATA when a source does not fit
 * the call or cannot be parsed on, AAP_EUSAGE for operands that cannot go
 * together, AAP_ESYS for I/O or memory.  On failure no trailer is
 * written. */
int ingest_run(const struct ingest_opts *o, char *const *files,
	       size_t nfiles, struct diag *err);

#endif
