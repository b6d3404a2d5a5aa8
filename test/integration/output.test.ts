import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {field} from '../helpers/reply.js';
import {startDaemon, waitFor, type Daemon} from '../helpers/daemon.js';

let daemon: Daemon | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
});


/** 64 KiB as 1,024 lines of 63 characters and a newline, written in one go, then exit. */
const burst = `python3 -c "import sys; sys.stdout.write(''.join('%063d\\\\n' % i for i in range(1024)))"`;
const burstBytes = 65_536;

describe.each([['PTY', 'true'], ['pipe', 'false']])('a child that writes 64 KiB and exits at once (%s mode)', (_mode, pty) => {
	it('loses nothing in 100 of 100 runs: every byte in the file, every line in the scrollback', async () => {
		daemon = await startDaemon(`
[watcher:burst]
cmd = ${burst}
pty = ${pty}
respawn = false
autostart = false
stdout_stream.class = FileStream
stdout_stream.filename = burst.log
`);
		const file = path.join(daemon.dir, 'burst.log');
		for (let run = 1; run <= 100; run++) {
			const reply = await daemon.ok('start', {name: 'burst'});
			const [pid] = field<{started: number[]}>(reply, 'info').started;
			expect(pid).toBeGreaterThan(0);
			await waitFor(async () => (await daemon!.ok('status', {name: 'burst'})).status === 'stopped', {what: `run ${run} to finish`});
			expect(fs.statSync(file).size).toBe(burstBytes * run);
			const lines = field<Array<{text: string}>>(await daemon.ok('logs', {name: 'burst', pid, lines: 2000}), 'lines');
			expect(lines).toHaveLength(1024);
			expect(lines.at(-1)!.text).toBe('1023'.padStart(63, '0'));
		}

		const content = fs.readFileSync(file, 'utf8');
		expect(content.includes('\r')).toBe(false);
	}, 120_000);
});

/** The flood's line; `yes` repeats it, `head -c` cuts the stream at an exact size. */
const floodLine = 'procui flood 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\n';
const floodBytes = 200 * 1024 * 1024;

function expectedDigest(): string {
	const hash = crypto.createHash('sha256');
	const block = Buffer.from(floodLine.repeat(Math.floor(1024 * 1024 / floodLine.length)));
	let left = floodBytes;
	while (left > 0) {
		const piece = left >= block.length ? block : block.subarray(0, left);
		hash.update(piece);
		left -= piece.length;
	}

	return hash.digest('hex');
}

/** The file and its rotated backups, oldest first, as one digest and size. */
function digestOfLogs(file: string): {size: number; digest: string} {
	const dir = path.dirname(file);
	const base = path.basename(file);
	const backups = fs.readdirSync(dir).filter((name) => name.startsWith(`${base}.`)).map((name) => Number(name.slice(base.length + 1))).sort((a, b) => b - a);
	const hash = crypto.createHash('sha256');
	let size = 0;
	for (const name of [...backups.map((index) => `${base}.${index}`), base]) {
		const data = fs.readFileSync(path.join(dir, name));
		size += data.length;
		hash.update(data);
	}

	return {size, digest: hash.digest('hex')};
}

describe('a terminal\'s output in a file', () => {
	it('has the program\'s own bytes: the terminal\'s \\r\\n as \\n, the program\'s \\r and \\r\\n kept, a \\r at the very end written at exit', async () => {
		// 20 KiB with every kind of line end, so that chunks of the flood take the addon's path too.
		const program = "import sys; sys.stdout.write('one\\\\ntwo\\\\rtwo-b\\\\n' + ''.join('%060d' % i + ['\\\\n', '\\\\r\\\\n', '\\\\r'][i % 3] for i in range(330)) + 'tail\\\\r')";
		const expected = `one\ntwo\rtwo-b\n${Array.from({length: 330}, (_, i) => String(i).padStart(60, '0') + ['\n', '\r\n', '\r'][i % 3]).join('')}tail\r`;
		daemon = await startDaemon(`
[watcher:term]
cmd = python3 -c "${program}"
pty = true
respawn = false
autostart = false
stdout_stream.class = FileStream
stdout_stream.filename = term.log
`);
		await daemon.ok('start', {name: 'term'});
		const file = path.join(daemon.dir, 'term.log');
		await waitFor(async () => (await daemon!.ok('status', {name: 'term'})).status === 'stopped', {what: 'the program to finish'});
		await waitFor(() => fs.existsSync(file) && fs.statSync(file).size >= expected.length, {what: 'the file to have the output'});
		expect(JSON.stringify(fs.readFileSync(file, 'latin1'))).toBe(JSON.stringify(expected));
	});
});

describe('a child that writes 200 MB as fast as it can', () => {
	const digest = expectedDigest();

	it.each([
		['PTY, no rotation', 'true', ''],
		['PTY, rotation', 'true', 'stdout_stream.max_bytes = 10000000\nstdout_stream.backup_count = 100'],
		['pipe, no rotation', 'false', ''],
		['pipe, rotation', 'false', 'stdout_stream.max_bytes = 10000000\nstdout_stream.backup_count = 100'],
	])('leaves exactly the bytes it wrote in the log files (%s)', async (_name, pty, rotation) => {
		daemon = await startDaemon(`
[watcher:flood]
cmd = sh -c "yes '${floodLine.trim()}' | head -c ${floodBytes}"
pty = ${pty}
respawn = false
autostart = false
stdout_stream.class = FileStream
stdout_stream.filename = flood.log
${rotation}
`);
		await daemon.ok('start', {name: 'flood'});
		await waitFor(async () => (await daemon!.ok('status', {name: 'flood'})).status === 'stopped', {what: 'the flood to end', timeoutMs: 120_000, intervalMs: 100});
		const result = digestOfLogs(path.join(daemon.dir, 'flood.log'));
		expect(result.size).toBe(floodBytes);
		expect(result.digest).toBe(digest);
	}, 180_000);
});

/** A child that writes 20 MB/s of lines, paced by the clock, and counts what it wrote in `progress`. */
const pacedFlood = `python3 -u -c "
    import sys, time
    line = b'procui paced flood 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUV\\n'
    block = line * (1048576 // len(line))
    start = time.time()
    sent = 0
    progress = open('progress', 'w')
    while True: sys.stdout.buffer.write(block); sys.stdout.buffer.flush(); sent += 1; progress.seek(0); progress.write('%d ' % (sent * len(block))); progress.flush(); time.sleep(max(0, start + sent / 20 - time.time()))
    "`;

describe('a subscriber that stops reading while a child floods', () => {
	it('costs the child and the file nothing, keeps memory bounded, and is told what it missed', async () => {
		daemon = await startDaemon(`
[watcher:flood]
cmd = ${pacedFlood}
pty = false
stdout_stream.class = FileStream
stdout_stream.filename = flood.log
`);
		const file = path.join(daemon.dir, 'flood.log');
		await waitFor(() => (fs.statSync(file, {throwIfNoEntry: false})?.size ?? 0) > 0);
		const socket = net.connect({path: daemon.endpoint.slice('ipc://'.length)});
		let received = '';
		socket.setEncoding('utf8');
		socket.on('data', (chunk: string) => {
			received += chunk;
		});
		socket.write(`${JSON.stringify({id: 's', command: 'subscribe', properties: {topics: ['logs.flood']}})}\n`);
		await waitFor(() => received.includes('"id":"s"'), {what: 'the subscription'});
		socket.pause();
		const pid = daemon.process.pid!;
		const rss = (): number => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
		const size = (): number => fs.statSync(file).size;
		const sent = (): number => Number(fs.readFileSync(path.join(daemon!.dir, 'progress'), 'utf8').trim() || 0);

		// The subscriber reads nothing from here on. The child keeps writing: wait until it has written
		// 64 MiB more, twice the lag allowed below (a subscriber that held it back would stop it at a
		// pipe's 64 KiB), sampling on the
		// way how far the file is behind the child and the daemon's memory. Both are bounds on what
		// procui buffers, not on speed: a file that falls behind holds the child back (the stream
		// writer's queue is bounded), so the lag cannot grow with time. Rates are the bench's business.
		let maxRss = 0;
		let maxLag = 0;
		const start = sent();
		await waitFor(() => {
			const written = sent();
			maxLag = Math.max(maxLag, written - size());
			maxRss = Math.max(maxRss, rss());
			return written - start > 64 * 1024 * 1024;
		}, {what: 'the child to write 64 MiB while the subscriber reads nothing', timeoutMs: 120_000, intervalMs: 200});
		console.log(`stalled subscriber: file behind the child by at most ${(maxLag / 2 ** 20).toFixed(1)} MiB, daemon RSS at most ${(maxRss / 2 ** 20).toFixed(0)} MiB`);
		expect(maxLag).toBeLessThan(32 * 1024 * 1024);
		expect(maxRss).toBeLessThan(300 * 1024 * 1024);
		socket.resume();
		await waitFor(() => /"event":"dropped","data":\{"count":(\d+)/.test(received), {what: 'a dropped notice', timeoutMs: 30_000});
		const count = Number(/"event":"dropped","data":\{"count":(\d+)/.exec(received)![1]);
		expect(count).toBeGreaterThan(0);
		socket.destroy();
		// Nothing lost on the way to the file: once the child is stopped and its output drained, the
		// file holds at least every block the child counted as written.
		await daemon.ok('stop', {name: 'flood'});
		const written = sent();
		await waitFor(() => size() >= written, {what: `the file to hold the ${written} bytes the child wrote`, timeoutMs: 60_000});
	}, 240_000);
});

describe('churn: 1,000 short-lived processes with spawn failures mixed in', () => {
	it('returns the supervisor to its starting fd count, with the registry holding exactly the live sources', async () => {
		daemon = await startDaemon(`
[watcher:ptyshort]
cmd = sh -c 'echo short lived; exit 0'
numprocesses = 4
check_flapping = false
procui.backoff = false
autostart = false

[watcher:pipeshort]
cmd = sh -c 'echo short lived >&2; exit 1'
numprocesses = 4
pty = false
check_flapping = false
procui.backoff = false
autostart = false

[watcher:lingering]
cmd = sh -c 'sleep 0.3 & exit 0'
numprocesses = 2
check_flapping = false
procui.backoff = false
autostart = false

[watcher:missing]
cmd = /no/such/program
max_retry = 3
autostart = false

[watcher:lost]
cmd = sleep 1
working_dir = /no/such/dir
max_retry = 2
autostart = false

[watcher:steady]
cmd = sleep 1000
numprocesses = 3
autostart = false
`);
		const dstats = async (): Promise<{open_fds: number; output_sources: number; processes: number}> => field(await daemon!.ok('dstats'), 'info');
		const baseline = (await dstats()).open_fds;
		let spawns = 0;
		let failures = 0;
		await daemon.client.subscribe(['watcher.'], (event) => {
			if (event.event.endsWith('.spawn')) {
				spawns++;
			} else if (event.event.endsWith('.spawn_failed')) {
				failures++;
			}
		});
		await daemon.ok('start', {name: 'steady'});
		await daemon.ok('start', {name: 'ptyshort'});
		await daemon.ok('start', {name: 'pipeshort'});
		await daemon.ok('start', {name: 'lingering'});
		// Spawn failures, again and again, and a subscriber coming and going, while the rest churns.
		const {SocketClient} = await import('../../source/control/client.js');
		const viewer = await SocketClient.connect(daemon.endpoint);
		while (spawns < 1000) {
			await daemon.call('start', {name: 'missing'});
			await daemon.call('start', {name: 'lost'});
			const subscription = await viewer.subscribe(['logs.'], () => undefined);
			await subscription.unsubscribe();
		}

		await viewer.close();
		expect(failures).toBeGreaterThan(20);
		await daemon.ok('stop', {name: 'ptyshort'});
		await daemon.ok('stop', {name: 'pipeshort'});
		await daemon.ok('stop', {name: 'lingering'});
		expect((await daemon.ok('status', {name: 'steady'})).status).toBe('active');
		const after = await waitFor(async () => {
			const stats = await dstats();
			return stats.processes === 3 ? stats : undefined;
		});
		expect(after.output_sources).toBe(3);
		await daemon.ok('stop', {name: 'steady'});
		const end = await dstats();
		expect(end.output_sources).toBe(0);
		expect(end.processes).toBe(0);
		expect(end.open_fds).toBe(baseline);
		await daemon.flushLog();
		expect(daemon.stderr()).not.toMatch(/internal error/);
	}, 120_000);
});
