/*
procui-exec: the last step between the supervisor and a child program.

    procui-exec [--ctty] [--keep N] [--rlimit RESOURCE=SOFT:HARD]... -- FILE ARGV0 [ARG...]

It starts a new session (so stop and kill reach the whole process group), makes its stdin the
controlling terminal when --ctty is given (a PTY the supervisor opened and already holds, so no
output can be lost to an early hang-up), applies Circus's rlimit_* options, closes every
descriptor from N up (the supervisor's own descriptors are not CLOEXEC-safe when they come from
openpty), and execs FILE. Exit status 127 (and a message on stderr) when any step fails.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>
#include <dirent.h>

static const struct {
	const char *name;
	int resource;
} resources[] = {
	{"as", RLIMIT_AS}, {"core", RLIMIT_CORE}, {"cpu", RLIMIT_CPU}, {"data", RLIMIT_DATA},
	{"fsize", RLIMIT_FSIZE}, {"locks", RLIMIT_LOCKS}, {"memlock", RLIMIT_MEMLOCK},
	{"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE}, {"nofile", RLIMIT_NOFILE},
	{"nproc", RLIMIT_NPROC}, {"rss", RLIMIT_RSS}, {"rtprio", RLIMIT_RTPRIO},
	{"sigpending", RLIMIT_SIGPENDING}, {"stack", RLIMIT_STACK},
};

static int fail(const char *what, const char *detail) {
	fprintf(stderr, "procui-exec: %s%s%s: %s\n", what, detail ? " " : "", detail ? detail : "", strerror(errno));
	return 127;
}

static rlim_t parse_limit(const char *text) {
	return strcmp(text, "inf") == 0 ? RLIM_INFINITY : (rlim_t) strtoull(text, NULL, 10);
}

static int apply_rlimit(const char *spec) {
	char name[32];
	const char *equals = strchr(spec, '=');
	if (!equals || (size_t) (equals - spec) >= sizeof name) {
		errno = EINVAL;
		return fail("bad --rlimit", spec);
	}

	memcpy(name, spec, (size_t) (equals - spec));
	name[equals - spec] = '\0';
	const char *colon = strchr(equals + 1, ':');
	for (size_t i = 0; i < sizeof resources / sizeof resources[0]; i++) {
		if (strcmp(resources[i].name, name) == 0) {
			struct rlimit limit;
			limit.rlim_cur = parse_limit(equals + 1);
			limit.rlim_max = colon ? parse_limit(colon + 1) : limit.rlim_cur;
			if (setrlimit(resources[i].resource, &limit) != 0) {
				return fail("setrlimit", name);
			}

			return 0;
		}
	}

	errno = EINVAL;
	return fail("unknown rlimit", name);
}

static void close_from(int keep) {
	DIR *dir = opendir("/proc/self/fd");
	if (!dir) {
		for (int fd = keep; fd < 65536; fd++) {
			close(fd);
		}

		return;
	}

	int own = dirfd(dir);
	int fds[4096];
	int count = 0;
	struct dirent *entry;
	while ((entry = readdir(dir)) && count < 4096) {
		int fd = atoi(entry->d_name);
		if (entry->d_name[0] >= '0' && entry->d_name[0] <= '9' && fd >= keep && fd != own) {
			fds[count++] = fd;
		}
	}

	closedir(dir);
	for (int i = 0; i < count; i++) {
		close(fds[i]);
	}
}

int main(int argc, char **argv) {
	int ctty = 0;
	int keep = 3;
	int index = 1;
	for (; index < argc; index++) {
		if (strcmp(argv[index], "--") == 0) {
			index++;
			break;
		} else if (strcmp(argv[index], "--ctty") == 0) {
			ctty = 1;
		} else if (strcmp(argv[index], "--keep") == 0 && index + 1 < argc) {
			keep = atoi(argv[++index]);
		} else if (strcmp(argv[index], "--rlimit") == 0 && index + 1 < argc) {
			if (apply_rlimit(argv[++index]) != 0) {
				return 127;
			}
		} else {
			errno = EINVAL;
			return fail("unknown option", argv[index]);
		}
	}

	if (index + 1 >= argc) {
		errno = EINVAL;
		return fail("usage: procui-exec [options] -- FILE ARGV0 [ARG...]", NULL);
	}

	if (setsid() < 0 && getpgrp() != getpid()) {
		return fail("setsid", NULL);
	}

	if (ctty && ioctl(STDIN_FILENO, TIOCSCTTY, 0) != 0) {
		return fail("TIOCSCTTY", NULL);
	}

	close_from(keep);
	execv(argv[index], &argv[index + 1]);
	return fail("exec", argv[index]);
}
