import {Buffer} from 'node:buffer';
import {positiveInteger} from './check-option.js';

/**
The newest raw bytes of one PTY process, escape sequences and all, so that a terminal view opened
while the program runs (`top`, a REPL) can draw its screen: it replays this tail into a fresh
emulator, then follows the live bytes. A full-screen program redraws within this window; the
alternate-screen switch is remembered apart, because it may be far older than the tail.

Memory: at most `maxBytes` per process (64 KiB by default), allocated by doubling from 1 KiB, so a
quiet process holds 1 KiB. The hot path is one copy of the chunk (plus one `indexOf` for ESC).
*/

/** Bytes kept by default. */
const DEFAULT_RAW_TAIL_BYTES = 64 * 1024;

const initialBytes = 1024;
const ESC = 0x1b;
const altOn = [Buffer.from('\u001B[?1049h'), Buffer.from('\u001B[?1047h'), Buffer.from('\u001B[?47h')];
const altOff = [Buffer.from('\u001B[?1049l'), Buffer.from('\u001B[?1047l'), Buffer.from('\u001B[?47l')];

/** The newest bytes (oldest first), and the output's total length at their end. */
export type RawSnapshot = {
	readonly data: Buffer;
	/** Bytes of output ever, the snapshot's end: live chunks carry their offset, so a viewer skips
	what the snapshot already holds. */
	readonly end: number;
	/** The program switched to the alternate screen and has not switched back. */
	readonly alternate: boolean;
};

export class RawTail {
	readonly #max: number;
	#buffer: Buffer;
	/** Where the next byte goes, once the buffer is full and wraps. */
	#at = 0;
	#full = false;
	#total = 0;
	#alternate = false;

	constructor(maxBytes?: number) {
		this.#max = positiveInteger('maxBytes', maxBytes, DEFAULT_RAW_TAIL_BYTES);
		this.#buffer = Buffer.allocUnsafe(Math.min(initialBytes, this.#max));
	}

	/** Bytes pushed ever. */
	get total(): number {
		return this.#total;
	}

	push(data: Buffer): void {
		this.#total += data.length;
		if (data.includes(ESC)) {
			this.#trackAlternate(data);
		}

		if (data.length >= this.#max) {
			this.#buffer = Buffer.from(data.subarray(data.length - this.#max));
			this.#at = 0;
			this.#full = true;
			return;
		}

		if (!this.#full && this.#at + data.length > this.#buffer.length) {
			this.#grow(this.#at + data.length);
		}

		if (!this.#full) {
			data.copy(this.#buffer, this.#at);
			this.#at += data.length;
			if (this.#at === this.#buffer.length && this.#buffer.length === this.#max) {
				this.#at = 0;
				this.#full = true;
			}

			return;
		}

		const first = Math.min(data.length, this.#max - this.#at);
		data.copy(this.#buffer, this.#at, 0, first);
		data.copy(this.#buffer, 0, first);
		this.#at = (this.#at + data.length) % this.#max;
	}

	snapshot(): RawSnapshot {
		const data = this.#full
			? Buffer.concat([this.#buffer.subarray(this.#at), this.#buffer.subarray(0, this.#at)])
			: Buffer.from(this.#buffer.subarray(0, this.#at));
		return {data, end: this.#total, alternate: this.#alternate};
	}

	/** Grow (doubling, at most `max`) to hold `needed` bytes before the ring first wraps. */
	#grow(needed: number): void {
		let size = this.#buffer.length;
		while (size < needed && size < this.#max) {
			size = Math.min(this.#max, size * 2);
		}

		const grown = Buffer.allocUnsafe(size);
		this.#buffer.copy(grown, 0, 0, this.#at);
		this.#buffer = grown;
		if (needed > size) {
			// Full: what does not fit pushes the oldest bytes out, as a ring.
			this.#full = true;
		}
	}

	#trackAlternate(data: Buffer): void {
		let on = -1;
		let off = -1;
		for (const sequence of altOn) {
			on = Math.max(on, data.lastIndexOf(sequence));
		}

		for (const sequence of altOff) {
			off = Math.max(off, data.lastIndexOf(sequence));
		}

		if (on !== off) {
			this.#alternate = on > off;
		}
	}
}
