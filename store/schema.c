/* schema.c - the check of the database's aap schema that every program
 * of store/ makes before it reads or writes a batch. */
#include <stdlib.h>
#include <string.h>

#include "aap.h"
#include "diag.h"
#include "i18n.h"
#include "pg.h"
#include "schema.h"

int schema_check(PGconn *db, const char *role_hint, struct diag *err)
{
	char state[6];
	PGresult *r = pg_exec(db, "SELECT coalesce(max(version), 0) FROM "
			      "aap.migrations", 0, NULL, state, err);
	long version;

	if (r == NULL) {
		if (strcmp(state, "42P01") == 0 || strcmp(state, "3F000") == 0 ||
		    strcmp(state, "42501") == 0) {
			diag_set(err, AAP_EDB, NULL, 0, "the database has no aap "
				 "schema that this user can use");
			diag_hint(err, "run aap-migrate as the database's "
				       "administrator, and %s", _(role_hint));
		}
		return -1;
	}
	version = PQntuples(r) == 1 ? strtol(PQgetvalue(r, 0, 0), NULL, 10) : 0;
	PQclear(r);
	if (version < SCHEMA_VERSION) {
		diag_set(err, AAP_EDB, NULL, 0, "the database's aap schema is at "
			 "version %ld, this program needs version %d",
			 version, SCHEMA_VERSION);
		diag_hint(err, "run aap-migrate as the database's administrator");
		return -1;
	}
	return 0;
}
