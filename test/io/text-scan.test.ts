/**
The output path's two byte scans, in C (procui-text.node) and in JavaScript, against a plain
reference (split on bytes) over random chunks: lines, long lines at every edge, `\r` and `\r\n`
split across chunks. The addon is built by `npm run build`; the test fails if it is missing, so
a build that silently lost it is caught.
*/
import {describe, expect, it} from 'vitest';
import {nativeTextScan, scriptTextScan, type TextScan} from '../../source/io/text-scan.js';
import {CrlfNormalizer} from '../../source/io/crlf.js';

/** Deterministic random numbers (a seed per test, printed on failure through the cases' names). */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state * 1_664_525 + 1_013_904_223) >>> 0;
		return state / 2 ** 32;
	};
}

/** Bytes drawn mostly from text, with newlines and carriage returns at `density`. */
function chunk(next: () => number, length: number, density: number): Buffer {
	const bytes = Buffer.alloc(length);
	for (let index = 0; index < length; index++) {
		const roll = next();
		bytes[index] = roll < density ? 0x0a : (roll < density * 1.5 ? 0x0d : 0x61 + Math.floor(next() * 26));
	}

	return bytes;
}

/** The reference: split the bytes on `\n`, measure each line. */
function referenceLines(data: Buffer, start: number, end: number, first: number, max: number): number {
	const parts = [...data.subarray(start, end).toString('latin1').split('\n')];
	if (parts.some((part, index) => part.length + (index === 0 ? first : 0) > max)) {
		return -1;
	}

	return parts.length - 1;
}

/** The reference: the whole text at once, every `\r\n` as `\n`. */
function referenceCrlf(chunks: readonly Buffer[]): string {
	return Buffer.concat(chunks).toString('latin1').replaceAll('\r\n', '\n');
}

const native = nativeTextScan();
const scans: Array<[string, TextScan]> = [['JavaScript', scriptTextScan], ['C (procui-text.node)', native!]];

describe('text scans', () => {
	it('procui-text.node is built and loads', () => {
		expect(native).not.toBeNull();
	});

	for (const [name, scan] of scans) {
		describe(name, () => {
			it('counts the newlines of a range and finds a line longer than the limit, as splitting does', () => {
				const next = random(7);
				for (let round = 0; round < 3000; round++) {
					// Every tenth chunk is long enough for the C count's 4,080-byte blocks.
					const data = chunk(next, 1 + Math.floor(next() * (round % 10 === 0 ? 20_000 : 3000)), [0.002, 0.02, 0.2][round % 3]!);
					const start = Math.floor(next() * data.length);
					const end = start + Math.floor(next() * (data.length - start + 1));
					const first = next() < 0.5 ? 0 : Math.floor(next() * 300);
					const max = [1, 2, 16, 64, 200, 1000, 5000][round % 7]!;
					expect(scan.lines(data, start, end, first, max), `round ${round}: [${start}, ${end}) first ${first} max ${max}`).toBe(referenceLines(data, start, end, first, max));
				}
			});

			it('takes a line exactly at the limit and refuses one a byte over, first, middle or last', () => {
				const text = (lines: string[]): Buffer => Buffer.from(lines.join('\n'));
				expect(scan.lines(text(['abcd', 'ef']), 0, 7, 0, 4)).toBe(1);
				expect(scan.lines(text(['abcde', 'ef']), 0, 8, 0, 4)).toBe(-1);
				expect(scan.lines(text(['ab', 'abcd', 'e']), 0, 9, 0, 4)).toBe(2);
				expect(scan.lines(text(['ab', 'abcde', 'e']), 0, 10, 0, 4)).toBe(-1);
				expect(scan.lines(text(['ab', 'abcde']), 0, 8, 0, 4)).toBe(-1);
				expect(scan.lines(text(['ab', 'cd']), 0, 5, 2, 4)).toBe(1);
				expect(scan.lines(text(['ab', 'cd']), 0, 5, 3, 4)).toBe(-1);
				expect(scan.lines(text(['ab']), 0, 2, 5, 4)).toBe(-1);
				expect(scan.lines(Buffer.alloc(0), 0, 0, 0, 4)).toBe(0);
			});

			it('turns \\r\\n into \\n across chunks and keeps every other \\r, as the whole text would', () => {
				const next = random(11);
				for (let round = 0; round < 2000; round++) {
					const chunks = Array.from({length: 1 + Math.floor(next() * 6)}, () => chunk(next, Math.floor(next() * 400), 0.1));
					let carried = false;
					const outputs: Buffer[] = [];
					for (const source of chunks) {
						const target = Buffer.alloc(source.length + 1, 0x7e);
						const written = scan.crlf(source, target, carried);
						carried = written < 0;
						outputs.push(target.subarray(0, written < 0 ? -written - 1 : written));
					}

					if (carried) {
						outputs.push(Buffer.from('\r'));
					}

					expect(Buffer.concat(outputs).toString('latin1'), `round ${round}`).toBe(referenceCrlf(chunks));
				}
			});

			it('gives the same bytes in place (target = source) as into another buffer', () => {
				const next = random(17);
				for (let round = 0; round < 2000; round++) {
					const source = chunk(next, Math.floor(next() * (round % 10 === 0 ? 20_000 : 400)), [0.01, 0.1, 0.5][round % 3]!);
					const target = Buffer.alloc(source.length + 1);
					const copied = scan.crlf(source, target, false);
					const inPlace = Buffer.from(source);
					expect(scan.crlf(inPlace, inPlace, false), `round ${round}`).toBe(copied);
					const bytes = copied < 0 ? -copied - 1 : copied;
					expect(inPlace.subarray(0, bytes).equals(target.subarray(0, bytes)), `round ${round}`).toBe(true);
				}
			});
		});
	}

	it('the normalizer gives the same bytes with chunks either side of the size the addon takes', () => {
		const next = random(13);
		const chunks = Array.from({length: 200}, () => chunk(next, Math.floor(next() * 4000), 0.05));
		const normalizer = new CrlfNormalizer();
		const out = Buffer.concat([...chunks.map((piece) => Buffer.from(normalizer.transform(piece))), normalizer.flush()]);
		expect(out.toString('latin1')).toBe(referenceCrlf(chunks));
	});
});
