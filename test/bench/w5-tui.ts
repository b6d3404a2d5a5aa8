/**
W5 TUI: `procui CONFIG` (supervisor and full-screen UI in one process) with N watchers of `sleep`
and one of `seq` flooding its log pane, in a 120 × 40 pseudo-terminal read back through
@xterm/headless. Key-to-screen: `?` until the help overlay is on the screen, against a bare Node
program answering the same key in the same harness. Frames: bursts of output. CPU: the TUI
process against `procui daemon` running the same configuration, over the same window; their
difference per frame estimates the render cost of one frame.
*/
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {cliFile, cliPath, makeTempDir, startBenchDaemon} from './bench-daemon.js';
import {childrenOf, cpuSeconds} from './procfs.js';
import {openScreenSession, type ScreenSession} from './screen-session.js';
import {median, percentile, range} from './stats.js';
import type {Sizes} from './options.js';
import type {Measurement} from './table.js';
import {pause, pollUntil, type Context, type Values, type Workload} from './workload.js';

const floor = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tui-floor.js');
const tuiModule = path.join(path.dirname(cliPath), 'source', 'cli', 'tui.js');
const cols = 120;
const rows = 40;
const helpOpen = (screen: string): boolean => screen.includes('Previous watcher or process');
const helpClosed = (screen: string): boolean => screen.includes('─ Watchers (') && !screen.includes('Previous watcher or process');
/** Between key presses: a frame or two, at a varying offset from the UI's own timers. */
const keyGapMs = [120, 170, 230];

function configText(watchers: number): string {
	const sleeps = Array.from({length: watchers}, (_, index) => `[watcher:w${String(index).padStart(3, '0')}]\ncmd = sleep 1000\n`);
	// Numbered lines, so that every frame of the log pane differs from the last (with `yes`, the
	// screen would not change and nothing would be drawn).
	// The flood first: the UI selects the first watcher in the file, so its log pane shows the flood.
	return ['[watcher:flood]\ncmd = seq -f "procui bench flood line %.0f abcdefghijklmnopqrstuvwxyz" 1 1e15\n', ...sleeps].join('\n');
}

/** Time `count` presses of `?` (help opens) and Esc (it closes). */
async function timeKeys(session: ScreenSession, count: number, signal: AbortSignal): Promise<{open: number[]; close: number[]}> {
	const open: number[] = [];
	const close: number[] = [];
	for (let index = 0; index < count; index++) {
		await pause(keyGapMs[index % keyGapMs.length]!, signal);
		open.push(await session.press('?', helpOpen, 10_000));
		await pause(keyGapMs[(index + 1) % keyGapMs.length]!, signal);
		close.push(await session.press('\u001B', helpClosed, 10_000));
	}

	return {open, close};
}

/** The supervisor's processes all running: N sleeps and the flood. */
async function allRunning(pid: number, count: number, signal: AbortSignal): Promise<void> {
	await pollUntil(() => childrenOf(pid).length >= count, {intervalMs: 100, timeoutMs: 60_000, what: `${count} processes`, signal});
}

function plan(sizes: Sizes): Measurement[] {
	const shape = `${sizes.tuiWatchers} watchers + 1 flood`;
	return [
		{id: 'w5.key', figure: `W5 TUI key-to-screen, median (${shape})`, unit: 'ms', baselineName: 'bare node, same PTY'},
		{id: 'w5.fps', figure: `W5 TUI frames per second while flooding (${sizes.tuiSeconds} s)`, unit: '/s', baselineName: '—'},
		{id: 'w5.frame', figure: 'W5 TUI frame render (UI CPU per frame, est.)', unit: 'ms', baselineName: '—'},
		{id: 'w5.cpu', figure: 'W5 TUI process CPU while flooding', unit: '%', baselineName: 'procui daemon, same config'},
	];
}

async function run(context: Context): Promise<Record<string, Values>> {
	const {sizes, signal} = context;
	if (!fs.existsSync(tuiModule)) {
		const why = 'not measured yet: this build has no TUI';
		return Object.fromEntries(plan(sizes).map(row => [row.id, {note: why}]));
	}

	const processes = sizes.tuiWatchers + 1;
	const config = configText(sizes.tuiWatchers);
	const seconds = sizes.tuiSeconds;

	context.progress(`W5 baseline: procui daemon with ${processes} processes, one flooding, for ${seconds} s`);
	const daemon = await startBenchDaemon(config, {profileDir: context.profileDir});
	let daemonPercent: number | undefined;
	try {
		await allRunning(daemon.pid, processes, signal);
		await pause(1000, signal);
		const before = cpuSeconds(daemon.pid);
		await pause(seconds * 1000, signal);
		const after = cpuSeconds(daemon.pid);
		daemonPercent = before === undefined || after === undefined ? undefined : ((after - before) / seconds) * 100;
	} finally {
		await daemon.stop();
	}

	context.progress(`W5 baseline: ${sizes.tuiKeys} keys to a bare node program in the same PTY`);
	const dir = makeTempDir('procui-bench-tui-');
	const floorSession = openScreenSession(process.execPath, [floor], {cwd: dir, cols, rows});
	let floorKeys: {open: number[]; close: number[]};
	try {
		await floorSession.waitFor(screen => screen.includes('Ready.'), 10_000, 'the floor program');
		floorKeys = await timeKeys(floorSession, sizes.tuiKeys, signal);
	} finally {
		await floorSession.stop(2000);
	}

	context.progress(`W5 procui TUI: ${processes} processes, one flooding; ${seconds} s of frames, then ${sizes.tuiKeys} keys`);
	const configFile = path.join(dir, 'circus.ini');
	fs.writeFileSync(configFile, config);
	const nodeArgs = context.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${context.profileDir}`] : [];
	const session = openScreenSession(process.execPath, [...nodeArgs, cliFile(), configFile, '--endpoint', `ipc://${path.join(dir, 'tui.sock')}`], {cwd: dir, cols, rows});
	try {
		await session.waitFor(screen => screen.includes('─ Watchers ('), 30_000, 'the TUI');
		await allRunning(session.pid, processes, signal);
		await pause(1000, signal);
		const framesBefore = session.frames();
		const before = cpuSeconds(session.pid);
		const startedAt = performance.now();
		await pause(seconds * 1000, signal);
		const elapsed = (performance.now() - startedAt) / 1000;
		const after = cpuSeconds(session.pid);
		const frames = session.frames() - framesBefore;
		const keys = await timeKeys(session, sizes.tuiKeys, signal);
		const tuiPercent = before === undefined || after === undefined ? undefined : ((after - before) / elapsed) * 100;
		const uiSecondsPerFrame = tuiPercent === undefined || daemonPercent === undefined || frames === 0 ? undefined : ((tuiPercent - daemonPercent) / 100) * elapsed / frames;
		const ms = (value: number): string => `${value.toFixed(1)} ms`;
		return {
			'w5.key': {
				procui: median(keys.open),
				baseline: median(floorKeys.open),
				note: `\`?\` until the help overlay shows, ${sizes.tuiKeys} presses (procui p95 ${ms(percentile(keys.open, 95))}, range ${range(keys.open, ms)}; Esc to close: median ${ms(median(keys.close))}, p95 ${ms(percentile(keys.close, 95))}; floor p95 ${ms(percentile(floorKeys.open, 95))})`,
			},
			'w5.fps': {procui: frames / elapsed, note: `${frames} bursts of output (≥ 3 ms apart) in ${elapsed.toFixed(1)} s`},
			'w5.frame': {
				...(uiSecondsPerFrame === undefined ? {} : {procui: uiSecondsPerFrame * 1000}),
				note: '(TUI process CPU − daemon CPU on the same config) ÷ frames: what drawing costs, not a latency',
			},
			'w5.cpu': {procui: tuiPercent, baseline: daemonPercent, note: 'percent of one core; the TUI process runs the supervisor too, so the difference is the UI'},
		};
	} finally {
		await session.stop(20_000);
		fs.rmSync(dir, {recursive: true, force: true});
	}
}

export const tuiWorkload: Workload = {
	name: 'w5',
	plan,
	timeoutMs: sizes => 180_000 + sizes.tuiSeconds * 2 * 1000 + sizes.tuiKeys * 2 * 1000,
	run,
};
