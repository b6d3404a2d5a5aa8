/*
procui-spawn: start procui-exec without copying the supervisor, as a Node-API addon.

Node's child_process forks: the kernel copies the page tables of the whole supervisor (tens of
megabytes of V8 heap) for a child that execs procui-exec a moment later. Under churn that copy
and the copy-on-write faults after it were a third of the supervisor's CPU (perf, W3: 49
restarts a second). posix_spawn starts the child in the supervisor's memory (clone with CLONE_VM
and CLONE_VFORK) and copies nothing. procui-exec does the rest as before (rlimits, user, session,
terminal, descriptors, signals).

    spawn(file, argv, envp, cwd, fds)  start `file`; child fd i is fds[i] (-1: /dev/null). Returns
                                       the pid, or throws an Error whose `code` is the errno's name.
    pipe()                             [supervisor's end, child's end] of a socket pair (as
                                       child_process makes for 'pipe'), both close-on-exec.
    watch(fd, callback)                read `fd` (procui-exec's error pipe) on the event loop until
                                       end-of-file, then close it and call callback(report): the
                                       report's first 4 KiB, '' when procui-exec exec'd the program.
                                       A libuv poll handle: a net.Socket for each child cost more
                                       than the rest of the spawn.
    wait(pid)                          reap `pid` if it has exited (waitpid WNOHANG): null while it
                                       runs, else [code, signal] (one of them null; both when
                                       something else reaped it and the status is lost).

The child is the supervisor's own child, so it is reaped here (Node's child watcher only waits
for the pids it spawned itself).
*/
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

/* Descriptors a child gets: stdio, the sockets, the error pipe. More is a caller's mistake. */
#define MAX_FDS 1024

static void throw_errno(napi_env env, int code, const char *what) {
	napi_value message;
	napi_value name;
	napi_value error;
	napi_create_string_utf8(env, strerror(code), NAPI_AUTO_LENGTH, &message);
	napi_create_error(env, NULL, message, &error);
	const char *symbol = strerrorname_np(code);
	napi_create_string_utf8(env, symbol ? symbol : "EIO", NAPI_AUTO_LENGTH, &name);
	napi_set_named_property(env, error, "code", name);
	napi_value syscall;
	napi_create_string_utf8(env, what, NAPI_AUTO_LENGTH, &syscall);
	napi_set_named_property(env, error, "syscall", syscall);
	napi_throw(env, error);
}

/* A JS string as a malloc'd C string, or NULL (a TypeError is then pending). */
static char *string_of(napi_env env, napi_value value, const char *what) {
	size_t length;
	if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) {
		napi_throw_type_error(env, NULL, what);
		return NULL;
	}

	char *text = malloc(length + 1);
	if (text == NULL) {
		napi_throw_error(env, NULL, "out of memory");
		return NULL;
	}

	napi_get_value_string_utf8(env, value, text, length + 1, &length);
	return text;
}

/* A JS array of strings as a NULL-terminated malloc'd vector, or NULL. */
static char **strings_of(napi_env env, napi_value array, const char *what) {
	uint32_t count;
	if (napi_get_array_length(env, array, &count) != napi_ok) {
		napi_throw_type_error(env, NULL, what);
		return NULL;
	}

	char **vector = calloc(count + 1, sizeof *vector);
	if (vector == NULL) {
		napi_throw_error(env, NULL, "out of memory");
		return NULL;
	}

	for (uint32_t index = 0; index < count; index++) {
		napi_value element;
		napi_get_element(env, array, index, &element);
		vector[index] = string_of(env, element, what);
		if (vector[index] == NULL) {
			for (uint32_t done = 0; done < index; done++) {
				free(vector[done]);
			}

			free(vector);
			return NULL;
		}
	}

	return vector;
}

static void free_strings(char **vector) {
	if (vector != NULL) {
		for (char **entry = vector; *entry != NULL; entry++) {
			free(*entry);
		}

		free(vector);
	}
}

static napi_value spawn(napi_env env, napi_callback_info info) {
	size_t argc = 5;
	napi_value args[5];
	if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc < 5) {
		napi_throw_type_error(env, NULL, "spawn(file, argv, envp, cwd, fds): five arguments");
		return NULL;
	}

	uint32_t count;
	if (napi_get_array_length(env, args[4], &count) != napi_ok || count > MAX_FDS) {
		napi_throw_type_error(env, NULL, "spawn: fds must be an array of at most 1024 descriptors");
		return NULL;
	}

	int sources[MAX_FDS];
	for (uint32_t index = 0; index < count; index++) {
		napi_value element;
		napi_get_element(env, args[4], index, &element);
		if (napi_get_value_int32(env, element, &sources[index]) != napi_ok) {
			napi_throw_type_error(env, NULL, "spawn: fds must be integers");
			return NULL;
		}
	}

	char *file = string_of(env, args[0], "spawn: file must be a string");
	char *cwd = file == NULL ? NULL : string_of(env, args[3], "spawn: cwd must be a string");
	char **argv = cwd == NULL ? NULL : strings_of(env, args[1], "spawn: argv must be strings");
	char **envp = argv == NULL ? NULL : strings_of(env, args[2], "spawn: envp must be strings");
	napi_value result = NULL;
	if (envp == NULL) {
		goto out;
	}

	/* A source may be the number of another's target (fd 4 becomes 3 while fd 3 becomes 4): every
	source is first copied above the targets, then moved into place. The copies are close-on-exec
	in the supervisor; dup2 clears the flag on the child's. */
	int copies[MAX_FDS];
	uint32_t made = 0;
	int failure = 0;
	const char *step = "spawn";
	for (; made < count; made++) {
		copies[made] = -1;
		if (sources[made] >= 0) {
			copies[made] = fcntl(sources[made], F_DUPFD_CLOEXEC, (int) count);
			if (copies[made] < 0) {
				failure = errno;
				step = "fcntl";
				made++;
				break;
			}
		}
	}

	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attributes;
	if (failure == 0) {
		posix_spawn_file_actions_init(&actions);
		posix_spawnattr_init(&attributes);
		sigset_t none;
		sigset_t all;
		sigemptyset(&none);
		sigfillset(&all);
		posix_spawnattr_setsigmask(&attributes, &none);
		posix_spawnattr_setsigdefault(&attributes, &all);
		posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
		for (uint32_t index = 0; index < count; index++) {
			if (copies[index] >= 0) {
				posix_spawn_file_actions_adddup2(&actions, copies[index], (int) index);
			} else {
				posix_spawn_file_actions_addopen(&actions, (int) index, "/dev/null", O_RDWR, 0);
			}
		}

		posix_spawn_file_actions_addchdir_np(&actions, cwd);
		pid_t pid;
		failure = posix_spawn(&pid, file, &actions, &attributes, argv, envp);
		posix_spawn_file_actions_destroy(&actions);
		posix_spawnattr_destroy(&attributes);
		if (failure == 0) {
			napi_create_int32(env, pid, &result);
		}
	}

	for (uint32_t index = 0; index < made; index++) {
		if (copies[index] >= 0) {
			close(copies[index]);
		}
	}

	if (failure != 0) {
		throw_errno(env, failure, step);
	}

out:
	free(file);
	free(cwd);
	free_strings(argv);
	free_strings(envp);
	return result;
}

/* A child's pipe (a socket pair): its writer's send buffer, before the kernel doubles it. */
static const int pipe_room_bytes = 1024 * 1024;

static napi_value make_pipe(napi_env env, napi_callback_info info) {
	(void) info;
	int ends[2];
	/* A socket pair, as child_process gives a child for 'pipe': what a child sees is the same. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
		throw_errno(env, errno, "socketpair");
		return NULL;
	}

	/* Room for what the child writes while the supervisor spaces its reads (gathered-reads.ts): a
	   stream socket's bytes in flight count against the writer's send buffer, ~208 KiB by default,
	   which a fast writer fills in well under the 1 ms a read waits. The kernel doubles the value and
	   caps it at net.core.wmem_max (often 208 KiB): what the child gets goes back with the ends, and
	   the reads are spaced only if it is enough. Unused room costs nothing: buffers are taken per
	   write and given back as they are read. */
	int room = pipe_room_bytes;
	(void) setsockopt(ends[1], SOL_SOCKET, SO_SNDBUF, &room, sizeof room);
	socklen_t room_size = sizeof room;
	if (getsockopt(ends[1], SOL_SOCKET, SO_SNDBUF, &room, &room_size) != 0) {
		room = 0;
	}

	napi_value result;
	napi_value read_end;
	napi_value write_end;
	napi_value room_value;
	napi_create_array_with_length(env, 3, &result);
	napi_create_int32(env, ends[0], &read_end);
	napi_create_int32(env, ends[1], &write_end);
	napi_create_int32(env, room, &room_value);
	napi_set_element(env, result, 0, read_end);
	napi_set_element(env, result, 1, write_end);
	napi_set_element(env, result, 2, room_value);
	return result;
}

static napi_value wait_for(napi_env env, napi_callback_info info) {
	size_t argc = 1;
	napi_value argument;
	int32_t pid = 0;
	if (napi_get_cb_info(env, info, &argc, &argument, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_int32(env, argument, &pid) != napi_ok || pid <= 0) {
		napi_throw_type_error(env, NULL, "wait(pid): pid must be a positive integer");
		return NULL;
	}

	int status;
	pid_t reaped;
	do {
		reaped = waitpid(pid, &status, WNOHANG);
	} while (reaped < 0 && errno == EINTR);
	napi_value result;
	napi_value code;
	napi_value signal;
	if (reaped < 0 && errno == ECHILD) {
		/* Reaped by someone else: gone, its status unknown. */
		napi_get_null(env, &code);
		napi_get_null(env, &signal);
	} else if (reaped != pid) {
		napi_get_null(env, &result);
		return result;
	} else if (WIFEXITED(status)) {
		napi_create_int32(env, WEXITSTATUS(status), &code);
		napi_get_null(env, &signal);
	} else {
		napi_get_null(env, &code);
		napi_create_int32(env, WIFSIGNALED(status) ? WTERMSIG(status) : 0, &signal);
	}

	napi_create_array_with_length(env, 2, &result);
	napi_set_element(env, result, 0, code);
	napi_set_element(env, result, 1, signal);
	return result;
}

/* The longest report kept; procui-exec writes one line. */
#define MAX_REPORT 4096

typedef struct {
	uv_poll_t poll;
	napi_env env;
	napi_ref callback;
	napi_async_context context;
	int fd;
	size_t length;
	char report[MAX_REPORT];
} watch_t;

static void free_watch(uv_handle_t *handle) {
	free(handle->data);
}

static void report_done(watch_t *watch) {
	uv_poll_stop(&watch->poll);
	close(watch->fd);
	napi_env env = watch->env;
	napi_handle_scope scope;
	napi_open_handle_scope(env, &scope);
	napi_value callback;
	napi_value receiver;
	napi_value report;
	napi_get_reference_value(env, watch->callback, &callback);
	napi_get_global(env, &receiver);
	napi_create_string_utf8(env, watch->report, watch->length, &report);
	if (napi_make_callback(env, watch->context, receiver, callback, 1, &report, NULL) == napi_pending_exception) {
		napi_value error;
		napi_get_and_clear_last_exception(env, &error);
		napi_fatal_exception(env, error);
	}

	napi_close_handle_scope(env, scope);
	napi_delete_reference(env, watch->callback);
	napi_async_destroy(env, watch->context);
	uv_close((uv_handle_t *) &watch->poll, free_watch);
}

static void on_readable(uv_poll_t *poll, int status, int events) {
	(void) events;
	watch_t *watch = poll->data;
	char scratch[512];
	for (;;) {
		char *into = watch->length < MAX_REPORT ? watch->report + watch->length : scratch;
		size_t room = watch->length < MAX_REPORT ? MAX_REPORT - watch->length : sizeof scratch;
		ssize_t got = status < 0 ? -1 : read(watch->fd, into, room);
		if (got > 0) {
			if (into != scratch) {
				watch->length += (size_t) got;
			}

			continue;
		}

		if (got < 0 && status >= 0 && errno == EINTR) {
			continue;
		}

		if (got < 0 && status >= 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return;
		}

		/* End of file (every holder of the write end is gone), or an error: the report is complete. */
		report_done(watch);
		return;
	}
}

static napi_value watch_report(napi_env env, napi_callback_info info) {
	size_t argc = 2;
	napi_value args[2];
	int32_t fd = -1;
	napi_valuetype type = napi_undefined;
	if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc < 2 || napi_get_value_int32(env, args[0], &fd) != napi_ok || fd < 0 || napi_typeof(env, args[1], &type) != napi_ok || type != napi_function) {
		napi_throw_type_error(env, NULL, "watch(fd, callback): a descriptor and a function");
		return NULL;
	}

	struct uv_loop_s *loop;
	if (napi_get_uv_event_loop(env, &loop) != napi_ok) {
		napi_throw_error(env, NULL, "watch: no event loop");
		return NULL;
	}

	int flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
		throw_errno(env, errno, "fcntl");
		return NULL;
	}

	watch_t *watch = calloc(1, sizeof *watch);
	if (watch == NULL) {
		napi_throw_error(env, NULL, "out of memory");
		return NULL;
	}

	watch->env = env;
	watch->fd = fd;
	int failure = uv_poll_init(loop, &watch->poll, fd);
	if (failure != 0) {
		free(watch);
		throw_errno(env, -failure, "uv_poll_init");
		return NULL;
	}

	watch->poll.data = watch;
	napi_value resource;
	napi_value name;
	napi_create_object(env, &resource);
	napi_create_string_utf8(env, "procui-exec report", NAPI_AUTO_LENGTH, &name);
	napi_async_init(env, resource, name, &watch->context);
	napi_create_reference(env, args[1], 1, &watch->callback);
	failure = uv_poll_start(&watch->poll, UV_READABLE | UV_DISCONNECT, on_readable);
	if (failure != 0) {
		napi_delete_reference(env, watch->callback);
		napi_async_destroy(env, watch->context);
		uv_close((uv_handle_t *) &watch->poll, free_watch);
		throw_errno(env, -failure, "uv_poll_start");
		return NULL;
	}

	return NULL;
}

NAPI_MODULE_INIT() {
	const napi_property_descriptor functions[] = {
		{"spawn", NULL, spawn, NULL, NULL, NULL, napi_default, NULL},
		{"pipe", NULL, make_pipe, NULL, NULL, NULL, napi_default, NULL},
		{"wait", NULL, wait_for, NULL, NULL, NULL, napi_default, NULL},
		{"watch", NULL, watch_report, NULL, NULL, NULL, napi_default, NULL},
	};
	napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
	return exports;
}
