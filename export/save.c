/* save.c - a file of aap-export written through FILE.part and a rename
 * (save.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "aap.h"
#include "diag.h"
#include "save.h"
#include "sbuf.h"

int save_file(const char *path, save_fn *fn, const void *ctx,
	      struct diag *err)
{
	struct sbuf part;
	int fd, rc;

	sbuf_init(&part);
	if (sbuf_adds(&part, path) < 0 || sbuf_adds(&part, ".part") < 0) {
		sbuf_fini(&part);
		return diag_oom(err);
	}
	fd = open(sbuf_str(&part), O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not create \"%s\": %s",
			 sbuf_str(&part), strerror(errno));
		sbuf_fini(&part);
		return -1;
	}
	rc = fn(ctx, fd, path, err);
	if (close(fd) < 0 && rc == 0)
		rc = diag_set(err, AAP_ESYS, NULL, 0, "could not write \"%s\": %s",
			      path, strerror(errno));
	if (rc == 0 && rename(sbuf_str(&part), path) < 0)
		rc = diag_set(err, AAP_ESYS, NULL, 0,
			      "could not rename \"%s\" to \"%s\": %s",
			      sbuf_str(&part), path, strerror(errno));
	if (rc < 0)
		unlink(sbuf_str(&part));
	sbuf_fini(&part);
	return rc;
}
