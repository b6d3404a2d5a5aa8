/**
W4 control: sequential `status` requests on one socket connection (round trip, median and p95),
against a bare Node server answering the same framing; and `procui ctl status` as a command,
against `node -e 0` (Node's own start-up), runs interleaved.
*/
import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {SocketClient} from '../../source/control/client.js';
import {startBaseline} from './baseline-process.js';
import {cliFile, startBenchDaemon} from './bench-daemon.js';
import {median, percentile, range} from './stats.js';
import type {Sizes} from './options.js';
import type {Measurement} from './table.js';
import {pause, type Context, type Values, type Workload} from './workload.js';

const echoServer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'echo-server.js');
/** Requests sent first and not counted: JIT warm-up on both sides. */
const warmupRequests = 100;
/** Requests per batch; procui and the baseline alternate batches, so both see the same noise. */
const batch = 100;

/** Send `count` sequential status requests; each round trip in ms. */
async function roundTrips(client: SocketClient, count: number): Promise<number[]> {
	const times: number[] = [];
	for (let index = 0; index < count; index++) {
		const startedAt = performance.now();
		await client.call('status');
		times.push(performance.now() - startedAt);
	}

	return times;
}

/** One run of a command, its wall time in ms; throws if it fails. */
function timeCommand(file: string, args: readonly string[]): number {
	const startedAt = performance.now();
	const result = childProcess.spawnSync(file, args, {stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000});
	const elapsed = performance.now() - startedAt;
	if (result.status !== 0) {
		throw new Error(`${[file, ...args].join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr.toString().trim()}`);
	}

	return elapsed;
}

function plan(sizes: Sizes): Measurement[] {
	return [
		{id: 'w4.rtt.median', figure: `W4 socket round trip, median (${sizes.requests} status)`, unit: 'ms', baselineName: 'bare node server', target: {on: 'value', atMost: true, limit: 0.2, text: '≤ 0.2 ms'}},
		{id: 'w4.rtt.p95', figure: 'W4 socket round trip, p95', unit: 'ms', baselineName: 'bare node server'},
		{id: 'w4.ctl', figure: `W4 \`ctl status\`, median of ${sizes.ctlRuns}`, unit: 'ms', baselineName: 'node -e 0', target: {on: 'ratio', atMost: true, limit: 1.2, text: '≤ 1.2 × node -e 0'}},
	];
}

async function run(context: Context): Promise<Record<string, Values>> {
	const {sizes, signal} = context;
	// A small, ordinary configuration: three watchers of two processes.
	const config = ['web', 'worker', 'cron'].map(name => `[watcher:${name}]\ncmd = sleep 1000\nnumprocesses = 2\n`).join('\n');
	const daemon = await startBenchDaemon(config, {profileDir: context.profileDir});
	const echoSocket = path.join(daemon.dir, 'echo.sock');
	const echo = startBaseline(process.execPath, [echoServer, echoSocket]);
	let echoClient: SocketClient | undefined;
	try {
		const deadline = Date.now() + 10_000;
		while (!fs.existsSync(echoSocket)) {
			if (Date.now() > deadline || echo.done()) {
				throw new Error('the echo server did not listen');
			}

			await pause(20, signal);
		}

		echoClient = await SocketClient.connect(`ipc://${echoSocket}`);
		context.progress(`W4 ${sizes.requests} status round trips, procui and a bare node server in alternate batches`);
		await roundTrips(daemon.client, Math.min(warmupRequests, sizes.requests));
		await roundTrips(echoClient, Math.min(warmupRequests, sizes.requests));
		const procui: number[] = [];
		const baseline: number[] = [];
		while (procui.length < sizes.requests) {
			const size = Math.min(batch, sizes.requests - procui.length);
			procui.push(...await roundTrips(daemon.client, size));
			baseline.push(...await roundTrips(echoClient, size));
			signal.throwIfAborted();
		}

		context.progress(`W4 ${sizes.ctlRuns} runs of procui ctl status, interleaved with node -e 0`);
		const ctl: number[] = [];
		const bare: number[] = [];
		const ctlArgs = [cliFile(), 'ctl', '--endpoint', daemon.endpoint, 'status'];
		// One of each first: the file cache, not the figure.
		timeCommand(process.execPath, ctlArgs);
		timeCommand(process.execPath, ['-e', '0']);
		for (let index = 0; index < sizes.ctlRuns; index++) {
			ctl.push(timeCommand(process.execPath, ctlArgs));
			bare.push(timeCommand(process.execPath, ['-e', '0']));
			// spawnSync blocks; give the event loop (and an abort) a turn between runs.
			await pause(0, signal);
		}

		const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
		return {
			'w4.rtt.median': {procui: median(procui), baseline: median(baseline), note: `SocketClient.call('status') with 3 watchers × 2 processes; ${warmupRequests} warm-up requests each, not counted`},
			'w4.rtt.p95': {procui: percentile(procui, 95), baseline: percentile(baseline, 95)},
			'w4.ctl': {procui: median(ctl), baseline: median(bare), note: `wall time of the whole command (procui ${range(ctl, ms)}, node -e 0 ${range(bare, ms)})`},
		};
	} finally {
		await echoClient?.close();
		await echo.kill();
		await daemon.stop();
	}
}

export const controlWorkload: Workload = {
	name: 'w4',
	plan,
	timeoutMs: sizes => 60_000 + sizes.ctlRuns * 2 * 2000,
	run,
};
