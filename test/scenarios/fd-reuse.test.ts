import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {startDaemon, tempDir, waitFor, type Daemon} from '../helpers/daemon.js';
import {dstats, type DaemonStats} from './helpers.js';
import {stressMs} from '../helpers/stress.js';

/** Scenario D's length, as the issue asks. */
const runMs = stressMs(30_000);

let daemon: Daemon | undefined;
let dir: string | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
	if (dir) {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

/** A process that exits at once while a grandchild keeps its output open for a while. */
function watcher(name: string, folder: string, pty: boolean): string {
	return `
[watcher:${name}]
cmd = sh -c 'echo "${name} $$"; sleep 1.5 & sleep 0.05; exit 1'
working_dir = ${folder}/${name}-cwd
pty = ${pty}
check_flapping = false
procui.backoff = false
max_retry = -1
autostart = false
stdout_stream.class = FileStream
stdout_stream.filename = ${folder}/${name}.log
`;
}

describe('fd reuse (Circus BUG-4)', () => {
	it('Scenario D: two watchers respawning constantly while grandchildren hold their output, with spawn failures mixed in', async () => {
		dir = tempDir('procui-fd-reuse-');
		for (const name of ['alpha', 'beta']) {
			fs.mkdirSync(path.join(dir, `${name}-cwd`));
		}

		// alpha in a PTY (one descriptor per process), beta with pipes (two).
		daemon = await startDaemon(`[circus]\ncheck_delay = 0.05\n${watcher('alpha', dir, true)}${watcher('beta', dir, false)}`);
		const baseline = (await dstats(daemon)).open_fds;
		const spawns: Record<string, number[]> = {alpha: [], beta: []};
		const failures: Record<string, number> = {alpha: 0, beta: 0};
		await daemon.client.subscribe(['watcher.alpha.', 'watcher.beta.'], (event) => {
			const name = event.event.split('.')[1]!;
			if (event.event.endsWith('.spawn')) {
				spawns[name]!.push(Number(event.data.process_pid));
			} else if (event.event.endsWith('.spawn_failed')) {
				failures[name]!++;
			}
		});
		await daemon.ok('start', {name: 'alpha'});
		await daemon.ok('start', {name: 'beta'});

		// Spawn failures: each working_dir disappears for 300 ms of every second.
		let toggling = true;
		const toggler = (async () => {
			for (let round = 0; toggling; round++) {
				const name = round % 2 === 0 ? 'alpha' : 'beta';
				const folder = path.join(dir!, `${name}-cwd`);
				fs.renameSync(folder, `${folder}.away`);
				await new Promise((resolve) => setTimeout(resolve, 300));
				fs.renameSync(`${folder}.away`, folder);
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
		})();

		// Sample the registry: each fd number's owners over time, and the file sizes.
		const owners = new Map<number, Set<string>>();
		const samples: DaemonStats[] = [];
		const sizes: Array<Record<string, number>> = [];
		const started = Date.now();
		let nextSize = started;
		while (Date.now() - started < runMs) {
			const stats = await dstats(daemon);
			samples.push(stats);
			for (const source of stats.sources) {
				for (const fd of source.fds) {
					let seen = owners.get(fd);
					if (!seen) {
						seen = new Set();
						owners.set(fd, seen);
					}

					seen.add(source.owner);
				}
			}

			if (Date.now() >= nextSize) {
				nextSize += 5000;
				sizes.push(Object.fromEntries(['alpha', 'beta'].map((name) => [name, fs.statSync(path.join(dir!, `${name}.log`), {throwIfNoEntry: false})?.size ?? 0])));
			}

			await new Promise((resolve) => setTimeout(resolve, 100));
		}

		toggling = false;
		await toggler;
		const spawnedBeforeStop = {alpha: [...spawns.alpha], beta: [...spawns.beta]};
		// Both still running processes once the faults stop: Circus sat at `active` with 0 processes
		// here. Each watcher spawns again (one process each, so every process spawned before has exited,
		// its line written).
		const spawnedAfter = (name: 'alpha' | 'beta'): number => spawns[name]!.length - spawnedBeforeStop[name].length;
		await waitFor(() => spawnedAfter('alpha') > 0 && spawnedAfter('beta') > 0, {what: 'both watchers to spawn again after the faults'});
		const running = {alpha: spawnedAfter('alpha'), beta: spawnedAfter('beta')};
		const statuses = [(await daemon.ok('status', {name: 'alpha'})).status, (await daemon.ok('status', {name: 'beta'})).status];
		await daemon.ok('stop', {name: 'alpha'});
		await daemon.ok('stop', {name: 'beta'});

		const reused = [...owners.entries()].filter(([, seen]) => seen.size > 1);
		const acrossWatchers = reused.filter(([, seen]) => ['alpha/', 'beta/'].every((prefix) => [...seen].some((owner) => owner.startsWith(prefix))));
		const maxLingering = Math.max(...samples.map((stats) => stats.output_sources));
		const summary = {
			spawns: {alpha: spawns.alpha.length, beta: spawns.beta.length},
			spawnFailures: failures,
			spawnsAfterTheFaults: running,
			fdNumbersSeen: owners.size,
			fdNumbersReused: reused.length,
			reusedAcrossWatchers: acrossWatchers.length,
			mostOwnersOfOneFd: Math.max(...reused.map(([, seen]) => seen.size)),
			maxLiveSources: maxLingering,
			baselineFds: baseline,
			samples: samples.length,
		};
		console.log(`Scenario D: ${JSON.stringify(summary)}`);

		// The situation happened: descriptor numbers were used again and again, across the two
		// watchers, while sources lingered; spawns failed now and then.
		expect(reused.length).toBeGreaterThan(5);
		expect(acrossWatchers.length).toBeGreaterThan(0);
		expect(maxLingering).toBeGreaterThan(4);
		expect(failures.alpha + failures.beta).toBeGreaterThan(5);
		// The registry never held one descriptor twice, and never a source without its process.
		for (const stats of samples) {
			const fds = stats.sources.flatMap((source) => source.fds);
			expect(new Set(fds).size).toBe(fds.length);
			expect(stats.output_sources).toBe(stats.sources.length);
			expect(stats.output_sources).toBeLessThanOrEqual(stats.processes);
		}

		// Both watchers kept going to the end, and their output kept arriving in their files.
		expect(statuses).toEqual(['active', 'active']);
		expect(running.alpha).toBeGreaterThan(0);
		expect(running.beta).toBeGreaterThan(0);
		for (let index = 1; index < sizes.length; index++) {
			expect(sizes[index]!.alpha).toBeGreaterThan(sizes[index - 1]!.alpha!);
			expect(sizes[index]!.beta).toBeGreaterThan(sizes[index - 1]!.beta!);
		}

		// Every process's line is in its watcher's file: each of those spawned before the faults
		// stopped has exited (a later one ran), and the stop drained their output.
		for (const name of ['alpha', 'beta'] as const) {
			let missing: number[] = [];
			await waitFor(() => {
				const text = fs.readFileSync(path.join(dir!, `${name}.log`), 'utf8');
				missing = spawnedBeforeStop[name].filter((pid) => !text.includes(`${name} ${pid}\n`));
				return missing.length === 0;
			}, {what: `every ${name} line in ${name}.log`}).catch(() => undefined);
			expect(missing).toEqual([]);
		}

		// After the stop: the registry is empty and the descriptors are back where they started.
		const after = await waitFor(async () => {
			const stats = await dstats(daemon!);
			return stats.open_fds === baseline && stats.output_sources === 0 && stats.processes === 0 ? stats : undefined;
		}, {what: `open fds back to ${baseline} and no output source left`, timeoutMs: 10_000});
		expect(after.sources).toEqual([]);
		await daemon.flushLog();
		expect(daemon.stderr()).not.toMatch(/internal error|added twice/);
	}, runMs + 60_000);
});
