/**
W2 log flood: one child (`cat` of a prepared file of numbered lines) writes N bytes to stdout as
fast as it can; procui streams it to a FileStream. Time until the file holds all N bytes, bytes
missing or wrong (compared byte for byte), and supervisor CPU per GB; in pipe and PTY mode.
Baselines, in the same rounds: `cat | cat > file` (pipe) and `script -qfc` (PTY).

The small-write flood is `yes LINE | head -c N` (64-byte lines) on a pipe: the pipe then carries
the writes of a real program, not one large buffer, and the reads are as small as they come. Its
baseline is fed the same way: `yes LINE | head -c N | cat > file`.
*/
import fs from 'node:fs';
import path from 'node:path';
import {startBaseline} from './baseline-process.js';
import {makeTempDir, startBenchDaemon, type BenchDaemon} from './bench-daemon.js';
import {crlfToLf, floodLines, repeatedLine, scriptBody, smallWriteLine, wrongBytes} from './flood-data.js';
import {cpuSeconds, rssBytes} from './procfs.js';
import {median, range} from './stats.js';
import type {Sizes} from './options.js';
import type {Measurement} from './table.js';
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

function readIfThere(file: string): Buffer {
	try {
		return fs.readFileSync(file);
	} catch {
		return Buffer.alloc(0);
	}
}

/** A flood that stops growing for this long, its process finished, has lost its tail. */
const stalledMs = 2000;

async function floodProcui(daemon: BenchDaemon, watcher: string, file: string, expected: Buffer, signal: AbortSignal): Promise<Flood> {
	const timeoutMs = floodTimeoutMs(expected.length);
	const cpuBefore = cpuSeconds(daemon.pid);
	let peakRss = rssBytes(daemon.pid) ?? 0;
	const startedAt = performance.now();
	const reply = daemon.ok('start', {name: watcher}, timeoutMs);
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
			peakRss = Math.max(peakRss, rssBytes(daemon.pid) ?? 0);
		}

		if (now - grewAt > stalledMs && (await daemon.ok('status', {name: watcher})).status === 'stopped') {
			break;
		}

		await pause(1, signal);
	}

	const seconds = (grewAt - startedAt) / 1000;
	const cpuAfter = cpuSeconds(daemon.pid);
	peakRss = Math.max(peakRss, rssBytes(daemon.pid) ?? 0);
	await reply;
	// Finished = exited and drained; then nothing more can arrive, and the file is final.
	const deadline = performance.now() + 15_000;
	while ((await daemon.ok('status', {name: watcher})).status !== 'stopped' && performance.now() < deadline) {
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

function summarise(procui: readonly Flood[], baseline: readonly Flood[], bytes: number): {throughput: Values; lost: Values; cpu: Values} {
	// A flood that lost bytes counts what arrived, until it stopped arriving.
	const rate = (flood: Flood): number => Math.min(flood.bytes, bytes) / 1e6 / flood.seconds;
	const perGb = (flood: Flood): number | undefined => flood.cpu === undefined ? undefined : flood.cpu / (bytes / 1e9);
	const defined = (values: ReadonlyArray<number | undefined>): number[] => values.filter((value): value is number => value !== undefined);
	const mbs = (value: number): string => `${value.toFixed(0)} MB/s`;
	const procuiRates = procui.map(flood => rate(flood));
	const baselineRates = baseline.map(flood => rate(flood));
	const procuiCpu = defined(procui.map(flood => perGb(flood)));
	const baselineCpu = defined(baseline.map(flood => perGb(flood)));
	const peak = Math.max(...procui.map(flood => flood.peakRss ?? 0)) / 1024 / 1024;
	const sum = (floods: readonly Flood[]): number => floods.reduce((total, flood) => total + flood.wrong, 0);
	const lossy = (floods: readonly Flood[]): number => floods.filter(flood => flood.wrong > 0).length;
	return {
		throughput: {
			procui: median(procuiRates),
			baseline: median(baselineRates),
			note: `median of ${procui.length} (procui ${range(procuiRates, mbs)}, baseline ${range(baselineRates, mbs)}); supervisor peak RSS ${peak.toFixed(0)} MiB`,
		},
		lost: {procui: sum(procui), baseline: sum(baseline), note: `compared byte for byte with what the child wrote; ${lossy(procui)} of ${procui.length} procui floods lost or changed bytes (${lossy(baseline)} of the baseline's)`},
		cpu: {
			...(procuiCpu.length > 0 ? {procui: median(procuiCpu)} : {}),
			...(baselineCpu.length > 0 ? {baseline: median(baselineCpu)} : {}),
		},
	};
}

async function run(context: Context): Promise<Record<string, Values>> {
	const {sizes, signal} = context;
	const dir = makeTempDir('procui-bench-flood-');
	let daemon: BenchDaemon | undefined;
	try {
		context.progress(`W2 writing ${sizes.floodBytes / 1e6} MB of lines`);
		const lines = floodLines(sizes.floodBytes);
		const source = path.join(dir, 'lines.txt');
		fs.writeFileSync(source, lines);
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
		const results: Record<Mode, {procui: Flood[]; baseline: Flood[]}> = {pipe: {procui: [], baseline: []}, pty: {procui: [], baseline: []}, small: {procui: [], baseline: []}};
		for (let round = 1; round <= sizes.floods; round++) {
			for (const mode of modes) {
				context.progress(`W2 round ${round}/${sizes.floods}: ${mode}, procui then ${mode === 'pty' ? 'script' : 'cat'}`);
				results[mode].procui.push(await floodProcui(daemon, `${mode}-${round}`, path.join(dir, `${mode}-${round}.log`), expected[mode], signal));
				const out = path.join(dir, `${mode}-${round}.baseline`);
				const baseline = mode === 'pty'
					? floodScript(source, out, expected.pty, signal)
					: floodCat(mode === 'pipe' ? `cat '${source}'` : smallWrites, out, expected[mode]);
				results[mode].baseline.push(await baseline);
				// Both outputs are checked; free the disk before the next round.
				fs.rmSync(out, {force: true});
				fs.rmSync(path.join(dir, `${mode}-${round}.log`), {force: true});
			}
		}

		const pipe = summarise(results.pipe.procui, results.pipe.baseline, sizes.floodBytes);
		const pty = summarise(results.pty.procui, results.pty.baseline, sizes.floodBytes);
		const small = summarise(results.small.procui, results.small.baseline, sizes.floodBytes);
		return {
			'w2.pipe.throughput': pipe.throughput,
			'w2.pty.throughput': pty.throughput,
			'w2.pipe.lost': pipe.lost,
			'w2.pty.lost': pty.lost,
			'w2.pipe.cpu': {...pipe.cpu, note: 'daemon CPU from start until the file was complete; the consumer cat\'s from `times`'},
			'w2.pty.cpu': {...pty.cpu, note: 'script\'s own CPU sampled every 5 ms until it exits (reads the terminal, writes the file)'},
			'w2.small.throughput': {...small.throughput, note: `\`yes LINE | head -c N\` (64-byte lines) as the child, and feeding the baseline's cat; ${small.throughput.note ?? ''}`},
			'w2.small.lost': small.lost,
			'w2.small.cpu': {...small.cpu, note: 'daemon CPU from start until the file was complete; the consumer cat\'s from `times`'},
		};
	} finally {
		await daemon?.stop();
		fs.rmSync(dir, {recursive: true, force: true});
	}
}

export const floodWorkload: Workload = {
	name: 'w2',
	plan,
	timeoutMs: sizes => 60_000 + sizes.floods * 2 * modes.length * floodTimeoutMs(sizes.floodBytes),
	run,
};
