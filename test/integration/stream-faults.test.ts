import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {StreamRow} from '../../source/control/rows.js';
import {field} from '../helpers/reply.js';
import {cliPath, startDaemon, stopAndClean, tempDir, waitFor, type Daemon} from '../helpers/daemon.js';

let daemon: Daemon | undefined;
const cleanups: Array<() => void> = [];

afterEach(async () => {
	await stopAndClean(daemon, cleanups);
	daemon = undefined;
});

async function streamRow(watcher: string): Promise<StreamRow | undefined> {
	const info = field<{streams: StreamRow[]}>(await daemon!.ok('dstats'), 'info');
	return info.streams.find((row) => row.watcher === watcher);
}

/** A child writing numbered lines of 100 bytes without pause (python, unbuffered writes of 8 KiB). */
const writer = `python3 -u -c "
    import sys, itertools
    out = sys.stdout.buffer
    n = itertools.count()
    while True: out.write(b''.join(b'L%09d %s\\\\n' % (next(n), b'x' * 89) for _ in range(80)))
    "`;

describe('a FIFO nobody reads as stdout_stream', () => {
	it('never blocks the supervisor: status keeps answering while every write fails, and the drops are counted and reported', async () => {
		const dir = tempDir('procui-fifo-');
		cleanups.push(() => fs.rmSync(dir, {recursive: true, force: true}));
		const fifo = path.join(dir, 'out.fifo');
		childProcess.execFileSync('mkfifo', [fifo]);
		daemon = await startDaemon(`
[watcher:chatty]
cmd = ${writer}
pty = false
stdout_stream.class = FileStream
stdout_stream.filename = ${fifo}
`);
		// The FIFO's 64 KiB fill in the first milliseconds, after which every write meets a full pipe;
		// code that writes on the scheduler's thread hangs at once and for good. So once lines are being
		// lost, ask for status 100 times while the losses keep growing under the requests. Each answer
		// must come within 5 s: that bound guards the hang, not speed (an answer takes milliseconds;
		// how many is printed).
		const lost = (row: StreamRow | undefined): number => (row === undefined ? 0 : row.lost_lines + row.dropped_lines);
		const first = await waitFor(async () => {
			const row = await streamRow('chatty');
			return lost(row) > 0 ? row : undefined;
		}, {what: 'lines to be lost to the full FIFO'});
		const failures: string[] = [];
		let slowest = 0;
		let requests = 0;
		await waitFor(async () => {
			const before = performance.now();
			try {
				const reply = await Promise.race([
					daemon!.ok('status', {name: 'chatty'}),
					new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('status did not answer within 5 s')), 5000)),
				]);
				if (!['starting', 'active'].includes(field<string>(reply, 'status'))) {
					failures.push(`status ${field<string>(reply, 'status')}`);
				}
			} catch (error) {
				failures.push(error instanceof Error ? error.message : String(error));
			}

			slowest = Math.max(slowest, performance.now() - before);
			requests++;
			return requests >= 100 && lost(await streamRow('chatty')) > lost(first);
		}, {what: '100 status requests while the losses grow', timeoutMs: 120_000});
		console.log(`FIFO nobody reads: ${requests} status requests, slowest ${slowest.toFixed(0)} ms`);
		expect(failures).toEqual([]);
		expect(first?.path).toBe(fifo);
		expect(first!.error).toMatch(/EAGAIN/);
		// Reported once in the daemon's log, in `procui logs` and in the overview the UI shows.
		await waitFor(() => /chatty: stdout_stream: cannot write .*out\.fifo: its reader does not keep up \(EAGAIN\)/.test(daemon!.stderr()), {what: 'the report in the daemon log'});
		await daemon.flushLog();
		expect(daemon.stderr().match(/cannot write .*out\.fifo/g)).toHaveLength(1);
		// Nothing ever reached the FIFO after it filled, so it never seemed to recover.
		expect(daemon.stderr()).not.toMatch(/out\.fifo is written again/);
		const logs = childProcess.spawnSync(process.execPath, [cliPath, 'logs', 'chatty', '-n', '1', '--endpoint', daemon.endpoint], {encoding: 'utf8'});
		expect(logs.stderr).toMatch(/notice: chatty stdout_stream .*out\.fifo: \d+ lines .* lost: writing failed; failing now: its reader does not keep up/);
		const overview = field<Array<{name: string; stream_notices: string[]}>>(await daemon.ok('overview'), 'watchers');
		expect(overview.find((row) => row.name === 'chatty')?.stream_notices[0]).toMatch(/lines .* lost/);
	}, 180_000);
});

/** A child writing numbered lines of 100 bytes, 80 at a time, about 4 MB/s: enough to fill 1 MiB at once. */
const steadyWriter = `python3 -u -c "
    import sys, time, itertools
    out = sys.stdout.buffer
    n = itertools.count()
    while True: out.write(b''.join(b'L%09d %s\\\\n' % (next(n), b'x' * 89) for _ in range(80))); time.sleep(0.002)
    "`;

const isRoot = process.getuid?.() === 0;

describe('a stream file on a full disk (a 1 MiB tmpfs)', () => {
	it.skipIf(!isRoot)('counts what it loses, reports ENOSPC once, never glues a partial line to a later one, and resumes once there is room', async () => {
		const mount = tempDir('procui-enospc-');
		childProcess.execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mount]);
		cleanups.push(() => {
			childProcess.spawnSync('umount', ['-l', mount]);
			fs.rmSync(mount, {recursive: true, force: true});
		});
		// Room to free later: the log fills what this leaves.
		const filler = path.join(mount, 'filler');
		fs.writeFileSync(filler, Buffer.alloc(512 * 1024, 0x41));
		const log = path.join(mount, 'out.log');
		daemon = await startDaemon(`
[watcher:filler]
cmd = ${steadyWriter}
pty = false
stdout_stream.class = FileStream
stdout_stream.filename = ${log}
`);
		await waitFor(async () => ((await streamRow('filler'))?.lost_lines ?? 0) > 1000, {what: 'lines lost to the full disk', timeoutMs: 30_000});
		const full = (await streamRow('filler'))!;
		expect(full.error).toMatch(/ENOSPC/);
		expect(full.lost_bytes).toBeGreaterThan(full.lost_lines * 90);
		await daemon.flushLog();
		expect(daemon.stderr().match(/filler: stdout_stream: cannot write .*out\.log: no space left on device \(ENOSPC\)/g)).toHaveLength(1);
		const overview = field<Array<{name: string; stream_notices: string[]}>>(await daemon.ok('overview'), 'watchers');
		expect(overview.find((row) => row.name === 'filler')?.stream_notices[0]).toMatch(/lost: writing failed; failing now: no space left on device/);

		// Room again: writing resumes, and says so once.
		const sizeWhenFull = fs.statSync(log).size;
		fs.rmSync(filler);
		await waitFor(() => fs.statSync(log).size > sizeWhenFull + 100_000, {what: 'writing to resume', timeoutMs: 30_000});
		await waitFor(() => /filler: stdout_stream: .*out\.log is written again; \d+ lines/.test(daemon!.stderr()), {what: 'the resume in the daemon log'});
		expect((await streamRow('filler'))!.error).toBeNull();
		await daemon.ok('stop', {name: 'filler'});

		// Whole lines only, in order, with the lost ones as gaps: nothing glued, nothing cut.
		const lines = fs.readFileSync(log, 'latin1').split('\n');
		expect(lines.pop()).toBe('');
		let previous = -1;
		let gaps = 0;
		for (const line of lines) {
			expect(line).toMatch(/^L\d{9} x{89}$/);
			const number = Number(line.slice(1, 10));
			expect(number).toBeGreaterThan(previous);
			if (number !== previous + 1) {
				gaps++;
			}

			previous = number;
		}

		expect(gaps).toBeGreaterThanOrEqual(1);
		expect(lines.length).toBeGreaterThan(5000);
	}, 90_000);
});
