import childProcess, {type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {SocketClient} from '../../source/control/client.js';
import {isErrorReply} from '../../source/control/protocol.js';
import {cliPath, pidsMatching, tempDir, uniqueSleep, waitFor} from '../helpers/daemon.js';
import {dstats, random} from './helpers.js';

/** Circus's BUG-1 scenario: a signal burst while the supervisor's stderr is a pipe nobody reads. */
const signalCount = 2000;
const stormMs = 2000;
const stormSignals = ['SIGHUP', 'SIGWINCH', 'SIGUSR1', 'SIGUSR2'] as const;

type Spawned = {process: ChildProcess; client: SocketClient; dir: string; configFile: string; fifo: string; exited: Promise<{code: number | null; signal: string | null}>};

const cleanup: Array<() => void> = [];

afterEach(() => {
	for (const step of cleanup.splice(0)) {
		step();
	}
});

/**
Start the built daemon with its stderr a pipe (a FIFO) that this test holds open and never reads.
*/
async function spawnWithUnreadStderr(config: string): Promise<Spawned> {
	const dir = tempDir('procui-storm-');
	const configFile = path.join(dir, 'circus.ini');
	fs.writeFileSync(configFile, config);
	const fifo = path.join(dir, 'stderr.fifo');
	childProcess.execFileSync('mkfifo', [fifo]);
	const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
	const writer = fs.openSync(fifo, fs.constants.O_WRONLY);
	const socket = path.join(dir, 'procui.sock');
	const child = childProcess.spawn(process.execPath, [cliPath, 'daemon', configFile, '--endpoint', `ipc://${socket}`, '--log-level', 'debug'], {
		cwd: dir,
		stdio: ['ignore', 'ignore', writer],
	});
	fs.closeSync(writer);
	const exited = new Promise<{code: number | null; signal: string | null}>((resolve) => {
		child.once('exit', (code, signal) => {
			resolve({code, signal});
		});
	});
	cleanup.push(() => {
		child.kill('SIGKILL');
		fs.closeSync(reader);
		fs.rmSync(dir, {recursive: true, force: true});
	});
	const client = await waitFor(async () => (fs.existsSync(socket) ? SocketClient.connect(`ipc://${socket}`) : undefined), {what: 'the daemon to listen'});
	cleanup.push(() => {
		void client.close();
	});
	return {process: child, client, dir, configFile, fifo, exited};
}

/** Fill the daemon's stderr pipe until the kernel refuses more: from here on every write of the
daemon's own log would block. Returns the bytes written. */
function fillPipe(fifo: string): number {
	const fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
	const chunk = Buffer.alloc(4096, 'x');
	let written = 0;
	try {
		for (;;) {
			written += fs.writeSync(fd, chunk);
		}
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') {
			throw error;
		}
	} finally {
		fs.closeSync(fd);
	}

	return written;
}

function pipeIsFull(fifo: string): boolean {
	return fillPipe(fifo) === 0;
}

function config(marker: string, stubborn: number): string {
	return `
[circus]
check_delay = 0.05

[watcher:churn]
cmd = sh -c 'echo "churn $$"; sleep 0.1; exit 1'
numprocesses = 4
check_flapping = false
procui.backoff = false

[watcher:family]
cmd = sh -c 'sleep ${marker} & sleep ${marker} & wait'
numprocesses = 2

[watcher:stubborn]
cmd = sh -c 'trap "" TERM; sleep ${marker} & wait; sleep ${marker}'
numprocesses = ${stubborn}
graceful_timeout = 3
`;
}

describe('signals (Circus BUG-1)', () => {
	it('survive a storm of 2,000 signals while stderr is a pipe nobody reads; then SIGTERM stops every child and exits 0', async () => {
		const marker = uniqueSleep();
		const daemon = await spawnWithUnreadStderr(config(marker, 1));
		const pid = daemon.process.pid!;
		await waitFor(() => pidsMatching(marker).length === 8, {what: 'two families and a stubborn process (shells and sleeps)'});
		const spawns: number[] = [];
		await daemon.client.subscribe(['watcher.churn.spawn'], (event) => {
			spawns.push(event.time);
		});
		const filled = fillPipe(daemon.fifo);
		expect(filled).toBeGreaterThan(0);

		// Answers `status` throughout: each request within 5 s, a bound that guards a hang or a crash
		// (Circus's failure), not speed. How many answered and the slowest are printed.
		let storming = true;
		const statusLatencies: number[] = [];
		const statusErrors: unknown[] = [];
		const polling = (async () => {
			while (storming) {
				const started = performance.now();
				try {
					const reply = await daemon.client.call('status', {}, {timeoutMs: 5000});
					if (isErrorReply(reply)) {
						statusErrors.push(reply);
					}
				} catch (error) {
					statusErrors.push(error instanceof Error ? error.message : error);
				}

				statusLatencies.push(performance.now() - started);
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
		})();

		// The storm, with the configuration changing under it (stubborn: 1, 2, 3, ... processes).
		const rng = random(7);
		const sent: Record<string, number> = {};
		let lastStubborn = 1;
		const stormStarted = performance.now();
		const batches = 100;
		for (let batch = 0; batch < batches; batch++) {
			for (let index = 0; index < signalCount / batches; index++) {
				const signal = rng.pick(stormSignals);
				sent[signal] = (sent[signal] ?? 0) + 1;
				process.kill(pid, signal);
			}

			if (batch % 25 === 24) {
				lastStubborn = 1 + ((batch + 1) / 25) % 3;
				fs.writeFileSync(`${daemon.configFile}.next`, config(marker, lastStubborn));
				fs.renameSync(`${daemon.configFile}.next`, daemon.configFile);
			}

			await new Promise((resolve) => setTimeout(resolve, Math.max(0, ((batch + 1) * stormMs / batches) - (performance.now() - stormStarted))));
		}

		const stormMsTaken = performance.now() - stormStarted;
		process.kill(pid, 'SIGHUP');
		const spawnsDuringStorm = spawns.length;
		// The last configuration is the one running: the reloads were coalesced, not lost.
		await waitFor(async () => (await daemon.client.call('numprocesses', {name: 'stubborn'}) as {numprocesses?: number}).numprocesses === lastStubborn, {what: `stubborn at ${lastStubborn}`, timeoutMs: 20_000});
		storming = false;
		await polling;
		const stats = await dstats({ok: async (command) => daemon.client.call(command)});
		const delivered = stormSignals.reduce((sum, signal) => sum + (stats.signals[signal] ?? 0), 0);
		const summary = {
			sent: signalCount + 1,
			sentBySignal: sent,
			delivered,
			deliveredBySignal: stats.signals,
			reloads: stats.reloads,
			stormMs: Math.round(stormMsTaken),
			statusReplies: statusLatencies.length,
			slowestStatusMs: Math.round(Math.max(...statusLatencies)),
			churnSpawnsDuringStorm: spawnsDuringStorm,
			pipeBytesFilled: filled,
			logPendingBytes: stats.log_pending_bytes,
			logDropped: stats.log_dropped,
		};
		console.log(`signal storm: ${JSON.stringify(summary)}`);
		// The situation happened: signals arrived by the hundred (the kernel merges a signal that
		// is already pending, so fewer than sent are delivered), processes churned, and the log could
		// not be written.
		expect(delivered).toBeGreaterThan(200);
		expect(stats.signals.SIGHUP).toBeGreaterThan(20);
		expect(spawnsDuringStorm).toBeGreaterThan(20);
		expect(pipeIsFull(daemon.fifo)).toBe(true);
		expect(stats.log_pending_bytes + stats.log_dropped).toBeGreaterThan(0);
		// And procui came through: every status answered, the reloads coalesced.
		expect(statusErrors).toEqual([]);
		expect(stats.reloads).toBeGreaterThanOrEqual(1);
		expect(stats.reloads).toBeLessThan(stats.signals.SIGHUP!);

		// A quit is never dropped, even while a stop is in progress: stubborn ignores SIGTERM.
		await daemon.client.call('stop', {name: 'stubborn', waiting: false});
		const stopping = Date.now();
		process.kill(pid, 'SIGTERM');
		const exit = await daemon.exited;
		console.log(`signal storm: exited ${JSON.stringify(exit)} ${Date.now() - stopping} ms after SIGTERM`);
		expect(exit).toEqual({code: 0, signal: null});
		// Nothing orphaned: every child and grandchild is gone.
		expect(pidsMatching(marker)).toEqual([]);
		expect(pidsMatching('churn')).toEqual([]);
	}, 90_000);

	// graceful_timeout is an hour in these two: the daemon exits within the test's time only if the
	// signal kills at once, so no time needs measuring.
	it('a second SIGTERM during the graceful stop kills the process groups at once', async () => {
		const marker = uniqueSleep();
		const daemon = await spawnWithUnreadStderr(`[watcher:stubborn]\ncmd = sh -c 'trap "" TERM; sleep ${marker} & wait; sleep ${marker}'\ngraceful_timeout = 3600\n`);
		await waitFor(() => pidsMatching(marker).length === 2, {what: 'the stubborn process'});
		const kills: number[] = [];
		await daemon.client.subscribe(['watcher.stubborn.kill'], (event) => {
			kills.push(Number(event.data.signal));
		});
		process.kill(daemon.process.pid!, 'SIGTERM');
		// The graceful stop has begun: the stop signal went to the group, which ignores it.
		await waitFor(() => kills.includes(15), {what: 'the stop signal to reach the stubborn process'});
		expect(pidsMatching(marker).length).toBe(2);
		process.kill(daemon.process.pid!, 'SIGTERM');
		expect(await daemon.exited).toEqual({code: 0, signal: null});
		expect(pidsMatching(marker)).toEqual([]);
	});

	it('SIGQUIT kills at once and exits', async () => {
		const marker = uniqueSleep();
		const daemon = await spawnWithUnreadStderr(`[watcher:stubborn]\ncmd = sh -c 'trap "" TERM; sleep ${marker} & wait; sleep ${marker}'\ngraceful_timeout = 3600\n`);
		await waitFor(() => pidsMatching(marker).length === 2, {what: 'the stubborn process'});
		process.kill(daemon.process.pid!, 'SIGQUIT');
		expect(await daemon.exited).toEqual({code: 0, signal: null});
		expect(pidsMatching(marker)).toEqual([]);
	});

	it('ignores the signals it has no use for', async () => {
		const daemon = await spawnWithUnreadStderr('[watcher:idle]\ncmd = sleep 1000\n');
		// A reply means the daemon's loop runs, so its handlers are in place.
		await daemon.client.call('status');
		for (const signal of ['SIGUSR2', 'SIGWINCH'] as const) {
			process.kill(daemon.process.pid!, signal);
		}

		const stats = await waitFor(async () => {
			const info = await dstats({ok: async (command) => daemon.client.call(command)});
			return info.signals.SIGUSR2 === 1 && info.signals.SIGWINCH === 1 ? info : undefined;
		}, {what: 'both signals to be counted'});
		expect(stats.signals).toEqual({SIGUSR2: 1, SIGWINCH: 1});
		expect((await daemon.client.call('status', {name: 'idle'})).status).toBe('active');
	});
});
