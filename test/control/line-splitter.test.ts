import {expect, it} from 'vitest';
import {LineSplitter} from '../../source/control/line-splitter.js';

function collect(maxLineBytes: number) {
	const lines: string[] = [];
	let oversized = 0;
	const splitter = new LineSplitter({
		maxLineBytes,
		onLine: line => lines.push(line.toString()),
		onOversized: () => oversized++,
	});
	return {splitter, lines, oversized: () => oversized};
}

it('splits lines across and within chunks', () => {
	const {splitter, lines} = collect(100);
	splitter.push(Buffer.from('ab'));
	splitter.push(Buffer.from('c\nde\nf'));
	splitter.push(Buffer.from('\n'));
	expect(lines).toEqual(['abc', 'de', 'f']);
});

it('never holds more than the limit while a line has no newline', () => {
	const {splitter, oversized} = collect(1024);
	const chunk = Buffer.alloc(300, 'x');
	let largest = 0;
	for (let index = 0; index < 10_000; index++) {
		splitter.push(chunk);
		largest = Math.max(largest, splitter.bufferedBytes);
	}

	expect(largest).toBeLessThanOrEqual(1024);
	expect(oversized()).toBe(1);
});

it('skips the rest of an oversized line and reads the next one', () => {
	const {splitter, lines, oversized} = collect(4);
	splitter.push(Buffer.from('123456'));
	splitter.push(Buffer.from('789\nok\n'));
	expect(oversized()).toBe(1);
	expect(lines).toEqual(['ok']);
});

it('accepts a line exactly as long as the limit', () => {
	const {splitter, lines, oversized} = collect(4);
	splitter.push(Buffer.from('1234\n'));
	expect(lines).toEqual(['1234']);
	expect(oversized()).toBe(0);
});
