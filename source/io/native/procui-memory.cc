// procui-memory.node: tells V8 that memory is low, so that it gives back what a burst of work
// grew its heap to. A full collection run from JavaScript (`gc()`) frees the objects but keeps the
// pages, and keeps the young generation at the size the burst grew it to (32 MB), until V8's own
// memory reducer runs, 10 to 20 s later; a low-memory notification collects everything with the
// aim of using less memory, moves what survives off half-empty pages and shrinks the young
// generation at once. V8 offers it only in C++ (v8::Isolate::LowMemoryNotification); Node-API
// has no such call. Node-API for the module itself; the one V8 call is a plain exported function
// of every Node since V8 has had it, looked up when the addon loads (a Node without it refuses to
// load the addon, and procui collects from JavaScript as before).
#include <node_api.h>
#include <v8.h>

static napi_value low_memory(napi_env env, napi_callback_info info) {
	v8::Isolate* isolate = v8::Isolate::GetCurrent();
	napi_value result;
	napi_get_boolean(env, isolate != nullptr, &result);
	if (isolate != nullptr) {
		isolate->LowMemoryNotification();
	}

	return result;
}

static napi_value init(napi_env env, napi_value exports) {
	napi_value function;
	if (napi_create_function(env, "lowMemory", NAPI_AUTO_LENGTH, low_memory, nullptr, &function) == napi_ok) {
		napi_set_named_property(env, exports, "lowMemory", function);
	}

	return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
