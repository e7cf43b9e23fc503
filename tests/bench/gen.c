/* gen.c - writes a realistic batch of applications for the benchmark, in
 * the sample call's Démarches Simplifiées export layout, and optionally the
 * reviewers' marks: the same seed always gives the same bytes. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "gen"
#define OUT_BUF ((size_t)1 << 20)
#define MAX_CRITERIA 32
#define RECENT 4096  /* SIRETs remembered to make duplicates from */

/* An output file with a large buffer of its own. */
struct out {
	FILE *f;        /* the file, not owned */
	const char *name; /* its name in messages */
	char *buf;      /* OUT_BUF bytes, owned */
	size_t len;     /* bytes held */
};

/* A reviewed criterion: its id and its scale, in thousandths. */
struct criterion {
	const char *id;     /* points into argv */
	long min, max, step; /* thousandths */
};

static uint64_t rng_state;

/* splitmix64: small, fast and the same everywhere. */
static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* A number in [0, n). */
static unsigned rng_below(unsigned n)
{
	return (unsigned)(((rng_next() >> 32) * n) >> 32);
}

/* 1 with probability per_mille / 1000. */
static int rng_chance(unsigned per_mille)
{
	return rng_below(1000) < per_mille;
}

#define PICK(a) (a[rng_below((unsigned)(sizeof(a) / sizeof(a[0])))])

static void die(const char *what, const char *name)
{
	fprintf(stderr, "%s: error: %s \"%s\": %s\n", PROG, what, name,
		strerror(errno));
	exit(3);
}

static void out_flush(struct out *o)
{
	if (o->len > 0 && fwrite(o->buf, 1, o->len, o->f) != o->len)
		die("could not write", o->name);
	o->len = 0;
}

static void out_mem(struct out *o, const char *s, size_t n)
{
	if (o->len + n > OUT_BUF)
		out_flush(o);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void out_str(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

static void out_chr(struct out *o, char c)
{
	if (o->len == OUT_BUF)
		out_flush(o);
	o->buf[o->len++] = c;
}

/* v in decimal, at least width digits (zero-padded). */
static void out_uint(struct out *o, uint64_t v, int width)
{
	char d[24];
	int n = 0;

	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 || n < width);
	while (n > 0)
		out_chr(o, d[--n]);
}

/* v thousandths as the shortest decimal: 4000 is "4", 4500 "4.5". */
static void out_milli(struct out *o, long v)
{
	long frac;

	if (v < 0) {
		out_chr(o, '-');
		v = -v;
	}
	out_uint(o, (uint64_t)(v / 1000), 1);
	frac = v % 1000;
	if (frac == 0)
		return;
	out_chr(o, '.');
	out_chr(o, (char)('0' + frac / 100));
	if (frac % 100 != 0)
		out_chr(o, (char)('0' + frac / 10 % 10));
	if (frac % 10 != 0)
		out_chr(o, (char)('0' + frac % 10));
}

/* s as one CSV field: quoted when it holds a delimiter, quote or line
 * break, its quotes doubled. */
static void out_field(struct out *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			break;
	if (i == n) {
		out_mem(o, s, n);
		return;
	}
	out_chr(o, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			out_chr(o, '"');
		out_chr(o, s[i]);
	}
	out_chr(o, '"');
}

/* ---- the pools ---- */

static const char *const name_head[] = {
	"Mistral", "Lavandes", "Azur", "Luberon", "Calanques", "Estérel",
	"Durance", "Sophia", "Ventoux", "Camargue", "Verdon", "Sainte-Victoire",
	"Mercantour", "Porquerolles", "Alpilles", "Garrigue", "Écrins", "Ubaye",
	"Queyras", "Îles d'Or", "Côte Bleue", "Maures", "Fréjus", "Aubagne",
	"Étoile", "Lérins", "Baronnies", "Sisteron", "Méjean", "Cassis",
	"Riviera", "Provence", "Olivier", "Cigale", "Posidonie", "Mimosa",
};
static const char *const name_tail[] = {
	"Iode", "Data", "Santé IA", "Robotique", "Énergie", "Vision",
	"Logistique", "Cyber", "Analytique", "Numérique", "Systèmes", "Océan",
	"Agritech", "Génomique", "Météo", "Drones", "Télécom", "Matériaux",
	"Électronique", "Hydrogène", "Intelligence", "Imagerie", "Capteurs",
};
static const char *const name_form[] = {
	"", "", "", " SAS", " SAS", " SARL", " SA", " & Associés",
	", Fils et Cie", " (groupe Méditerranée)", " SCOP", " – Laboratoire",
	" \"Les Pionniers\"",
};
static const char *const title_head[] = {
	"Jumeau numérique", "Détection précoce", "Prévision",
	"Optimisation", "Pilotage IA", "Cartographie automatique",
	"Maintenance prédictive", "Tri automatisé", "Assistant conversationnel",
	"Surveillance par drones", "Reconnaissance d'images", "Modélisation",
	"Aide à la décision", "Détection d'anomalies", "Traduction automatique",
};
static const char *const title_body[] = {
	" des flux portuaires", " des feux de forêt", " des rendements agricoles",
	" du réseau électrique", " des tournées de livraison",
	" des herbiers de posidonie", " de la qualité de l'air",
	" des urgences hospitalières", " des crues cévenoles",
	" de la consommation d'eau", " des chaînes de production",
	" du trafic aérien régional", " des sols viticoles",
	" de l'érosion du littoral", " des intrusions réseau",
};
static const char *const title_tail[] = {
	"", "", "", "", " à Marseille-Fos", ", \"explicable\" et sobre",
	" dans le Var", " (phase 2)", " ; preuve de concept",
	", pour les PME de la région", " en Haute-Provence",
};
static const char *const sentence[] = {
	"Modèle prédictif couplé aux capteurs AIS, entraîné sur cinq ans "
	"de données.",
	"Partenaires : Grand Port Maritime, Aix-Marseille Université.",
	"Réseaux convolutifs sur images Sentinel-2 ; validation terrain avec "
	"les coopératives.",
	"Aide à l'orientation des patients ; modèle frugal, audité par un "
	"comité d'éthique.",
	"Vision et préhension douce ; essais dans les vergers du Luberon.",
	"Optimisation de l'autoconsommation d'une zone d'activité ; stockage "
	"et effacement.",
	"Caméras thermiques et modèles légers embarqués sur les vigies du "
	"massif.",
	"Apprentissage fédéré entre PME ; aucune donnée ne quitte les sites.",
	"Le projet vise un démonstrateur « grandeur nature » d'ici 18 mois.",
	"L'équipe réunit 4 docteurs, 2 ingénieurs et un doctorant CIFRE.",
	"Les données, anonymisées, restent hébergées en France (SecNumCloud).",
	"Un \"bac à sable\" réglementaire est demandé à l'ARS.",
	"Coûts : 60 % de personnel, 25 % d'équipement, 15 % de sous-traitance.",
	"Objectif : réduire de 30 % la consommation d'énergie, sans perte de "
	"qualité.",
	"- lot 1 : collecte et annotation des données",
	"- lot 2 : entraînement, évaluation, explicabilité",
	"- lot 3 : déploiement pilote et retour d'expérience",
	"La start-up a déjà levé 1,2 M€ ; la BPI accompagne le projet.",
	"Marché visé : les collectivités du Sud-Est, puis l'arc méditerranéen.",
	"Création prévue de 12 emplois qualifiés à Nice, Toulon et Avignon.",
};
static const char *const sector_ok[] = {
	"Aéronautique et spatial", "Agriculture et agroalimentaire", "Énergie",
	"Industrie", "Logistique", "Mer", "Numérique", "Risques naturels",
	"Santé", "Tourisme",
};
static const char *const sector_bad[] = {
	"Culture", "Tourisme d'affaires", "Sante",
};
static const char *const country[] = {
	"Italie", "Espagne", "Allemagne", "Grèce", "Belgique", "France",
	"Portugal", "Suisse", "Tunisie", "Maroc",
};
static const char *const status_pool[] = {
	"en_instruction", "en_instruction", "en_instruction", "en_construction",
	"accepte", "refuse",
};
static const char *const dep_sud[] = { "04", "05", "06", "13", "83", "84" };
static const char *const dep_other[] = {
	"69", "75", "34", "30", "26", "38", "31", "33", "97",
};
static const char *const reviewer_first[] = {
	"m", "s", "j", "c", "a", "p", "l", "n", "f", "e",
};
static const char *const reviewer_last[] = {
	"durand", "benali", "nguyen", "rossi", "moreau", "garcía", "lefèvre",
	"martin", "bernard", "dubois", "petit", "leroy", "roux", "fournier",
};
static const char *const comment_pool[] = {
	"Bonne maîtrise technique, positionnement par rapport à l'existant "
	"convaincant.",
	"Très solide sur le plan scientifique ; verrous clairement identifiés.",
	"Impact crédible ; plan de diffusion à préciser.",
	"Marché bien étudié, emplois créés dans la région.",
	"Organisation correcte ; budget un peu optimiste.",
	"Planning cohérent, partenaires bien choisis.",
	"Démarche correcte mais peu d'éléments sur les jeux de données.",
	"Approche classique, l'innovation reste modeste.",
	"Le \"jumeau numérique\" annoncé reste à démontrer.",
	"",
};

/* ---- values ---- */

/* The calendar date of day z since 1970-01-01 (H. Hinnant's algorithm). */
static void civil(long z, unsigned *y, unsigned *m, unsigned *d)
{
	long era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (unsigned)(yy + (*m <= 2));
}

static void out_date(struct out *o, long day)
{
	unsigned y, m, d;

	civil(day, &y, &m, &d);
	out_uint(o, y, 4);
	out_chr(o, '-');
	out_uint(o, m, 2);
	out_chr(o, '-');
	out_uint(o, d, 2);
}

#define DAY_2025_01_06 20094L
#define DAY_2025_03_30 20177L  /* summer time begins */
#define DAY_2025_06_01 20240L

/* "2025-03-03 09:12:44 +0100", as Démarches Simplifiées writes it. */
static void out_submitted(struct out *o)
{
	/* About 2 % after the deadline of 31 March. */
	long day = DAY_2025_01_06 +
		   (long)(rng_chance(20) ? 85 + rng_below(3) : rng_below(85));

	out_date(o, day);
	out_chr(o, ' ');
	out_uint(o, 8 + rng_below(12), 2);
	out_chr(o, ':');
	out_uint(o, rng_below(60), 2);
	out_chr(o, ':');
	out_uint(o, rng_below(60), 2);
	out_str(o, day >= DAY_2025_03_30 ? " +0200" : " +0100");
}

/* n random digits into s. */
static void digits(char *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		s[i] = (char)('0' + rng_below(10));
}

/* The Luhn check digit that completes the n digits at s. */
static char luhn_digit(const char *s, int n)
{
	unsigned sum = 0, d;
	int i;

	for (i = 0; i < n; i++) {
		d = (unsigned)(s[n - 1 - i] - '0');
		if (i % 2 == 0) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return (char)('0' + (10 - sum % 10) % 10);
}

/* A valid SIRET: a SIREN with its check digit, then an NIC whose last
 * digit makes the 14 pass Luhn. */
static void siret_valid(char s[15])
{
	digits(s, 8);
	if (s[0] == '0')
		s[0] = '1';
	s[8] = luhn_digit(s, 8);
	digits(s + 9, 4);
	s[13] = luhn_digit(s, 13);
	s[14] = '\0';
}

static void out_siret(struct out *o, char recent[RECENT][15], uint64_t i)
{
	char s[15];
	unsigned k = rng_below(1000);

	if (k < 20 && i > 0) {          /* the same establishment again */
		memcpy(s, recent[rng_below(i < RECENT ? (unsigned)i : RECENT)],
		       15);
		memcpy(recent[i % RECENT], s, 15);
		out_str(o, s);
		return;
	}
	siret_valid(s);
	memcpy(recent[i % RECENT], s, 15);
	if (k < 60) {                   /* a typing error */
		s[13] = (char)('0' + ((unsigned)(s[13] - '0') + 1 +
				      rng_below(9)) % 10);
	} else if (k < 80) {            /* spaces, as people write it */
		out_mem(o, s, 3);
		out_chr(o, ' ');
		out_mem(o, s + 3, 3);
		out_chr(o, ' ');
		out_mem(o, s + 6, 3);
		out_chr(o, ' ');
		out_mem(o, s + 9, 5);
		return;
	} else if (k < 90) {            /* a digit short */
		out_mem(o, s, 13);
		return;
	} else if (k < 95) {
		return;                 /* missing */
	}
	out_mem(o, s, 14);
}

/* Postcode and commune code, in or (about 12 %) outside the region. */
static void out_location(struct out *o)
{
	const char *dep;
	unsigned k = rng_below(1000);

	if (k < 10) {                   /* Corsica */
		out_str(o, k < 5 ? "20000,2A004" : "20200,2B033");
		return;
	}
	dep = k < 130 ? PICK(dep_other) : PICK(dep_sud);
	out_str(o, dep);
	out_uint(o, 100 * (1 + rng_below(9)), 3);
	out_chr(o, ',');
	if (rng_chance(30))
		return;                 /* no commune code: the postcode tells */
	out_str(o, dep);
	out_uint(o, 1 + rng_below(400), 3);
}

/* "180000.00" */
static void out_money(struct out *o, uint64_t cents)
{
	out_uint(o, cents / 100, 1);
	out_chr(o, '.');
	out_uint(o, cents % 100, 2);
}

/* Writes a company name into name (cap bytes); returns its length. */
static size_t company(char *name, size_t cap)
{
	const char *h = PICK(name_head), *t = PICK(name_tail);
	const char *f = PICK(name_form);
	size_t nh = strlen(h), nt = strlen(t), nf = strlen(f);

	if (nh + nt + nf + 2 > cap)
		return 0;
	memcpy(name, h, nh);
	name[nh] = ' ';
	memcpy(name + nh + 1, t, nt);
	memcpy(name + nh + 1 + nt, f, nf);
	return nh + 1 + nt + nf;
}

/* An e-mail address from the company's name, accents kept as people do. */
static void out_email(struct out *o, const char *name, size_t n)
{
	static const char *const box[] = { "contact", "rd", "direction",
					   "innovation", "hello" };
	size_t i;
	int dash = 0;

	out_str(o, PICK(box));
	out_chr(o, '@');
	for (i = 0; i < n && name[i] != ',' && name[i] != '"' &&
		    name[i] != '(' && name[i] != '&'; i++) {
		if (name[i] == ' ' || name[i] == '\'') {
			dash = 1;
			continue;
		}
		if (dash)
			out_chr(o, '-');
		dash = 0;
		out_chr(o, name[i] >= 'A' && name[i] <= 'Z'
				   ? (char)(name[i] - 'A' + 'a') : name[i]);
	}
	out_str(o, ".fr");
}

static void out_text(struct out *o, struct out *scratch, int summary)
{
	unsigned n, i;

	scratch->len = 0;
	if (!summary) {
		out_str(scratch, PICK(title_head));
		out_str(scratch, PICK(title_body));
		out_str(scratch, PICK(title_tail));
	} else {
		n = 3 + rng_below(4);
		for (i = 0; i < n; i++) {
			if (i > 0)
				out_chr(scratch, rng_chance(400) ? '\n' : ' ');
			out_str(scratch, PICK(sentence));
		}
	}
	out_field(o, scratch->buf, scratch->len);
}

static void out_countries(struct out *o)
{
	unsigned n = rng_chance(600) ? 0 : 1 + rng_below(3), i;

	if (n > 1)
		out_chr(o, '"');
	for (i = 0; i < n; i++) {
		if (i > 0)
			out_str(o, rng_chance(500) ? ", " : "; ");
		out_str(o, PICK(country));
	}
	if (n > 1)
		out_chr(o, '"');
}

/* One application, number i. */
static void out_application(struct out *o, struct out *scratch, uint64_t id,
			    uint64_t i, char recent[RECENT][15])
{
	static const char *const size_ok[] = { "micro", "micro", "micro",
		"PME", "PME", "PME", "PME", "PME", "ETI", "GE" };
	const char *sector;
	char name[256];
	size_t nlen;
	uint64_t amount, cost;
	unsigned trl, trl2;
	long start;

	out_uint(o, id, 1);
	out_chr(o, ',');
	/* The company name comes later in the record but feeds the e-mail. */
	nlen = company(name, sizeof(name));
	out_email(o, name, nlen);
	out_str(o, ",0");
	out_uint(o, 4 + rng_below(6), 1);
	out_uint(o, rng_below(100000000), 8);
	out_chr(o, ',');
	out_str(o, PICK(status_pool));
	out_chr(o, ',');
	out_submitted(o);
	out_chr(o, ',');
	out_siret(o, recent, i);
	out_chr(o, ',');
	out_field(o, name, nlen);
	out_chr(o, ',');
	out_location(o);
	out_chr(o, ',');
	out_str(o, rng_chance(10) ? "TPE" : PICK(size_ok));
	out_chr(o, ',');
	if (!rng_chance(5))
		out_text(o, scratch, 0);
	out_chr(o, ',');
	if (!rng_chance(20))
		out_text(o, scratch, 1);
	out_chr(o, ',');
	sector = rng_chance(20) ? PICK(sector_bad) : PICK(sector_ok);
	out_field(o, sector, strlen(sector));
	out_chr(o, ',');
	/* Mostly within 50 000 to 300 000 €, a few outside. */
	amount = 100 * (uint64_t)(rng_chance(20) ? 10000 + rng_below(40000)
						 : 50000 + rng_below(250001));
	if (rng_chance(20))
		amount += 100 * (uint64_t)(1 + rng_below(100000));
	out_money(o, amount);
	out_chr(o, ',');
	/* The share requested: mostly 25 % to 50 % of the eligible cost. */
	cost = amount * 100 / (rng_chance(50) ? 50 + rng_below(31)
					      : 25 + rng_below(26));
	out_money(o, cost);
	out_chr(o, ',');
	trl = 1 + rng_below(7);
	trl2 = rng_chance(20) ? trl - (trl > 1) : trl + 1 + rng_below(3);
	out_uint(o, trl, 1);
	out_chr(o, ',');
	out_uint(o, trl2 > 9 ? 9 : trl2, 1);
	out_chr(o, ',');
	if (rng_chance(20)) {
		out_chr(o, ',');
	} else {
		start = DAY_2025_06_01 + (long)rng_below(395);
		out_date(o, start);
		out_chr(o, ',');
		out_date(o, rng_chance(10) ? start - 30
					   : start + 365 + (long)rng_below(730));
	}
	out_chr(o, ',');
	out_countries(o);
	out_chr(o, '\n');
}

/* The marks of application id: two to four reviewers, each marking every
 * reviewed criterion. */
static void out_reviews(struct out *o, uint64_t id, const struct criterion *c,
			size_t nc)
{
	unsigned who[4], n = 2 + (rng_chance(700) ? 1 : rng_below(3)), r, j;
	unsigned nrev = (unsigned)(sizeof(reviewer_first) /
				   sizeof(reviewer_first[0]) *
				   (sizeof(reviewer_last) /
				    sizeof(reviewer_last[0])));
	size_t k;
	long steps, mark;
	const char *comment;

	for (r = 0; r < n; r++) {
		do {
			who[r] = rng_below(nrev);
			for (j = 0; j < r && who[j] != who[r]; j++)
				;
		} while (j < r);
	}
	for (k = 0; k < nc; k++) {
		steps = (c[k].max - c[k].min) / c[k].step;
		for (r = 0; r < n; r++) {
			/* Two draws averaged: marks gather mid-scale. */
			mark = c[k].min + c[k].step *
				(((long)rng_below((unsigned)steps + 1) +
				  (long)rng_below((unsigned)steps + 1) + 1) / 2);
			out_uint(o, id, 1);
			out_chr(o, ',');
			out_str(o, reviewer_first[who[r] % 10]);
			out_chr(o, '.');
			out_str(o, reviewer_last[who[r] / 10]);
			out_chr(o, ',');
			out_str(o, c[k].id);
			out_chr(o, ',');
			out_milli(o, mark);
			out_chr(o, ',');
			comment = PICK(comment_pool);
			out_field(o, comment, strlen(comment));
			out_chr(o, '\n');
		}
	}
}

/* ---- options ---- */

/* Reads a non-negative decimal with at most 3 decimals into thousandths. */
static int parse_milli(const char *s, long *v)
{
	long frac = 0;
	int nd = 0, ni = 0;

	*v = 0;
	for (; *s >= '0' && *s <= '9' && ni < 9; s++, ni++)
		*v = *v * 10 + (*s - '0');
	if (ni == 0)
		return -1;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9' && nd < 3; s++, nd++)
			frac = frac * 10 + (*s - '0');
	if (*s != '\0')
		return -1;
	for (; nd < 3; nd++)
		frac *= 10;
	*v = *v * 1000 + frac;
	return 0;
}

static int parse_count(const char *s, uint64_t *v)
{
	int n = 0;

	*v = 0;
	for (; *s >= '0' && *s <= '9' && n < 18; s++, n++)
		*v = *v * 10 + (uint64_t)(*s - '0');
	return n > 0 && *s == '\0' ? 0 : -1;
}

/* "ID:MIN:MAX:STEP" into c; the id stays in the argument. */
static int parse_criterion(char *arg, struct criterion *c)
{
	char *p[4];
	int i;

	p[0] = arg;
	for (i = 1; i < 4; i++) {
		p[i] = strchr(p[i - 1], ':');
		if (p[i] == NULL)
			return -1;
		*p[i]++ = '\0';
	}
	c->id = p[0];
	if (p[0][0] == '\0' || parse_milli(p[1], &c->min) < 0 ||
	    parse_milli(p[2], &c->max) < 0 || parse_milli(p[3], &c->step) < 0 ||
	    c->step == 0 || c->max < c->min)
		return -1;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s [-n COUNT] [-s SEED] [-r FILE [-c ID:MIN:MAX:STEP]...]\n"
		"Write COUNT applications (default 1000) in the sample call's export\n"
		"layout on standard output; the same SEED gives the same bytes.\n\n"
		"  -n, --count COUNT        applications to write\n"
		"  -s, --seed SEED          seed of the generator (default 1)\n"
		"  -r, --reviews FILE       also write reviewers' marks to FILE\n"
		"  -c, --criterion ID:MIN:MAX:STEP  a reviewed criterion and its scale\n"
		"  -h, --help               show this help and exit\n", PROG);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "reviews", required_argument, NULL, 'r' },
		{ "criterion", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char recent[RECENT][15];
	struct criterion crit[MAX_CRITERIA];
	struct out apps = { stdout, "standard output", NULL, 0 };
	struct out revs = { NULL, NULL, NULL, 0 };
	struct out scratch = { NULL, "scratch", NULL, 0 };
	uint64_t count = 1000, seed = 1, i, id;
	size_t ncrit = 0;
	int ch;

	while ((ch = getopt_long(argc, argv, "n:s:r:c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			if (parse_count(optarg, &count) < 0)
				goto misuse;
			break;
		case 's':
			if (parse_count(optarg, &seed) < 0)
				goto misuse;
			break;
		case 'r':
			revs.name = optarg;
			break;
		case 'c':
			if (ncrit == MAX_CRITERIA ||
			    parse_criterion(optarg, &crit[ncrit++]) < 0)
				goto misuse;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto misuse;
		}
	}
	if (optind != argc || (ncrit > 0 && revs.name == NULL))
		goto misuse;

	apps.buf = malloc(OUT_BUF);
	scratch.buf = malloc(OUT_BUF);
	if (apps.buf == NULL || scratch.buf == NULL)
		die("could not allocate for", "buffers");
	if (revs.name != NULL) {
		revs.f = fopen(revs.name, "w");
		if (revs.f == NULL)
			die("could not open", revs.name);
		revs.buf = malloc(OUT_BUF);
		if (revs.buf == NULL)
			die("could not allocate for", revs.name);
		out_str(&revs, "application_id,reviewer,criterion,mark,comment\n");
	}

	rng_state = seed;
	out_str(&apps, "ID,Email,Téléphone,État du dossier,Déposé le,"
		"Établissement SIRET,Entreprise raison sociale,"
		"Établissement code postal,Établissement code INSEE localité,"
		"Taille de l'entreprise,Titre du projet,Résumé du projet,"
		"Filière stratégique,Montant de l'aide demandée,"
		"Coût total éligible,TRL de départ,TRL visé,Date de début,"
		"Date de fin,Pays partenaires\n");
	for (i = 0; i < count; i++) {
		id = 18000000 + i;
		out_application(&apps, &scratch, id, i, recent);
		if (revs.f != NULL)
			out_reviews(&revs, id, crit, ncrit);
	}
	out_flush(&apps);
	if (fflush(stdout) != 0 || ferror(stdout))
		die("could not write", apps.name);
	if (revs.f != NULL) {
		out_flush(&revs);
		if (fclose(revs.f) != 0)
			die("could not write", revs.name);
	}
	free(apps.buf);
	free(scratch.buf);
	free(revs.buf);
	return 0;

misuse:
	usage(stderr);
	return 2;
}
