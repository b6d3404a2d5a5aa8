import {Buffer} from 'node:buffer';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {WatchedFileStream} from '../../source/io/watched-file-stream.js';

let directory: string;
let file: string;

beforeEach(() => {
	directory = fs.mkdtempSync(path.join(os.tmpdir(), 'procui-watched-stream-'));
	file = path.join(directory, 'out.log');
});

afterEach(() => {
	fs.rmSync(directory, {recursive: true, force: true});
});

function read(name = file): string {
	return fs.readFileSync(name, 'utf8');
}

describe('WatchedFileStream', () => {
	test('follows the path after the file is moved away', async () => {
		const stream = new WatchedFileStream({filename: file, checkInterval: 0});
		stream.write(Buffer.from('before\n'), 1);
		fs.renameSync(file, `${file}.1`);
		stream.write(Buffer.from('after\n'), 1);
		await stream.close();
		expect([read(`${file}.1`), read()]).toEqual(['before\n', 'after\n']);
	});

	test('creates the file again after it is deleted', async () => {
		const stream = new WatchedFileStream({filename: file, checkInterval: 0});
		stream.write(Buffer.from('lost to rm\n'), 1);
		fs.rmSync(file);
		stream.write(Buffer.from('after\n'), 1);
		await stream.close();
		expect(read()).toBe('after\n');
	});

	test('keeps writing to the same file while it stays in place', async () => {
		const stream = new WatchedFileStream({filename: file, checkInterval: 0});
		stream.write(Buffer.from('a\n'), 1);
		stream.write(Buffer.from('b\n'), 1);
		await stream.close();
		expect(read()).toBe('a\nb\n');
	});

	test('checks the path only once per checkInterval', async () => {
		let now = 0;
		const stream = new WatchedFileStream({filename: file, checkInterval: 1000, now: () => now});
		stream.write(Buffer.from('a\n'), 1);
		fs.renameSync(file, `${file}.1`);
		now = 999;
		stream.write(Buffer.from('b\n'), 1);
		now = 1000;
		stream.write(Buffer.from('c\n'), 1);
		await stream.close();
		expect([read(`${file}.1`), read()]).toEqual(['a\nb\n', 'c\n']);
	});

	test('reopens by name on reopen', async () => {
		const stream = new WatchedFileStream({filename: file, checkInterval: 60_000});
		stream.write(Buffer.from('a\n'), 1);
		fs.renameSync(file, `${file}.1`);
		stream.reopen();
		stream.write(Buffer.from('b\n'), 1);
		await stream.close();
		expect([read(`${file}.1`), read()]).toEqual(['a\n', 'b\n']);
	});

	test('prefixes lines when timeFormat is set', async () => {
		const stream = new WatchedFileStream({filename: file, timeFormat: 'T'});
		stream.write(Buffer.from('x\n'), 5);
		await stream.close();
		expect(read()).toBe('T [5] | x\n');
	});
});
