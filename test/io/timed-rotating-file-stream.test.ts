import {Buffer} from 'node:buffer';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {TimedRotatingFileStream, type TimedRotatingFileStreamOptions} from '../../source/io/timed-rotating-file-stream.js';

// Thursday 2025-01-02 03:04:05.500 UTC.
const T0 = Date.UTC(2025, 0, 2, 3, 4, 5, 500);

let directory: string;
let file: string;
let now: number;

beforeEach(() => {
	directory = fs.mkdtempSync(path.join(os.tmpdir(), 'procui-timed-stream-'));
	file = path.join(directory, 'out.log');
	now = T0;
});

afterEach(() => {
	fs.rmSync(directory, {recursive: true, force: true});
});

function open(options: Partial<TimedRotatingFileStreamOptions>): TimedRotatingFileStream {
	return new TimedRotatingFileStream({filename: file, utc: true, now: () => now, ...options});
}

function write(stream: TimedRotatingFileStream, text: string): void {
	stream.write(Buffer.from(text), 9);
}

function read(name: string): string {
	return fs.readFileSync(path.join(directory, name), 'utf8');
}

describe('TimedRotatingFileStream', () => {
	test('rotates to a file named for the period it holds', async () => {
		const stream = open({rotateWhen: 'S'});
		write(stream, 'first\n');
		now = T0 + 1000;
		write(stream, 'second\n');
		await stream.close();
		expect(fs.readdirSync(directory).sort()).toEqual(['out.log', 'out.log.20250102030405']);
		expect([read('out.log.20250102030405'), read('out.log')]).toEqual(['first\n', 'second\n']);
	});

	test('does not rotate before the period ends', async () => {
		const stream = open({rotateWhen: 'S'});
		write(stream, 'a\n');
		now = T0 + 400;
		write(stream, 'b\n');
		await stream.close();
		expect(fs.readdirSync(directory)).toEqual(['out.log']);
	});

	test('names hourly files by the hour', async () => {
		const stream = open({rotateWhen: 'H'});
		write(stream, 'a\n');
		now = T0 + 3_600_000;
		write(stream, 'b\n');
		await stream.close();
		expect(fs.readdirSync(directory).sort()).toEqual(['out.log', 'out.log.2025010203']);
	});

	test('names minute files by the minute', async () => {
		const stream = open({rotateWhen: 'M'});
		write(stream, 'a\n');
		now = T0 + 60_000;
		write(stream, 'b\n');
		await stream.close();
		expect(fs.readdirSync(directory).sort()).toEqual(['out.log', 'out.log.202501020304']);
	});

	test('multiplies the period by rotateInterval', () => {
		expect(open({rotateWhen: 'M', rotateInterval: 5}).rolloverAt).toBe(Date.UTC(2025, 0, 2, 3, 9, 5));
	});

	test('rolls over daily from the start time for D', () => {
		expect(open({rotateWhen: 'D'}).rolloverAt).toBe(Date.UTC(2025, 0, 3, 3, 4, 5));
	});

	test('rolls over at the next midnight for MIDNIGHT', async () => {
		const stream = open({rotateWhen: 'MIDNIGHT'});
		expect(stream.rolloverAt).toBe(Date.UTC(2025, 0, 3));
		write(stream, 'a\n');
		now = Date.UTC(2025, 0, 3, 0, 0, 1);
		write(stream, 'b\n');
		await stream.close();
		expect(fs.readdirSync(directory).sort()).toEqual(['out.log', 'out.log.20250102']);
	});

	test('uses local midnight unless utc is set', () => {
		const stream = new TimedRotatingFileStream({filename: file, rotateWhen: 'midnight', now: () => T0});
		const local = new Date(T0);
		expect(stream.rolloverAt).toBe(new Date(local.getFullYear(), local.getMonth(), local.getDate() + 1).getTime());
	});

	test('accepts rotateWhen in any case', () => {
		expect(open({rotateWhen: 'midnight'}).rolloverAt).toBe(Date.UTC(2025, 0, 3));
	});

	test('rolls over at the midnight that ends the weekday for W0', () => {
		// Monday 2025-01-06 ends at Tuesday 00:00, as Python computes it.
		expect(open({rotateWhen: 'w0'}).rolloverAt).toBe(Date.UTC(2025, 0, 7));
	});

	test('rolls over at the end of today when today is the weekday', () => {
		expect(open({rotateWhen: 'W3'}).rolloverAt).toBe(Date.UTC(2025, 0, 3));
	});

	test('skips periods without writes and schedules from the rollover', async () => {
		const stream = open({rotateWhen: 'S'});
		write(stream, 'a\n');
		now = T0 + 10_000;
		write(stream, 'b\n');
		expect(stream.rolloverAt).toBe(Date.UTC(2025, 0, 2, 3, 4, 16));
		await stream.close();
		expect(fs.readdirSync(directory).sort()).toEqual(['out.log', 'out.log.20250102030405']);
	});

	test('deletes the oldest rotated files beyond backupCount', async () => {
		const stream = open({rotateWhen: 'S', backupCount: 2});
		for (let i = 0; i < 5; i++) {
			now = T0 + i * 1000;
			write(stream, `${i}\n`);
		}

		await stream.close();
		expect(fs.readdirSync(directory).sort()).toEqual([
			'out.log',
			'out.log.20250102030407',
			'out.log.20250102030408',
		]);
	});

	test('leaves files that are not its rotations alone', async () => {
		fs.writeFileSync(`${file}.keep`, '');
		fs.writeFileSync(`${file}.2025-01-01`, '');
		fs.writeFileSync(`${file}.20250101`, '');
		const stream = open({rotateWhen: 'S', backupCount: 1});
		for (let i = 0; i < 3; i++) {
			now = T0 + i * 1000;
			write(stream, `${i}\n`);
		}

		await stream.close();
		expect(fs.readdirSync(directory).sort()).toEqual([
			'out.log',
			'out.log.2025-01-01',
			'out.log.20250101',
			'out.log.20250102030406',
			'out.log.keep',
		]);
	});

	test('prefixes lines with the time in UTC when utc is set', async () => {
		const stream = open({rotateWhen: 'H', timeFormat: '%H:%M:%S'});
		write(stream, 'hello\n');
		await stream.close();
		expect(read('out.log')).toBe('03:04:05 [9] | hello\n');
	});

	test('names a bad rotateWhen in its error', () => {
		expect(() => open({rotateWhen: 'W7'})).toThrow(
			'Expected `rotateWhen` to be one of S, M, H, D, MIDNIGHT, W0-W6, got `W7` (string)',
		);
	});
});
