/*
procui-exec: the last step between the supervisor and a child program.

    procui-exec [--ctty] [--keep N] [--errfd FD] [--uid UID] [--gid GID]
                [--rlimit RESOURCE=SOFT[:HARD]]... -- FILE ARGV0 [ARG...]

In this order it: applies Circus's rlimit_* options (while still privileged, so a hard limit can
be raised); changes group and user (initgroups first, so the child has the user's supplementary
groups, as login would give it; Node's own uid/gid option drops them all); starts a new session
(so stop and kill reach the whole process group); makes its stdin the controlling terminal when
--ctty is given (a PTY the supervisor opened and already holds, so no output can be lost to an
early hang-up); closes every descriptor from N up except FD (the supervisor's own descriptors are
not all close-on-exec: openpty's are not); makes stdin, stdout and stderr blocking; empties the
signal mask and sets every signal back to its default action (a child must not inherit the
supervisor's ignored SIGPIPE or a blocked signal, nor glibc's reserved ones left ignored by
posix_spawn); and execs FILE.

FD is the error pipe: close-on-exec, so the supervisor reads end-of-file when the exec succeeded,
and otherwise one line "ERRNO message" saying which step failed, then the exit status 127. Without
--errfd the message goes to stderr.
*/
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
	const char *name;
	int resource;
} resources[] = {
	{"as", RLIMIT_AS}, {"core", RLIMIT_CORE}, {"cpu", RLIMIT_CPU}, {"data", RLIMIT_DATA},
	{"fsize", RLIMIT_FSIZE}, {"locks", RLIMIT_LOCKS}, {"memlock", RLIMIT_MEMLOCK},
	{"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE}, {"nofile", RLIMIT_NOFILE},
	{"nproc", RLIMIT_NPROC}, {"rss", RLIMIT_RSS}, {"rtprio", RLIMIT_RTPRIO},
	{"rttime", RLIMIT_RTTIME}, {"sigpending", RLIMIT_SIGPENDING}, {"stack", RLIMIT_STACK},
};

static int error_fd = -1;

/* Report errno and what failed, on the error pipe (or stderr), and return the exit status. */
static int fail(const char *what, const char *detail) {
	int code = errno;
	char line[1024];
	int length = snprintf(line, sizeof line, "%d %s%s%s: %s\n", code, what, detail ? " " : "", detail ? detail : "", strerror(code));
	if (length > (int) sizeof line - 1) {
		length = (int) sizeof line - 1;
	}

	if (error_fd < 0 || write(error_fd, line, (size_t) length) != length) {
		fprintf(stderr, "procui-exec: %s", strchr(line, ' ') + 1);
	}

	return 127;
}

/* A whole number, or "inf"; anything else (empty, "abc", "12x", an overflow) is an error. */
static int parse_limit(const char *text, rlim_t *limit) {
	if (strcmp(text, "inf") == 0) {
		*limit = RLIM_INFINITY;
		return 0;
	}

	char *end;
	errno = 0;
	unsigned long long value = strtoull(text, &end, 10);
	if (text[0] < '0' || text[0] > '9' || end == text || (*end != '\0' && *end != ':') || errno == ERANGE) {
		return -1;
	}

	*limit = (rlim_t) value;
	return 0;
}

static int apply_rlimit(const char *spec) {
	char name[32];
	char detail[128];
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
			if (parse_limit(equals + 1, &limit.rlim_cur) != 0 || (colon && parse_limit(colon + 1, &limit.rlim_max) != 0)) {
				snprintf(detail, sizeof detail, "%s: not a number or inf: '%.64s'", name, equals + 1);
				errno = EINVAL;
				return fail("rlimit", detail);
			}

			if (!colon) {
				limit.rlim_max = limit.rlim_cur;
			}

			int failed = setrlimit(resources[i].resource, &limit) != 0;
			if (failed && resources[i].resource == RLIMIT_NOFILE && limit.rlim_cur == RLIM_INFINITY && limit.rlim_max == RLIM_INFINITY) {
				/* As Circus: no unlimited open files in Linux (fs.nr_open caps them), so "unlimited"
				   means the most the process may have, its hard limit. */
				struct rlimit hard;
				if (getrlimit(RLIMIT_NOFILE, &hard) == 0) {
					hard.rlim_cur = hard.rlim_max;
					failed = setrlimit(RLIMIT_NOFILE, &hard) != 0;
				}
			}

			if (failed) {
				snprintf(detail, sizeof detail, "%s=%.64s", name, equals + 1);
				return fail("setrlimit", detail);
			}

			return 0;
		}
	}

	errno = EINVAL;
	return fail("unknown rlimit", name);
}

static int parse_id(const char *text, long *id) {
	char *end;
	errno = 0;
	*id = strtol(text, &end, 10);
	return end == text || *end != '\0' || errno != 0 || *id < 0 || *id > INT_MAX ? -1 : 0;
}

/* Group, supplementary groups, then user: setuid last, since it gives up the right to the others. */
static int change_user(long uid, long gid) {
	if ((uid < 0 || (uid_t) uid == geteuid()) && (gid < 0 || (gid_t) gid == getegid())) {
		/* Already this user and group (a supervisor not run as root naming itself): nothing to
		change, and no right to change the groups. */
		return 0;
	}

	struct passwd *user = uid >= 0 ? getpwuid((uid_t) uid) : NULL;
	if (uid >= 0 && gid < 0) {
		/* No group given: the user's own, as login would. */
		gid = user ? (long) user->pw_gid : uid;
	}

	if (gid >= 0 && setgid((gid_t) gid) != 0) {
		return fail("setgid", NULL);
	}

	if (uid >= 0) {
		gid_t group = (gid_t) gid;
		if (user ? initgroups(user->pw_name, group) != 0 : setgroups(1, &group) != 0) {
			return fail("initgroups", user ? user->pw_name : NULL);
		}

		if (setuid((uid_t) uid) != 0) {
			return fail("setuid", NULL);
		}
	} else if (gid >= 0 && setgroups(0, NULL) != 0) {
		return fail("setgroups", NULL);
	}

	return 0;
}

/* Close [from, to]; 0 when done. */
static int close_span(unsigned int from, unsigned int to) {
	if (from > to) {
		return 0;
	}

#ifdef SYS_close_range
	if (syscall(SYS_close_range, from, to, 0) == 0) {
		return 0;
	}
#endif

	/* No close_range (Linux < 5.9): every open descriptor listed in /proc, however many. */
	DIR *dir = opendir("/proc/self/fd");
	if (dir) {
		int own = dirfd(dir);
		size_t capacity = 256;
		size_t count = 0;
		int *fds = malloc(capacity * sizeof *fds);
		struct dirent *entry;
		while (fds && (entry = readdir(dir))) {
			if (entry->d_name[0] < '0' || entry->d_name[0] > '9') {
				continue;
			}

			long fd = strtol(entry->d_name, NULL, 10);
			if (fd != own && fd >= (long) from && fd <= (long) to) {
				if (count == capacity) {
					capacity *= 2;
					int *grown = realloc(fds, capacity * sizeof *fds);
					if (!grown) {
						free(fds);
						fds = NULL;
						break;
					}

					fds = grown;
				}

				fds[count++] = (int) fd;
			}
		}

		closedir(dir);
		if (fds) {
			for (size_t i = 0; i < count; i++) {
				close(fds[i]);
			}

			free(fds);
			return 0;
		}
	}

	/* No /proc either: every number up to the descriptor limit. */
	struct rlimit limit;
	rlim_t top = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_max != RLIM_INFINITY ? limit.rlim_max : 1048576;
	for (rlim_t fd = from; fd <= to && fd < top; fd++) {
		close((int) fd);
	}

	return 0;
}

static void close_from(int keep) {
	if (error_fd >= keep) {
		close_span((unsigned int) keep, (unsigned int) error_fd - 1);
		close_span((unsigned int) error_fd + 1, ~0U);
	} else {
		close_span((unsigned int) keep, ~0U);
	}
}

/*
The numbers glibc reserves for itself (32, 33) refuse sigaction with EINVAL, and glibc's
posix_spawn leaves them ignored in the child it starts (so that a set*id broadcast in the parent
cannot kill it), which would last across exec. The kernel's own call takes them: an all-zero
kernel sigaction is SIG_DFL with no flags and an empty mask on every architecture; the size of
its signal set is 8 bytes, or 16 where the kernel has 128 signals.
*/
static void reset_reserved(int signal) {
	unsigned long zero[8] = {0};
	if (syscall(SYS_rt_sigaction, signal, zero, NULL, (size_t) 8) != 0 && errno == EINVAL) {
		syscall(SYS_rt_sigaction, signal, zero, NULL, (size_t) 16);
	}
}

static int reset_signals(void) {
	struct sigaction action;
	memset(&action, 0, sizeof action);
	action.sa_handler = SIG_DFL;
	sigemptyset(&action.sa_mask);
	for (int signal = 1; signal < NSIG; signal++) {
		if (signal != SIGKILL && signal != SIGSTOP && sigaction(signal, &action, NULL) != 0 && errno == EINVAL) {
			reset_reserved(signal);
		}
	}

	sigset_t none;
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) != 0) {
		return fail("sigprocmask", NULL);
	}

	return 0;
}

/* Blocking stdin, stdout and stderr, as libuv makes them in a child it forks: a PTY's slave comes
non-blocking from node-pty, and a program that writes to it would meet EAGAIN and lose output. */
static void blocking_stdio(void) {
	for (int fd = 0; fd <= 2; fd++) {
		int flags = fcntl(fd, F_GETFL);
		if (flags >= 0 && (flags & O_NONBLOCK)) {
			fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
		}
	}
}

int main(int argc, char **argv) {
	int ctty = 0;
	int keep = 3;
	long uid = -1;
	long gid = -1;
	int index = 1;
	int rlimits[argc];
	int rlimit_count = 0;
	for (; index < argc; index++) {
		if (strcmp(argv[index], "--") == 0) {
			index++;
			break;
		} else if (strcmp(argv[index], "--ctty") == 0) {
			ctty = 1;
		} else if (strcmp(argv[index], "--keep") == 0 && index + 1 < argc) {
			keep = atoi(argv[++index]);
		} else if (strcmp(argv[index], "--errfd") == 0 && index + 1 < argc) {
			error_fd = atoi(argv[++index]);
			if (fcntl(error_fd, F_SETFD, FD_CLOEXEC) != 0) {
				error_fd = -1;
				return fail("error pipe", argv[index]);
			}
		} else if (strcmp(argv[index], "--uid") == 0 && index + 1 < argc) {
			if (parse_id(argv[++index], &uid) != 0) {
				errno = EINVAL;
				return fail("bad --uid", argv[index]);
			}
		} else if (strcmp(argv[index], "--gid") == 0 && index + 1 < argc) {
			if (parse_id(argv[++index], &gid) != 0) {
				errno = EINVAL;
				return fail("bad --gid", argv[index]);
			}
		} else if (strcmp(argv[index], "--rlimit") == 0 && index + 1 < argc) {
			rlimits[rlimit_count++] = ++index;
		} else {
			errno = EINVAL;
			return fail("unknown option", argv[index]);
		}
	}

	if (index + 1 >= argc) {
		errno = EINVAL;
		return fail("usage: procui-exec [options] -- FILE ARGV0 [ARG...]", NULL);
	}

	/* After the options, so that the error pipe is known whichever comes first. */
	for (int i = 0; i < rlimit_count; i++) {
		if (apply_rlimit(argv[rlimits[i]]) != 0) {
			return 127;
		}
	}

	if (change_user(uid, gid) != 0) {
		return 127;
	}

	if (setsid() < 0 && getpgrp() != getpid()) {
		return fail("setsid", NULL);
	}

	if (ctty && ioctl(STDIN_FILENO, TIOCSCTTY, 0) != 0) {
		return fail("TIOCSCTTY", NULL);
	}

	close_from(keep);
	blocking_stdio();
	if (reset_signals() != 0) {
		return 127;
	}

	execv(argv[index], &argv[index + 1]);
	return fail("exec", argv[index]);
}
