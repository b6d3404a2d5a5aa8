/*
procui-reaper: the three system calls Node has no API for, as a Node-API addon.

    subreaper()  prctl(PR_SET_CHILD_SUBREAPER): a process that leaves its parent (a grandchild that
                 setsid()s and whose parent exits) is reparented to the supervisor instead of init,
                 so the supervisor can still find and stop it with its watcher. True when it worked.
    peek()       the pid of a child that has exited and waits to be reaped, without reaping it
                 (waitid WNOWAIT), or 0. Node reaps its own children; this only looks.
    reap(pid)    reap that one child (waitpid WNOHANG): true when it was reaped. Only ever called
                 for a pid Node did not spawn, so Node never loses a status it waits for.
*/
#define NAPI_VERSION 8
#include <errno.h>
#include <node_api.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

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

NAPI_MODULE_INIT() {
	const napi_property_descriptor functions[] = {
		{"subreaper", NULL, subreaper, NULL, NULL, NULL, napi_default, NULL},
		{"peek", NULL, peek, NULL, NULL, NULL, napi_default, NULL},
		{"reap", NULL, reap, NULL, NULL, NULL, napi_default, NULL},
	};
	napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
	return exports;
}
