/* stage.c - shared plumbing of the stages that read a stream. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "aap.h"
#include "call.h"
#include "diag.h"
#include "mem.h"
#include "prov.h"
#include "stage.h"

/* The call id named by the last '#stage' line of in (named name), into
 * id; empty when there is none. */
static int input_call(const struct stream_in *in, const char *name,
		      struct sbuf *id, struct diag *err)
{
	size_t i = stream_in_nprov(in);
	const struct prov_token *t;
	struct prov_line l;
	int rc = 0;

	while (i-- > 0)
		if (prov_kind_of(stream_in_prov(in, i)) == PROV_STAGE)
			break;
	if (i == (size_t)-1)
		return 0;
	prov_line_init(&l);
	if (prov_parse(&l, stream_in_prov(in, i), name, i + 1, err) < 0)
		return -1;
	if ((t = prov_find(&l, PROV_CALL)) != NULL &&
	    sbuf_add(id, t->value, t->len) < 0)
		rc = diag_oom(err);
	prov_line_fini(&l);
	return rc;
}

/* Checks that the input belongs to the call and has all of its fields. */
static int check_fits(const struct stage_input *si, const struct call *call,
		      struct diag *err)
{
	struct sbuf id;
	size_t f;
	int rc = 0;

	sbuf_init(&id);
	if (input_call(si->in, si->name, &id, err) < 0)
		rc = -1;
	else if (id.len > 0 && strcmp(id.data, call->id) != 0)
		rc = diag_set(err, AAP_EDATA, si->name, 0,
			      "the stream is of the call \"%s\", not \"%s\"",
			      id.data, call->id);
	sbuf_fini(&id);
	for (f = 0; f < call->nfields && rc == 0; f++)
		if (stream_in_column(si->in, call->fields[f].name) < 0)
			rc = diag_set(err, AAP_EDATA, si->name, 1,
				      "the stream has no column \"%s\", a "
				      "field of the call",
				      call->fields[f].name);
	return rc;
}

int stage_input_open(struct stage_input *si, const struct call *call,
		     const char *path, int check, struct diag *err)
{
	const char *base;

	memset(si, 0, sizeof(*si));
	si->fd = STDIN_FILENO;
	if (path == NULL)
		path = "-";
	if (strcmp(path, "-") != 0) {
		si->fd = open(path, O_RDONLY);
		if (si->fd < 0)
			return diag_set(err, AAP_ESYS, NULL, 0,
					"could not open \"%s\": %s", path,
					strerror(errno));
		si->own_fd = 1;
	}
	base = strrchr(path, '/');
	si->name = mem_strdup(base != NULL && base[1] ? base + 1 : path);
	if (si->name == NULL)
		return diag_oom(err);
	si->in = stream_in_open(si->fd, path, check, err);
	if (si->in == NULL)
		return -1;
	return check_fits(si, call, err);
}

void stage_input_close(struct stage_input *si)
{
	stream_in_free(si->in);
	if (si->own_fd)
		close(si->fd);
	mem_free(si->name);
	memset(si, 0, sizeof(*si));
}

int stage_open(struct stage *st, const char *name, const struct call *call,
	       const char *path, int out, const char *out_name, int check,
	       int plain, struct diag *err)
{
	memset(st, 0, sizeof(*st));
	st->name = name;
	st->call = call;
	st->check = check;
	st->out = stream_out_new(out, out_name, plain);
	if (st->out == NULL)
		return diag_oom(err);
	return stage_input_open(&st->src, call, path, check, err);
}

int stage_begin(struct stage *st, const struct sbuf *extra,
		const char *const *add, size_t nadd, struct diag *err)
{
	const struct record *h = stream_in_header(st->src.in);
	struct sbuf line;
	size_t i;
	int rc = 0;

	for (i = 0; i < nadd; i++)
		if (stream_in_column(st->src.in, add[i]) >= 0)
			return diag_set(err, AAP_EDATA, st->src.name, 1,
					"the stream already has a column \"%s\": "
					"did %s run twice?", add[i], st->name);
	if (stream_in_bare(st->src.in))
		stream_out_line(st->out, STREAM_MAGIC, strlen(STREAM_MAGIC));
	for (i = 0; i < stream_in_nprov(st->src.in); i++)
		stream_out_line(st->out, stream_in_prov(st->src.in, i),
				strlen(stream_in_prov(st->src.in, i)));
	sbuf_init(&line);
	rc = prov_stage_line(&line, st->name, st->call);
	if (rc == 0 && extra != NULL)
		rc = sbuf_add(&line, sbuf_str(extra), extra->len);
	if (rc == 0 && !st->check)
		rc = prov_token_unchecked(&line);
	if (rc < 0) {
		sbuf_fini(&line);
		return diag_oom(err);
	}
	if (line.len + 1 > STREAM_LINE_MAX) {
		sbuf_fini(&line);
		return diag_set(err, AAP_EUSAGE, st->call->dir, 0,
				"the stage's '#stage' line would be longer than "
				"%zu bytes, more than a stage reads",
				(size_t)STREAM_LINE_MAX);
	}
	stream_out_line(st->out, line.data, line.len);
	sbuf_fini(&line);
	for (i = 0; i < h->n; i++)
		stream_out_field(st->out, record_field(h, i), record_len(h, i));
	for (i = 0; i < nadd; i++)
		stream_out_field(st->out, add[i], strlen(add[i]));
	stream_out_end_record(st->out);
	return stream_out_failed(st->out, err);
}

int stage_finish(struct stage *st, const struct sbuf *extra,
		 struct diag *err)
{
	struct sbuf t;
	int rc = 0;

	sbuf_init(&t);
	if (prov_token_input(&t, st->src.name, stream_in_digest(st->src.in)) < 0 ||
	    (extra != NULL && sbuf_add(&t, sbuf_str(extra), extra->len) < 0))
		rc = diag_oom(err);
	if (rc == 0)
		rc = stream_out_finish(st->out, &t, err);
	if (rc == 0)
		st->finished = 1;
	sbuf_fini(&t);
	return rc;
}

void stage_close(struct stage *st)
{
	if (st->out != NULL && !st->finished)
		stream_out_abandon(st->out);
	stream_out_free(st->out);
	stage_input_close(&st->src);
	memset(st, 0, sizeof(*st));
}
