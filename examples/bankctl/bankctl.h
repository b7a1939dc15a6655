/*
 * bankctl.h: the command-line front end of libbank as a callable function.
 *
 * main() only calls bankctl_main(); a test or fuzz harness can call it directly (build
 * bankctl.c with -DBANKCTL_NO_MAIN). It never exits the process and never crashes on any
 * argv: every outcome is its return value.
 */
#ifndef BANKCTL_H
#define BANKCTL_H

/** Exit statuses. */
#define BANKCTL_EXIT_OK 0    /* the command succeeded */
#define BANKCTL_EXIT_ERROR 1 /* the library or the input refused it (JSON error object) */
#define BANKCTL_EXIT_USAGE 2 /* the command line is malformed */

/**
 * Runs one bankctl command line (argv[0] is the program name) against the database
 * named by --db, $BANK_DB or ./bank.db, printing its result on stdout and
 * diagnostics on stderr.
 * @return BANKCTL_EXIT_OK, BANKCTL_EXIT_ERROR or BANKCTL_EXIT_USAGE
 */
int bankctl_main(int argc, char **argv);

#endif
