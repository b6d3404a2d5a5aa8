import net from 'node:net';
import type {Writable} from 'node:stream';
import tty from 'node:tty';

/** The supervisor's own stdout or stderr, for writes that must never block it. */
export type OwnOutput = {
	readonly stream: Writable;
	/** A write failed (the terminal hung up: EIO; the pipe's reader is gone: EPIPE): later writes only fail too. */
	failed(): boolean;
};

type HandleWithBlocking = {readonly _handle?: {setBlocking?: (blocking: boolean) => number}};

/**
fd 1 or 2 as a stream that never blocks the supervisor. A pipe or socket becomes a net.Socket of
its own (Node writes to process.stdout/stderr synchronously when they are pipes). A terminal
becomes a tty.WriteStream, which Node makes blocking: a terminal nobody reads (Ctrl-S, an ssh
connection that stalls) would then freeze supervision at the next line. libuv opens a terminal
again for each such stream (uv_tty_init), so making this one non-blocking changes no one else's.
A file is written as Node writes it (files never stall a writer for long). A failed write, as
when the terminal hangs up, is not an error of the supervisor's: `failed` says so and the caller
drops what it would have written.
*/
export function openOwnOutput(fd: 1 | 2): OwnOutput {
	let failed = false;
	let stream: Writable;
	if (tty.isatty(fd)) {
		const terminal = new tty.WriteStream(fd);
		(terminal as unknown as HandleWithBlocking)._handle?.setBlocking?.(false);
		stream = terminal;
	} else {
		try {
			stream = new net.Socket({fd, readable: false, writable: true});
		} catch {
			stream = fd === 1 ? process.stdout : process.stderr;
		}
	}

	stream.on('error', () => {
		failed = true;
	});
	return {stream, failed: () => failed};
}
