import {Buffer} from 'node:buffer';
import {expect, test} from 'vitest';
import {CrlfNormalizer} from '../../source/io/crlf.js';

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
	let state = 7;
	const random = (n: number): number => {
		state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
		return state % n;
	};

	const alphabet = ['a', 'b', '\r', '\n', '\r\n', '\r\n'];
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
