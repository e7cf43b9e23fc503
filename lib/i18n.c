/* i18n.c - where main() chooses the language of its messages. */
#include <libintl.h>
#include <locale.h>
#include <stdlib.h>

#include "i18n.h"

#ifndef AAP_LOCALEDIR_DEFAULT
#define AAP_LOCALEDIR_DEFAULT "/usr/local/share/locale"
#endif

void i18n_start(void)
{
	const char *dir = getenv("AAP_LOCALEDIR");

	if (dir == NULL || dir[0] == '\0')
		dir = AAP_LOCALEDIR_DEFAULT;
	(void)setlocale(LC_MESSAGES, "");
	(void)bindtextdomain(I18N_DOMAIN, dir);
	/* LC_CTYPE stays "C" (ASCII): without this, gettext would turn
	 * every accented letter into '?'.  The C library's own messages
	 * (strerror) are bound alike. */
	(void)bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
	(void)bind_textdomain_codeset("libc", "UTF-8");
}
