/* aap.h - what every part of the toolkit shares: the version and the exit
 * statuses documented in docs/exit-status.md. */
#ifndef AAP_H
#define AAP_H

#define AAP_VERSION "0.1.0"

/* Exit statuses, the same for every binary. */
enum aap_status {
	AAP_OK = 0,     /* the run completed */
	AAP_EDATA = 1,  /* the input data is unusable */
	AAP_EUSAGE = 2, /* usage or configuration error */
	AAP_ESYS = 3,   /* cannot read or write, out of memory */
	AAP_EDB = 4,    /* database failure */
	AAP_EDIFF = 5   /* aap-audit: the re-run differs from what is stored */
};

#endif
