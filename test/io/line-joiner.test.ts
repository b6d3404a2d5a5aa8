import {describe, expect, it} from 'vitest';
import {LineJoiner} from '../../source/io/line-joiner.js';
import {StreamLoss} from '../../source/io/stream-loss.js';

function joiner(): {joiner: LineJoiner; text: () => string} {
	const out: string[] = [];
	const joined = new LineJoiner((data) => {
		out.push(data.toString());
	});
	return {joiner: joined, text: () => out.join('')};
}

describe('LineJoiner', () => {
	it('passes a single writer through as is, unfinished line included', () => {
		const {joiner: lines, text} = joiner();
		lines.write(Buffer.from('a1\na'), 1);
		lines.write(Buffer.from('2 and more'), 1);
		expect(text()).toBe('a1\na2 and more');
	});

	it('holds another process\'s output until the open line ends, then writes it whole', () => {
		const {joiner: lines, text} = joiner();
		lines.write(Buffer.from('first half '), 1);
		lines.write(Buffer.from('b line\nb unfinished '), 2);
		lines.write(Buffer.from('second half\nnext '), 1);
		lines.write(Buffer.from('b ends\n'), 2);
		lines.write(Buffer.from('line\n'), 1);
		expect(text().split('\n')).toEqual(['first half second half', 'b line', 'next line', 'b unfinished b ends', '']);
	});

	it('ends the line of a process that exits mid-line before another writes', () => {
		const {joiner: lines, text} = joiner();
		lines.write(Buffer.from('prompt> '), 1);
		lines.end(1);
		lines.write(Buffer.from('other\n'), 2);
		expect(text()).toBe('prompt> \nother\n');
	});

	it('forgets the unfinished line of a process whose output was dropped', () => {
		const {joiner: lines, text} = joiner();
		lines.write(Buffer.from('open '), 1);
		lines.write(Buffer.from('held part'), 2);
		expect(lines.forget(2)).toBe(9);
		lines.write(Buffer.from('closed\n'), 1);
		expect(text()).toBe('open closed\n');
	});
});

describe('StreamLoss', () => {
	it('counts a line once however many pieces of it are lost', () => {
		const loss = new StreamLoss();
		loss.add(Buffer.from('one\ntw'));
		loss.add(Buffer.from('o and'));
		loss.add(Buffer.from(' more\nthree\n'));
		expect(loss.lines).toBe(3);
		expect(loss.bytes).toBe(23);
		expect(loss.inLostLine).toBe(false);
	});
});
