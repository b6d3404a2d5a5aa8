/**
Finds, in a PTY process's raw output, the sequences after which the emulator's picture of it can
no longer be rebuilt from its newest bytes alone, or after which the process may be drawing a
screen: while a chunk has none of them, the terminal feed need not parse it (see TerminalFeed).

Looked for (conservatively: a sequence not understood counts):
- a CSI with a private marker (`ESC [ ?`, `<`, `=`, `>`): the alternate screen, DEC modes (cursor
  keys, bracketed paste, mouse), cursor visibility;
- a CSI ending in `H`, `f`, `d` (cursor positioning: drawing a screen), `h`, `l` (modes), `r`
  (scroll region);
- `ESC =`, `ESC >` (keypad modes) and `ESC c` (reset);
- the 8-bit CSI (U+009B, C2 9B in UTF-8), which the emulator also reads;
- a control character inside a CSI.

Not looked for, as they leave nothing behind that the newest bytes do not redraw: colours (`m`),
erasing in a line (`K`), relative cursor moves (a progress bar), titles (OSC), character sets.
A sequence cut by the end of a chunk is finished with the next chunk's first bytes.
*/
import {Buffer} from 'node:buffer';

const esc = 0x1B;
/** A sequence cut at a chunk's end is kept this long at most; a longer one counts as found. */
const carryLimit = 64;

/** CSI final bytes that count. */
const countedFinals = new Set([0x48 /* H */, 0x66 /* f */, 0x64 /* d */, 0x68 /* h */, 0x6C /* l */, 0x72 /* r */]);
/** Bytes after ESC that count (ESC =, ESC >, ESC c). */
const countedEscapes = new Set([0x3D, 0x3E, 0x63]);

/** What the scan of the bytes from `start` found. */
const enum Scan {
	/** Nothing that counts, through the end. */
	None,
	/** A sequence that counts. */
	Found,
	/** A sequence that the chunk's end cut (from `start`). */
	Cut,
}

/** Scans the sequence whose ESC is at `start`: what it is, and where it ends (or the chunk does). */
function scanEscape(data: Uint8Array, start: number): {scan: Scan; end: number} {
	const next = start + 1;
	if (next >= data.length) {
		return {scan: Scan.Cut, end: data.length};
	}

	const kind = data[next]!;
	if (kind !== 0x5B /* [ */) {
		return {scan: countedEscapes.has(kind) ? Scan.Found : Scan.None, end: next + 1};
	}

	let index = next + 1;
	if (index < data.length) {
		const first = data[index]!;
		if (first >= 0x3C && first <= 0x3F) {
			return {scan: Scan.Found, end: index + 1}; // Private marker.
		}
	}

	for (; index < data.length; index++) {
		const byte = data[index]!;
		if (byte >= 0x20 && byte <= 0x3F) {
			continue; // Parameters and intermediates.
		}

		if (byte >= 0x40 && byte <= 0x7E) {
			return {scan: countedFinals.has(byte) ? Scan.Found : Scan.None, end: index + 1};
		}

		return {scan: Scan.Found, end: index + 1}; // A control inside a CSI: not understood here.
	}

	return {scan: Scan.Cut, end: data.length};
}

/** Scans a stream of chunks for the sequences that count; remembers a sequence cut between chunks. */
export class ScreenTriggers {
	/** The end of the last chunk, when it cut a sequence (from its ESC, or a lone C2). */
	#carry: Buffer | undefined;

	/** Does `chunk` (the bytes after the previous chunk) hold a sequence that counts? */
	scan(chunk: Buffer): boolean {
		// Rare (a chunk that ended inside a sequence): the copy is of one chunk.
		const data = this.#carry === undefined ? chunk : Buffer.concat([this.#carry, chunk]);
		this.#carry = undefined;
		if (hasC1Csi(data)) {
			return true;
		}

		let index = data.indexOf(esc);
		while (index !== -1) {
			const {scan, end} = scanEscape(data, index);
			if (scan === Scan.Found) {
				return true;
			}

			if (scan === Scan.Cut) {
				if (data.length - index >= carryLimit) {
					return true;
				}

				this.#carry = Buffer.from(data.subarray(index));
				return false;
			}

			index = data.indexOf(esc, end);
		}

		if (data.length > 0 && data.at(-1) === 0xC2) {
			this.#carry = Buffer.from([0xC2]); // Maybe the first byte of U+009B.
		}

		return false;
	}

	/** Forget a cut sequence (the stream starts again). */
	reset(): void {
		this.#carry = undefined;
	}
}

function hasC1Csi(data: Uint8Array): boolean {
	let index = data.indexOf(0x9B);
	while (index !== -1) {
		if (index > 0 && data[index - 1] === 0xC2) {
			return true;
		}

		index = data.indexOf(0x9B, index + 1);
	}

	return false;
}
