import net from 'node:net';
import tty from 'node:tty';

/** The first buffer reads go into; it doubles while reads fill it, so a quiet process holds little.
Node asks for it as the stream opens, so every process holds one: 1 KiB, not 4, is 0.3 MiB less
for 100 quiet processes, and a process that writes reaches 64 KiB after six full reads. */
const firstBufferBytes = 1024;
/** The largest buffer for a terminal and for a pipe (a read returns up to ~200 KiB). */
const terminalBufferBytes = 64 * 1024;
/**
The most a terminal's read is offered. Linux's line discipline hands over at most 4095 bytes per
read (its 4 KiB buffer, one byte kept free), and the read wakes its flush worker to refill it.
libuv reads again at once only after a read that filled all it offered (up to 32 times), and goes
back to epoll otherwise: offered more, every read of a flood was a turn of the loop of its own.
Offered exactly this, a full read is followed by the next, which the worker (run while the reader
was switched out) has usually refilled: 200 MB of `cat` on a terminal into a stream file, fresh
daemons in alternation, 64–77 MB/s at 5.05–6.45 s of CPU per GB before, 79–89 MB/s at 3.95–4.9
after, with a tenth as many epoll waits (4,846 against 48,160 for ~50,000 reads, strace).
*/
const terminalReadBytes = 4095;
const pipeBufferBytes = 256 * 1024;

/**
When a pipe's reads are spaced. A program that writes a line or a few KiB at a time wakes a reader
that keeps up once per write or two: each wake-up costs a turn of the scheduler's loop, the
kernel's switches and a read, for 8–20 KiB. After a turn that read under `belowBytes` within
`gapMs` of the last one, reading stops for `spaceMs` while the child's writes gather in its pipe
(`pipe_room_bytes` in procui-spawn.c makes room for a few ms of a fast writer); the next read takes
them all at once. A quiet process, and a burst's first read, are read at once as before. 200 MB of
`yes LINE | head -c` (64-byte lines) into a stream file, fresh daemons in alternation: 1.35–1.7 s
of CPU per GB and 440–490 MB/s read as it came, 0.95–1.05 s/GB and 590–610 MB/s spaced.
*/
export type Spacing = {readonly belowBytes: number; readonly gapMs: number; readonly spaceMs: number};
export const floodSpacing: Spacing = {belowBytes: 64 * 1024, gapMs: 2, spaceMs: 1};
/** The least room a child's pipe must give its writer for spaced reads: a 1 ms space can last 2 by
the loop's clock, 1 MB of a writer at 500 MB/s. Less (net.core.wmem_max at its usual 208 KiB)
would hold a fast writer up more than the wake-ups cost: its reads are not spaced. */
const spacingRoomBytes = 1024 * 1024;

/** How to space the reads of a pipe whose writer has `room` bytes of send buffer. */
export function spacingFor(room: number): Spacing | undefined {
	return room >= spacingRoomBytes ? floodSpacing : undefined;
}

type OnRead = {
	buffer(): Uint8Array;
	callback(bytes: number): boolean;
};

/**
Reads go into the free end of a buffer (net.Socket's `onread` with a buffer generator: libuv reads
straight into it, with no allocation and no copy per read), and what one turn of the event loop
read goes on as one `'data'` chunk from `setImmediate`, with no added wait. The chunks are views of
these buffers that are never written again once handed on: a reader may keep them. A buffer is
replaced once a quarter of it is left; the next is twice as big, up to `maxBytes`, when reads
filled all the room they were given. `readBytes` caps the room one read is given (see
`terminalReadBytes`). Whatever was read goes on before the stream's `'end'`,
`'error'` or `'close'` reaches any other listener.
*/
function gatherReads(maxBytes: number, spacing?: Spacing, readBytes = Number.POSITIVE_INFINITY): {onread: OnRead; attach(stream: net.Socket): void} {
	let size = firstBufferBytes;
	let buffer = Buffer.allocUnsafeSlow(size);
	/** Bytes of `buffer` read so far, and those handed on. */
	let filled = 0;
	let handed = 0;
	/** Room the last read was given. */
	let offered = 0;
	let scheduled = false;
	let stream: net.Socket | undefined;
	/** When the last turn that read anything handed it on (spaced streams only). */
	let lastTurn = Number.NEGATIVE_INFINITY;
	let spacer: NodeJS.Timeout | undefined;
	const resume = (): void => {
		const handle = (stream as ReadSocket | undefined)?._handle;
		// Not if the stream was paused meanwhile (a stream file behind): that pause stands.
		if (handle && !handle.reading && stream && !stream.destroyed && !stream.isPaused()) {
			handle.reading = true;
			handle.readStart();
		}
	};

	const space = spacing && ((bytes: number): void => {
		const now = performance.now();
		const flooding = bytes < spacing.belowBytes && now - lastTurn < spacing.gapMs;
		lastTurn = now;
		const handle = (stream as ReadSocket | undefined)?._handle;
		if (flooding && handle?.reading) {
			// What `net.Socket.pause()` does, without pausing the stream: `resume` starts it again.
			handle.reading = false;
			handle.readStop();
			if (spacer) {
				spacer.refresh();
			} else {
				spacer = setTimeout(resume, spacing.spaceMs);
			}
		}
	});

	const handOn = (): void => {
		scheduled = false;
		if (filled > handed && stream) {
			const chunk = buffer.subarray(handed, filled);
			handed = filled;
			space?.(chunk.length);
			stream.emit('data', chunk);
		}
	};

	return {
		onread: {
			buffer() {
				if (buffer.length - filled < buffer.length / 4) {
					handOn();
					buffer = Buffer.allocUnsafeSlow(size);
					filled = 0;
					handed = 0;
				}

				offered = Math.min(buffer.length - filled, readBytes);
				return buffer.subarray(filled, filled + offered);
			},
			callback(bytes) {
				filled += bytes;
				if (bytes === offered && size < maxBytes) {
					size *= 2;
				}

				if (!scheduled) {
					scheduled = true;
					setImmediate(handOn);
				}

				return true;
			},
		},
		attach(socket) {
			stream = socket;
			for (const event of ['end', 'error', 'close']) {
				socket.on(event, handOn);
			}
		},
	};
}

/**
A PTY master, read as `gatherReads` says, `terminalReadBytes` at a time. A terminal read returns
at most about 4 KiB (the line discipline's buffer): `tty.ReadStream` alone costs an allocation, a stream `push` and a `'data'`
event per read, and procui a pass through the scrollback, the stream files and the viewers.
`pause()` stops reading (libuv's readStop), as on any socket.
*/
export function readTerminal(fd: number): tty.ReadStream {
	const gather = gatherReads(terminalBufferBytes, undefined, terminalReadBytes);
	// `tty.ReadStream` passes its options on to `net.Socket`, which takes `onread`.
	const stream = new tty.ReadStream(fd, {onread: gather.onread} as ConstructorParameters<typeof tty.ReadStream>[1]);
	gather.attach(stream);
	return stream;
}

/** What a child's pipe is to Node: a socket over a libuv pipe handle (its fd is the pipe's). */
type PipeHandle = {fd: number; reading: boolean; readStop(): number; readStart(): number};
type ReadSocket = net.Socket & {_handle: PipeHandle | null};

/**
A child's stdout or stderr pipe, taken over from the socket child_process made for it and read as
`gatherReads` says (no 64 KiB allocation per read, which a flood turned into garbage collection).
Call it in the same turn as the spawn: nothing has been read yet. The old socket is left destroyed,
without its handle (so the fd stays open); the new one owns the handle, and its fd.
*/
export function readPipe(socket: net.Socket): net.Socket {
	const old = socket as net.Socket & {_handle: PipeHandle | null};
	const handle = old._handle;
	if (!handle) {
		throw new Error('readPipe: the socket has no pipe handle (already read or closed)');
	}

	// child_process started reading (readStart); stop it before the new socket starts its own.
	handle.readStop();
	handle.reading = false;
	old._handle = null;
	old.destroy();
	// Not spaced: child_process's pipe has the default room, which spacing would cap near 200 MB/s.
	const gather = gatherReads(pipeBufferBytes);
	const stream = new net.Socket({handle, readable: true, writable: false, onread: gather.onread} as net.SocketConstructorOpts);
	gather.attach(stream);
	return stream;
}

/** A pipe's read end (a descriptor the supervisor owns, not child_process's socket), read as
`gatherReads` says, its reads spaced as `spacing` says (`spacingFor` the room its writer has). The
socket owns the descriptor from now on. */
export function readPipeEnd(fd: number, spacing: Spacing | undefined): net.Socket {
	const gather = gatherReads(pipeBufferBytes, spacing);
	const stream = new net.Socket({fd, readable: true, writable: false, onread: gather.onread} as net.SocketConstructorOpts);
	gather.attach(stream);
	return stream;
}

/** The fd a socket made by `readPipe` or `readPipeEnd` reads, or -1. */
export function pipeFd(socket: net.Socket): number {
	return (socket as net.Socket & {_handle: PipeHandle | null})._handle?.fd ?? -1;
}
