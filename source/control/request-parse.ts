import {createRequire} from 'node:module';
import {errno, errorReply, type ErrorReply, type Request} from './protocol.js';

/** An id for a request that came without one. node:crypto is loaded only then: procui's own
clients always send an id, and a supervisor has no other use for it (0.6 MiB of resident memory). */
function randomUUID(): string {
	return (createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).randomUUID();
}

/** One line read from a client: a request to run, an error to send back, or nothing (a blank line). */
type ParsedLine =
	| {readonly kind: 'request'; readonly request: Request}
	| {
		readonly kind: 'invalid';
		/** The error to send back. */
		readonly reply: ErrorReply;
		/** A cast gets no reply, errors included. */
		readonly cast: boolean;
	}
	| {readonly kind: 'blank'};

/**
Check one line against the request shape. Circus's rules: a body that is not JSON is errno 1
with id null; a missing `command` or a malformed field is errno 3. A request without an `id`
is still served (as circusctl's library does); the server gives it one, which its reply carries.
*/
export function parseRequestLine(line: Buffer): ParsedLine {
	const text = line.toString('utf8').trim();
	if (text === '') {
		return {kind: 'blank'};
	}

	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch (error) {
		const detail = error instanceof Error ? `: ${error.message}` : '';
		return {kind: 'invalid', reply: errorReply(null, `json invalid${detail}`, errno.invalidJson), cast: false};
	}

	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		return {kind: 'invalid', reply: errorReply(null, 'a request must be a JSON object such as {"id": "1", "command": "status"}', errno.messageError), cast: false};
	}

	const fields = body as Record<string, unknown>;
	const cast = fields.msg_type === 'cast';
	// Circus echoes whatever id it is given; a string or a number is echoed here as given. Any other
	// JSON value (an object, a list, true) is refused, and the error carries id null: it answers no id.
	if (fields.id !== undefined && typeof fields.id !== 'string' && typeof fields.id !== 'number') {
		return {kind: 'invalid', reply: errorReply(null, `Expected \`id\` to be a string or a number, got \`${JSON.stringify(fields.id)}\` (${fields.id === null ? 'null' : Array.isArray(fields.id) ? 'list' : typeof fields.id})`, errno.messageError), cast};
	}

	const id = fields.id ?? randomUUID();
	if (typeof fields.command !== 'string' || fields.command === '') {
		return {kind: 'invalid', reply: errorReply(id, 'the request has no `command`', errno.messageError), cast};
	}

	const {properties} = fields;
	if (properties !== undefined && (typeof properties !== 'object' || properties === null || Array.isArray(properties))) {
		return {kind: 'invalid', reply: errorReply(id, `Expected \`properties\` to be an object, got \`${JSON.stringify(properties)}\``, errno.messageError), cast};
	}

	const request: Request = {
		id,
		command: fields.command,
		...(properties === undefined ? {} : {properties: properties as Record<string, unknown>}),
		...(cast ? {msg_type: 'cast'} : {}),
	};
	return {kind: 'request', request};
}
