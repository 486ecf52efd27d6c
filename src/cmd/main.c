/* feige: the command-line entry point. */
#include <stdio.h>
#include <string.h>

#include "feige/feige.h"

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("feige %s\n", FEIGE_VERSION);
		return 0;
	}
	printf("feige %s: IP Messenger for Linux\n", FEIGE_VERSION);
	printf("usage: feige [--version]\n");
	return 0;
}
