/** An endpoint that procui cannot or will not use: malformed, not loopback, path too long. */
export class EndpointError extends Error {
	override readonly name = 'EndpointError';
}

/** The control endpoint could not be reached, or the connection to it ended before a reply came. */
export class ControlConnectionError extends Error {
	override readonly name = 'ControlConnectionError';
}

/** A request got no reply within the client's timeout. */
export class ControlTimeoutError extends Error {
	override readonly name = 'ControlTimeoutError';

	constructor(
		/** The command that went unanswered. */
		readonly command: string,
		/** How long the client waited, in milliseconds. */
		readonly timeoutMs: number,
		endpoint: string,
	) {
		super(`no reply to \`${command}\` from ${endpoint} within ${formatMs(timeoutMs)}`);
	}
}

function formatMs(ms: number): string {
	return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** The message of anything thrown, for a reply or a log line. */
export function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** The `code` of a Node.js system error (`ENOENT`, `ECONNREFUSED`), if it is one. */
export function errorCode(error: unknown): string | undefined {
	if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
		return error.code;
	}

	return undefined;
}
