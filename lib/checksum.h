/* checksum.h - check digits of identifiers: Luhn, SIREN and SIRET (with
 * La Poste's rule), IBAN (ISO 13616, mod 97).  Pure functions. */
#ifndef CHECKSUM_H
#define CHECKSUM_H

#include <stddef.h>

/* A checksum: takes the n bytes at s and returns 1 when they pass. */
typedef int (*checksum_fn)(const char *s, size_t n);

/* Returns 1 when s (n bytes) is one or more ASCII digits passing the Luhn
 * algorithm (ISO/IEC 7812-1), 0 otherwise. */
int checksum_luhn(const char *s, size_t n);

/* Returns 1 when s is a SIREN: exactly 9 digits passing Luhn. */
int checksum_siren(const char *s, size_t n);

/* Returns 1 when s is a SIRET: exactly 14 digits passing Luhn whose first
 * nine, the SIREN, pass it too; or, for La Poste's establishments (SIREN
 * 356000000), whose digits add up to a multiple of 5. */
int checksum_siret(const char *s, size_t n);

/* Returns 1 when s is an IBAN: two upper-case letters, two check digits,
 * then 11 to 30 upper-case letters or digits (15 to 34 in all), whose
 * ISO 13616 remainder mod 97 is 1.  ASCII spaces between characters, as
 * in the printed form, are ignored. */
int checksum_iban(const char *s, size_t n);

/* Returns the checksum called name ("luhn", "siren", "siret", "iban"), or
 * NULL when there is none by that name. */
checksum_fn checksum_named(const char *name);

#endif
