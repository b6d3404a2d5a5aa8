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
