import {Buffer, isAscii} from 'node:buffer';
import {positiveInteger} from './check-option.js';
import {cleanTerminalText} from './terminal-text.js';
import {textScan} from './text-scan.js';

/**
One process's recent output as lines, for the UI and `logs`: bounded by line count and by
bytes, oldest evicted first.

Chunks are assembled into lines across reads; the unfinished last line is kept apart
(`pending()`) until its newline arrives or `flush()` is called at process end. Text is
cleaned for display by `cleanTerminalText` (PTY `\r\n` -> `\n`, progress-bar `\r` keeps the
last frame, SGR colours kept, every other control sequence removed). While a line is
pending, text before an inner `\r` is dropped at once, so a progress bar that never prints
a newline holds one frame, not all of them. A line longer than `maxLineBytes` is cut into
lines of at most that size (at a character boundary), so one endless line cannot hold
unbounded memory either.

The ring holds raw blocks, not lines: a push's whole lines stay the bytes they came as (the
chunk itself, by reference; a small block is copied into a shared arena so that a quiet
process's one-line reads do not each keep a buffer alive), with their count, bytes and time.
Lines are split, decoded and cleaned only when read, which is rare; during a flood nearly
every line is evicted unread. Per push the hot path is one scan of the chunk (to number the
lines and find an over-long one: io/text-scan.ts, in C where procui-text.node is built) and no
strings. Eviction drops whole blocks at once;
the oldest block loses its first lines only when the ring is next read (`#settle`), so what
a reader sees is exactly the newest lines that fit both bounds, as if evicted line by line.
Memory: at most `maxBytes` of lines plus the newlines between them, one partly evicted block
and one arena.
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

/** Where to cut a line that starts at `start` to at most `max` bytes: just past the last whole UTF-8
character that fits, or at `max` when not even one does (a `maxLineBytes` below 4). */
function characterBoundary(data: Buffer, start: number, max: number): number {
	const end = start + max;
	let at = end;
	// Step back over continuation bytes (10xxxxxx) to the start of the cut character.
	while (at > start && at < data.length && (data[at]! & 0xc0) === 0x80) {
		at--;
	}

	return at > start ? at : end;
}

/** Block slots a ring takes at its first block. */
const initialSlots = 16;
/** The columns of a ring that has held no block yet: never written (the first block grows the ring),
so every such ring shares them. A quiet process's ring holds no slots at all. */
const noSlots = {u32: new Uint32Array(0), f64: new Float64Array(0), u8: new Uint8Array(0)};
/** A block of whole lines at most this long is copied into the arena instead of kept by reference. */
const smallBlockBytes = 512;
/** Size of the first arena (the buffer small blocks are copied into) and of the largest: each new one doubles. */
const firstArenaBytes = 1024;
const arenaBytes = 16 * 1024;

/** A bounded ring of output lines with sequence numbers (see the module comment). */
export class LineRing {
	readonly #capacity: number;
	readonly #maxBytes: number;
	readonly #maxLineBytes: number;
	readonly #now: () => number;
	// The blocks, oldest first, as columns of a ring of slots. Allocated lazily, doubling: most
	// processes print a few lines, and 100 quiet processes should not hold 100 big rings.
	#slots: number;
	/** The buffer a block's bytes are in (a chunk, or an arena), from `#starts` to `#ends`. */
	#buffers: Array<Buffer | undefined>;
	/** The start of a block's first line that came in earlier pushes (the pending line it completed). */
	#heads: Array<Buffer | undefined>;
	#starts: Uint32Array;
	#ends: Uint32Array;
	/** Lines in the block, and their bytes (newlines not counted). */
	#blockLines: Uint32Array;
	#blockBytes: Float64Array;
	/** Bytes of the block's last line: whether any of an old block still fits, without reading it. */
	#lastLineBytes: Float64Array;
	/** Seq of the block's first line. */
	#firstSeqs: Float64Array;
	#times: Float64Array;
	/** 1 for a block that came from stderr. */
	#stderr: Uint8Array;
	#first = 0;
	#blocks = 0;
	/** Lines of the oldest block already evicted, their bytes, and where in its buffer the next one starts. */
	#skipLines = 0;
	#skipBytes = 0;
	#skipOffset = 0;
	/** Lines and bytes held, counting the oldest block's lines that `#settle` has yet to evict. */
	#count = 0;
	#bytes = 0;
	#nextSeq = 1;
	#arena: Buffer | undefined;
	#arenaUsed = 0;
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
		this.#slots = 0;
		this.#buffers = [];
		this.#heads = [];
		this.#starts = noSlots.u32;
		this.#ends = noSlots.u32;
		this.#blockLines = noSlots.u32;
		this.#blockBytes = noSlots.f64;
		this.#lastLineBytes = noSlots.f64;
		this.#firstSeqs = noSlots.f64;
		this.#times = noSlots.f64;
		this.#stderr = noSlots.u8;
	}

	/** Seq of the oldest line held; `lastSeq + 1` when none is held. */
	get firstSeq(): number {
		this.#settle();
		return this.#nextSeq - this.#count;
	}

	/** Seq of the newest line held; 0 before the first line. */
	get lastSeq(): number {
		return this.#nextSeq - 1;
	}

	/** Lines held now. */
	get size(): number {
		this.#settle();
		return this.#count;
	}

	/** Bytes of text held now (UTF-8, excluding newlines and the pending line). */
	get byteLength(): number {
		this.#settle();
		return this.#bytes;
	}

	/** Add output. A string is taken as UTF-8 text (node-pty's default). `channel` stderr: the
	output of a stderr that has a channel of its own (a pipe), whose lines are marked. The whole
	lines of a Buffer of more than a few hundred bytes are kept by reference: the caller hands it
	over and must not change it afterwards (the redirector's chunks are fresh from each read). */
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

		let head: Buffer | undefined;
		if (this.#pendingBytes > 0) {
			head = this.#pending.length === 1 ? this.#pending[0] : Buffer.concat(this.#pending);
			this.#clearPending();
		}

		this.#appendBlock(head, data, 0, newline, time, 0);
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
			this.#appendBlock(undefined, line, 0, line.length, this.#now(), 1);
		}

		if (this.#pendingBytes === 0) {
			return;
		}

		const line = Buffer.concat(this.#pending);
		this.#clearPending();
		this.#appendBlock(undefined, line, 0, line.length, this.#now(), 0);
	}

	/** Lines from `fromSeq` (default: the oldest held), oldest first, at most `limit`.
	A `fromSeq` older than `firstSeq` starts at `firstSeq`: the caller sees the gap. */
	lines(fromSeq?: number, limit = Number.POSITIVE_INFINITY): Line[] {
		this.#settle();
		const first = this.#nextSeq - this.#count;
		const from = Math.max(fromSeq ?? first, first);
		const count = Math.min(this.#nextSeq - from, limit);
		const lines: Line[] = [];
		if (count <= 0) {
			return lines;
		}

		// The block holding `from`: readers mostly want the newest lines, so look from the end.
		let block = this.#blocks - 1;
		while (block > 0 && this.#firstSeqs[this.#slot(block)]! > from) {
			block--;
		}

		for (let seq = from; block < this.#blocks && lines.length < count; block++) {
			const index = this.#slot(block);
			const firstSeq = this.#firstSeqs[index]!;
			const texts = this.#decode(index).split('\n');
			const time = this.#times[index]!;
			const stderr = this.#stderr[index] === 1;
			for (let i = seq - firstSeq; i < texts.length && lines.length < count; i++, seq++) {
				const line: Line = {seq, time, text: cleanTerminalText(texts[i]!)};
				lines.push(stderr ? {...line, stderr: true} : line);
			}
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
			const head = this.#errPending.length === 0 ? undefined : Buffer.concat(this.#errPending);
			this.#errPending = newline + 1 < data.length ? [Buffer.from(data.subarray(newline + 1))] : [];
			this.#appendBlock(head, data, 0, newline, time, 1);
		}

		if (this.#errPending.reduce((sum, part) => sum + part.length, 0) > this.#maxLineBytes) {
			const line = Buffer.concat(this.#errPending);
			this.#errPending = [];
			this.#appendBlock(undefined, line, 0, line.length, time, 1);
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
			const end = characterBoundary(data, offset, this.#maxLineBytes);
			this.#store(undefined, data, offset, end, 1, end - offset, end - offset, time, 0);
			offset = end;
		}

		const rest = data.subarray(offset);
		this.#pending = rest.length > 0 ? [rest] : [];
		this.#pendingBytes = rest.length;
	}

	/**
	Store the whole lines `head` + `data[start, end)` (separated by `\n`, no final newline). They are
	numbered, and a line longer than `maxLineBytes` found (then cut), by one scan (io/text-scan.ts).
	*/
	#appendBlock(head: Buffer | undefined, data: Buffer, start: number, end: number, time: number, stderr: number): void {
		const headBytes = head?.length ?? 0;
		const newlines = textScan(end - start).lines(data, start, end, headBytes, this.#maxLineBytes);
		if (newlines < 0) {
			this.#appendCut(head ? Buffer.concat([head, data.subarray(start, end)]) : data.subarray(start, end), time, stderr);
			return;
		}

		const lastLineBytes = newlines === 0 ? headBytes + end - start : end - data.lastIndexOf(NEWLINE, end - 1) - 1;
		this.#store(head, data, start, end, newlines + 1, headBytes + end - start - newlines, lastLineBytes, time, stderr);
	}

	/** Store a block that has a line longer than `maxLineBytes`: runs of lines as they are, each long one in pieces. */
	#appendCut(block: Buffer, time: number, stderr: number): void {
		const max = this.#maxLineBytes;
		let runStart = 0;
		let runLines = 0;
		let lineStart = 0;
		const endRun = (runEnd: number, lastBytes: number): void => {
			if (runLines > 0) {
				this.#store(undefined, block, runStart, runEnd, runLines, runEnd - runStart - (runLines - 1), lastBytes, time, stderr);
			}

			runLines = 0;
		};

		let previousBytes = 0;
		while (lineStart <= block.length) {
			const newline = block.indexOf(NEWLINE, lineStart);
			const lineEnd = newline === -1 ? block.length : newline;
			if (lineEnd - lineStart > max) {
				endRun(lineStart - 1, previousBytes);
				for (let offset = lineStart; offset < lineEnd;) {
					const cut = Math.min(lineEnd, characterBoundary(block, offset, max));
					this.#store(undefined, block, offset, cut, 1, cut - offset, cut - offset, time, stderr);
					offset = cut;
				}

				runStart = lineEnd + 1;
			} else {
				if (runLines === 0) {
					runStart = lineStart;
				}

				runLines++;
				previousBytes = lineEnd - lineStart;
			}

			lineStart = lineEnd + 1;
		}

		endRun(block.length, previousBytes);
	}

	/** Append a block of `lines` whole lines, then evict the oldest blocks that no longer fit at all. */
	#store(head: Buffer | undefined, data: Buffer, start: number, end: number, lines: number, bytes: number, lastLineBytes: number, time: number, stderr: number): void {
		let buffer = data;
		let from = start;
		let to = end;
		const size = (head?.length ?? 0) + end - start;
		if (size <= smallBlockBytes) {
			// Copied: a one-line read should not keep its whole chunk (and its allocation) alive.
			if (!this.#arena || this.#arenaUsed + size > this.#arena.length) {
				// A process that prints a line or two holds 1 KiB, not 16.
				this.#arena = Buffer.allocUnsafeSlow(Math.max(size, Math.min(arenaBytes, (this.#arena?.length ?? firstArenaBytes / 2) * 2)));
				this.#arenaUsed = 0;
			}

			buffer = this.#arena;
			from = this.#arenaUsed;
			to = from + size;
			if (head) {
				head.copy(buffer, from);
			}

			data.copy(buffer, from + (head?.length ?? 0), start, end);
			this.#arenaUsed = to;
			head = undefined;
		}

		if (this.#blocks === this.#slots) {
			this.#grow();
		}

		const index = this.#slot(this.#blocks);
		this.#buffers[index] = buffer;
		this.#heads[index] = head;
		this.#starts[index] = from;
		this.#ends[index] = to;
		this.#blockLines[index] = lines;
		this.#blockBytes[index] = bytes;
		this.#lastLineBytes[index] = lastLineBytes;
		this.#firstSeqs[index] = this.#nextSeq;
		this.#times[index] = time;
		this.#stderr[index] = stderr;
		this.#blocks++;
		this.#count += lines;
		this.#bytes += bytes;
		this.#nextSeq += lines;
		// Whole blocks none of whose lines can stay (not even the last): cheap, and bounds memory.
		while (this.#blocks > 1) {
			const oldest = this.#first;
			const restLines = this.#count - (this.#blockLines[oldest]! - this.#skipLines);
			const restBytes = this.#bytes - (this.#blockBytes[oldest]! - this.#skipBytes);
			if (restLines < this.#capacity && restBytes + this.#lastLineBytes[oldest]! <= this.#maxBytes) {
				break;
			}

			this.#count = restLines;
			this.#bytes = restBytes;
			this.#dropOldest();
		}
	}

	/** Evict the oldest lines, one by one, until both bounds hold: the exact state a reader sees. */
	#settle(): void {
		while (this.#blocks > 0 && (this.#count > this.#capacity || this.#bytes > this.#maxBytes)) {
			const oldest = this.#first;
			const buffer = this.#buffers[oldest]!;
			const start = this.#starts[oldest]! + this.#skipOffset;
			const end = this.#ends[oldest]!;
			const newline = buffer.indexOf(NEWLINE, start);
			const lineEnd = newline === -1 || newline >= end ? end : newline;
			const bytes = lineEnd - start + (this.#skipLines === 0 ? this.#heads[oldest]?.length ?? 0 : 0);
			this.#count--;
			this.#bytes -= bytes;
			this.#skipLines++;
			this.#skipBytes += bytes;
			this.#skipOffset = lineEnd + 1 - this.#starts[oldest]!;
			if (this.#skipLines === this.#blockLines[oldest]) {
				this.#dropOldest();
			}
		}
	}

	#dropOldest(): void {
		const oldest = this.#first;
		this.#buffers[oldest] = undefined;
		this.#heads[oldest] = undefined;
		this.#first = oldest + 1 === this.#slots ? 0 : oldest + 1;
		this.#blocks--;
		this.#skipLines = 0;
		this.#skipBytes = 0;
		this.#skipOffset = 0;
	}

	/** The text of a block's lines, as stored (cleaned per line when read). */
	#decode(index: number): string {
		const head = this.#heads[index];
		const body = this.#buffers[index]!.subarray(this.#starts[index], this.#ends[index]);
		const bytes = head ? Buffer.concat([head, body]) : body;
		// For ASCII, latin1 decodes to the same text about four times faster than utf8.
		return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
	}

	/** The slot of the `n`th block from the oldest. */
	#slot(n: number): number {
		const index = this.#first + n;
		return index >= this.#slots ? index - this.#slots : index;
	}

	/** Double the slots, unwrapping the ring so the oldest block is at 0. */
	#grow(): void {
		const slots = this.#slots === 0 ? initialSlots : this.#slots * 2;
		const order = Array.from({length: this.#blocks}, (_, n) => this.#slot(n));
		const move = <T extends Float64Array | Uint32Array | Uint8Array>(column: T, make: new (length: number) => T): T => {
			const next = new make(slots);
			for (const [n, index] of order.entries()) {
				next[n] = column[index]!;
			}

			return next;
		};

		this.#buffers = [...order.map((index) => this.#buffers[index]), ...Array.from({length: slots - this.#blocks}, () => undefined)];
		this.#heads = [...order.map((index) => this.#heads[index]), ...Array.from({length: slots - this.#blocks}, () => undefined)];
		this.#starts = move(this.#starts, Uint32Array);
		this.#ends = move(this.#ends, Uint32Array);
		this.#blockLines = move(this.#blockLines, Uint32Array);
		this.#blockBytes = move(this.#blockBytes, Float64Array);
		this.#lastLineBytes = move(this.#lastLineBytes, Float64Array);
		this.#firstSeqs = move(this.#firstSeqs, Float64Array);
		this.#times = move(this.#times, Float64Array);
		this.#stderr = move(this.#stderr, Uint8Array);
		this.#slots = slots;
		this.#first = 0;
	}
}
