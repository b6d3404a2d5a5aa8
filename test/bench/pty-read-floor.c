// What a PTY flood costs its reader in the kernel, depending on when the reader comes back.
//
// Starts `cat FILE` on the slave side of a new PTY (raw mode, as procui's children get it), reads
// the master side into OUT, and prints the throughput, the reader's CPU per GB (user and system,
// getrusage) and the bytes per read. DELAY_US 0 reads as soon as poll says there is output, as
// `script` does; DELAY_US > 0 sleeps that long after each read first, as a reader whose event loop
// has other work comes back later. Not part of `npm run bench`; build and run it by hand:
//
//   cc -O2 -o /tmp/pty-read-floor test/bench/pty-read-floor.c -lutil
//   /tmp/pty-read-floor FILE OUT DELAY_US [READ_BYTES]
//
// On the bench's machine (200 MB of 64-byte lines, 2026-12-07): read at once, 73–82 MB/s at
// 5.0–5.6 s of reader CPU per GB, 3.7 KB a read; 20 µs late, 28 MB/s at 10.4–10.7 s/GB, every read a
// full 4 KiB buffer (the flush worker is restarted by the reader at each one).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static double seconds(void) {
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static double cpu(int who) {
	struct rusage usage;
	getrusage(who, &usage);
	return (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv) {
	if (argc < 4) {
		fprintf(stderr, "usage: %s FILE OUT DELAY_US [READ_BYTES]\n", argv[0]);
		return 2;
	}

	const long delay = atol(argv[3]);
	const size_t readBytes = argc > 4 ? (size_t)atol(argv[4]) : 4095;
	struct termios raw;
	cfmakeraw(&raw);
	int master;
	const pid_t child = forkpty(&master, NULL, &raw, NULL);
	if (child < 0) {
		perror("forkpty");
		return 1;
	}

	if (child == 0) {
		execlp("cat", "cat", argv[1], (char *)NULL);
		_exit(127);
	}

	const int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	char *buffer = malloc(readBytes);
	if (out < 0 || buffer == NULL) {
		perror(argv[2]);
		return 1;
	}

	size_t total = 0;
	long reads = 0;
	const double started = seconds();
	for (;;) {
		struct pollfd ready = {.fd = master, .events = POLLIN};
		if (poll(&ready, 1, -1) < 0) {
			continue;
		}

		const ssize_t got = read(master, buffer, readBytes);
		if (got < 0 && errno == EINTR) {
			continue;
		}

		if (got <= 0) {
			break; // EIO: the slave side is closed, cat has exited.
		}

		reads++;
		total += (size_t)got;
		if (write(out, buffer, (size_t)got) != got) {
			perror("write");
			return 1;
		}

		if (delay > 0) {
			const struct timespec pause = {.tv_sec = 0, .tv_nsec = delay * 1000};
			nanosleep(&pause, NULL);
		}
	}

	const double elapsed = seconds() - started;
	const double gb = (double)total / 1e9;
	const double reader = cpu(RUSAGE_SELF);
	waitpid(child, NULL, 0);
	printf("delay %ld us: %.1f MB/s, reader %.2f s/GB, %.0f bytes a read, cat %.2f s/GB\n", delay, (double)total / elapsed / 1e6, reader / gb, (double)total / (double)reads, cpu(RUSAGE_CHILDREN) / gb);
	return 0;
}
