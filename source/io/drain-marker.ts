import fs from 'node:fs';

/**
Proves that a PTY's output has been read up to a point. After a child exits, the supervisor writes
a unique marker into the slave side it holds; the marker reaches the master behind every byte the
child wrote, so once the reader has seen it, nothing of the child's is still in the kernel's
buffers and the slave can be closed without losing a byte.

Closing the slave as soon as the exit is seen is not enough: Linux moves data from the slave to
the master through a flip buffer, and a hang-up can overtake data still in it (measured here: 24
of 60 runs of a 64 KiB burst lost their tail under a busy supervisor; with the marker, none).
*/
/** Random bytes drawn in bulk: a marker needs 12 at every spawn, and a call to the system's
generator for each costs more than the rest of the marker's work. They are read from the kernel's
generator, not through node:crypto, which this would be the only reason for a supervisor to load
(its code and OpenSSL's tables: 0.6 MiB of resident memory). */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomHex(bytes: number): string {
	if (poolOffset + bytes > pool.length) {
		const fd = fs.openSync('/dev/urandom', 'r');
		try {
			fs.readSync(fd, pool, 0, pool.length, null);
		} finally {
			fs.closeSync(fd);
		}

		poolOffset = 0;
	}

	const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
	poolOffset += bytes;
	return hex;
}

export class DrainMarker {
	readonly marker: Buffer;
	readonly #onFound: () => void;
	#armed = false;
	#found = false;
	#tail: Buffer | undefined;

	constructor(onFound: () => void) {
		// An OSC string: harmless to a terminal even if it ever leaked.
		this.marker = Buffer.from(`\u001B]procui-drain;${randomHex(12)}\u0007`);
		this.#onFound = onFound;
	}

	/** From now on, look for the marker in the output. */
	arm(): void {
		this.#armed = true;
	}

	/** The output without the marker. Chunks pass untouched until armed. */
	filter(chunk: Buffer): Buffer {
		if (!this.#armed || this.#found) {
			return chunk;
		}

		const data = this.#tail ? Buffer.concat([this.#tail, chunk]) : chunk;
		this.#tail = undefined;
		const index = data.indexOf(this.marker);
		if (index !== -1) {
			this.#found = true;
			queueMicrotask(this.#onFound);
			return Buffer.concat([data.subarray(0, index), data.subarray(index + this.marker.length)]);
		}

		// Keep a partial marker at the end for the next chunk.
		for (let length = Math.min(this.marker.length - 1, data.length); length > 0; length--) {
			if (data.subarray(data.length - length).equals(this.marker.subarray(0, length))) {
				this.#tail = data.subarray(data.length - length);
				return data.subarray(0, data.length - length);
			}
		}

		return data;
	}
}
