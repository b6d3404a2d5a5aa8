/**
`npm run bench`: procui's performance suite (issue 6). Runs W1–W5, each against a baseline
measured in the same run, prints one table and writes it to results.md and results.json. W1–W4
also measure supervisord and PM2 when they are installed (issue 13), as two more columns.
Every process a workload starts is killed by pid (or process group) when it ends, fails,
overruns, or the run is interrupted.
*/
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {cliPath, cliFile, repoRoot, useCli} from './bench-daemon.js';
import {killAllTracked, survivors} from './cleanup.js';
import {parseOptions, usage, type Options} from './options.js';
import {detectPeers, type Detection} from './peers.js';
import {summaryLines} from './profile-summary.js';
import {evaluate, markdownTable, notes, peerLabels, textTable, type Row} from './table.js';
import {spawnWorkload} from './w1-spawn.js';
import {floodWorkload} from './w2-flood.js';
import {churnWorkload} from './w3-churn.js';
import {controlWorkload} from './w4-control.js';
import {tuiStartWorkload} from './w5-start.js';
import {tuiWorkload} from './w5-tui.js';
import type {Values, Workload} from './workload.js';

const workloads: readonly Workload[] = [spawnWorkload, floodWorkload, churnWorkload, controlWorkload, tuiWorkload, tuiStartWorkload];
/** Top functions listed per profile. */
const profileTop = 15;

const began = performance.now();
const loadAtStart = os.loadavg()[0]!;

/**
Node 20 reads the whole file NODE_EXTRA_CA_CERTS names as it starts, before any JavaScript runs and
whether or not the process ever opens a TLS connection: with the system's bundle (some 140
certificates) that is 36 ms and 1.9 MiB of every node process, procui's, the baselines' and PM2's
alike, and none of their doing. Removed from the environment of every process the bench starts,
and the header says so.
*/
const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS;
delete process.env.NODE_EXTRA_CA_CERTS;

function progress(message: string): void {
	process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

async function runWorkload(workload: Workload, options: Options, peers: Detection): Promise<{rows: Row[]; profiles: string[]}> {
	const controller = new AbortController();
	const timeoutMs = workload.timeoutMs(options.sizes, peers.found.length);
	const timer = setTimeout(() => {
		controller.abort(new Error(`${workload.name} overran its ${timeoutMs / 1000} s`));
	}, timeoutMs);
	const profileDir = options.profileDir === undefined ? undefined : path.join(options.profileDir, workload.name);
	if (profileDir) {
		fs.mkdirSync(profileDir, {recursive: true});
	}

	let values: Readonly<Record<string, Values>> = {};
	let failure: string | undefined;
	try {
		values = await workload.run({sizes: options.sizes, ...(profileDir === undefined ? {} : {profileDir}), signal: controller.signal, peers: peers.found, progress});
	} catch (error) {
		failure = errorText(error);
		progress(`${workload.name} failed: ${failure}`);
		// Whatever it started and did not stop.
		killAllTracked();
	} finally {
		clearTimeout(timer);
	}

	const rows = workload.plan(options.sizes).map(measurement => {
		const measured = values[measurement.id];
		const note = failure === undefined ? measured?.note ?? measurement.note : `failed: ${failure}`;
		return evaluate({...measurement, ...measured, ...(note === undefined ? {} : {note})});
	});
	const profiles = profileDir === undefined
		? []
		: fs.readdirSync(profileDir).filter(name => name.endsWith('.cpuprofile')).flatMap(name => [`${workload.name}:`, ...summaryLines(path.join(profileDir, name), profileTop)]);
	return {rows, profiles};
}

/** The commit measured, `+dirty` when the tree has changes: figures move with the code. */
function revision(): string {
	try {
		const run = (args: readonly string[]): string => execFileSync('git', args, {cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim();
		return `${run(['rev-parse', '--short', 'HEAD'])}${run(['status', '--porcelain', '--untracked-files=no', '--', 'source', 'cli.tsx']) === '' ? '' : '+dirty'}`;
	} catch {
		return 'unknown revision';
	}
}

/** The kernel the figures were measured on: the same code's floods cost half as much again on one
virtual machine as on another, so the results of two machines are not one series. */
function kernel(): string {
	return `${os.type()} ${os.release()}`;
}

function describeRun(options: Options, seconds: number): string {
	const {sizes} = options;
	const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
	const shape = sizes.mode === 'full'
		? 'the issue\'s full sizes'
		: `${sizes.mode} sizes (full: 200 MB floods, 20 s idle and churn windows)`;
	const profiling = options.profileDir === undefined ? '' : ' Profiled (node --cpu-prof): CPU and time figures are inflated by the profiler.';
	// Other work on the machine moves absolute figures; the ratios to same-run baselines hold better.
	const load = `load average ${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0]!.toFixed(2)} at the end`;
	const entry = cliFile() === cliPath ? '' : ` Measuring ${cliFile()}, not dist/cli.js.`;
	const certs = extraCaCerts === undefined ? '' : ' NODE_EXTRA_CA_CERTS was set: removed from every process the bench starts (Node reads the file as it starts).';
	return `procui bench, ${sizes.mode} mode: ${shape}.${profiling}${entry}${certs} procui ${revision()}, ${new Date().toISOString()}, Node ${process.version}, ${kernel()}, ${os.cpus().length} × ${cpu}; ${seconds.toFixed(0)} s, ${load}.`;
}

async function main(): Promise<number> {
	let options: Options;
	try {
		options = parseOptions(process.argv.slice(2));
	} catch (error) {
		const message = errorText(error);
		process[message === usage ? 'stdout' : 'stderr'].write(`${message}\n`);
		return message === usage ? 0 : 2;
	}

	if (options.cli !== undefined) {
		useCli(options.cli);
	}

	// Looked up once: every workload measures the same peers.
	const peers = detectPeers();
	for (const line of peers.absent) {
		process.stdout.write(`${line}\n`);
	}

	const rows: Row[] = [];
	const profiles: string[] = [];
	for (const workload of workloads) {
		if (options.only.has(workload.name)) {
			const result = await runWorkload(workload, options, peers);
			rows.push(...result.rows);
			profiles.push(...result.profiles);
		}
	}

	const leftovers = survivors();
	if (leftovers.length > 0) {
		killAllTracked();
	}

	const header = describeRun(options, (performance.now() - began) / 1000);
	const rowNotes = notes(rows);
	const leftoverNote = leftovers.length > 0 ? [`Left running by a workload and killed at the end: ${leftovers.join(', ')}`] : [];
	const peerNotes = [...peers.found.map(tool => `${peerLabels[tool.name]}: ${tool.daemon}`), ...peers.absent];
	const allNotes = [...rowNotes, ...leftoverNote, ...peerNotes];
	process.stdout.write(`\n${header}\n\n${textTable(rows)}\n\nNotes:\n${allNotes.map(note => `- ${note}`).join('\n')}\n`);
	if (profiles.length > 0) {
		process.stdout.write(`\nDaemon CPU profiles (node --cpu-prof, in ${options.profileDir}):\n${profiles.join('\n')}\n`);
	}

	fs.mkdirSync(options.outDir, {recursive: true});
	const markdown = [
		'# procui bench results',
		'',
		header,
		'',
		markdownTable(rows),
		'',
		'Notes:',
		'',
		...allNotes.map(note => `- ${note}`),
		...(profiles.length > 0 ? ['', '## Daemon CPU profiles', '', '```', ...profiles, '```'] : []),
		'',
	].join('\n');
	fs.writeFileSync(path.join(options.outDir, 'results.md'), markdown);
	const json = {
		mode: options.sizes.mode,
		revision: revision(),
		sizes: options.sizes,
		date: new Date().toISOString(),
		node: process.version,
		kernel: kernel(),
		cpus: os.cpus().length,
		seconds: (performance.now() - began) / 1000,
		rows,
		leftovers,
		peers: {found: peers.found, absent: peers.absent},
		...(profiles.length > 0 ? {profiles} : {}),
	};
	fs.writeFileSync(path.join(options.outDir, 'results.json'), `${JSON.stringify(json, undefined, '\t')}\n`);
	progress(`wrote ${path.join(options.outDir, 'results.md')} and results.json`);
	return rows.some(row => row.outcome === 'error') || leftovers.length > 0 ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
	process.once(signal, () => {
		progress(`${signal}: killing every process the bench started`);
		killAllTracked();
		process.exit(130);
	});
}

// The last resort: an exit for any reason takes the bench's processes with it.
process.on('exit', () => {
	killAllTracked();
});

process.exitCode = await main();
