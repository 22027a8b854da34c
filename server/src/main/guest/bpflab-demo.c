// SPDX-License-Identifier: GPL-2.0
/*
 * bpflab-demo: a small user-space program for uprobes, uretprobes and USDT probes to attach to. It is installed,
 * with its symbols, at /usr/local/bin/bpflab-demo: in the guest image by build-image.sh, on a host running the
 * local backend by bin/install-deps. Both build it the same way:
 *     gcc -O2 -Wall -o bpflab-demo bpflab-demo.c       (sys/sdt.h: Debian package systemtap-sdt-dev)
 *
 * Usage: bpflab-demo [ROUNDS [NAME]]
 *   ROUNDS  1 to 1000 (default 3)
 *   NAME    1 to 63 bytes (default "bpflab")
 * Each round r (1..ROUNDS) calls greet(NAME, r), then square(r), then fires the USDT probe bpflab:round with three
 * arguments: r, NAME and the square. What can be traced:
 *     uprobe/<path>:greet        arguments: const char *name, int round
 *     uretprobe/<path>:square    return value: round * round (argument: long n)
 *     usdt/<path>:bpflab:round   arguments: int round, const char *name, long square
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>

#define MAX_ROUNDS 1000
#define MAX_NAME 63

/* noipa: the compiler keeps these as real calls with their own symbols and their arguments in the usual
 * registers (no inlining, no clones such as square.constprop.0), so a probe on the name sees every call. */
__attribute__((noipa)) int greet(const char *name, int round)
{
	return printf("round %d: hello, %s\n", round, name);
}

__attribute__((noipa)) long square(long n)
{
	return n * n;
}

static int usage(const char *why)
{
	fprintf(stderr, "bpflab-demo: %s\nusage: bpflab-demo [ROUNDS (1-%d) [NAME (1-%d bytes)]]\n", why, MAX_ROUNDS,
		MAX_NAME);
	return 2;
}

int main(int argc, char **argv)
{
	long rounds = 3;
	const char *name = "bpflab";

	if (argc > 3)
		return usage("too many arguments");
	if (argc > 1) {
		char *end;
		rounds = strtol(argv[1], &end, 10);
		if (*argv[1] == '\0' || *end != '\0' || rounds < 1 || rounds > MAX_ROUNDS)
			return usage("ROUNDS must be a number from 1 to 1000");
	}
	if (argc > 2) {
		name = argv[2];
		if (strlen(name) < 1 || strlen(name) > MAX_NAME)
			return usage("NAME must have 1 to 63 bytes");
	}
	for (int round = 1; round <= rounds; round++) {
		greet(name, round);
		long sq = square(round);
		STAP_PROBE3(bpflab, round, round, name, sq);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
