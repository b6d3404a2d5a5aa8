import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {startDaemon, waitFor, type Daemon} from '../helpers/daemon.js';

let daemon: Daemon | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
});

/** 2 MB per process: what the others hold back (6 MB) stays under the joiner's bound, so no line is ever cut. */
const linesEach = 100;
const lineBytes = 20_000;

/**
Each process writes numbered lines of 20,000 bytes, each in several writes of random size (so a
line spans many reads in both modes), tagged with its own pid: `<pid> <n> <payload> END`.
*/
const writer = `python3 -u -c "import os, sys, random; out = sys.stdout.buffer; pid = os.getpid(); heads = [b'%d %d ' % (pid, n) for n in range(${linesEach})]; data = b''.join(h + b'y' * (${lineBytes} - len(h) - 5) + b' END\\n' for h in heads); cuts = sorted(random.sample(range(1, len(data)), len(data) // 3000)); [out.write(data[a:b]) for a, b in zip([0] + cuts, cuts + [len(data)])]"`;

describe.each([['pipe', 'false'], ['PTY', 'true']])('four processes writing long lines into one stream file (%s mode)', (_mode, pty) => {
	it('leaves every line whole: no line of one process inside another\'s', async () => {
		daemon = await startDaemon(`
[watcher:writers]
cmd = ${writer}
numprocesses = 4
pty = ${pty}
respawn = false
autostart = false
stdout_stream.class = FileStream
stdout_stream.filename = shared.log
`);
		await daemon.ok('start', {name: 'writers'});
		await waitFor(async () => (await daemon!.ok('status', {name: 'writers'})).status === 'stopped', {what: 'the writers to finish', timeoutMs: 60_000, intervalMs: 100});
		const lines = fs.readFileSync(path.join(daemon.dir, 'shared.log'), 'latin1').split('\n');
		expect(lines.pop()).toBe('');
		const broken = lines.filter((line) => line.length !== lineBytes - 1 || !/^\d+ \d+ y+ END$/.test(line));
		expect(broken.map((line) => `${line.slice(0, 40)}... (${line.length} bytes)`)).toEqual([]);
		const perProcess = new Map<string, number[]>();
		for (const line of lines) {
			const [pid, n] = line.split(' ');
			perProcess.set(pid!, [...(perProcess.get(pid!) ?? []), Number(n)]);
		}

		// Every line of every process, each process's in order.
		expect(perProcess.size).toBe(4);
		for (const numbers of perProcess.values()) {
			expect(numbers).toEqual(Array.from({length: linesEach}, (_value, index) => index));
		}
	}, 120_000);
});
