/*
 * fuzz_bankctl.c: libFuzzer harness for bankctl's command line (examples/bankctl).
 *
 * The input is split at NUL bytes into at most 32 arguments, and
 *     bankctl --db :memory: ARG...
 * runs through bankctl_main() (bankctl.c built with -DBANKCTL_NO_MAIN). Each run gets a
 * fresh private in-memory bank, so this exercises argument parsing, option handling,
 * number/amount/date parsing and the error paths of every command. An argument that would
 * point bankctl at a file ("--db", "--db=...") is replaced by "--json", and BANK_DB is
 * unset, so no file is ever created. Properties: no crash, no sanitizer report, no leak,
 * and the exit status is one of 0, 1, 2 (bankctl.h).
 *
 * Run with -close_fd_mask=3 (run.sh does): bankctl prints on stdout and stderr.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bankctl.h"

#define MAX_ARGS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	unsetenv("BANK_DB");
	unsetenv("BANK_NOW");
	unsetenv("BANK_TZ");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 2048)
		return 0;
	char *buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *argv[MAX_ARGS + 5];
	int argc = 0;
	argv[argc++] = "bankctl";
	argv[argc++] = "--db";
	argv[argc++] = ":memory:";
	for (size_t i = 0; i < size && argc < MAX_ARGS + 3;) {
		char *arg = buf + i;
		size_t n = strlen(arg);
		if (strcmp(arg, "--db") == 0 || strncmp(arg, "--db=", 5) == 0)
			arg = "--json";
		argv[argc++] = arg;
		i += n + 1;
	}
	argv[argc] = NULL;
	int status = bankctl_main(argc, argv);
	if (status != BANKCTL_EXIT_OK && status != BANKCTL_EXIT_ERROR && status != BANKCTL_EXIT_USAGE) {
		fprintf(stderr, "fuzz_bankctl: exit status %d\n", status);
		abort();
	}
	free(buf);
	return 0;
}
