/**
W5 TUI start, idle and memory (issue 12), each beside a bare Ink app measured in the same run:

- first full frame: from spawning `procui CONFIG` (N watchers of `sleep`) in a 120 × 40 PTY until
  the screen shows the layout, against tui-bare-ink.js until it shows its box, and `node -e 0`'s
  run time for scale;
- idle CPU: the TUI process over a window once every process runs, against the bare Ink app over
  the same window;
- RSS growth after a flood: one more watcher floods the log pane (it is the first, so the pane
  shows it) for a while, then sleeps; RSS a settling time later minus RSS before the flood, against
  the bare Ink app's RSS over the same span.

PM2, when installed, shows the same processes in `pm2 monit` (its God daemon runs them, the
monitor asks it for their CPU and memory every second): the idle row's PM2 column is the monitor's
CPU and God's over a window as long as the TUI's, after it (started once the TUI's window is over).
supervisord has no UI: no W5 figure.
*/
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {cliFile, makeTempDir} from './bench-daemon.js';
import {childrenOf, cpuSeconds, rssBytes} from './procfs.js';
import type {PeerProgram} from './peer-daemon.js';
import {startPeer, type PeerTool} from './peers.js';
import {openScreenSession, type ScreenSession} from './screen-session.js';
import {median} from './stats.js';
import type {Sizes} from './options.js';
import type {Measurement} from './table.js';
import {pause, pollUntil, type Context, type Values, type Workload} from './workload.js';

const bareInk = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tui-bare-ink.js');
const cols = 120;
const rows = 40;
const layoutShown = (screen: string): boolean => screen.includes('─ Watchers (');
const mb = 1024 * 1024;

function sleepers(count: number): string {
	return Array.from({length: count}, (_, index) => `[watcher:w${String(index).padStart(3, '0')}]\ncmd = sleep 100000\n`).join('\n');
}

/** A watcher that floods for `seconds` once `goFile` exists, then sleeps (so it is not restarted). */
function flooder(goFile: string, seconds: number): string {
	const script = `while [ ! -e ${goFile} ]; do sleep 0.1; done; timeout ${seconds} seq -f 'procui bench flood line %.0f abcdefghijklmnopqrstuvwxyz' 1 1e15; exec sleep 100000`;
	return `[watcher:flood]\ncmd = sh -c "${script}"\n`;
}

function plan(sizes: Sizes): Measurement[] {
	return [
		{id: 'w5.first', figure: `W5 TUI first full frame (${sizes.tuiStartWatchers} watchers)`, unit: 's', baselineName: 'bare Ink app, same PTY', target: {on: 'value', atMost: true, limit: 0.5, text: '≤ 0.5 s'}},
		{id: 'w5.idle', figure: `W5 TUI idle CPU, ${sizes.tuiStartWatchers} watchers`, unit: '%', baselineName: 'bare Ink app, idle', target: {on: 'value', atMost: true, limit: 1, text: '≤ 1 %'}},
		{id: 'w5.rss', figure: 'W5 TUI RSS growth after a flood', unit: 'MB', baselineName: 'bare Ink app, same span', target: {on: 'value', atMost: true, limit: 20, text: '≤ 20 MB'}},
	];
}

/** Seconds from spawning to `done` on the screen, and the session (still running). */
async function timeToScreen(file: string, args: readonly string[], cwd: string, done: (screen: string) => boolean): Promise<{seconds: number; session: ScreenSession}> {
	const started = performance.now();
	const session = openScreenSession(file, args, {cwd, cols, rows});
	try {
		await session.waitFor(done, 60_000, `the first frame of ${path.basename(args.at(-1) ?? file)}`);
	} catch (error) {
		await session.stop(2000);
		throw error;
	}

	return {seconds: (performance.now() - started) / 1000, session};
}

function nodeBareSeconds(): number {
	const started = performance.now();
	execFileSync(process.execPath, ['-e', '0']);
	return (performance.now() - started) / 1000;
}

/** Percent of one core that each of `cpu`'s readings (CPU seconds, summed over its processes) rose by over `seconds`, all in the same window. */
async function cpuPercents(cpu: ReadonlyArray<() => number | undefined>, seconds: number, signal: AbortSignal): Promise<Array<number | undefined>> {
	const before = cpu.map(read => read());
	const startedAt = performance.now();
	await pause(seconds * 1000, signal);
	const after = cpu.map(read => read());
	const elapsed = (performance.now() - startedAt) / 1000;
	return before.map((value, index) => value === undefined || after[index] === undefined ? undefined : ((after[index] - value) / elapsed) * 100);
}

/** PM2 running the TUI's processes, and `pm2 monit` showing them in a PTY of the same size. */
type Pm2Monit = {
	/** CPU seconds of the monitor and God together. */
	cpu(): number | undefined;
	close(): Promise<void>;
};

async function openPm2Monit(tool: PeerTool, dir: string, watchers: number, signal: AbortSignal): Promise<Pm2Monit> {
	// procui's flood watcher polls for its go file until the flood; PM2's polls for one never made.
	const never = path.join(dir, 'pm2-never');
	const programs: PeerProgram[] = [
		{name: 'flood', argv: ['sh', '-c', `while [ ! -e ${never} ]; do sleep 0.1; done; exec sleep 100000`], count: 1, restart: false},
		...Array.from({length: watchers}, (_, index): PeerProgram => ({name: `w${String(index).padStart(3, '0')}`, argv: ['sleep', '100000'], count: 1, restart: false})),
	];
	const peer = await startPeer(tool, programs);
	let monit: ScreenSession | undefined;
	try {
		await Promise.all(programs.map(async program => peer.start(program.name)));
		await pollUntil(() => childrenOf(peer.pid).length >= programs.length, {intervalMs: 100, timeoutMs: 60_000, what: `PM2's ${programs.length} processes`, signal});
		for (const child of childrenOf(peer.pid)) {
			peer.adopt(child.pid);
		}

		// `pm2 monit`, as its user runs it: the same CLI and PM2_HOME as `pm2 status`.
		const {file, env} = peer.statusCommand;
		monit = openScreenSession(file, ['monit'], {cwd: dir, cols, rows, env});
		await monit.waitFor(screen => screen.includes('Process List') && screen.includes('w000'), 60_000, 'pm2 monit\'s list of processes');
	} catch (error) {
		await monit?.stop(2000);
		await peer.close();
		throw error;
	}

	const session = monit;
	return {
		cpu() {
			const own = cpuSeconds(session.pid);
			const god = cpuSeconds(peer.pid);
			return own === undefined || god === undefined ? undefined : own + god;
		},
		async close() {
			await session.stop(2000);
			await peer.close();
		},
	};
}

async function run(context: Context): Promise<Record<string, Values>> {
	const {sizes, signal} = context;
	const dir = makeTempDir('procui-bench-tui-start-');
	const go = path.join(dir, 'go');
	const configFile = path.join(dir, 'circus.ini');
	fs.writeFileSync(configFile, `${flooder(go, sizes.tuiFloodSeconds)}\n${sleepers(sizes.tuiStartWatchers)}`);
	const processes = sizes.tuiStartWatchers + 1;
	const load = (): string => `load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`;
	let pm2: Pm2Monit | undefined;
	try {
		context.progress(`W5 first frame: bare Ink app and procui with ${sizes.tuiStartWatchers} watchers, ${sizes.tuiStarts} starts each`);
		const bareFrames: number[] = [];
		const tuiFrames: number[] = [];
		const nodeRuns: number[] = [];
		const loads: string[] = [];
		for (let index = 0; index < sizes.tuiStarts; index++) {
			loads.push(load());
			nodeRuns.push(nodeBareSeconds());
			const bare = await timeToScreen(process.execPath, [bareInk], dir, layoutShown);
			bareFrames.push(bare.seconds);
			await bare.session.stop(2000);
			const tui = await timeToScreen(process.execPath, [cliFile(), configFile, '--endpoint', `ipc://${path.join(dir, `first-${index}.sock`)}`], dir, layoutShown);
			tuiFrames.push(tui.seconds);
			await tui.session.stop(20_000);
		}

		const pm2Tool = context.peers.find(tool => tool.name === 'pm2');
		let pm2Note = '';
		context.progress(`W5 idle: ${processes} processes for ${sizes.tuiIdleSeconds} s, then the bare Ink app as long${pm2Tool ? ', then PM2 and pm2 monit' : ''}`);
		const bare = await timeToScreen(process.execPath, [bareInk], dir, layoutShown);
		let bareIdle: number | undefined;
		let bareRss: {before?: number; after?: number} = {};
		const tui = await timeToScreen(process.execPath, [cliFile(), configFile, '--endpoint', `ipc://${path.join(dir, 'tui.sock')}`], dir, layoutShown);
		try {
			await pollUntil(() => childrenOf(tui.session.pid).length >= processes, {intervalMs: 100, timeoutMs: 60_000, what: `${processes} processes`, signal});
			// A UI left open, not one starting: its first minute is start-up work (V8 optimizing the
			// code each frame runs, its memory reducer's collections 7–9 s after the start's burst):
			// measured with 62 watchers, 1.3–2.1 % of a core in the first minute, 0.6–0.8 % after it.
			await pause(sizes.tuiIdleSettleSeconds * 1000, signal);
			const idleLoad = load();
			const [tuiIdle] = await cpuPercents([() => cpuSeconds(tui.session.pid)], sizes.tuiIdleSeconds, signal);
			// PM2 starts only now: its monitor is busy (a third of a core here), and procui's figures
			// never depend on a peer. The bare Ink app's window, which nothing but a burst of work on
			// the other core could change, is PM2's settling time.
			let pm2Idle: number | undefined;
			if (pm2Tool) {
				try {
					pm2 = await openPm2Monit(pm2Tool, dir, sizes.tuiStartWatchers, signal);
				} catch (error) {
					signal.throwIfAborted();
					pm2Note = `; PM2 failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
				}
			}

			[bareIdle] = await cpuPercents([() => cpuSeconds(bare.session.pid)], sizes.tuiIdleSeconds, signal);
			if (pm2) {
				const pm2Load = load();
				[pm2Idle] = await cpuPercents([() => pm2?.cpu()], sizes.tuiIdleSeconds, signal);
				pm2Note = pm2Idle === undefined ? '; PM2: its monitor or God exited during the window' : ` (${pm2Load})`;
				await pm2.close();
				pm2 = undefined;
			}

			context.progress(`W5 flood: ${sizes.tuiFloodSeconds} s into the log pane, then ${sizes.tuiSettleSeconds} s to settle`);
			const floodLoad = load();
			const rssBefore = rssBytes(tui.session.pid);
			bareRss = {before: rssBytes(bare.session.pid)};
			fs.writeFileSync(go, '');
			await tui.session.waitFor(screen => screen.includes('procui bench flood line'), 30_000, 'the flood in the log pane');
			await pause(sizes.tuiFloodSeconds * 1000, signal);
			const rssPeak = rssBytes(tui.session.pid);
			// The flood is over when its watcher's process sleeps again.
			await pollUntil(() => childrenOf(tui.session.pid).every(child => child.comm !== 'seq' && child.comm !== 'timeout'), {intervalMs: 200, timeoutMs: 60_000, what: 'the end of the flood', signal});
			await pause(sizes.tuiSettleSeconds * 1000, signal);
			const rssAfter = rssBytes(tui.session.pid);
			bareRss = {...bareRss, after: rssBytes(bare.session.pid)};
			const growth = rssBefore === undefined || rssAfter === undefined ? undefined : (rssAfter - rssBefore) / mb;
			const bareGrowth = bareRss.before === undefined || bareRss.after === undefined ? undefined : (bareRss.after - bareRss.before) / mb;
			const seconds = (list: number[]): string => list.map(value => value.toFixed(2)).join(', ');
			return {
				'w5.first': {
					procui: median(tuiFrames),
					baseline: median(bareFrames),
					note: `until the layout is on the screen, median of ${sizes.tuiStarts} (procui ${seconds(tuiFrames)} s; bare Ink ${seconds(bareFrames)} s; \`node -e 0\` ${seconds(nodeRuns)} s; ${loads.join(', ')})`,
				},
				'w5.idle': {
					procui: tuiIdle,
					baseline: bareIdle,
					...(pm2Idle === undefined ? {} : {peers: {pm2: pm2Idle}}),
					note: `percent of one core over ${sizes.tuiIdleSeconds} s from ${sizes.tuiIdleSettleSeconds} s after every process runs, no key (${idleLoad}); the TUI process runs the supervisor too${pm2Idle === undefined ? '' : `; PM2: \`pm2 monit\` (${cols} × ${rows}) and its God daemon running the same processes (monit asks God for every process's CPU and memory each second), over as long a window from ${sizes.tuiIdleSeconds} s after monit showed them, after procui's`}${pm2Note}${context.peers.some(tool => tool.name === 'supervisord') ? '; supervisord has no UI' : ''}`,
				},
				'w5.rss': {
					procui: growth,
					...(bareGrowth === undefined ? {} : {baseline: bareGrowth}),
					note: `RSS ${sizes.tuiSettleSeconds} s after a ${sizes.tuiFloodSeconds} s flood shown in the log pane, minus RSS before it (${((rssBefore ?? 0) / mb).toFixed(0)} MB before, ${((rssPeak ?? 0) / mb).toFixed(0)} MB at the flood's end, ${((rssAfter ?? 0) / mb).toFixed(0)} MB after; ${floodLoad})`,
				},
			};
		} finally {
			await tui.session.stop(20_000);
			await bare.session.stop(2000);
		}
	} finally {
		await pm2?.close();
		fs.rmSync(dir, {recursive: true, force: true});
	}
}

export const tuiStartWorkload: Workload = {
	name: 'w5',
	plan,
	timeoutMs: (sizes, peers) => 240_000 + peers * 90_000 + (sizes.tuiIdleSeconds * (2 + peers) + sizes.tuiFloodSeconds + sizes.tuiSettleSeconds + sizes.tuiStarts * 5) * 1000,
	run,
};
