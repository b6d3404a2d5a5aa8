/**
The top self-time functions of a V8 `.cpuprofile` (`node --cpu-prof`): where a daemon's CPU went.
Also a command: `node dist/test/bench/profile-summary.js FILE.cpuprofile [COUNT] [FROM_SECONDS]`
(FROM_SECONDS skips the start: an idle daemon's profile without its start-up).
*/
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

type CallFrame = {
	readonly functionName: string;
	readonly url: string;
	/** 0-based. */
	readonly lineNumber: number;
};

type ProfileNode = {
	readonly id: number;
	readonly callFrame: CallFrame;
};

type CpuProfile = {
	readonly nodes: readonly ProfileNode[];
	readonly samples: readonly number[];
	/** Microseconds before each sample. */
	readonly timeDeltas: readonly number[];
};

export type HotFunction = {
	/** `name (file:line)`, or V8's `(garbage collector)`, `(program)`, `(idle)`. */
	readonly name: string;
	readonly selfMs: number;
	/** Percent of the busy (non-idle) time. */
	readonly percent: number;
};

/** Where a function is: the path from node_modules or the repository on, not the whole URL. */
function shortUrl(url: string): string {
	const clean = url.replace(/^file:\/\//, '');
	const modules = clean.lastIndexOf('node_modules/');
	if (modules !== -1) {
		return clean.slice(modules + 'node_modules/'.length);
	}

	const dist = clean.lastIndexOf('/dist/');
	return dist === -1 ? clean : clean.slice(dist + 1);
}

function describe(frame: CallFrame): string {
	const name = frame.functionName || '(anonymous)';
	return frame.url === '' ? name : `${name} (${shortUrl(frame.url)}:${frame.lineNumber + 1})`;
}

/** Self time per function, largest first; also the busy total. Only samples from `fromMs` after the profile's start count. */
export function hotFunctions(profile: CpuProfile, count: number, fromMs = 0): {busyMs: number; functions: HotFunction[]} {
	const byNode = new Map(profile.nodes.map(node => [node.id, describe(node.callFrame)]));
	const selfMs = new Map<string, number>();
	let elapsedMs = 0;
	// timeDeltas[i] is the time since the previous sample: charge it to the sample it ends.
	for (const [index, id] of profile.samples.entries()) {
		const deltaMs = (profile.timeDeltas[index] ?? 0) / 1000;
		elapsedMs += deltaMs;
		if (elapsedMs >= fromMs) {
			const name = byNode.get(id) ?? '(unknown)';
			selfMs.set(name, (selfMs.get(name) ?? 0) + deltaMs);
		}
	}

	const busyMs = [...selfMs].filter(([name]) => name !== '(idle)').reduce((total, [, ms]) => total + ms, 0);
	const functions = [...selfMs]
		.filter(([name]) => name !== '(idle)')
		.sort((a, b) => b[1] - a[1])
		.slice(0, count)
		.map(([name, ms]) => ({name, selfMs: ms, percent: busyMs === 0 ? 0 : (ms / busyMs) * 100}));
	return {busyMs, functions};
}

export function readProfile(file: string): CpuProfile {
	return JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
}

/** The summary as text lines. */
export function summaryLines(file: string, count: number, fromMs = 0): string[] {
	const {busyMs, functions} = hotFunctions(readProfile(file), count, fromMs);
	const window = fromMs > 0 ? ` from ${fromMs / 1000} s on` : '';
	return [
		`${path.basename(file)}: ${(busyMs / 1000).toFixed(2)} s busy${window} (idle excluded); top ${functions.length} by self time:`,
		...functions.map(hot => `  ${hot.selfMs.toFixed(0).padStart(7)} ms  ${hot.percent.toFixed(1).padStart(5)} %  ${hot.name}`),
	];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const [file, count, from] = process.argv.slice(2);
	if (!file) {
		process.stderr.write('usage: profile-summary.js FILE.cpuprofile [COUNT] [FROM_SECONDS]\n');
		process.exit(2);
	}

	process.stdout.write(`${summaryLines(file, Number(count ?? 20), Number(from ?? 0) * 1000).join('\n')}\n`);
}
