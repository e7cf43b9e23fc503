/* diag.c - filling and formatting error records; never prints. */
#include <stdio.h>
#include <string.h>

#include "aap.h"
#include "diag.h"
#include "i18n.h"
#include "visible.h"

void diag_clear(struct diag *d)
{
	memset(d, 0, sizeof(*d));
}

int diag_set(struct diag *d, int status, const char *file, unsigned long line,
	     const char *fmt, ...)
{
	va_list ap;

	d->status = status;
	d->warning = 0;
	snprintf(d->file, sizeof(d->file), "%s", file ? file : "");
	d->line = line;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), _(fmt), ap);
	va_end(ap);
	d->detail[0] = '\0';
	d->hint[0] = '\0';
	return -1;
}

void diag_detail(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->detail, sizeof(d->detail), _(fmt), ap);
	va_end(ap);
}

void diag_hint(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->hint, sizeof(d->hint), _(fmt), ap);
	va_end(ap);
}

void diag_report(const struct diag_sink *sink, const struct diag *d)
{
	struct diag copy;

	if (sink == NULL || sink->fn == NULL)
		return;
	copy = *d;
	copy.warning = 1;
	sink->fn(sink->ctx, &copy);
}

/* Copies s into dst (cap bytes, NUL-terminated, cut short if need be)
 * with its control characters made visible. */
static const char *visible(const char *s, char *dst, size_t cap)
{
	char v[VISIBLE_MAX];
	size_t len = 0, n, used, left = strlen(s);

	for (; left > 0; s += used, left -= used) {
		if ((n = visible_char(s, left, 0, VISIBLE_HEX, v, &used)) == 0) {
			v[0] = *s;
			n = 1;
		}
		if (len + n >= cap)
			break;
		memcpy(dst + len, v, n);
		len += n;
	}
	dst[len] = '\0';
	return dst;
}

/* Appends formatted text at *len, never past cap. */
static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len + 1 >= cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*len += (size_t)n;
	if (*len >= cap)
		*len = cap - 1;
}

size_t diag_format(const struct diag *d, const char *prog, char *buf,
		   size_t cap)
{
	/* Values quoted in a message may hold any byte: a control
	 * character is shown as \xNN, never sent to the terminal. */
	char file[sizeof(d->file) * 4], text[DIAG_TEXT_MAX * 4];
	size_t len = 0;
	const char *kind = d->warning ? _("warning") : _("error");

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	visible(d->file, file, sizeof(file));
	visible(d->msg, text, sizeof(text));
	if (d->status == 0 && !d->warning)
		put(buf, cap, &len, "%s: %s\n", prog, text);
	else if (d->file[0] != '\0' && d->line > 0)
		put(buf, cap, &len, "%s:%s:%lu: %s: %s\n", prog, file,
		    d->line, kind, text);
	else if (d->file[0] != '\0')
		put(buf, cap, &len, "%s:%s: %s: %s\n", prog, file, kind, text);
	else
		put(buf, cap, &len, "%s: %s: %s\n", prog, kind, text);
	if (d->detail[0] != '\0')
		put(buf, cap, &len, "%s: %s: %s\n", prog, _("detail"),
		    visible(d->detail, text, sizeof(text)));
	if (d->hint[0] != '\0')
		put(buf, cap, &len, "%s: %s: %s\n", prog, _("hint"),
		    visible(d->hint, text, sizeof(text)));
	return len;
}

int diag_oom(struct diag *d)
{
	return diag_set(d, AAP_ESYS, NULL, 0, "out of memory");
}
