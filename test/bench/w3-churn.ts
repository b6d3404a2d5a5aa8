/**
W3 churn: N processes of `sh -c 'sleep 0.2; exit 1'` restarting with back-off and flapping off.
Restarts per second over a window (new processes seen in /proc), and the supervisor's CPU. Baseline:
N shell loops that rerun the same command, their own CPU (fork and wait) as the supervisor's. The
peers (supervisord, PM2) churn the same N processes, restarting at once, in windows of the same
length, one after the other once procui's has stopped.
*/
import {randomUUID} from 'node:crypto';
import path from 'node:path';
import {startBaseline} from './baseline-process.js';
import {startBenchDaemon} from './bench-daemon.js';
import {PeerRuns} from './peers.js';
import {childrenOf, cpuSeconds, NewProcesses, readCmdline, readStat, type Verdict} from './procfs.js';
import type {Sizes} from './options.js';
import type {Measurement, PeerName} from './table.js';
import {pause, pollUntil, type Context, type Values, type Workload} from './workload.js';

const script = 'sleep 0.2; exit 1';
/** Processes live 0.2 s, so a 20 ms poll sees every one. */
const pollMs = 20;
/** Run this long before the window opens, so the window sees steady state. */
const warmupMs = 1000;

/** Our command, told apart from anyone else's by a marker in `$0`. PM2 runs `sh` by its full path. */
function churnMatcher(marker: string, parent?: () => number): (pid: number) => Verdict {
	return pid => {
		const argv = readCmdline(pid);
		if (argv && argv.length === 4 && path.basename(argv[0]!) === 'sh' && argv[1] === '-c' && argv[2] === script && argv[3] === marker) {
			return parent === undefined || readStat(pid)?.ppid === parent() ? 'match' : 'no';
		}

		// The supervisor's fork that has not exec'd yet.
		return parent !== undefined && readStat(pid)?.ppid === parent() ? 'wait' : 'no';
	};
}

type Window = {
	readonly restartsPerSecond: number;
	/** Percent of one core. */
	readonly cpuPercent: number | undefined;
};

/** Warm up, then count processes that appear during the window; `cpu()` is the supervisor's (or loops') CPU seconds. */
async function measureWindow(watch: NewProcesses, count: number, seconds: number, cpu: () => number | undefined, signal: AbortSignal): Promise<Window> {
	await pollUntil(() => {
		watch.poll();
		return watch.matched.size >= count;
	}, {intervalMs: pollMs, timeoutMs: 30_000, what: `${count} churning processes`, signal});
	const warmupEnd = performance.now() + warmupMs;
	while (performance.now() < warmupEnd) {
		watch.poll();
		await pause(pollMs, signal);
	}

	const before = watch.matched.size;
	const cpuBefore = cpu();
	const startedAt = performance.now();
	while (performance.now() - startedAt < seconds * 1000) {
		watch.poll();
		await pause(pollMs, signal);
	}

	watch.poll();
	const elapsed = (performance.now() - startedAt) / 1000;
	const cpuAfter = cpu();
	return {
		restartsPerSecond: (watch.matched.size - before) / elapsed,
		cpuPercent: cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) / elapsed) * 100,
	};
}

async function baselineChurn(marker: string, sizes: Sizes, signal: AbortSignal): Promise<Window> {
	const watch = new NewProcesses(churnMatcher(marker));
	const loops = startBaseline('sh', ['-c', `i=0; while [ $i -lt ${sizes.churnCount} ]; do (while :; do sh -c '${script}' ${marker}; done) & i=$((i+1)); done; wait`]);
	try {
		// The loop subshells' own CPU: each forks and waits, as the supervisor does.
		let subshells: number[] = [];
		const cpu = (): number | undefined => {
			if (subshells.length === 0) {
				subshells = childrenOf(loops.pid).map(child => child.pid);
			}

			return subshells.reduce((total, pid) => total + (cpuSeconds(pid) ?? 0), 0);
		};

		return await measureWindow(watch, sizes.churnCount, sizes.churnSeconds, cpu, signal);
	} finally {
		await loops.kill();
	}
}

function plan(sizes: Sizes): Measurement[] {
	const shape = `${sizes.churnCount} procs, ${sizes.churnSeconds} s`;
	return [
		{id: 'w3.restarts', figure: `W3 restarts per second (${shape})`, unit: '/s', baselineName: 'sh loops', target: {on: 'value', atMost: false, limit: 45, text: '≥ 45'}},
		{id: 'w3.cpu', figure: 'W3 supervisor CPU during churn', unit: '%', baselineName: 'sh loops', target: {on: 'value', atMost: true, limit: 10, text: '≤ 10 %'}},
	];
}

async function run(context: Context): Promise<Record<string, Values>> {
	const {sizes, signal} = context;
	const marker = `procui-bench-${randomUUID().slice(0, 8)}`;
	context.progress(`W3 baseline: ${sizes.churnCount} shell loops for ${sizes.churnSeconds} s`);
	const baseline = await baselineChurn(marker, sizes, signal);
	let peers: PeerRuns | undefined;
	const daemon = await startBenchDaemon([
		'[watcher:churn]', `cmd = sh -c "${script}" ${marker}`, `numprocesses = ${sizes.churnCount}`, 'autostart = false',
		'procui.backoff = false', 'check_flapping = false', '',
	].join('\n'), {profileDir: context.profileDir});
	try {
		context.progress(`W3 procui: ${sizes.churnCount} processes restarting for ${sizes.churnSeconds} s`);
		const watch = new NewProcesses(churnMatcher(marker, () => daemon.pid));
		await daemon.ok('start', {name: 'churn'}, 30_000);
		const procui = await measureWindow(watch, sizes.churnCount, sizes.churnSeconds, () => cpuSeconds(daemon.pid), signal);
		// procui's churn would be the peers' noise.
		await daemon.ok('stop', {name: 'churn'}, 30_000);
		const windows = new Map<PeerName, Window>();
		peers = await PeerRuns.start(context.peers, () => [{name: 'churn', argv: ['sh', '-c', script, marker], count: sizes.churnCount, restart: true}], context.progress);
		await peers.each(async peer => {
			context.progress(`W3 ${peer.label}: ${sizes.churnCount} processes restarting for ${sizes.churnSeconds} s`);
			const peerWatch = new NewProcesses(churnMatcher(marker, () => peer.pid));
			await peer.start('churn');
			windows.set(peer.name, await measureWindow(peerWatch, sizes.churnCount, sizes.churnSeconds, () => cpuSeconds(peer.pid), signal));
			await peer.stop('churn');
		}, signal);
		const ceiling = sizes.churnCount / 0.2;
		const peerNote = context.peers.length > 0 ? '; peers restart at once (supervisord: autorestart, startsecs = 0; PM2: autorestart, restart_delay 0, no give-up limit)' : '';
		const failures = peers.failures().map(line => `; ${line}`).join('');
		return {
			'w3.restarts': {procui: procui.restartsPerSecond, baseline: baseline.restartsPerSecond, peers: peers.values(windows, window => window.restartsPerSecond), note: `new processes in /proc during the window, after ${warmupMs / 1000} s of warm-up; PTY mode (the default); ${ceiling}/s is the ceiling (each lives 0.2 s)${peerNote}${failures}`},
			'w3.cpu': {procui: procui.cpuPercent, baseline: baseline.cpuPercent, peers: peers.values(windows, window => window.cpuPercent), note: `percent of one core: the daemon; for the baseline the loop subshells (fork + wait)${context.peers.length > 0 ? '; supervisord: its one process; PM2: its God daemon' : ''}`},
		};
	} finally {
		await daemon.stop();
		await peers?.close();
	}
}

export const churnWorkload: Workload = {
	name: 'w3',
	plan,
	timeoutMs: (sizes, peers) => (120_000 * (1 + peers)) + sizes.churnSeconds * (2 + peers) * 1000,
	run,
};
