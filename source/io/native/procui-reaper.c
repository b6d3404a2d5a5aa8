/*
procui-reaper: the system calls the daemon needs that Node has no API for, as a Node-API addon.

    subreaper()  prctl(PR_SET_CHILD_SUBREAPER): a process that leaves its parent (a grandchild that
                 setsid()s and whose parent exits) is reparented to the supervisor instead of init,
                 so the supervisor can still find and stop it with its watcher. True when it worked.
    peek()       the pid of a child that has exited and waits to be reaped, without reaping it
                 (waitid WNOWAIT), or 0. Node reaps its own children; this only looks.
    reap(pid)    reap that one child (waitpid WNOHANG): true when it was reaped. Only ever called
                 for a pid Node did not spawn, so Node never loses a status it waits for.
    datagram(path)     a Unix datagram socket connected to `path` (syslog's /dev/log: Node's dgram
                       has no AF_UNIX), non-blocking and close-on-exec: its fd, or -errno.
    sendDatagram(fd, data)
                       send `data` as one datagram without ever waiting: the bytes sent, or -errno
                       (-EAGAIN when the reader's queue is full).
*/
#define NAPI_VERSION 8
#include <errno.h>
#include <node_api.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static napi_value boolean(napi_env env, int value) {
	napi_value result;
	napi_get_boolean(env, value, &result);
	return result;
}

static napi_value subreaper(napi_env env, napi_callback_info info) {
	(void) info;
	return boolean(env, prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
}

static napi_value peek(napi_env env, napi_callback_info info) {
	(void) info;
	siginfo_t child;
	child.si_pid = 0;
	napi_value result;
	if (waitid(P_ALL, 0, &child, WEXITED | WNOHANG | WNOWAIT) != 0) {
		child.si_pid = 0;
	}

	napi_create_int32(env, child.si_pid, &result);
	return result;
}

static napi_value reap(napi_env env, napi_callback_info info) {
	size_t count = 1;
	napi_value argument;
	int32_t pid = 0;
	if (napi_get_cb_info(env, info, &count, &argument, NULL, NULL) != napi_ok || count < 1 || napi_get_value_int32(env, argument, &pid) != napi_ok || pid <= 0) {
		napi_throw_type_error(env, NULL, "reap(pid): pid must be a positive integer");
		return NULL;
	}

	int status;
	pid_t reaped;
	do {
		reaped = waitpid(pid, &status, WNOHANG);
	} while (reaped < 0 && errno == EINTR);
	return boolean(env, reaped == pid);
}

static napi_value integer(napi_env env, double value) {
	napi_value result;
	napi_create_double(env, value, &result);
	return result;
}

static napi_value datagram(napi_env env, napi_callback_info info) {
	size_t count = 1;
	napi_value argument;
	struct sockaddr_un address;
	size_t length = 0;
	if (napi_get_cb_info(env, info, &count, &argument, NULL, NULL) != napi_ok || count < 1 || napi_get_value_string_utf8(env, argument, NULL, 0, &length) != napi_ok) {
		napi_throw_type_error(env, NULL, "datagram(path): path must be a string");
		return NULL;
	}

	if (length == 0 || length >= sizeof address.sun_path) {
		return integer(env, -ENAMETOOLONG);
	}

	memset(&address, 0, sizeof address);
	address.sun_family = AF_UNIX;
	napi_get_value_string_utf8(env, argument, address.sun_path, sizeof address.sun_path, &length);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return integer(env, -errno);
	}

	if (connect(fd, (struct sockaddr *) &address, sizeof address) != 0) {
		int error = errno;
		close(fd);
		return integer(env, -error);
	}

	return integer(env, fd);
}

static napi_value send_datagram(napi_env env, napi_callback_info info) {
	size_t count = 2;
	napi_value argv[2];
	int32_t fd = -1;
	void *data = NULL;
	size_t length = 0;
	bool is_buffer = false;
	if (napi_get_cb_info(env, info, &count, argv, NULL, NULL) != napi_ok || count < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0
		|| napi_is_buffer(env, argv[1], &is_buffer) != napi_ok || !is_buffer || napi_get_buffer_info(env, argv[1], &data, &length) != napi_ok) {
		napi_throw_type_error(env, NULL, "sendDatagram(fd, data): a descriptor and a Buffer");
		return NULL;
	}

	ssize_t sent;
	do {
		sent = send(fd, data, length, MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (sent < 0 && errno == EINTR);
	return integer(env, sent < 0 ? -errno : (double) sent);
}

NAPI_MODULE_INIT() {
	const napi_property_descriptor functions[] = {
		{"subreaper", NULL, subreaper, NULL, NULL, NULL, napi_default, NULL},
		{"peek", NULL, peek, NULL, NULL, NULL, napi_default, NULL},
		{"reap", NULL, reap, NULL, NULL, NULL, napi_default, NULL},
		{"datagram", NULL, datagram, NULL, NULL, NULL, napi_default, NULL},
		{"sendDatagram", NULL, send_datagram, NULL, NULL, NULL, napi_default, NULL},
	};
	napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
	return exports;
}
