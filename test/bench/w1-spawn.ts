/**
W1 spawn: a watcher of N × `sleep 1000`. Time from `start` until all N run (children of the
supervisor in /proc that have exec'd `sleep`), the supervisor's RSS, and its CPU over an idle
window. Baselines: a shell loop starting N `sleep` in the background (spawn time), and a bare
`node` process idling beside it (RSS and CPU: the floor any Node supervisor stands on). The peers
(supervisord, PM2) start the same N sleeps in the same rounds, over their own sockets, and idle in
the same window.
*/
import {startBaseline} from './baseline-process.js';
import {startBenchDaemon} from './bench-daemon.js';
import type {PeerDaemon} from './peer-daemon.js';
import {PeerRuns} from './peers.js';
import {childrenOf, cpuSeconds, NewProcesses, readStat, rssBytes, type Verdict} from './procfs.js';
import {median, range} from './stats.js';
import type {Sizes} from './options.js';
import type {Measurement, PeerName} from './table.js';
import {pause, pollUntil, type Context, type Values, type Workload} from './workload.js';

/** Start/stop rounds; the median is reported, the range noted. */
const rounds = 3;
/** Poll interval while counting children: the resolution of the spawn time. */
const pollMs = 2;
/**
After the last start, before the idle window and the RSS reading: the start's own work is over.
V8's memory reducer runs its full collections some 7–9 s after a burst of allocation (the
start), so a window that begins sooner measures the start's clean-up, not the idle daemon.
*/
const settleMs = 15_000;

function childSleeps(parent: () => number | undefined): (pid: number) => Verdict {
	return pid => {
		const stat = readStat(pid);
		if (!stat || stat.ppid !== parent()) {
			return 'no';
		}

		// Forked but not yet exec'd (spawn-helper, node, sh): look again next poll.
		return stat.comm === 'sleep' ? 'match' : 'wait';
	};
}

/** Poll until `count` new processes match; seconds from `startedAt` to the poll that saw the last. */
async function timeUntilRunning(watch: NewProcesses, count: number, startedAt: number, signal: AbortSignal): Promise<number> {
	let last = startedAt;
	await pollUntil(() => {
		if (watch.poll().length > 0) {
			last = performance.now();
		}

		return watch.matched.size >= count;
	}, {intervalMs: pollMs, timeoutMs: 60_000, what: `${count} sleep processes`, signal});
	return (last - startedAt) / 1000;
}

async function baselineSpawn(count: number, signal: AbortSignal): Promise<number> {
	// The watch starts before the shell does, so none of its sleeps counts as already there.
	const shell: {pid?: number} = {};
	const watch = new NewProcesses(childSleeps(() => shell.pid));
	const startedAt = performance.now();
	const loop = startBaseline('sh', ['-c', `i=0; while [ $i -lt ${count} ]; do sleep 1000 & i=$((i+1)); done; wait`]);
	shell.pid = loop.pid;
	try {
		return await timeUntilRunning(watch, count, startedAt, signal);
	} finally {
		await loop.kill();
	}
}

function plan(sizes: Sizes): Measurement[] {
	const n = sizes.spawnCount;
	return [
		{id: 'w1.spawn', figure: `W1 all ${n} running`, unit: 's', baselineName: 'sh loop', target: {on: 'value', atMost: true, limit: 0.3, also: {on: 'ratio', atMost: true, limit: 2}, text: '≤ 0.3 s and ≤ 2× sh loop'}},
		{id: 'w1.rss', figure: `W1 RSS, ${n} processes`, unit: 'MiB', baselineName: 'bare node', target: {on: 'value', atMost: true, limit: 50, text: '≤ 50 MiB headless'}},
		{id: 'w1.idle', figure: `W1 idle CPU, ${n} processes (${sizes.idleSeconds} s)`, unit: '%', baselineName: 'bare node', target: {on: 'value', atMost: true, limit: 0.05, text: '≤ 0.05 %'}},
	];
}

/** A peer's start of its N sleeps: seconds until all run, as procui's. Stops them again unless `last`. */
async function peerSpawn(peer: PeerDaemon, count: number, last: boolean, signal: AbortSignal): Promise<number> {
	const watch = new NewProcesses(childSleeps(() => peer.pid));
	const startedAt = performance.now();
	const reply = peer.start('w');
	reply.catch(() => undefined);
	const seconds = await timeUntilRunning(watch, count, startedAt, signal);
	for (const pid of watch.matched.keys()) {
		peer.adopt(pid);
	}

	await reply;
	if (!last) {
		await peer.stop('w');
		await pollUntil(() => !childrenOf(peer.pid).some(child => child.comm === 'sleep'), {intervalMs: 20, timeoutMs: 30_000, what: `${peer.label}'s sleeps to stop`, signal});
	}

	return seconds;
}

async function run(context: Context): Promise<Record<string, Values>> {
	const {sizes, signal} = context;
	const n = sizes.spawnCount;
	const baselineTimes: number[] = [];
	const procuiTimes: number[] = [];
	const replyTimes: number[] = [];
	const peerTimes = new Map<PeerName, number[]>();
	const idleNode = startBaseline(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)']);
	const peers = await PeerRuns.start(context.peers, () => [{name: 'w', argv: ['sleep', '1000'], count: n, restart: false}], context.progress);
	const daemon = await startBenchDaemon(`[watcher:w]\ncmd = sleep 1000\nnumprocesses = ${n}\nautostart = false\n`, {profileDir: context.profileDir}).catch(async (error: unknown) => {
		await peers.close();
		throw error;
	});
	try {
		for (let round = 0; round < rounds; round++) {
			context.progress(`W1 round ${round + 1}/${rounds}: shell loop, then procui start${peers.daemons.map(peer => `, ${peer.label}`).join('')}`);
			baselineTimes.push(await baselineSpawn(n, signal));
			const watch = new NewProcesses(childSleeps(() => daemon.pid));
			const startedAt = performance.now();
			const reply = daemon.ok('start', {name: 'w'}, 60_000).then(() => {
				replyTimes.push((performance.now() - startedAt) / 1000);
			});
			// Awaited below; if counting fails first, its rejection must not crash the run.
			reply.catch(() => undefined);
			procuiTimes.push(await timeUntilRunning(watch, n, startedAt, signal));
			for (const pid of watch.matched.keys()) {
				daemon.adopt(pid);
			}

			await reply;
			if (round < rounds - 1) {
				await daemon.ok('stop', {name: 'w'}, 60_000);
				await pollUntil(() => childrenOf(daemon.pid).length === 0, {intervalMs: 20, timeoutMs: 30_000, what: 'the sleeps to stop', signal});
			}

			await peers.each(async peer => {
				const seconds = await peerSpawn(peer, n, round === rounds - 1, signal);
				peerTimes.set(peer.name, [...peerTimes.get(peer.name) ?? [], seconds]);
			}, signal);
		}

		context.progress(`W1 idle window: ${sizes.idleSeconds} s`);
		await pause(settleMs, signal);
		// The peers idle in the same window, each with its N sleeps.
		const idlers = peers.daemons;
		const cpuOf = (): Array<number | undefined> => idlers.map(peer => cpuSeconds(peer.pid));
		const before = {procui: cpuSeconds(daemon.pid), node: cpuSeconds(idleNode.pid), peers: cpuOf()};
		const startedAt = performance.now();
		await pause(sizes.idleSeconds * 1000, signal);
		const elapsed = (performance.now() - startedAt) / 1000;
		const after = {procui: cpuSeconds(daemon.pid), node: cpuSeconds(idleNode.pid), peers: cpuOf()};
		const running = childrenOf(daemon.pid).filter(child => child.comm === 'sleep').length;
		const percent = (from: number | undefined, to: number | undefined): number | undefined => from === undefined || to === undefined ? undefined : ((to - from) / elapsed) * 100;
		const mib = (bytes: number | undefined): number | undefined => bytes === undefined ? undefined : bytes / 1024 / 1024;
		const seconds = (value: number): string => `${value.toFixed(3)} s`;
		const peerIdle = new Map(idlers.map((peer, index) => [peer.name, percent(before.peers[index], after.peers[index])]));
		const peerRss = new Map(idlers.map(peer => [peer.name, mib(rssBytes(peer.pid))]));
		const peerRunning = idlers.map(peer => `${peer.label} ${childrenOf(peer.pid).filter(child => child.comm === 'sleep').length}`);
		const peerStarts = [...peerTimes].map(([name, times]) => `${idlers.find(peer => peer.name === name)?.label ?? name} ${range(times, seconds)}`);
		const failures = peers.failures().map(line => `; ${line}`).join('');
		return {
			'w1.spawn': {
				procui: median(procuiTimes),
				baseline: median(baselineTimes),
				peers: peers.values(peerTimes, times => median(times)),
				note: `median of ${rounds} starts of one daemon (procui ${range(procuiTimes, seconds)}, sh ${range(baselineTimes, seconds)}${peerStarts.map(text => `, ${text}`).join('')}); PTY mode (the default); \`start\` replied after ${range(replyTimes, seconds)}${idlers.length > 0 ? '; peers from the start request on their own sockets (supervisord: startProcessGroup over XML-RPC; PM2: restartProcessId of each stopped process over its RPC socket, as `pm2 start NAME`, all sent at once), output piped and discarded' : ''}${failures}`,
			},
			'w1.rss': {procui: mib(rssBytes(daemon.pid)), baseline: mib(rssBytes(idleNode.pid)), peers: peers.values(peerRss, value => value), note: `VmRSS at the end of the idle window, ${running} of ${n} still running${peerRunning.map(text => `, ${text}`).join('')}${idlers.some(peer => peer.name === 'pm2') ? '; PM2: its God daemon' : ''}`},
			'w1.idle': {procui: percent(before.procui, after.procui), baseline: percent(before.node, after.node), peers: peers.values(peerIdle, value => value), note: `percent of one core, from /proc/PID/task/*/schedstat${idlers.some(peer => peer.name === 'pm2') ? '; PM2\'s God does its periodic work every 30 s, so a shorter window may or may not hold one round of it' : ''}`},
		};
	} finally {
		await daemon.stop();
		await peers.close();
		await idleNode.kill();
	}
}

export const spawnWorkload: Workload = {
	name: 'w1',
	plan,
	timeoutMs: (sizes, peers) => (120_000 * (1 + peers)) + sizes.idleSeconds * 1000,
	run,
};
