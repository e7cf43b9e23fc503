/* digest.c - SHA-256 with OpenSSL libcrypto's EVP interface. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "aap.h"
#include "diag.h"
#include "digest.h"

struct digest {
	EVP_MD_CTX *ctx; /* the running hash */
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

void digest_free(struct digest *d)
{
	if (d == NULL)
		return;
	EVP_MD_CTX_free(d->ctx);
	OPENSSL_free(d);
}

int digest_update(struct digest *d, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	return EVP_DigestUpdate(d->ctx, p, n) == 1 ? 0 : -1;
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

int digest_peek(const struct digest *d, char hex[DIGEST_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_MD_CTX *copy = EVP_MD_CTX_new();
	int rc = -1;

	if (copy != NULL && EVP_MD_CTX_copy_ex(copy, d->ctx) == 1 &&
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
		return diag_set(err, AAP_ESYS, NULL, 0, "out of memory");
	}
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
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
