/* schema.h - what the programs of store/ check of the database before
 * they use it: an aap schema they may read, migrated far enough. */
#ifndef SCHEMA_H
#define SCHEMA_H

#include <libpq-fe.h>

struct diag;

/* The last migration the programs of store/ need (sql/009_decisions.sql). */
#define SCHEMA_VERSION 10

/* Checks that the database has an aap schema this user can read, migrated
 * to SCHEMA_VERSION at least.  role_hint ends the hint of a failure
 * ("push as a member of aap_loader").  Returns 0, or -1 with err set
 * (AAP_EDB). */
int schema_check(PGconn *db, const char *role_hint, struct diag *err);

#endif
