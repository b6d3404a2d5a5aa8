import {Buffer} from 'node:buffer';
import childProcess from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {AppendFile} from '../../source/io/append-file.js';
import {StreamLoss} from '../../source/io/stream-loss.js';

let directory: string;

beforeEach(() => {
	directory = fs.mkdtempSync(path.join(os.tmpdir(), 'procui-append-file-'));
});

afterEach(() => {
	fs.rmSync(directory, {recursive: true, force: true});
});

/** Everything the FIFO holds now, read without blocking. */
function drain(fd: number): string {
	const chunks: Buffer[] = [];
	const buffer = Buffer.alloc(65_536);
	for (;;) {
		try {
			const n = fs.readSync(fd, buffer);
			if (n === 0) {
				break;
			}

			chunks.push(Buffer.from(buffer.subarray(0, n)));
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
				break;
			}

			throw error;
		}
	}

	return Buffer.concat(chunks).toString('latin1');
}

describe('AppendFile on a FIFO nobody reads', () => {
	test('stays failing while the rest of a lost line arrives: only bytes that reach the FIFO end the fault', () => {
		const fifo = path.join(directory, 'out.fifo');
		childProcess.execFileSync('mkfifo', [fifo]);
		const loss = new StreamLoss();
		const file = new AppendFile(fifo, {loss});
		try {
			// 1 MiB of 100-byte lines and the start of one more: the pipe takes its 64 KiB, the rest fails.
			const line = `${'x'.repeat(99)}\n`;
			file.write(Buffer.from(`${line.repeat(10_486)}unfinished`));
			expect(loss.fault).toBe('EAGAIN');
			expect(loss.inLostLine).toBe(true);
			const lostLines = loss.lines;
			expect(lostLines).toBeGreaterThan(9000);

			// The rest of that line, in pieces: nothing is written, so nothing has recovered.
			file.write(Buffer.from(' still the same line'));
			expect(loss.fault).toBe('EAGAIN');
			file.write(Buffer.from(' and its end\n'));
			expect(loss.fault).toBe('EAGAIN');
			expect(loss.lines).toBe(lostLines);
			expect(loss.inLostLine).toBe(false);

			// A whole line while the FIFO is still full: lost, counted, still failing.
			file.write(Buffer.from('next\n'));
			expect(loss.fault).toBe('EAGAIN');
			expect(loss.lines).toBe(lostLines + 1);

			// A reader empties it: the next line gets through and the fault ends.
			const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
			try {
				const held = drain(reader);
				expect(held.length).toBeGreaterThan(0);
				file.write(Buffer.from('back\n'));
				expect(loss.fault).toBeUndefined();
				// The line cut in the FIFO is ended first, so the reader gets whole lines only.
				const after = drain(reader);
				expect(after).toBe(held.endsWith('\n') ? 'back\n' : '\nback\n');
			} finally {
				fs.closeSync(reader);
			}
		} finally {
			file.close();
		}
	});
});
