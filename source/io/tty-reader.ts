import tty from 'node:tty';

/** Size of the buffers a terminal is read into; each is filled by many reads before the next. */
const bufferBytes = 64 * 1024;
/** A buffer with less room than this left is replaced: a terminal read returns up to ~20 KiB. */
const minimumRoom = 24 * 1024;

/**
A PTY master read straight into large buffers, its reads of one turn of the event loop handed on
as one chunk. A terminal read returns at most about 4 KiB (the line discipline's buffer), so the
ordinary `tty.ReadStream` costs an allocation, a stream `push` and a `'data'` event, and procui a
pass through the scrollback, the stream files and the viewers, per 4 KiB. Here libuv reads into
the free end of a 64 KiB buffer (`onread` with a buffer generator: no allocation and no copy per
read), and what one turn of the loop read goes out as one `'data'` chunk from `setImmediate`,
with no added wait.

The chunks are views of these buffers, never written again once handed on: a reader may keep
them. Whatever was read is handed on before the stream's `'end'`, `'error'` or `'close'`
reaches any other listener. `pause()` stops reading (libuv's readStop), as on any socket.
*/
export function readTerminal(fd: number): tty.ReadStream {
	let buffer = Buffer.allocUnsafeSlow(bufferBytes);
	/** Bytes of `buffer` read so far, and those handed on. */
	let filled = 0;
	let handed = 0;
	let scheduled = false;
	const handOn = (): void => {
		scheduled = false;
		// Never true while the stream is being made (its first buffer is asked for then): it exists.
		if (filled > handed) {
			const chunk = buffer.subarray(handed, filled);
			handed = filled;
			stream.emit('data', chunk);
		}
	};

	// `tty.ReadStream` passes its options on to `net.Socket`, which takes `onread`.
	const stream = new tty.ReadStream(fd, {
		onread: {
			buffer() {
				if (buffer.length - filled < minimumRoom) {
					handOn();
					buffer = Buffer.allocUnsafeSlow(bufferBytes);
					filled = 0;
					handed = 0;
				}

				return buffer.subarray(filled);
			},
			callback(bytes: number) {
				filled += bytes;
				if (!scheduled) {
					scheduled = true;
					setImmediate(handOn);
				}

				return true;
			},
		},
	} as ConstructorParameters<typeof tty.ReadStream>[1]);
	for (const event of ['end', 'error', 'close']) {
		stream.on(event, handOn);
	}

	return stream;
}
