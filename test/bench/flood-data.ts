/** W2's data: numbered 64-byte lines, and exact comparison of what arrived with what was written. */

const lineBytes = 64;
const filler = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `bytes` bytes of numbered lines (the last one cut short when `bytes` is not a multiple of 64). */
export function floodLines(bytes: number): Buffer {
	const buffer = Buffer.alloc(Math.ceil(bytes / lineBytes) * lineBytes);
	for (let line = 0, offset = 0; offset < buffer.length; line++, offset += lineBytes) {
		const head = `procui bench line ${String(line).padStart(10, '0')} `;
		buffer.write(`${head}${filler.slice(0, lineBytes - 1 - head.length)}\n`, offset, 'latin1');
	}

	return buffer.subarray(0, bytes);
}

/** The small-write flood's line, 63 characters and a newline: `yes` prints it, `head -c` cuts. */
export const smallWriteLine = `procui-small-write-${filler.slice(0, lineBytes - 1 - 'procui-small-write-'.length)}`;

/** What `yes LINE | head -c bytes` writes. */
export function repeatedLine(line: string, bytes: number): Buffer {
	const one = Buffer.from(`${line}\n`, 'latin1');
	const buffer = Buffer.alloc(Math.ceil(bytes / one.length) * one.length);
	for (let offset = 0; offset < buffer.length; offset += one.length) {
		one.copy(buffer, offset);
	}

	return buffer.subarray(0, bytes);
}

/**
Bytes missing or wrong in `actual`: everything from the first difference to the end of `expected`,
plus any surplus. 0 exactly when the two are identical.
*/
export function wrongBytes(expected: Buffer, actual: Buffer): number {
	const common = Math.min(expected.length, actual.length);
	const chunk = 1 << 20;
	let same = 0;
	while (same < common) {
		const end = Math.min(same + chunk, common);
		if (expected.subarray(same, end).equals(actual.subarray(same, end))) {
			same = end;
			continue;
		}

		while (same < end && expected[same] === actual[same]) {
			same++;
		}

		break;
	}

	return expected.length - same + Math.max(0, actual.length - expected.length);
}

/** A terminal's `\r\n` back to `\n` (what procui's PTY mode does to its log file). */
export function crlfToLf(data: Buffer): Buffer {
	const out = Buffer.allocUnsafe(data.length);
	let written = 0;
	let start = 0;
	for (let index = data.indexOf('\r\n'); index !== -1; index = data.indexOf('\r\n', start)) {
		written += data.copy(out, written, start, index);
		start = index + 1;
	}

	written += data.copy(out, written, start);
	return out.subarray(0, written);
}

/** `script`'s typescript without its "Script started" first line and "\nScript done" footer (written even with -q). */
export function scriptBody(typescript: Buffer): Buffer {
	const header = typescript.indexOf('\n');
	const footer = typescript.lastIndexOf('\nScript done on ');
	return typescript.subarray(header + 1, footer === -1 ? typescript.length : footer);
}
