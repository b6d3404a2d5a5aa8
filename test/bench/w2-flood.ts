/**
W2 log flood: one child (`cat` of a prepared file of numbered lines) writes N bytes to stdout as
fast as it can; procui streams it to a FileStream. Time until the file holds all N bytes, bytes
missing or wrong (compared byte for byte), and supervisor CPU per GB; in pipe and PTY mode.
Baselines, in the same rounds: `cat | cat > file` (pipe) and `script -qfc` (PTY).

The small-write flood is `yes LINE | head -c N` (64-byte lines) on a pipe: the pipe then carries
the writes of a real program, not one large buffer, and the reads are as small as they come. Its
baseline is fed the same way: `yes LINE | head -c N | cat > file`.

The peers (supervisord, PM2) run the pipe and small-write floods in the same rounds, each into its
own log file, measured the same way; neither has a PTY mode, so the PTY rows have no peer figure.
The small-write flood's floors (small-write-floor.ts: one Node thread, and supervisord's Python
loop, reading the same child and writing the file themselves) run in the same rounds too, and
are given in the notes.
*/
import fs from 'node:fs';
import path from 'node:path';
import {startBaseline} from './baseline-process.js';
import {makeTempDir, startBenchDaemon, type BenchDaemon} from './bench-daemon.js';
import {crlfToLf, floodLines, repeatedLine, scriptBody, smallWriteLine, wrongBytes} from './flood-data.js';
import type {PeerDaemon, PeerProgram} from './peer-daemon.js';
import {PeerRuns} from './peers.js';
import {childrenOf, cpuSeconds, rssBytes} from './procfs.js';
import {floodFloor, type FloorKind} from './small-write-floor.js';
import {median, range} from './stats.js';
import type {Sizes} from './options.js';
import {peerLabels, type Measurement, type PeerName} from './table.js';
import {pause, type Context, type Values, type Workload} from './workload.js';

/** `small`: the small-write flood, on a pipe. */
type Mode = 'pipe' | 'pty' | 'small';
const modes = ['pipe', 'pty', 'small'] as const;

/** One flood's result. */
type Flood = {
	/** Seconds from start until the last byte arrived in the file. */
	readonly seconds: number;
	/** Bytes in the file at the end: all of them, unless some were lost. */
	readonly bytes: number;
	/** Bytes missing or wrong in the output. */
	readonly wrong: number;
	/** CPU seconds of the consumer: the supervisor, or the baseline's `cat`/`script`. */
	readonly cpu: number | undefined;
	/** The supervisor's largest RSS seen during the flood, bytes. */
	readonly peakRss?: number;
};

/** How long one flood may take: no slower than 5 MB/s, and at least 30 s. */
function floodTimeoutMs(bytes: number): number {
	return 30_000 + (bytes / 5e6) * 1000;
}

function fileSize(file: string): number {
	try {
		return fs.statSync(file).size;
	} catch {
		return 0;
	}
}

/**
Give a checked flood's file back: emptied first, so that its pages leave the page cache even while
the supervisor still holds it open (procui's and supervisord's stream files stay open until they
quit), then removed. Kept, 200 MB files pile up over a run, and each flood then writes into pages
the machine has not used before; on a virtual machine the first touch of such a page costs the
host a fault, which showed as the same flood taking 3 to 10 times the CPU of another, for the
baselines as for the supervisors.
*/
function release(file: string): void {
	try {
		fs.truncateSync(file, 0);
	} catch {
		// Not there: a flood that wrote nothing.
	}

	fs.rmSync(file, {force: true});
}

function readIfThere(file: string): Buffer {
	try {
		return fs.readFileSync(file);
	} catch {
		return Buffer.alloc(0);
	}
}

/** A flood that stops growing for this long, its process finished, has lost its tail. */
const stalledMs = 2000;

/** A supervisor's flood: what it is, how to start it and how to tell that its child finished. */
type Supervised = {
	/** The supervisor's pid: its CPU and RSS are counted. */
	readonly pid: number;
	start(): Promise<unknown>;
	/** Whether the flooding child has exited (and, for procui, its output drained). */
	finished(): Promise<boolean>;
};

/** Start the flood; time until `file` holds all of `expected`, the supervisor's CPU meanwhile; then wait until the child finished and compare. */
async function floodSupervised(supervisor: Supervised, file: string, expected: Buffer, signal: AbortSignal): Promise<Flood> {
	const timeoutMs = floodTimeoutMs(expected.length);
	const cpuBefore = cpuSeconds(supervisor.pid);
	let peakRss = rssBytes(supervisor.pid) ?? 0;
	const startedAt = performance.now();
	const reply = supervisor.start();
	// Awaited below; if the wait fails first, its rejection must not crash the run.
	reply.catch(() => undefined);
	let size = 0;
	let grewAt = startedAt;
	let polls = 0;
	for (;;) {
		const now = performance.now();
		const current = fileSize(file);
		if (current !== size) {
			size = current;
			grewAt = now;
		}

		if (size >= expected.length || now - startedAt > timeoutMs) {
			break;
		}

		if (++polls % 20 === 0) {
			peakRss = Math.max(peakRss, rssBytes(supervisor.pid) ?? 0);
		}

		if (now - grewAt > stalledMs && await supervisor.finished()) {
			break;
		}

		await pause(1, signal);
	}

	const seconds = (grewAt - startedAt) / 1000;
	const cpuAfter = cpuSeconds(supervisor.pid);
	peakRss = Math.max(peakRss, rssBytes(supervisor.pid) ?? 0);
	await reply;
	// Finished = exited (and drained); then nothing more can arrive, and the file is final.
	const deadline = performance.now() + 15_000;
	while (!await supervisor.finished() && performance.now() < deadline) {
		await pause(20, signal);
	}

	const output = readIfThere(file);
	return {
		seconds,
		bytes: output.length,
		wrong: wrongBytes(expected, output),
		cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
		peakRss,
	};
}

async function floodProcui(daemon: BenchDaemon, watcher: string, file: string, expected: Buffer, signal: AbortSignal): Promise<Flood> {
	const stopped = async (): Promise<boolean> => (await daemon.ok('status', {name: watcher})).status === 'stopped';
	return floodSupervised({pid: daemon.pid, start: async () => daemon.ok('start', {name: watcher}, floodTimeoutMs(expected.length)), finished: stopped}, file, expected, signal);
}

/** A peer's flood: its program `program`, started over its socket; finished when the peer has no child it did not have before. */
async function floodPeer(peer: PeerDaemon, program: string, file: string, expected: Buffer, signal: AbortSignal): Promise<Flood> {
	const before = new Set(childrenOf(peer.pid).map(child => child.pid));
	const finished = async (): Promise<boolean> => childrenOf(peer.pid).every(child => before.has(child.pid));
	try {
		return await floodSupervised({pid: peer.pid, start: async () => peer.start(program), finished}, file, expected, signal);
	} finally {
		release(file);
	}
}

/** CPU seconds of the children from `times` (its second line: `0m0.004000s 0m0.092000s`). */
function childrenTimes(output: string): number | undefined {
	const line = output.trim().split('\n').at(-1) ?? '';
	const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map(match => Number(match[1]) * 60 + Number(match[2]));
	return parts.length === 2 ? parts[0]! + parts[1]! : undefined;
}

async function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	try {
		return await Promise.race([promise, new Promise<never>((_resolve, reject) => {
			timer = setTimeout(() => {
				reject(new Error(`${what} took over ${timeoutMs} ms`));
			}, timeoutMs);
		})]);
	} finally {
		clearTimeout(timer);
	}
}

/** `producer | cat > file`: the producer is the same command procui's child runs. */
async function floodCat(producer: string, out: string, expected: Buffer): Promise<Flood> {
	const startedAt = performance.now();
	// The inner shell's `times` reports the consumer `cat` alone: the supervisor's counterpart.
	const pipeline = startBaseline('sh', ['-c', `${producer} | sh -c 'cat > "$0"; times' '${out}'`], {captureStdout: true});
	try {
		const {stdout} = await withDeadline(pipeline.exited, floodTimeoutMs(expected.length), 'cat | cat > file');
		const seconds = (performance.now() - startedAt) / 1000;
		const output = readIfThere(out);
		return {seconds, bytes: output.length, wrong: wrongBytes(expected, output), cpu: childrenTimes(stdout)};
	} finally {
		await pipeline.kill();
	}
}

async function floodScript(source: string, out: string, expected: Buffer, signal: AbortSignal): Promise<Flood> {
	const startedAt = performance.now();
	// script copies the terminal to its stdout as well as to the file: stdout is /dev/null.
	const script = startBaseline('script', ['-qfc', `cat '${source}'`, out]);
	let cpu: number | undefined;
	try {
		const deadline = startedAt + floodTimeoutMs(expected.length);
		// script's own CPU (it is the reader and writer), sampled until it exits: short by at most one interval.
		while (!script.done()) {
			cpu = cpuSeconds(script.pid) ?? cpu;
			if (performance.now() > deadline) {
				throw new Error(`script -qfc took over ${deadline - startedAt} ms`);
			}

			await pause(5, signal);
		}

		const seconds = (performance.now() - startedAt) / 1000;
		const output = crlfToLf(scriptBody(readIfThere(out)));
		return {seconds, bytes: output.length, wrong: wrongBytes(expected, output), cpu};
	} finally {
		await script.kill();
	}
}

function label(sizes: Sizes): string {
	return `${sizes.floodBytes / 1e6} MB × ${sizes.floods}`;
}

function plan(sizes: Sizes): Measurement[] {
	const size = label(sizes);
	return [
		{id: 'w2.pipe.throughput', figure: `W2 pipe throughput into file (${size})`, unit: 'MB/s', baselineName: 'cat | cat > file', target: {on: 'ratio', atMost: false, limit: 0.85, text: '≥ 0.85× cat | cat > file'}},
		{id: 'w2.pty.throughput', figure: `W2 PTY throughput into file (${size})`, unit: 'MB/s', baselineName: 'script -qfc', target: {on: 'ratio', atMost: false, limit: 0.95, text: '≥ 0.95× script -qfc'}},
		{id: 'w2.pipe.lost', figure: 'W2 bytes lost or wrong (pipe, all floods)', unit: 'B', baselineName: 'cat | cat > file', target: {on: 'value', atMost: true, limit: 0, text: '0, always'}},
		{id: 'w2.pty.lost', figure: 'W2 bytes lost or wrong (PTY, all floods)', unit: 'B', baselineName: 'script -qfc', target: {on: 'value', atMost: true, limit: 0, text: '0, always'}},
		{id: 'w2.pipe.cpu', figure: 'W2 supervisor CPU per GB (pipe)', unit: 's/GB', baselineName: 'the consumer cat', target: {on: 'value', atMost: true, limit: 0.8, text: '≤ 0.8 s'}},
		{id: 'w2.pty.cpu', figure: 'W2 supervisor CPU per GB (PTY)', unit: 's/GB', baselineName: 'script', target: {on: 'ratio', atMost: true, limit: 1.2, text: '≤ 1.2× script\'s'}},
		{id: 'w2.small.throughput', figure: `W2 pipe small writes (${size})`, unit: 'MB/s', baselineName: 'yes | head -c | cat > file', target: {on: 'ratio', atMost: false, limit: 0.5, text: '≥ 0.5× cat | cat > file'}},
		{id: 'w2.small.lost', figure: 'W2 bytes lost or wrong (pipe small writes, all floods)', unit: 'B', baselineName: 'yes | head -c | cat > file', target: {on: 'value', atMost: true, limit: 0, text: '0, always'}},
		{id: 'w2.small.cpu', figure: 'W2 supervisor CPU per GB (pipe small writes)', unit: 's/GB', baselineName: 'the consumer cat', target: {on: 'value', atMost: true, limit: 1.5, text: '≤ 1.5 s'}},
	];
}

const floorKinds = ['node', 'python'] as const;

/** One floor flood, checked byte for byte like the others. */
async function floodFloorChecked(kind: FloorKind, out: string, expected: Buffer): Promise<Flood> {
	try {
		const {seconds, cpu} = await floodFloor(kind, smallWriteLine, expected.length, out, floodTimeoutMs(expected.length));
		const output = readIfThere(out);
		return {seconds, bytes: output.length, wrong: wrongBytes(expected, output), cpu};
	} finally {
		release(out);
	}
}

/** The floors' note: each one's median throughput and CPU per GB, and its spread; or why there is none. */
function floorNote(floors: Record<FloorKind, Flood[]>, failures: readonly string[], bytes: number): string {
	const one = (kind: FloorKind, label: string): string => {
		const list = floors[kind];
		if (list.length === 0) {
			return `${label}: none measured`;
		}

		const lost = lossy(list) > 0 ? `, ${lossy(list)} of ${list.length} lost or changed bytes` : '';
		return `${label} ${mbs(median(rates(list, bytes)))} at ${median(cpuPerGb(list, bytes)).toFixed(2)} s/GB (${range(rates(list, bytes), mbs)}${lost})`;
	};

	const failed = failures.length > 0 ? ` (${[...new Set(failures)].join('; ')})` : '';
	return `floors, the same child read by one thread that writes the file itself, no scrollback (test/bench/small-write-floor.ts): ${one('node', 'Node')}, ${one('python', 'Python as supervisord reads')}${failed}; procui also hands each batch to its writer thread (no file write on its scheduler's thread)`;
}

/** MB/s of each flood; one that lost bytes counts what arrived, until it stopped arriving. */
function rates(floods: readonly Flood[], bytes: number): number[] {
	return floods.map(flood => Math.min(flood.bytes, bytes) / 1e6 / flood.seconds);
}

/** CPU seconds per GB of each flood whose CPU was read. */
function cpuPerGb(floods: readonly Flood[], bytes: number): number[] {
	return floods.flatMap(flood => flood.cpu === undefined ? [] : [flood.cpu / (bytes / 1e9)]);
}

function wrongTotal(floods: readonly Flood[]): number {
	return floods.reduce((total, flood) => total + flood.wrong, 0);
}

function lossy(floods: readonly Flood[]): number {
	return floods.filter(flood => flood.wrong > 0).length;
}

const mbs = (value: number): string => `${value.toFixed(0)} MB/s`;

/** Peak RSS over the floods, MiB. */
function peakMib(floods: readonly Flood[]): number {
	return Math.max(...floods.map(flood => flood.peakRss ?? 0)) / 1024 / 1024;
}

function summarise(procui: readonly Flood[], baseline: readonly Flood[], bytes: number): {throughput: Values; lost: Values; cpu: Values} {
	const procuiRates = rates(procui, bytes);
	const baselineRates = rates(baseline, bytes);
	const procuiCpu = cpuPerGb(procui, bytes);
	const baselineCpu = cpuPerGb(baseline, bytes);
	return {
		throughput: {
			procui: median(procuiRates),
			baseline: median(baselineRates),
			note: `median of ${procui.length} (procui ${range(procuiRates, mbs)}, baseline ${range(baselineRates, mbs)}); supervisor peak RSS ${peakMib(procui).toFixed(0)} MiB`,
		},
		lost: {procui: wrongTotal(procui), baseline: wrongTotal(baseline), note: `compared byte for byte with what the child wrote; ${lossy(procui)} of ${procui.length} procui floods lost or changed bytes (${lossy(baseline)} of the baseline's)`},
		cpu: {
			...(procuiCpu.length > 0 ? {procui: median(procuiCpu)} : {}),
			...(baselineCpu.length > 0 ? {baseline: median(baselineCpu)} : {}),
		},
	};
}

type PeerFloods = ReadonlyMap<PeerName, readonly Flood[]>;

/** The peers' figures for one mode's three rows, and a note on their spread and losses. */
function summarisePeers(peers: PeerRuns, floods: PeerFloods, bytes: number): {throughput: Values; lost: Values; cpu: Values; note: string} {
	const cpuMedian = (list: readonly Flood[]): number | undefined => {
		const values = cpuPerGb(list, bytes);
		return values.length > 0 ? median(values) : undefined;
	};

	const note = [...floods].map(([name, list]) => `${peerLabels[name]} ${range(rates(list, bytes), mbs)}, peak RSS ${peakMib(list).toFixed(0)} MiB, ${lossy(list)} of ${list.length} floods lost or changed bytes`).join('; ');
	return {
		throughput: {peers: peers.values(floods, list => median(rates(list, bytes)))},
		lost: {peers: peers.values(floods, list => wrongTotal(list))},
		cpu: {peers: peers.values(floods, list => cpuMedian(list))},
		note,
	};
}

/** `values` with the peers' figures, and their note after its own. */
function withPeers(values: Values, peers: Values, note = ''): Values {
	const text = [values.note, note].filter(part => part !== undefined && part !== '').join('; ');
	return {...values, ...(peers.peers === undefined ? {} : {peers: peers.peers}), ...(text === '' ? {} : {note: text})};
}

async function run(context: Context): Promise<Record<string, Values>> {
	const {sizes, signal} = context;
	const dir = makeTempDir('procui-bench-flood-');
	let daemon: BenchDaemon | undefined;
	let peers: PeerRuns | undefined;
	try {
		context.progress(`W2 writing ${sizes.floodBytes / 1e6} MB of lines`);
		const lines = floodLines(sizes.floodBytes);
		const source = path.join(dir, 'lines.txt');
		fs.writeFileSync(source, lines);
		// One flood's worth of pages written and given back first: the first flood, procui's, then
		// writes into pages the machine has used, as every later one does (see `release`).
		const warm = path.join(dir, 'warm.txt');
		fs.writeFileSync(warm, lines);
		release(warm);
		const smallWrites = `yes ${smallWriteLine} | head -c ${sizes.floodBytes}`;
		const expected: Record<Mode, Buffer> = {pipe: lines, pty: lines, small: repeatedLine(smallWriteLine, sizes.floodBytes)};
		const watchers: string[] = [];
		for (let round = 1; round <= sizes.floods; round++) {
			for (const mode of modes) {
				const command = mode === 'small' ? [`cmd = ${smallWrites}`, 'shell = true'] : [`cmd = cat ${source}`];
				watchers.push(`[watcher:${mode}-${round}]`, ...command, `pty = ${mode === 'pty'}`, 'respawn = false', 'autostart = false',
					'stdout_stream.class = FileStream', `stdout_stream.filename = ${path.join(dir, `${mode}-${round}.log`)}`, '');
			}
		}

		daemon = await startBenchDaemon(watchers.join('\n'), {profileDir: context.profileDir});
		// The peers get the pipe floods only: neither has a PTY mode.
		const peerLog = (peer: PeerName, mode: Mode, round: number): string => path.join(dir, `${peer}-${mode}-${round}.log`);
		const peerPrograms = (peer: PeerName): PeerProgram[] => Array.from({length: sizes.floods}, (_, index) => index + 1).flatMap(round => [
			{name: `pipe-${round}`, argv: ['cat', source], count: 1, restart: false, logFile: peerLog(peer, 'pipe', round)},
			{name: `small-${round}`, argv: ['sh', '-c', smallWrites], count: 1, restart: false, logFile: peerLog(peer, 'small', round)},
		]);
		peers = await PeerRuns.start(context.peers, peerPrograms, context.progress);
		const peerResults: Record<'pipe' | 'small', Map<PeerName, Flood[]>> = {pipe: new Map(), small: new Map()};
		const results: Record<Mode, {procui: Flood[]; baseline: Flood[]}> = {pipe: {procui: [], baseline: []}, pty: {procui: [], baseline: []}, small: {procui: [], baseline: []}};
		const floors: Record<FloorKind, Flood[]> = {node: [], python: []};
		const floorFailures: string[] = [];
		for (let round = 1; round <= sizes.floods; round++) {
			for (const mode of modes) {
				context.progress(`W2 round ${round}/${sizes.floods}: ${mode}, procui then ${mode === 'pty' ? 'script' : 'cat'}`);
				results[mode].procui.push(await floodProcui(daemon, `${mode}-${round}`, path.join(dir, `${mode}-${round}.log`), expected[mode], signal));
				const out = path.join(dir, `${mode}-${round}.baseline`);
				const baseline = mode === 'pty'
					? floodScript(source, out, expected.pty, signal)
					: floodCat(mode === 'pipe' ? `cat '${source}'` : smallWrites, out, expected[mode]);
				results[mode].baseline.push(await baseline);
				// Both outputs are checked; free their pages before the next flood.
				release(out);
				release(path.join(dir, `${mode}-${round}.log`));
				if (mode === 'small') {
					for (const kind of floorKinds) {
						context.progress(`W2 round ${round}/${sizes.floods}: small, the ${kind} floor`);
						try {
							floors[kind].push(await floodFloorChecked(kind, path.join(dir, `small-${round}.${kind}`), expected.small));
						} catch (error) {
							// A note, not a failed run: the floors are context (python3 may be missing).
							floorFailures.push(error instanceof Error ? error.message : String(error));
						}
					}
				}

				if (mode !== 'pty') {
					const floods = peerResults[mode];
					await peers.each(async peer => {
						context.progress(`W2 round ${round}/${sizes.floods}: ${mode}, ${peer.label}`);
						const flood = await floodPeer(peer, `${mode}-${round}`, peerLog(peer.name, mode, round), expected[mode], signal);
						floods.set(peer.name, [...floods.get(peer.name) ?? [], flood]);
					}, signal);
				}
			}
		}

		const pipe = summarise(results.pipe.procui, results.pipe.baseline, sizes.floodBytes);
		const pty = summarise(results.pty.procui, results.pty.baseline, sizes.floodBytes);
		const small = summarise(results.small.procui, results.small.baseline, sizes.floodBytes);
		const peerPipe = summarisePeers(peers, peerResults.pipe, sizes.floodBytes);
		const peerSmall = summarisePeers(peers, peerResults.small, sizes.floodBytes);
		const noPty = context.peers.length > 0 ? 'supervisord and PM2 have no PTY mode: no peer figure' : '';
		const failures = peers.failures().join('; ');
		const cpuNote = `daemon CPU from start until the file was complete; the consumer cat's from \`times\`${context.peers.length > 0 ? '; supervisord: its one process; PM2: its God daemon' : ''}`;
		return {
			'w2.pipe.throughput': withPeers(pipe.throughput, peerPipe.throughput, [peerPipe.note, failures].filter(Boolean).join('; ')),
			'w2.pty.throughput': withPeers(pty.throughput, {}, noPty),
			'w2.pipe.lost': withPeers(pipe.lost, peerPipe.lost),
			'w2.pty.lost': withPeers(pty.lost, {}, noPty),
			'w2.pipe.cpu': withPeers({...pipe.cpu, note: cpuNote}, peerPipe.cpu),
			'w2.pty.cpu': withPeers({...pty.cpu, note: 'script\'s own CPU sampled every 5 ms until it exits (reads the terminal, writes the file)'}, {}, noPty),
			'w2.small.throughput': withPeers({...small.throughput, note: `\`yes LINE | head -c N\` (64-byte lines) as the child, and feeding the baseline's cat; ${small.throughput.note ?? ''}`}, peerSmall.throughput, [peerSmall.note, floorNote(floors, floorFailures, sizes.floodBytes)].filter(Boolean).join('; ')),
			'w2.small.lost': withPeers(small.lost, peerSmall.lost),
			'w2.small.cpu': withPeers({...small.cpu, note: cpuNote}, peerSmall.cpu),
		};
	} finally {
		await daemon?.stop();
		await peers?.close();
		fs.rmSync(dir, {recursive: true, force: true});
	}
}

export const floodWorkload: Workload = {
	name: 'w2',
	plan,
	timeoutMs: (sizes, peers) => 60_000 + sizes.floods * (2 * modes.length + floorKinds.length + 2 * peers) * floodTimeoutMs(sizes.floodBytes),
	run,
};
