/* pdf.c - printing a page to PDF: headless Chromium spawned with a
 * profile of its own, waited for, its file checked and renamed. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aap.h"
#include "diag.h"
#include "i18n.h"
#include "pdf.h"
#include "sbuf.h"

extern char **environ;

int pdf_name(struct sbuf *out, const char *path)
{
	size_t n = strlen(path);

	if (n > 5 && strcmp(path + n - 5, ".html") == 0)
		n -= 5;
	else if (n > 4 && strcmp(path + n - 4, ".htm") == 0)
		n -= 4;
	return sbuf_add(out, path, n) < 0 || sbuf_adds(out, ".pdf") < 0 ? -1 : 0;
}

/* file:// and the absolute path, its bytes outside [A-Za-z0-9/._-]
 * percent-encoded. */
static int file_url(struct sbuf *out, const char *abs)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	if (sbuf_adds(out, "file://") < 0)
		return -1;
	for (p = (const unsigned char *)abs; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-", *p) != NULL) {
			if (sbuf_addc(out, (char)*p) < 0)
				return -1;
		} else if (sbuf_addc(out, '%') < 0 || sbuf_addc(out, hex[*p >> 4]) < 0 ||
			   sbuf_addc(out, hex[*p & 15]) < 0) {
			return -1;
		}
	}
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Runs argv[0] with argv, its output and errors dropped; *status its
 * exit status.  Returns 0, or an errno when it could not be started. */
static int run(const char *const *argv, int *status)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int e, st;

	if ((e = posix_spawn_file_actions_init(&fa)) != 0)
		return e;
	e = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
					     O_RDONLY, 0);
	if (e == 0)
		e = posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO,
						     "/dev/null", O_WRONLY, 0);
	if (e == 0)
		e = posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO,
						     STDERR_FILENO);
	if (e == 0)
		e = posix_spawnp(&pid, argv[0], &fa, NULL,
				 (char *const *)(uintptr_t)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (e != 0)
		return e;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return errno;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

int pdf_print(const char *html, const char *pdf, struct diag *err)
{
	const char *prog = getenv("AAP_CHROMIUM");
	char abs[PATH_MAX], profile[] = "/tmp/aap-chromium.XXXXXX";
	struct sbuf url, part, opt_out, opt_dir;
	const char *argv[20];
	struct stat st;
	size_t n = 0;
	int e, status = 0, rc = -1;

	if (prog == NULL || *prog == '\0')
		prog = "chromium";
	sbuf_init(&url);
	sbuf_init(&part);
	sbuf_init(&opt_out);
	sbuf_init(&opt_dir);
	if (realpath(html, abs) == NULL) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not find \"%s\": %s", html,
			 strerror(errno));
		goto done;
	}
	if (mkdtemp(profile) == NULL) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not create a folder for "
			 "Chromium's profile: %s", strerror(errno));
		goto done;
	}
	if (file_url(&url, abs) < 0 || sbuf_adds(&part, pdf) < 0 ||
	    sbuf_adds(&part, ".part") < 0 ||
	    sbuf_adds(&opt_out, "--print-to-pdf=") < 0 ||
	    sbuf_adds(&opt_out, sbuf_str(&part)) < 0 ||
	    sbuf_adds(&opt_dir, "--user-data-dir=") < 0 ||
	    sbuf_adds(&opt_dir, profile) < 0) {
		diag_oom(err);
		goto clean;
	}
	argv[n++] = prog;
	argv[n++] = "--headless";
	argv[n++] = "--disable-gpu";
	argv[n++] = "--no-pdf-header-footer";
	argv[n++] = "--no-first-run";
	argv[n++] = "--no-default-browser-check";
	argv[n++] = "--disable-extensions";
	argv[n++] = "--disable-background-networking";
	argv[n++] = "--disable-component-update";
	argv[n++] = "--disable-sync";
	if (geteuid() == 0)
		argv[n++] = "--no-sandbox";
	argv[n++] = opt_dir.data;
	argv[n++] = opt_out.data;
	argv[n++] = url.data;
	argv[n] = NULL;
	unlink(sbuf_str(&part));
	if ((e = run(argv, &status)) != 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not run \"%s\": %s", prog,
			 strerror(e));
		diag_hint(err, "install Chromium (Debian: chromium) or name it "
			  "in AAP_CHROMIUM");
		goto clean;
	}
	if (status != 0 || stat(sbuf_str(&part), &st) < 0 || st.st_size == 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not print \"%s\" to PDF: "
			 "%s exited with status %d%s", html, prog, status,
			 status == 0 ? _(" and wrote nothing") : "");
		goto clean;
	}
	if (rename(sbuf_str(&part), pdf) < 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not rename \"%s\" to "
			 "\"%s\": %s", sbuf_str(&part), pdf, strerror(errno));
		goto clean;
	}
	rc = 0;
clean:
	if (rc < 0)
		unlink(sbuf_str(&part));
	nftw(profile, remove_one, 16, FTW_DEPTH | FTW_PHYS);
done:
	sbuf_fini(&url);
	sbuf_fini(&part);
	sbuf_fini(&opt_out);
	sbuf_fini(&opt_dir);
	return rc;
}
