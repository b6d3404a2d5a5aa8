import {Buffer, isAscii} from 'node:buffer';
import {positiveInteger} from './check-option.js';
import {cleanTerminalText} from './terminal-text.js';

/**
One process's recent output as lines, for the UI and `logs`: bounded by line count and by
bytes, oldest evicted first.

Chunks are assembled into lines across reads; the unfinished last line is kept apart
(`pending()`) until its newline arrives or `flush()` is called at process end. Text is
cleaned for display by `cleanTerminalText` (PTY `\r\n` -> `\n`, progress-bar `\r` keeps the
last frame, SGR colours kept, every other control sequence removed). While a line is
pending, text before an inner `\r` is dropped at once, so a progress bar that never prints
a newline holds one frame, not all of them. A line longer than `maxLineBytes` is cut into
lines of at most that size, so one endless line cannot hold unbounded memory either.

The hot path works on whole chunks: one `lastIndexOf` for the newline, one decode, one
`split`; no per-byte JavaScript. Memory: `maxBytes` counts the text; each line adds a
string header and 12 bytes of bookkeeping, and lines are V8 slices of the chunk they came
from, so a partly evicted chunk stays alive until its last line goes (about one chunk).
*/

/** Lines held by default. */
export const DEFAULT_LINE_CAPACITY = 10_000;
/** Bytes of text held by default (UTF-8, summed over the lines). */
const DEFAULT_RING_BYTES = 8 * 1024 * 1024;
/** Longest line by default; a longer one is cut. */
const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;
const CR = 0x0d;

/** Options of a `LineRing`. */
type LineRingOptions = {
	/** Most lines held. Default 10,000. */
	readonly capacity?: number;
	/** Most bytes of text held, counted as UTF-8 after cleaning. Default 8 MiB. */
	readonly maxBytes?: number;
	/** Longest line in bytes; longer ones are cut. Default 64 KiB (never more than `maxBytes`). */
	readonly maxLineBytes?: number;
	/** Clock for the lines' timestamps, ms since the epoch. Default `Date.now`. */
	readonly now?: () => number;
};

/** One stored line. */
export type Line = {
	/** Position in the process's output: 1 for the first line ever pushed, then +1 per line. */
	readonly seq: number;
	/** When the line was completed (the push that brought its newline), ms since the epoch. */
	readonly time: number;
	/** The cleaned text, without the newline. */
	readonly text: string;
	/** Written to stderr when stderr has its own channel (a pipe): viewers mark it. */
	readonly stderr?: true;
};

/** Index just past the last whole UTF-8 character at or before `end`. */
function characterBoundary(data: Buffer, end: number): number {
	let at = end;
	// Step back over continuation bytes (10xxxxxx) to the start of the cut character.
	while (at > 0 && at < data.length && (data[at]! & 0xc0) === 0x80) {
		at--;
	}

	return at > 0 ? at : end;
}

/** Slots a new ring starts with. */
const initialSlots = 64;

/** A bounded ring of output lines with sequence numbers (see the module comment). */
export class LineRing {
	readonly #capacity: number;
	readonly #maxBytes: number;
	readonly #maxLineBytes: number;
	readonly #now: () => number;
	// Allocated lazily, doubling up to capacity: most processes print a few lines, and a
	// supervisor of 100 quiet processes should not hold 100 rings of 10,000 empty slots.
	#texts: string[];
	#sizes: Uint32Array;
	#times: Float64Array;
	/** 1 for a line that came from stderr. */
	#stderr: Uint8Array;
	#slots: number;
	#start = 0;
	#count = 0;
	#bytes = 0;
	#nextSeq = 1;
	#pending: Buffer[] = [];
	#pendingBytes = 0;
	#pendingEndsWithCr = false;
	#pendingTime = 0;
	/** stderr's unfinished line: assembled apart, so the two channels never meet inside a line. */
	#errPending: Buffer[] = [];

	constructor(options: LineRingOptions = {}) {
		this.#capacity = positiveInteger('capacity', options.capacity, DEFAULT_LINE_CAPACITY);
		this.#maxBytes = positiveInteger('maxBytes', options.maxBytes, DEFAULT_RING_BYTES);
		this.#maxLineBytes = Math.min(
			positiveInteger('maxLineBytes', options.maxLineBytes, DEFAULT_MAX_LINE_BYTES),
			this.#maxBytes,
		);
		this.#now = options.now ?? Date.now;
		this.#slots = Math.min(this.#capacity, initialSlots);
		this.#texts = Array.from({length: this.#slots}, () => '');
		this.#sizes = new Uint32Array(this.#slots);
		this.#times = new Float64Array(this.#slots);
		this.#stderr = new Uint8Array(this.#slots);
	}

	/** Seq of the oldest line held; `lastSeq + 1` when none is held. */
	get firstSeq(): number {
		return this.#nextSeq - this.#count;
	}

	/** Seq of the newest line held; 0 before the first line. */
	get lastSeq(): number {
		return this.#nextSeq - 1;
	}

	/** Lines held now. */
	get size(): number {
		return this.#count;
	}

	/** Bytes of text held now (UTF-8, excluding the pending line). */
	get byteLength(): number {
		return this.#bytes;
	}

	/** Add output. A string is taken as UTF-8 text (node-pty's default). `channel` stderr: the
	output of a stderr that has a channel of its own (a pipe), whose lines are marked. */
	push(chunk: Buffer | string, channel: 'stdout' | 'stderr' = 'stdout'): void {
		const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
		if (data.length === 0) {
			return;
		}

		const time = this.#now();
		if (channel === 'stderr') {
			this.#pushStderr(data, time);
			return;
		}

		const newline = data.lastIndexOf(NEWLINE);
		if (newline === -1) {
			this.#addPending(data, time);
			return;
		}

		let complete = data.subarray(0, newline);
		if (this.#pendingBytes > 0) {
			complete = Buffer.concat([...this.#pending, complete]);
			this.#clearPending();
		}

		this.#appendBytes(complete, time);
		if (newline + 1 < data.length) {
			this.#addPending(data.subarray(newline + 1), time);
		}
	}

	/** The unfinished last line, cleaned; '' when there is none. */
	pending(): string {
		if (this.#pendingBytes === 0) {
			return '';
		}

		return cleanTerminalText(Buffer.concat(this.#pending).toString('utf8'));
	}

	/** The unfinished last line as the line it will become (the seq it will have once its newline
	comes, the time of its latest output), for viewers that show a prompt or a progress bar as it
	arrives; undefined when there is none. Cleans on each call: only call it for a listener. */
	pendingLine(): Line | undefined {
		if (this.#pendingBytes === 0) {
			return undefined;
		}

		return {seq: this.#nextSeq, time: this.#pendingTime, text: this.pending()};
	}

	/** Turn the unfinished last lines into lines (at process end). */
	flush(): void {
		if (this.#errPending.length > 0) {
			const line = Buffer.concat(this.#errPending);
			this.#errPending = [];
			this.#appendBytes(line, this.#now(), 1);
		}

		if (this.#pendingBytes === 0) {
			return;
		}

		const line = Buffer.concat(this.#pending);
		this.#clearPending();
		this.#appendBytes(line, this.#now());
	}

	/** Lines from `fromSeq` (default: the oldest held), oldest first, at most `limit`.
	A `fromSeq` older than `firstSeq` starts at `firstSeq`: the caller sees the gap. */
	lines(fromSeq?: number, limit = Number.POSITIVE_INFINITY): Line[] {
		const first = this.firstSeq;
		const from = Math.max(fromSeq ?? first, first);
		const count = Math.min(this.#nextSeq - from, limit);
		const lines: Line[] = [];
		for (let i = 0; i < count; i++) {
			const seq = from + i;
			let index = this.#start + (seq - first);
			if (index >= this.#slots) {
				index -= this.#slots;
			}

			const line: Line = {seq, time: this.#times[index]!, text: cleanTerminalText(this.#texts[index]!)};
			lines.push(this.#stderr[index] === 1 ? {...line, stderr: true} : line);
		}

		return lines;
	}

	/** The newest `n` lines, oldest first. */
	tail(n: number): Line[] {
		if (n <= 0) {
			return [];
		}

		return this.lines(Math.max(this.firstSeq, this.#nextSeq - n));
	}

	/** stderr: whole lines as they complete; the rest waits for its newline (bounded like stdout's). */
	#pushStderr(data: Buffer, time: number): void {
		const newline = data.lastIndexOf(NEWLINE);
		if (newline === -1) {
			this.#errPending.push(Buffer.from(data));
		} else {
			this.#appendBytes(Buffer.concat([...this.#errPending, data.subarray(0, newline)]), time, 1);
			this.#errPending = newline + 1 < data.length ? [Buffer.from(data.subarray(newline + 1))] : [];
		}

		if (this.#errPending.reduce((sum, part) => sum + part.length, 0) > this.#maxLineBytes) {
			const line = Buffer.concat(this.#errPending);
			this.#errPending = [];
			this.#appendBytes(line, time, 1);
		}
	}

	#clearPending(): void {
		this.#pending = [];
		this.#pendingBytes = 0;
		this.#pendingEndsWithCr = false;
	}

	/** Keep a piece of a line that has no newline yet (copied: the caller may reuse its buffer). */
	#addPending(part: Buffer, time: number): void {
		this.#pendingTime = time;
		const last = part.length - 1;
		// The last `\r` that is not the final byte (a final one may be half of `\r\n`).
		const innerCr = part[last] === CR ? (last > 0 ? part.lastIndexOf(CR, last - 1) : -1) : part.lastIndexOf(CR);
		if (innerCr !== -1) {
			this.#pending = [Buffer.from(part.subarray(innerCr + 1))];
			this.#pendingBytes = part.length - innerCr - 1;
		} else if (this.#pendingEndsWithCr) {
			// The `\r` that ended the pending text is now inside the line: only what follows counts.
			this.#pending = [Buffer.from(part)];
			this.#pendingBytes = part.length;
		} else {
			this.#pending.push(Buffer.from(part));
			this.#pendingBytes += part.length;
		}

		this.#pendingEndsWithCr = part[last] === CR;
		if (this.#pendingBytes > this.#maxLineBytes) {
			this.#cutPending(time);
		}
	}

	/** Emit an over-long pending line in pieces of at most `maxLineBytes`, keeping the rest. */
	#cutPending(time: number): void {
		const data = Buffer.concat(this.#pending);
		let offset = 0;
		while (data.length - offset > this.#maxLineBytes) {
			const end = characterBoundary(data, offset + this.#maxLineBytes);
			this.#appendBytes(data.subarray(offset, end), time);
			offset = end;
		}

		const rest = data.subarray(offset);
		this.#pending = rest.length > 0 ? [rest] : [];
		this.#pendingBytes = rest.length;
	}

	/** Store a block of whole lines (separated by `\n`, no final newline). */
	#appendBytes(block: Buffer, time: number, stderr = 0): void {
		const ascii = isAscii(block);
		// For ASCII, latin1 decodes to the same text about four times faster than utf8.
		// Stored raw: cleaning (`cleanTerminalText`) happens when lines are read, which is rare,
		// instead of on every byte of a flood, most of which is evicted unread.
		const parts = block.toString(ascii ? 'latin1' : 'utf8').split('\n');
		let i = 0;
		if (parts.length > this.#capacity) {
			// Only the last `capacity` lines can survive: skip the rest, but count them.
			i = parts.length - this.#capacity;
			this.#nextSeq += i;
			this.#evict(this.#count);
		}

		for (; i < parts.length; i++) {
			const text = parts[i]!;
			const size = ascii ? text.length : Buffer.byteLength(text);
			if (size > this.#maxLineBytes) {
				this.#appendLong(text, ascii, time, stderr);
			} else {
				this.#append(text, size, time, stderr);
			}
		}
	}

	#appendLong(text: string, ascii: boolean, time: number, stderr: number): void {
		// A UTF-16 unit is at most 3 UTF-8 bytes (a surrogate pair is 4 for 2 units).
		const step = ascii ? this.#maxLineBytes : Math.max(2, Math.floor(this.#maxLineBytes / 3));
		let offset = 0;
		while (offset < text.length) {
			let end = Math.min(offset + step, text.length);
			const code = text.charCodeAt(end - 1);
			if (end < text.length && code >= 0xd800 && code <= 0xdbff) {
				end--; // Do not split a surrogate pair.
			}

			const piece = text.slice(offset, end);
			this.#append(piece, ascii ? piece.length : Buffer.byteLength(piece), time, stderr);
			offset = end;
		}
	}

	#append(text: string, size: number, time: number, stderr = 0): void {
		if (this.#count === this.#capacity) {
			this.#evict(1);
		} else if (this.#count === this.#slots) {
			this.#grow();
		}

		while (this.#count > 0 && this.#bytes + size > this.#maxBytes) {
			this.#evict(1);
		}

		let index = this.#start + this.#count;
		if (index >= this.#slots) {
			index -= this.#slots;
		}

		this.#texts[index] = text;
		this.#sizes[index] = size;
		this.#times[index] = time;
		this.#stderr[index] = stderr;
		this.#count++;
		this.#bytes += size;
		this.#nextSeq++;
	}

	/** Double the slots (up to capacity), unwrapping the ring so the oldest line is at 0. */
	#grow(): void {
		const slots = Math.min(this.#capacity, this.#slots * 2);
		const texts = Array.from({length: slots}, () => '');
		const sizes = new Uint32Array(slots);
		const times = new Float64Array(slots);
		const stderr = new Uint8Array(slots);
		for (let i = 0; i < this.#count; i++) {
			let index = this.#start + i;
			if (index >= this.#slots) {
				index -= this.#slots;
			}

			texts[i] = this.#texts[index]!;
			sizes[i] = this.#sizes[index]!;
			times[i] = this.#times[index]!;
			stderr[i] = this.#stderr[index]!;
		}

		this.#texts = texts;
		this.#sizes = sizes;
		this.#times = times;
		this.#stderr = stderr;
		this.#slots = slots;
		this.#start = 0;
	}

	#evict(n: number): void {
		for (let i = 0; i < n; i++) {
			this.#texts[this.#start] = '';
			this.#bytes -= this.#sizes[this.#start]!;
			this.#start = this.#start + 1 === this.#slots ? 0 : this.#start + 1;
			this.#count--;
		}
	}
}
