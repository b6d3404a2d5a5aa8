import {createRequire} from 'node:module';
import {nativeAddonFile} from './native-addon.js';

const NEWLINE = 0x0a;
const CR = 0x0d;

/** The two byte scans of the output path (source/io/native/procui-text.c says what each returns). */
export type TextScan = {
	/** Newlines in `data[start, end)`, or -1 when a line there (the first one `first` bytes longer) is longer than `max`. */
	lines(data: Buffer, start: number, end: number, first: number, max: number): number;
	/** `source` into `target` (as long at least, a byte longer when `carried`) with `\r\n` as `\n`;
	`carried`: a `\r` ended the last chunk. `target` may be `source` itself when not `carried`. The
	bytes written, or -(written + 1) when `source` ends with a `\r` held back. */
	crlf(source: Buffer, target: Buffer, carried: boolean): number;
};

/** The scans in JavaScript: one Buffer#indexOf per line. */
export const scriptTextScan: TextScan = {
	lines(data, start, end, first, max) {
		let newlines = 0;
		let lineStart = start;
		let extra = first;
		for (let newline = data.indexOf(NEWLINE, start); newline !== -1 && newline < end; newline = data.indexOf(NEWLINE, lineStart)) {
			if (newline - lineStart + extra > max) {
				return -1;
			}

			newlines++;
			extra = 0;
			lineStart = newline + 1;
		}

		return end - lineStart + extra > max ? -1 : newlines;
	},
	crlf(source, target, carried) {
		if (source.length === 0) {
			return carried ? -1 : 0;
		}

		// Copied whole, then compacted with copyWithin: no call into Buffer#copy per line.
		const offset = carried && source[0] !== NEWLINE ? 1 : 0;
		const out = target.subarray(0, offset + source.length);
		if (offset === 1) {
			out[0] = CR;
		}

		if (offset === 1 || out.buffer !== source.buffer || out.byteOffset !== source.byteOffset) {
			out.set(source, offset);
		}

		let index = out.indexOf(CR, offset);
		if (index === -1) {
			return out.length;
		}

		let written = index;
		let start = index;
		const last = out.length - 1;
		let held = false;
		while (index !== -1) {
			if (index === last) {
				held = true;
				break;
			}

			if (out[index + 1] === NEWLINE) {
				if (written !== start) {
					out.copyWithin(written, start, index);
				}

				written += index - start;
				start = index + 1;
			}

			index = out.indexOf(CR, index + 1);
		}

		const end = held ? last : out.length;
		if (written !== start) {
			out.copyWithin(written, start, end);
		}

		written += end - start;
		return held ? -written - 1 : written;
	},
};

let native: TextScan | null | undefined;

/**
procui-text.node's scans, or null when it is not built or does not load (then `scriptTextScan`
does the same work). Loaded at the first chunk big enough to use it: a supervisor whose processes
print little never loads it.
*/
export function nativeTextScan(): TextScan | null {
	if (native === undefined) {
		native = null;
		try {
			const file = nativeAddonFile('procui-text');
			if (file !== undefined && process.env.PROCUI_SCRIPT_TEXT !== '1') {
				native = createRequire(import.meta.url)(file) as TextScan;
			}
		} catch {
			// Built for another Node: the JavaScript scans.
		}
	}

	return native;
}

/** Below this, a chunk is scanned in JavaScript: the call into the addon costs more than it saves. */
export const nativeScanBytes = 1024;

/** The scans for a chunk of `bytes`. */
export function textScan(bytes: number): TextScan {
	return bytes >= nativeScanBytes ? nativeTextScan() ?? scriptTextScan : scriptTextScan;
}
