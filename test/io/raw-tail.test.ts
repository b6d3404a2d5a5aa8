import {Buffer} from 'node:buffer';
import {describe, expect, test} from 'vitest';
import {RawTail} from '../../source/io/raw-tail.js';

describe('RawTail', () => {
	test('keeps what was written, with its total length', () => {
		const tail = new RawTail(64);
		tail.push(Buffer.from('hello '));
		tail.push(Buffer.from('world'));
		expect(tail.snapshot().data.toString()).toBe('hello world');
		expect(tail.snapshot().end).toBe(11);
	});

	test('keeps only the newest bytes, across wraps and whole-buffer chunks', () => {
		const tail = new RawTail(10);
		let all = '';
		for (let i = 0; i < 50; i++) {
			const piece = `${i},`;
			all += piece;
			tail.push(Buffer.from(piece));
			expect(tail.snapshot().data.toString()).toBe(all.slice(-10));
		}

		tail.push(Buffer.from('abcdefghijklmnop'));
		expect(tail.snapshot().data.toString()).toBe('ghijklmnop');
		tail.push(Buffer.from('xy'));
		expect(tail.snapshot().data.toString()).toBe('ijklmnopxy');
		expect(tail.total).toBe(all.length + 18);
	});

	test('grows from a small buffer to its bound', () => {
		const tail = new RawTail(64 * 1024);
		const chunk = Buffer.alloc(3000, 'a');
		for (let i = 0; i < 40; i++) {
			tail.push(chunk);
		}

		expect(tail.snapshot().data.length).toBe(64 * 1024);
		expect(tail.total).toBe(120_000);
	});

	test('remembers the alternate screen, even once the switch left the tail', () => {
		const tail = new RawTail(16);
		tail.push(Buffer.from('\u001B[?1049h\u001B[H'));
		tail.push(Buffer.alloc(100, 'x'));
		expect(tail.snapshot().alternate).toBe(true);
		tail.push(Buffer.from('\u001B[?1049l'));
		expect(tail.snapshot().alternate).toBe(false);
		tail.push(Buffer.from('\u001B[?1049l\u001B[?1049h'));
		expect(tail.snapshot().alternate).toBe(true);
	});
});
