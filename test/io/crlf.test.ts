import {Buffer} from 'node:buffer';
import {expect, test} from 'vitest';
import {CrlfNormalizer, TerminalLineEnds} from '../../source/io/crlf.js';

/** A repeatable random integer below `n`, from `seed`. */
function seeded(seed: number): (n: number) => number {
	let state = seed;
	return (n) => {
		state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
		return state % n;
	};
}

/** Line ends and text: a terminal's output in small. */
const alphabet = ['a', 'b', '\r', '\n', '\r\n', '\r\n'];

test('turns \\r\\n into \\n and keeps a lone \\r', () => {
	const normalizer = new CrlfNormalizer();
	expect(normalizer.transform(Buffer.from('one\r\ntwo\rthree\r\n')).toString()).toBe('one\ntwo\rthree\n');
});

test('joins a \\r\\n split across chunks', () => {
	const normalizer = new CrlfNormalizer();
	const out = [normalizer.transform(Buffer.from('a\r')), normalizer.transform(Buffer.from('\nb\r')), normalizer.transform(Buffer.from('c')), normalizer.flush()];
	expect(Buffer.concat(out).toString()).toBe('a\nb\rc');
});

test('leaves its input as it was: the scrollback and the terminal view hold the same chunk', () => {
	const normalizer = new CrlfNormalizer();
	const chunk = Buffer.from('first\r\nsecond\r\n');
	const out = normalizer.transform(chunk);
	expect([out.toString(), chunk.toString()]).toEqual(['first\nsecond\n', 'first\r\nsecond\r\n']);
});

test('matches a byte-by-byte reference over random chunkings', () => {
	const random = seeded(7);
	for (let round = 0; round < 200; round++) {
		const text = Array.from({length: random(300)}, () => alphabet[random(alphabet.length)]).join('');
		const normalizer = new CrlfNormalizer();
		const out: Buffer[] = [];
		for (let offset = 0; offset < text.length;) {
			const size = 1 + random(40);
			out.push(normalizer.transform(Buffer.from(text.slice(offset, offset + size))));
			offset += size;
		}

		out.push(normalizer.flush());
		expect(Buffer.concat(out).toString(), JSON.stringify(text)).toBe(text.replaceAll('\r\n', '\n'));
	}
});

test('in place, per process: the same bytes as the normalizer, with processes interleaved, a \\r held to the end written then', () => {
	const random = seeded(11);
	for (let round = 0; round < 200; round++) {
		const texts = [1, 2, 3].map(() => Array.from({length: random(600)}, () => alphabet[random(alphabet.length)]).join(''));
		const offsets = [0, 0, 0];
		const lineEnds = new TerminalLineEnds();
		const out = new Map<number, Buffer[]>([[1, []], [2, []], [3, []]]);
		while (offsets.some((offset, index) => offset < texts[index]!.length)) {
			const index = random(3);
			const size = 1 + random(round % 5 === 0 ? 3000 : 40);
			const piece = Buffer.from(texts[index]!.slice(offsets[index], offsets[index]! + size));
			offsets[index]! += size;
			// The thread's copy is its own: a view of a larger buffer, changed in place.
			const batch = Buffer.concat([Buffer.from('xx'), piece, Buffer.from('yy')]);
			lineEnds.transform(batch.subarray(2, 2 + piece.length), index + 1, (data) => {
				out.get(index + 1)!.push(Buffer.from(data));
			});
			expect(batch.subarray(-2).toString()).toBe('yy');
		}

		for (const pid of [1, 2, 3]) {
			lineEnds.end(pid, (data) => {
				out.get(pid)!.push(Buffer.from(data));
			});
			expect(Buffer.concat(out.get(pid)!).toString(), JSON.stringify(texts[pid - 1])).toBe(texts[pid - 1]!.replaceAll('\r\n', '\n'));
		}
	}
});

test('in place: a \\r held when output was lost after it is forgotten with the lost line', () => {
	const lineEnds = new TerminalLineEnds();
	const out: string[] = [];
	const write = (data: Buffer): void => {
		out.push(data.toString());
	};

	lineEnds.transform(Buffer.from('one\r\ntwo\r'), 7, write);
	lineEnds.forget(7);
	lineEnds.transform(Buffer.from('three\r\n'), 7, write);
	lineEnds.end(7, write);
	expect(out.join('')).toBe('one\ntwothree\n');
});
