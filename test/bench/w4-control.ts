/**
W4 control: sequential `status` requests on one socket connection (round trip, median and p95),
against a bare Node server answering the same framing; and `procui ctl status` as a command,
against `node -e 0` (Node's own start-up), runs interleaved, with a bare Node client of the same
request (status-client.cts) in the same runs: the floor any Node command has. The peers
(supervisord, PM2) run the same three programs of two processes: their status request on their
own socket in the same alternating batches, and their CLI's status in the same interleaved runs.
*/
import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {SocketClient} from '../../source/control/client.js';
import {startBaseline} from './baseline-process.js';
import {cliFile, startBenchDaemon} from './bench-daemon.js';
import {PeerRuns} from './peers.js';
import {median, percentile, range} from './stats.js';
import type {Sizes} from './options.js';
import {peerLabels, type Measurement, type PeerName} from './table.js';
import {pause, type Context, type Values, type Workload} from './workload.js';

const echoServer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'echo-server.js');
const statusClient = path.join(path.dirname(fileURLToPath(import.meta.url)), 'status-client.cjs');
/** Requests sent first and not counted: JIT warm-up on both sides. */
const warmupRequests = 100;
/** Requests per batch; procui and the baseline alternate batches, so both see the same noise. */
const batch = 100;

/** Send `count` sequential status requests; each round trip in ms. */
async function roundTrips(status: () => Promise<unknown>, count: number): Promise<number[]> {
	const times: number[] = [];
	for (let index = 0; index < count; index++) {
		const startedAt = performance.now();
		await status();
		times.push(performance.now() - startedAt);
	}

	return times;
}

/** One run of a command, its wall time in ms; throws if it fails. */
function timeCommand(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
	const startedAt = performance.now();
	const result = childProcess.spawnSync(file, args, {stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000, env});
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
	const names = ['web', 'worker', 'cron'];
	const config = names.map(name => `[watcher:${name}]\ncmd = sleep 1000\nnumprocesses = 2\n`).join('\n');
	const daemon = await startBenchDaemon(config, {profileDir: context.profileDir});
	const echoSocket = path.join(daemon.dir, 'echo.sock');
	const echo = startBaseline(process.execPath, [echoServer, echoSocket]);
	let echoClient: SocketClient | undefined;
	let peers: PeerRuns | undefined;
	try {
		peers = await PeerRuns.start(context.peers, () => names.map(name => ({name, argv: ['sleep', '1000'], count: 2, restart: false})), context.progress);
		await peers.each(async peer => {
			for (const name of names) {
				await peer.start(name);
			}
		}, signal);
		const deadline = Date.now() + 10_000;
		while (!fs.existsSync(echoSocket)) {
			if (Date.now() > deadline || echo.done()) {
				throw new Error('the echo server did not listen');
			}

			await pause(20, signal);
		}

		echoClient = await SocketClient.connect(`ipc://${echoSocket}`);
		const client = echoClient;
		const procuiStatus = async (): Promise<unknown> => daemon.client.call('status');
		const echoStatus = async (): Promise<unknown> => client.call('status');
		context.progress(`W4 ${sizes.requests} status round trips, procui, a bare node server${peers.daemons.map(peer => `, ${peer.label}`).join('')} in alternate batches`);
		await roundTrips(procuiStatus, Math.min(warmupRequests, sizes.requests));
		await roundTrips(echoStatus, Math.min(warmupRequests, sizes.requests));
		const peerTimes = new Map<PeerName, number[]>();
		await peers.each(async peer => {
			await roundTrips(async () => peer.status(), Math.min(warmupRequests, sizes.requests));
			peerTimes.set(peer.name, []);
		}, signal);
		const procui: number[] = [];
		const baseline: number[] = [];
		while (procui.length < sizes.requests) {
			const size = Math.min(batch, sizes.requests - procui.length);
			procui.push(...await roundTrips(procuiStatus, size));
			baseline.push(...await roundTrips(echoStatus, size));
			await peers.each(async peer => {
				peerTimes.get(peer.name)?.push(...await roundTrips(async () => peer.status(), size));
			}, signal);
			signal.throwIfAborted();
		}

		context.progress(`W4 ${sizes.ctlRuns} runs of procui ctl status, interleaved with node -e 0${peers.daemons.map(peer => `, ${peer.label}'s status`).join('')}`);
		const ctl: number[] = [];
		const bare: number[] = [];
		// The floor for any Node client of the endpoint, in the same runs (in the note, not a column).
		const bareClient: number[] = [];
		const clientArgs = [statusClient, new URL(daemon.endpoint).pathname];
		const peerCtl = new Map<PeerName, number[]>();
		const ctlArgs = [cliFile(), 'ctl', '--endpoint', daemon.endpoint, 'status'];
		// One of each first: the file cache, not the figure.
		timeCommand(process.execPath, ctlArgs);
		timeCommand(process.execPath, ['-e', '0']);
		timeCommand(process.execPath, clientArgs);
		await peers.each(async peer => {
			timeCommand(peer.statusCommand.file, peer.statusCommand.args, peer.statusCommand.env);
			peerCtl.set(peer.name, []);
		}, signal);
		for (let index = 0; index < sizes.ctlRuns; index++) {
			ctl.push(timeCommand(process.execPath, ctlArgs));
			bare.push(timeCommand(process.execPath, ['-e', '0']));
			bareClient.push(timeCommand(process.execPath, clientArgs));
			await peers.each(async peer => {
				peerCtl.get(peer.name)?.push(timeCommand(peer.statusCommand.file, peer.statusCommand.args, peer.statusCommand.env));
			}, signal);
			// spawnSync blocks; give the event loop (and an abort) a turn between runs.
			await pause(0, signal);
		}

		const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
		const live = peers.daemons;
		const labelled = (measured: ReadonlyMap<PeerName, number[]>): string => [...measured].filter(([name]) => live.some(peer => peer.name === name)).map(([name, times]) => `, ${peerLabels[name]} ${range(times, ms)}`).join('');
		const failures = peers.failures().map(line => `; ${line}`).join('');
		return {
			'w4.rtt.median': {procui: median(procui), baseline: median(baseline), peers: peers.values(peerTimes, times => median(times)), note: `SocketClient.call('status') with 3 watchers × 2 processes; ${warmupRequests} warm-up requests each, not counted${live.length > 0 ? '; peers on their own unix sockets, the request their CLI\'s status sends (supervisord: supervisor.getAllProcessInfo over XML-RPC on one kept-alive HTTP connection; PM2: getMonitorData over its axon RPC socket)' : ''}${failures}`},
			'w4.rtt.p95': {procui: percentile(procui, 95), baseline: percentile(baseline, 95), peers: peers.values(peerTimes, times => percentile(times, 95))},
			'w4.ctl': {procui: median(ctl), baseline: median(bare), peers: peers.values(peerCtl, times => median(times)), note: `wall time of the whole command (procui ${range(ctl, ms)}, node -e 0 ${range(bare, ms)}${labelled(peerCtl)}); a bare Node client of the same request (test/bench/status-client.cts: connect, send, print, no parsing of arguments) took ${ms(median(bareClient))}, ${(median(bareClient) / median(bare)).toFixed(2)}× node -e 0${live.length > 0 ? '; peers: `supervisorctl status`, `pm2 status`' : ''}`},
		};
	} finally {
		await peers?.close();
		await echoClient?.close();
		await echo.kill();
		await daemon.stop();
	}
}

export const controlWorkload: Workload = {
	name: 'w4',
	plan,
	timeoutMs: (sizes, peers) => 60_000 * (1 + peers) + sizes.ctlRuns * (3 + peers) * 2000,
	run,
};
