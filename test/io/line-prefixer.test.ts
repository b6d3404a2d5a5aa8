import {Buffer} from 'node:buffer';
import {describe, expect, test} from 'vitest';
import {LinePrefixer} from '../../source/io/line-prefixer.js';

function run(prefixer: LinePrefixer, text: string, pid: number, time: number): string {
	return prefixer.transform(Buffer.from(text), pid, time).toString();
}

describe('LinePrefixer', () => {
	test('prefixes each line of a chunk', () => {
		const prefixer = new LinePrefixer('%H:%M:%S', {utc: true});
		expect(run(prefixer, 'a\nb\n', 3, Date.UTC(2025, 0, 1, 10, 20, 30))).toBe('10:20:30 [3] | a\n10:20:30 [3] | b\n');
	});

	test('gives a line the time of the chunk that starts it', () => {
		const prefixer = new LinePrefixer('%S', {utc: true});
		const first = run(prefixer, 'start ', 1, Date.UTC(2025, 0, 1, 0, 0, 1));
		const second = run(prefixer, 'end\nnext\n', 1, Date.UTC(2025, 0, 1, 0, 0, 2));
		expect(first + second).toBe('01 [1] | start end\n02 [1] | next\n');
	});

	test('does not reuse a prefix within a second when the format has %f', () => {
		const prefixer = new LinePrefixer('%f', {utc: true});
		expect(run(prefixer, 'a\n', 1, 1000) + run(prefixer, 'b\n', 1, 1500)).toBe('000000 [1] | a\n500000 [1] | b\n');
	});

	test('leaves an empty chunk empty', () => {
		expect(run(new LinePrefixer('T'), '', 1, 0)).toBe('');
	});
});
