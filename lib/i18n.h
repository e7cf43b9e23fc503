/* i18n.h - the messages for people in the language of LC_MESSAGES (GNU
 * gettext, domain "aap"); records, codes and documents never change. */
#ifndef I18N_H
#define I18N_H

#include <libintl.h>

/* The text domain of aap's catalogues (po/aap.pot, po/<lang>.po). */
#define I18N_DOMAIN "aap"

/* A message in the language of the messages, for a literal or a format
 * that entered the library as one; the catalogue owns the string. */
#define _(s) dgettext(I18N_DOMAIN, s)

/* Marks a literal for xgettext where it is translated later by _(). */
#define N_(s) (s)

/* Sets the language of the messages (LC_MESSAGES only: numbers, ctype and
 * collation stay "C") and binds the domain to its catalogues: the folder
 * named by AAP_LOCALEDIR if set and not empty, else the one compiled in
 * (AAP_LOCALEDIR_DEFAULT), in UTF-8. */
void i18n_start(void);

#endif
