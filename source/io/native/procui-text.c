/*
procui-text: the two byte scans of the supervisor's output path, as a Node-API addon.

Every chunk a process writes is numbered into lines for the scrollback, and a terminal's chunks
have their "\r\n" turned back into "\n" for the stream files. In JavaScript both take a call into
Buffer#indexOf per line: with 64-byte lines, about 0.2 s of the supervisor's CPU per GB each. Here
they are one call per chunk, over loops the compiler vectorizes.

    lines(buffer, start, end, first, max)
        The newlines in buffer[start, end), or -1 when a line there is longer than `max` bytes.
        The first line counts `first` bytes more (the unfinished line the chunk continues); the
        last line, after the last newline, is checked too.
    crlf(source, target, carried)
        Copy `source` into `target` (at least as long, a byte longer when `carried`) with each
        "\r\n" turned into "\n". `carried`: a "\r" ended the last chunk (it is written first unless
        this one starts with "\n"). `target` may be `source` itself when not `carried`: the bytes
        only move toward the start. Returns the bytes written, negated and minus one when `source`
        ends with "\r" (held for the next chunk: not written).

Without this addon (no compiler or headers) the JavaScript scans run instead, with the same results.
*/
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static int buffer_of(napi_env env, napi_value value, uint8_t **data, size_t *length) {
	return napi_get_buffer_info(env, value, (void **) data, length) == napi_ok;
}

static napi_value number(napi_env env, double value) {
	napi_value result;
	napi_create_double(env, value, &result);
	return result;
}

/* Newlines in data[0, n). Counted 255 bytes at a time into 8-bit counters, so that the compiler
turns the inner loop into vector compares and adds (the 8-bit sum of a block cannot overflow); a
plain count into a size_t widened every byte and ran at a third of the speed. */
static size_t count_newlines(const uint8_t *data, size_t n) {
	size_t count = 0;
	size_t i = 0;
	enum { block = 16 * 255 };
	while (n - i >= block) {
		uint8_t lanes[16] = {0};
		for (size_t k = 0; k < block; k += 16) {
			for (size_t lane = 0; lane < 16; lane++) {
				lanes[lane] += data[i + k + lane] == '\n';
			}
		}

		for (size_t lane = 0; lane < 16; lane++) {
			count += lanes[lane];
		}

		i += block;
	}

	for (; i < n; i++) {
		count += data[i] == '\n';
	}

	return count;
}

static napi_value lines(napi_env env, napi_callback_info info) {
	size_t argc = 5;
	napi_value argv[5];
	uint8_t *data;
	size_t length;
	double start;
	double end;
	double first;
	double max;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5 || !buffer_of(env, argv[0], &data, &length)
		|| napi_get_value_double(env, argv[1], &start) != napi_ok || napi_get_value_double(env, argv[2], &end) != napi_ok
		|| napi_get_value_double(env, argv[3], &first) != napi_ok || napi_get_value_double(env, argv[4], &max) != napi_ok
		|| start < 0 || end < start || end > (double) length || first < 0 || max < 0) {
		napi_throw_type_error(env, NULL, "lines(buffer, start, end, first, max): bad arguments");
		return NULL;
	}

	const uint8_t *at = data + (size_t) start;
	const uint8_t *stop = data + (size_t) end;
	size_t limit = (size_t) max;
	/* No line is longer than `max` when every window of max + 1 bytes holds a newline: from each
	line's start, the last newline within max + 1 bytes (memrchr) starts the next window, so the
	scan advances almost `max` bytes a step whatever the lines' lengths. The first line's window is
	shorter by the bytes it continues. */
	size_t carried = (size_t) first;
	const uint8_t *line = at;
	while ((size_t) (stop - line) + carried > limit) {
		if (carried > limit) {
			return number(env, -1);
		}

		size_t window = limit + 1 - carried;
		const uint8_t *newline = memrchr(line, '\n', window);
		if (newline == NULL) {
			return number(env, -1);
		}

		line = newline + 1;
		carried = 0;
	}

	return number(env, (double) count_newlines(at, (size_t) (stop - at)));
}

static napi_value crlf(napi_env env, napi_callback_info info) {
	size_t argc = 3;
	napi_value argv[3];
	uint8_t *source;
	size_t length;
	uint8_t *target;
	size_t room;
	bool carried;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || !buffer_of(env, argv[0], &source, &length)
		|| !buffer_of(env, argv[1], &target, &room) || napi_get_value_bool(env, argv[2], &carried) != napi_ok || room < length + (carried ? 1 : 0)) {
		napi_throw_type_error(env, NULL, "crlf(source, target, carried): target must be as long as source (a byte longer when carried)");
		return NULL;
	}

	if (length == 0) {
		/* Nothing yet to say whether a "\n" follows a carried "\r". */
		return number(env, carried ? -1 : 0);
	}

	size_t written = 0;
	size_t i = 0;
	if (carried && source[0] != '\n') {
		target[written++] = '\r';
	}

	while (i < length) {
		const uint8_t *cr = memchr(source + i, '\r', length - i);
		size_t run = cr == NULL ? length - i : (size_t) (cr - (source + i));
		if (target + written != source + i) {
			memmove(target + written, source + i, run);
		}

		written += run;
		i += run;
		if (cr == NULL) {
			break;
		}

		if (i + 1 == length) {
			/* The last byte: whether a "\n" follows is for the next chunk to say. */
			return number(env, -(double) written - 1);
		}

		if (source[i + 1] != '\n') {
			target[written++] = '\r';
		}

		i++;
	}

	return number(env, (double) written);
}

NAPI_MODULE_INIT() {
	napi_property_descriptor properties[] = {
		{"lines", NULL, lines, NULL, NULL, NULL, napi_enumerable, NULL},
		{"crlf", NULL, crlf, NULL, NULL, NULL, napi_enumerable, NULL},
	};
	napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
	return exports;
}
