/**
The control protocol: Circus's JSON messages, one object per line.

request  {"id": "<uuid>", "command": "incr", "properties": {"name": "web", "nb": 2}}
reply    {"id": "<uuid>", "status": "ok", "time": 1764270000.1, "numprocesses": 4}
error    {"id": "<uuid>", "status": "error", "reason": "...", "errno": 3, "time": ...}
event    {"event": "watcher.web.spawn", "data": {...}, "time": ...}   (after `subscribe`)
*/

/** Circus's errno values (circus/commands/errors.py). */
export const errno = {
	notSpecified: 0,
	invalidJson: 1,
	unknownCommand: 2,
	messageError: 3,
	osError: 4,
	commandError: 5,
	badMessageData: 6,
} as const;

type Errno = (typeof errno)[keyof typeof errno];

/** Longest request line accepted, in bytes. Longer ones get an error reply. */
export const maxMessageBytes = 1024 * 1024;

export type Properties = Readonly<Record<string, unknown>>;

/** A request's id as the client gave it: circusctl sends a string, other clients a number (Circus echoes either). */
export type RequestId = string | number;

export type Request = {
	readonly id: RequestId;
	readonly command: string;
	readonly properties?: Properties;
	/** Circus's fire-and-forget: the command runs, no reply is sent. */
	readonly msg_type?: 'cast';
};

export type OkReply = {
	readonly id: RequestId | null;
	/** "ok", or for `status NAME` the watcher's state, as Circus does. */
	readonly status: string;
	readonly time: number;
	readonly [field: string]: unknown;
};

export type ErrorReply = {
	readonly id: RequestId | null;
	readonly status: 'error';
	readonly reason: string;
	readonly errno: Errno;
	readonly time: number;
};

export type Reply = OkReply | ErrorReply;

/** A published event: topic `watcher.<name>.<event>`, `arbiter.<event>`, `logs.<name>`, `stats`. */
export type EventMessage = {
	readonly event: string;
	readonly data: Readonly<Record<string, unknown>>;
	readonly time: number;
};

/** The event a subscriber receives after events were dropped for it: `{"event": "dropped", "data": {"count": N}}`.
It is sent to every subscriber whatever its topics, once the backlog has drained. */
export const droppedEvent = 'dropped';

export function isErrorReply(reply: Reply): reply is ErrorReply {
	return reply.status === 'error';
}

export function nowSeconds(): number {
	return Date.now() / 1000;
}

export function errorReply(id: RequestId | null, reason: string, code: Errno): ErrorReply {
	return {id, status: 'error', reason, errno: code, time: nowSeconds()};
}

/** Does `topic` match a subscription `pattern` (`*` matches one dot-free segment or, at the end, the rest;
a pattern without `*` is a prefix, as ZeroMQ's SUB is)? */
export function topicMatches(pattern: string, topic: string): boolean {
	if (!pattern.includes('*')) {
		return topic === pattern || topic.startsWith(pattern.endsWith('.') ? pattern : `${pattern}.`) || pattern === '';
	}

	const parts = pattern.split('.');
	const topicParts = topic.split('.');
	for (const [index, part] of parts.entries()) {
		if (part === '*' && index === parts.length - 1) {
			return topicParts.length >= parts.length;
		}

		if (index >= topicParts.length) {
			return false;
		}

		if (part !== '*' && part !== topicParts[index]) {
			return false;
		}
	}

	return topicParts.length === parts.length;
}
