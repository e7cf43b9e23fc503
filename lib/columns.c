/* columns.c - the table of the stream's columns and of the side files'
 * columns: every stage, aap-push and the call loader read them here. */
#include <string.h>

#include "columns.h"

/* Named once, since the side files and the rejects report have them
 * too. */
static const char application_id[] = "application_id";
static const char source_file[] = "source_file";
static const char source_line[] = "source_line";

static const char *const names[COLUMN_N] = {
	[COLUMN_APPLICATION_ID] = application_id,
	[COLUMN_SOURCE_FILE] = source_file,
	[COLUMN_SOURCE_LINE] = source_line,
	[COLUMN_FINDINGS] = "findings",
	[COLUMN_ADMISSIBLE] = "admissible",
	[COLUMN_TOTAL] = "total",
	[COLUMN_RANK] = "rank",
	[COLUMN_RANK_REASON] = "rank_reason",
	[COLUMN_DECISION] = "decision",
	[COLUMN_AWARD] = "award",
	[COLUMN_DECIDED_BY] = "decided_by",
	[COLUMN_DECISION_REASON] = "decision_reason",
	[COLUMN_ONE_REVIEWER] = "one_reviewer",
	[COLUMN_ONE_REVIEWER_DECISION] = "one_reviewer_decision",
	[COLUMN_WEIGHT_CHANGE] = "weight_change",
	[COLUMN_WEIGHT_CRITERION] = "weight_criterion",
	[COLUMN_WEIGHT_DECISION] = "weight_decision",
	[COLUMN_MARGIN] = "margin",
};

const char columns_by_ranking[] = "ranking";
const char columns_by_freed[] = "freed";

/* Where each stage's columns start in names, and where they end. */
static const enum column added_from[] = {
	[COLUMNS_INGEST] = COLUMN_SOURCE_FILE,
	[COLUMNS_VALIDATE] = COLUMN_ADMISSIBLE,
	[COLUMNS_SCORE] = COLUMN_TOTAL,
	[COLUMNS_DECIDE] = COLUMN_DECIDED_BY,
	[COLUMNS_SENSITIVITY] = COLUMN_ONE_REVIEWER,
};
static const enum column added_to[] = {
	[COLUMNS_INGEST] = COLUMN_ADMISSIBLE,
	[COLUMNS_VALIDATE] = COLUMN_TOTAL,
	[COLUMNS_SCORE] = COLUMN_DECIDED_BY,
	[COLUMNS_DECIDE] = COLUMN_ONE_REVIEWER,
	[COLUMNS_SENSITIVITY] = COLUMN_N,
};

static const char score_prefix[] = "score_";
static const char spread_prefix[] = "spread_";

/* The side files' columns; aap-score reads them by position. */
static const char *const reviews[] = { application_id, "reviewer",
	"criterion", "mark", "comment" };
static const int reviews_need[] = { 1, 1, 1, 1, 0 };
static const char *const consensus[] = { application_id, "criterion",
	"score", "author", "justification" };
static const int consensus_need[] = { 1, 1, 1, 1, 1 };
static const char *const conflicts[] = { "reviewer", application_id };
static const int conflicts_need[] = { 1, 1 };
static const char *const assignments[] = { application_id, "reviewer",
	"affinity" };
static const int assignments_need[] = { 1, 1, 0 };
static const char *const decisions[] = { application_id, "action", "amount",
	"author", "date", "justification" };
static const int decisions_need[] = { 1, 1, 1, 1, 1, 1 };

static const struct columns_file sides[COLUMNS_NSIDE] = {
	[COLUMNS_REVIEWS] = { "reviews", reviews, reviews_need, 5 },
	[COLUMNS_CONSENSUS] = { "consensus", consensus, consensus_need, 5 },
	[COLUMNS_CONFLICTS] = { "conflicts", conflicts, conflicts_need, 2 },
	[COLUMNS_ASSIGNMENTS] = { "assignments", assignments,
		assignments_need, 3 },
	[COLUMNS_DECISIONS] = { "decisions", decisions, decisions_need, 6 },
};

static const char *const reviewers[] = { "reviewer", "name", "organisation",
	"expertise", "max_load" };
static const int reviewers_need[] = { 1, 0, 0, 0, 1 };
static const struct columns_file reviewers_file = {
	NULL, reviewers, reviewers_need, 5
};

static const char *const rejects[] = { source_file, source_line,
	application_id, "field", "code", "severity", "message", "value" };
static const int rejects_need[] = { 1, 1, 1, 1, 1, 1, 1, 1 };
static const struct columns_file rejects_file = {
	NULL, rejects, rejects_need, 8
};

const char *columns_name(enum column c)
{
	return names[c];
}

const char *const *columns_added(enum columns_stage s, size_t *n)
{
	*n = (size_t)(added_to[s] - added_from[s]);
	return &names[added_from[s]];
}

int columns_score(struct sbuf *b, const char *criterion)
{
	return sbuf_adds(b, score_prefix) < 0 ? -1 : sbuf_adds(b, criterion);
}

int columns_spread(struct sbuf *b, const char *criterion)
{
	return sbuf_adds(b, spread_prefix) < 0 ? -1 : sbuf_adds(b, criterion);
}

const char *columns_score_criterion(const char *name)
{
	size_t n = sizeof(score_prefix) - 1;

	return strncmp(name, score_prefix, n) == 0 ? name + n : NULL;
}

const char *columns_spread_criterion(const char *name)
{
	size_t n = sizeof(spread_prefix) - 1;

	return strncmp(name, spread_prefix, n) == 0 ? name + n : NULL;
}

int columns_reserved(const char *name)
{
	size_t i;

	for (i = COLUMN_SOURCE_FILE; i < COLUMN_N; i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return strncmp(name, score_prefix, sizeof(score_prefix) - 1) == 0 ||
	       strncmp(name, spread_prefix, sizeof(spread_prefix) - 1) == 0;
}

const struct columns_file *columns_side(enum columns_side k)
{
	return &sides[k];
}

const struct columns_file *columns_reviewers(void)
{
	return &reviewers_file;
}

const struct columns_file *columns_rejects(void)
{
	return &rejects_file;
}
