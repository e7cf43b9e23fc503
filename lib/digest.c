/* digest.c - SHA-256 with OpenSSL libcrypto's EVP interface, optionally
 * computed on a thread of its own while the caller goes on. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "aap.h"
#include "diag.h"
#include "digest.h"
#include "io.h"
#include "mem.h"

#define RING ((size_t)1 << 20)  /* bytes waiting for the hashing thread */
#define CHUNK ((size_t)256 << 10) /* what it takes at a time, at least */

struct digest {
	EVP_MD_CTX *ctx;      /* the running hash */
	/* Hashing in the background (ring is NULL when inline): the caller
	 * copies bytes into the ring at head, the thread hashes them from
	 * tail.  head and tail only grow; the mutex guards them and the
	 * flags. */
	unsigned char *ring;
	size_t head, tail;
	int flush;            /* the caller waits for everything to be hashed */
	int stop;             /* the thread is to end once everything is */
	int failed;           /* EVP_DigestUpdate failed in the thread */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t more;  /* to the thread: bytes, a flush or the stop */
	pthread_cond_t room;  /* to the caller: bytes hashed */
};

struct digest *digest_new(void)
{
	struct digest *d = OPENSSL_zalloc(sizeof(*d));

	if (d == NULL)
		return NULL;
	d->ctx = EVP_MD_CTX_new();
	if (d->ctx == NULL || EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) != 1) {
		digest_free(d);
		return NULL;
	}
	return d;
}

/* The hashing thread: hashes the ring by chunks until told to stop. */
static void *hash_ring(void *arg)
{
	struct digest *d = arg;
	size_t from, n;
	int ok;

	pthread_mutex_lock(&d->mu);
	for (;;) {
		/* A chunk's worth, or whatever is left on a flush or a stop. */
		while (!d->stop && d->head - d->tail < CHUNK &&
		       !(d->flush && d->head > d->tail))
			pthread_cond_wait(&d->more, &d->mu);
		if (d->head == d->tail)
			break; /* stopped, everything hashed */
		from = d->tail % RING;
		n = d->head - d->tail;
		if (n > RING - from)
			n = RING - from;
		pthread_mutex_unlock(&d->mu);
		ok = EVP_DigestUpdate(d->ctx, d->ring + from, n) == 1;
		pthread_mutex_lock(&d->mu);
		if (!ok)
			d->failed = 1;
		d->tail += n;
		pthread_cond_signal(&d->room);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

int digest_background(struct digest *d)
{
	if (d->ring != NULL)
		return 0;
	if ((d->ring = mem_alloc(RING)) == NULL)
		return -1;
	if (pthread_mutex_init(&d->mu, NULL) != 0)
		goto no_mutex;
	if (pthread_cond_init(&d->more, NULL) != 0)
		goto no_more;
	if (pthread_cond_init(&d->room, NULL) != 0)
		goto no_room;
	if (pthread_create(&d->thread, NULL, hash_ring, d) != 0)
		goto no_thread;
	return 0;
no_thread:
	pthread_cond_destroy(&d->room);
no_room:
	pthread_cond_destroy(&d->more);
no_more:
	pthread_mutex_destroy(&d->mu);
no_mutex:
	mem_free(d->ring);
	d->ring = NULL;
	return -1;
}

/* Waits until the thread has hashed everything given.  Returns 0, or -1
 * when hashing failed. */
static int wait_hashed(struct digest *d)
{
	int failed;

	pthread_mutex_lock(&d->mu);
	d->flush = 1;
	pthread_cond_signal(&d->more);
	while (d->tail != d->head)
		pthread_cond_wait(&d->room, &d->mu);
	d->flush = 0;
	failed = d->failed;
	pthread_mutex_unlock(&d->mu);
	return failed ? -1 : 0;
}

void digest_free(struct digest *d)
{
	if (d == NULL)
		return;
	if (d->ring != NULL) {
		pthread_mutex_lock(&d->mu);
		d->stop = 1;
		pthread_cond_signal(&d->more);
		pthread_mutex_unlock(&d->mu);
		pthread_join(d->thread, NULL);
		pthread_cond_destroy(&d->room);
		pthread_cond_destroy(&d->more);
		pthread_mutex_destroy(&d->mu);
		mem_free(d->ring);
	}
	EVP_MD_CTX_free(d->ctx);
	OPENSSL_free(d);
}

int digest_tap(void *d, const void *p, size_t n)
{
	return digest_update(d, p, n);
}

int digest_update(struct digest *d, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t at, k;
	int failed;

	if (n == 0)
		return 0;
	if (d->ring == NULL)
		return EVP_DigestUpdate(d->ctx, p, n) == 1 ? 0 : -1;
	while (n > 0) {
		pthread_mutex_lock(&d->mu);
		while (d->head - d->tail == RING)
			pthread_cond_wait(&d->room, &d->mu);
		at = d->head % RING;
		k = RING - (d->head - d->tail);
		failed = d->failed;
		pthread_mutex_unlock(&d->mu);
		if (failed)
			return -1;
		/* The thread reads only [tail, head): the free part of the
		 * ring is the caller's until head moves. */
		if (k > RING - at)
			k = RING - at;
		if (k > n)
			k = n;
		memcpy(d->ring + at, s, k);
		s += k;
		n -= k;
		pthread_mutex_lock(&d->mu);
		d->head += k;
		if (d->head - d->tail >= CHUNK)
			pthread_cond_signal(&d->more);
		pthread_mutex_unlock(&d->mu);
	}
	return 0;
}

/* Writes the 32 bytes of md as hex. */
static void to_hex(const unsigned char *md, char hex[DIGEST_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[DIGEST_HEX_LEN] = '\0';
}

int digest_peek(struct digest *d, char hex[DIGEST_HEX_LEN + 1])
{
	return digest_peek_with(d, NULL, 0, hex);
}

int digest_peek_with(struct digest *d, const void *p, size_t n,
		     char hex[DIGEST_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_MD_CTX *copy;
	int rc = -1;

	/* Once the thread has caught up it waits, and leaves ctx alone until
	 * more bytes come. */
	if (d->ring != NULL && wait_hashed(d) < 0)
		return -1;
	copy = EVP_MD_CTX_new();
	if (copy != NULL && EVP_MD_CTX_copy_ex(copy, d->ctx) == 1 &&
	    (n == 0 || EVP_DigestUpdate(copy, p, n) == 1) &&
	    EVP_DigestFinal_ex(copy, md, &len) == 1 && len == 32) {
		to_hex(md, hex);
		rc = 0;
	}
	EVP_MD_CTX_free(copy);
	return rc;
}

int digest_bytes(const void *p, size_t n, char hex[DIGEST_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
		return -1;
	to_hex(md, hex);
	return 0;
}

int digest_file(const char *path, char hex[DIGEST_HEX_LEN + 1],
		struct diag *err)
{
	unsigned char buf[65536];
	struct digest *d;
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return diag_set(err, AAP_ESYS, NULL, 0,
				"could not open \"%s\": %s", path,
				strerror(errno));
	d = digest_new();
	if (d == NULL) {
		close(fd);
		return diag_oom(err);
	}
	for (;;) {
		n = io_read(fd, buf, sizeof(buf));
		if (n < 0) {
			rc = diag_set(err, AAP_ESYS, NULL, 0,
				      "could not read \"%s\": %s", path,
				      strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (digest_update(d, buf, (size_t)n) < 0) {
			rc = diag_set(err, AAP_ESYS, NULL, 0,
				      "could not hash \"%s\"", path);
			break;
		}
	}
	if (rc == 0 && digest_peek(d, hex) < 0)
		rc = diag_set(err, AAP_ESYS, NULL, 0, "could not hash \"%s\"",
			      path);
	digest_free(d);
	close(fd);
	return rc;
}
