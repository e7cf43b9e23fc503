/* progress.c - the progress line of a long run: counts fed by the readers,
 * a thread that redraws them with '\r' a few times a second on the
 * descriptor main chose, time from CLOCK_MONOTONIC. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "progress.h"

#define PROGRESS_TICK_MS 250 /* between two redraws */
#define PROGRESS_LINE_MAX 160

/* The one progress line of the process. */
struct progress {
	pthread_mutex_t mu;       /* guards what follows, and the writes */
	pthread_cond_t wake;      /* to the thread: stop */
	pthread_t thread;         /* the redrawing thread */
	int fd;                   /* where the line goes */
	const char *prog;         /* the program's name */
	unsigned long long t0;    /* start, in ms of CLOCK_MONOTONIC */
	unsigned delay_ms;        /* before the first line */
	int stop;                 /* the thread is to end */
	size_t shown;             /* length of the line on screen, 0: none */
};

static struct progress the;
static atomic_int active;           /* progress_start succeeded */
static atomic_ullong n_records;     /* records read */
static atomic_ullong n_bytes;       /* bytes read */
static _Atomic(const char *) phase; /* the phase, or NULL */

/* Milliseconds of CLOCK_MONOTONIC. */
static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000u +
	       (unsigned long long)ts.tv_nsec / 1000000u;
}

/* Writes all of p[0..n) on fd; a failed write is dropped: the line is for
 * a person, never worth stopping the run. */
static void put(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Appends the decimal digits of v to buf at *at (within n). */
static void put_u(char *buf, size_t n, size_t *at, unsigned long long v)
{
	char d[24];
	size_t k = 0;

	do {
		d[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (k > 0 && *at + 1 < n)
		buf[(*at)++] = d[--k];
}

/* Appends the string s to buf at *at (within n). */
static void put_s(char *buf, size_t n, size_t *at, const char *s)
{
	while (*s != '\0' && *at + 1 < n)
		buf[(*at)++] = *s++;
}

size_t progress_format(char *buf, size_t n, const char *prog,
		       const char *ph, unsigned long long records,
		       unsigned long long bytes, unsigned long long elapsed_ms)
{
	size_t at = 0;
	unsigned long long tenths = bytes / 100000u;

	put_s(buf, n, &at, prog);
	put_s(buf, n, &at, ": ");
	if (ph != NULL) {
		put_s(buf, n, &at, _(ph));
		put_s(buf, n, &at, ": ");
	}
	put_u(buf, n, &at, records);
	put_s(buf, n, &at, records == 1 ? _(" record, ") : _(" records, "));
	put_u(buf, n, &at, tenths / 10);
	put_s(buf, n, &at, ".");
	put_u(buf, n, &at, tenths % 10);
	put_s(buf, n, &at, _(" MB, "));
	put_u(buf, n, &at, elapsed_ms > 0 ? records * 1000u / elapsed_ms : 0);
	put_s(buf, n, &at, _(" records/s"));
	buf[at] = '\0';
	return at;
}

/* Clears the line on screen; with the lock held. */
static void clear_locked(struct progress *p)
{
	char blank[PROGRESS_LINE_MAX + 2];

	if (p->shown == 0)
		return;
	blank[0] = '\r';
	memset(blank + 1, ' ', p->shown);
	blank[p->shown + 1] = '\r';
	put(p->fd, blank, p->shown + 2);
	p->shown = 0;
}

/* Draws the counts over the line on screen; with the lock held. */
static void draw_locked(struct progress *p)
{
	char line[PROGRESS_LINE_MAX + 1], out[2 * PROGRESS_LINE_MAX + 2];
	size_t n, k = 0;

	n = progress_format(line, sizeof(line), p->prog,
			    atomic_load_explicit(&phase, memory_order_relaxed),
			    atomic_load_explicit(&n_records, memory_order_relaxed),
			    atomic_load_explicit(&n_bytes, memory_order_relaxed),
			    now_ms() - p->t0);
	out[k++] = '\r';
	memcpy(out + k, line, n);
	k += n;
	/* Blanks over what is left of a longer line before. */
	while (k < p->shown + 1)
		out[k++] = ' ';
	put(p->fd, out, k);
	p->shown = n;
}

/* The thread: sleeps a tick (or until stopped), then redraws once the
 * delay has passed. */
static void *run(void *arg)
{
	struct progress *p = arg;
	unsigned long long next = p->t0 + p->delay_ms, t;
	struct timespec ts;

	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		t = now_ms();
		if (t >= next) {
			draw_locked(p);
			next = t + PROGRESS_TICK_MS;
		}
		ts.tv_sec = (time_t)(next / 1000u);
		ts.tv_nsec = (long)(next % 1000u) * 1000000L;
		pthread_cond_timedwait(&p->wake, &p->mu, &ts);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int progress_start(int fd, const char *prog, unsigned delay_ms)
{
	struct progress *p = &the;
	pthread_condattr_t ca;
	int ok;

	if (atomic_load(&active))
		return 0;
	memset(p, 0, sizeof(*p));
	p->fd = fd;
	p->prog = prog;
	p->delay_ms = delay_ms;
	p->t0 = now_ms();
	atomic_store(&n_records, 0);
	atomic_store(&n_bytes, 0);
	atomic_store(&phase, NULL);
	if (pthread_condattr_init(&ca) != 0)
		return -1;
	ok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
	     pthread_cond_init(&p->wake, &ca) == 0;
	pthread_condattr_destroy(&ca);
	if (!ok)
		return -1;
	if (pthread_mutex_init(&p->mu, NULL) != 0) {
		pthread_cond_destroy(&p->wake);
		return -1;
	}
	if (pthread_create(&p->thread, NULL, run, p) != 0) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->wake);
		return -1;
	}
	atomic_store(&active, 1);
	return 0;
}

void progress_add(unsigned long long records, unsigned long long bytes)
{
	atomic_fetch_add_explicit(&n_records, records, memory_order_relaxed);
	atomic_fetch_add_explicit(&n_bytes, bytes, memory_order_relaxed);
}

void progress_phase(const char *ph)
{
	atomic_store_explicit(&phase, ph, memory_order_relaxed);
}

void progress_hide(void)
{
	if (!atomic_load(&active))
		return;
	pthread_mutex_lock(&the.mu);
	clear_locked(&the);
	pthread_mutex_unlock(&the.mu);
}

void progress_stop(void)
{
	struct progress *p = &the;

	if (!atomic_load(&active))
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	if (p->delay_ms == 0)
		draw_locked(p);
	clear_locked(p);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->wake);
	atomic_store(&active, 0);
}
