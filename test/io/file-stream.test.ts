import {Buffer} from 'node:buffer';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {FileStream} from '../../source/io/file-stream.js';

let directory: string;
let file: string;

beforeEach(() => {
	directory = fs.mkdtempSync(path.join(os.tmpdir(), 'procui-file-stream-'));
	file = path.join(directory, 'out.log');
});

afterEach(() => {
	fs.rmSync(directory, {recursive: true, force: true});
});

function read(name = file): string {
	return fs.readFileSync(name, 'utf8');
}

/** The stream's files, oldest first: out.log.N ... out.log.1, out.log. */
function filesOldestFirst(): string[] {
	const backups = fs
		.readdirSync(directory)
		.filter(name => /^out\.log\.\d+$/.test(name))
		.map(name => Number(name.split('.').at(-1)))
		.sort((a, b) => b - a)
		.map(n => `${file}.${n}`);
	return [...backups, file];
}

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function random(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
		return state / 2_147_483_648;
	};
}

describe('FileStream', () => {
	test('creates the file and appends raw bytes', async () => {
		const stream = new FileStream({filename: file});
		stream.write(Buffer.from('one\n'), 1);
		stream.write(Buffer.from('two'), 1);
		await stream.close();
		expect(read()).toBe('one\ntwo');
	});

	test('appends to an existing file', async () => {
		fs.writeFileSync(file, 'before\n');
		const stream = new FileStream({filename: file});
		stream.write(Buffer.from('after\n'), 1);
		await stream.close();
		expect(read()).toBe('before\nafter\n');
	});

	test('rotates by size without losing or duplicating a byte', async () => {
		const next = random(42);
		const stream = new FileStream({filename: file, maxBytes: 4000, backupCount: 1000});
		const written: Buffer[] = [];
		for (let i = 0; i < 400; i++) {
			// Lines of 1 to 120 bytes in chunks of 1 to 700 bytes, lines cut across chunks.
			const lines = Array.from({length: 1 + Math.floor(next() * 12)}, () => `${'x'.repeat(Math.floor(next() * 120))}\n`);
			const text = lines.join('');
			const cut = Math.floor(next() * Math.min(text.length, 700));
			for (const piece of [text.slice(0, cut), text.slice(cut)]) {
				const chunk = Buffer.from(piece);
				written.push(chunk);
				stream.write(chunk, 7);
			}
		}

		await stream.close();
		const files = filesOldestFirst();
		expect(files.length).toBeGreaterThan(10);
		expect(Buffer.concat(files.map(name => fs.readFileSync(name))).equals(Buffer.concat(written))).toBe(true);
	});

	test('keeps every file at most maxBytes and ends each at a line', async () => {
		const stream = new FileStream({filename: file, maxBytes: 100, backupCount: 100});
		for (let i = 0; i < 50; i++) {
			stream.write(Buffer.from(`line ${i} ${'-'.repeat(i % 17)}\nline ${i} again\n`), 1);
		}

		await stream.close();
		for (const name of filesOldestFirst()) {
			const text = read(name);
			expect(text.length).toBeLessThanOrEqual(100);
			expect(text.endsWith('\n')).toBe(true);
		}
	});

	test('splits a line longer than maxBytes at the byte limit', async () => {
		const stream = new FileStream({filename: file, maxBytes: 10, backupCount: 5});
		stream.write(Buffer.from('abcdefghijklmnopqrstuvwxy\n'), 1);
		await stream.close();
		expect(filesOldestFirst().map(name => read(name))).toEqual(['abcdefghij', 'klmnopqrst', 'uvwxy\n']);
	});

	test('starts a line in a fresh file when it does not fit after a finished line', async () => {
		const stream = new FileStream({filename: file, maxBytes: 10, backupCount: 5});
		stream.write(Buffer.from('12345\n'), 1);
		stream.write(Buffer.from('abcdefgh'), 1);
		await stream.close();
		expect(filesOldestFirst().map(name => read(name))).toEqual(['12345\n', 'abcdefgh']);
	});

	test('fills a file to exactly maxBytes', async () => {
		const stream = new FileStream({filename: file, maxBytes: 10, backupCount: 5});
		stream.write(Buffer.from('123456789\n'), 1);
		stream.write(Buffer.from('next\n'), 1);
		await stream.close();
		expect(filesOldestFirst().map(name => read(name))).toEqual(['123456789\n', 'next\n']);
	});

	test('keeps only backupCount rotated files, newest as .1', async () => {
		const stream = new FileStream({filename: file, maxBytes: 6, backupCount: 2});
		for (const word of ['aaaa\n', 'bbbb\n', 'cccc\n', 'dddd\n', 'eeee\n']) {
			stream.write(Buffer.from(word), 1);
		}

		await stream.close();
		expect(fs.readdirSync(directory).sort()).toEqual(['out.log', 'out.log.1', 'out.log.2']);
		expect([read(`${file}.2`), read(`${file}.1`), read()]).toEqual(['cccc\n', 'dddd\n', 'eeee\n']);
	});

	test('never rotates when maxBytes is 0', async () => {
		const stream = new FileStream({filename: file, maxBytes: 0, backupCount: 3});
		stream.write(Buffer.from('x'.repeat(5000)), 1);
		await stream.close();
		expect(fs.readdirSync(directory)).toEqual(['out.log']);
	});

	test('never rotates when backupCount is 0, as Python', async () => {
		const stream = new FileStream({filename: file, maxBytes: 10, backupCount: 0});
		stream.write(Buffer.from('x'.repeat(50)), 1);
		await stream.close();
		expect(fs.readdirSync(directory)).toEqual(['out.log']);
	});

	test('rotates an existing file that is already full', async () => {
		fs.writeFileSync(file, 'old contents\n');
		const stream = new FileStream({filename: file, maxBytes: 10, backupCount: 1});
		stream.write(Buffer.from('new\n'), 1);
		await stream.close();
		expect([read(`${file}.1`), read()]).toEqual(['old contents\n', 'new\n']);
	});

	test('prefixes every line with the time and pid', async () => {
		const time = new Date(2025, 0, 2, 3, 4, 5).getTime();
		const stream = new FileStream({filename: file, timeFormat: '%Y-%m-%d %H:%M:%S', now: () => time});
		stream.write(Buffer.from('one\ntwo\n'), 42);
		await stream.close();
		expect(read()).toBe('2025-01-02 03:04:05 [42] | one\n2025-01-02 03:04:05 [42] | two\n');
	});

	test('prefixes a line split across chunks once', async () => {
		const stream = new FileStream({filename: file, timeFormat: 'T', now: () => 0});
		stream.write(Buffer.from('hel'), 1);
		stream.write(Buffer.from('lo\nwor'), 1);
		stream.write(Buffer.from('ld\n'), 1);
		await stream.close();
		expect(read()).toBe('T [1] | hello\nT [1] | world\n');
	});

	test('ends another process’s unfinished line before prefixing a new one', async () => {
		const stream = new FileStream({filename: file, timeFormat: 'T', now: () => 0});
		stream.write(Buffer.from('partial'), 1);
		stream.write(Buffer.from('other\n'), 2);
		stream.write(Buffer.from(' rest\n'), 1);
		await stream.close();
		expect(read()).toBe('T [1] | partial\nT [2] | other\nT [1] |  rest\n');
	});

	test('writes to the new file after reopen', async () => {
		const stream = new FileStream({filename: file});
		stream.write(Buffer.from('before\n'), 1);
		fs.renameSync(file, `${file}.moved`);
		stream.reopen();
		stream.write(Buffer.from('after\n'), 1);
		await stream.close();
		expect([read(`${file}.moved`), read()]).toEqual(['before\n', 'after\n']);
	});

	test('opens the file again on a write after close', async () => {
		const stream = new FileStream({filename: file});
		stream.write(Buffer.from('a\n'), 1);
		await stream.close();
		await stream.close();
		stream.write(Buffer.from('b\n'), 1);
		await stream.close();
		expect(read()).toBe('a\nb\n');
	});

	test('fails when created for a directory that does not exist', () => {
		expect(() => new FileStream({filename: path.join(directory, 'missing', 'out.log')})).toThrow(/ENOENT/);
	});

	test('names a bad option in its error', () => {
		expect(() => new FileStream({filename: file, maxBytes: 1.5})).toThrow(
			'Expected `maxBytes` to be a non-negative integer, got `1.5` (number)',
		);
	});
});
