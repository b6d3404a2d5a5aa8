/** The suite's command line and the sizes of each mode. */
import path from 'node:path';
import {repoRoot} from './bench-daemon.js';

/** How big each workload is. Quick and smoke keep the full run's shape at smaller sizes. */
export type Sizes = {
	readonly mode: 'smoke' | 'quick' | 'full';
	/** W1: processes in the watcher. */
	readonly spawnCount: number;
	/** W1: idle window, seconds. */
	readonly idleSeconds: number;
	/** W2: bytes each flood writes. */
	readonly floodBytes: number;
	/** W2: floods per variant (procui PTY, procui pipe, and each baseline). */
	readonly floods: number;
	/** W3: processes restarting. */
	readonly churnCount: number;
	/** W3: window, seconds. */
	readonly churnSeconds: number;
	/** W4: sequential `status` requests on one connection. */
	readonly requests: number;
	/** W4: runs of `procui ctl status` (and as many of `node -e 0`). */
	readonly ctlRuns: number;
	/** W5: watchers of one `sleep` beside the flooding one. */
	readonly tuiWatchers: number;
	/** W5: window over which frames and CPU are counted, seconds. */
	readonly tuiSeconds: number;
	/** W5: key presses timed. */
	readonly tuiKeys: number;
	/** W5 start: watchers of one `sleep` for the first frame, idle and flood figures. */
	readonly tuiStartWatchers: number;
	/** W5 start: starts timed (procui and the bare Ink app each). */
	readonly tuiStarts: number;
	/** W5 start: idle window, seconds. */
	readonly tuiIdleSeconds: number;
	/** From every process running to the start of the idle window. */
	readonly tuiIdleSettleSeconds: number;
	/** W5 start: how long the flood runs, seconds. */
	readonly tuiFloodSeconds: number;
	/** W5 start: from the flood's end to the RSS reading, seconds. */
	readonly tuiSettleSeconds: number;
};

export const sizes: Readonly<Record<Sizes['mode'], Sizes>> = {
	smoke: {mode: 'smoke', spawnCount: 5, idleSeconds: 0.5, floodBytes: 1_000_000, floods: 1, churnCount: 10, churnSeconds: 1, requests: 20, ctlRuns: 2, tuiWatchers: 10, tuiSeconds: 1, tuiKeys: 2, tuiStartWatchers: 10, tuiStarts: 1, tuiIdleSeconds: 1, tuiIdleSettleSeconds: 1, tuiFloodSeconds: 1, tuiSettleSeconds: 1},
	quick: {mode: 'quick', spawnCount: 100, idleSeconds: 10, floodBytes: 100_000_000, floods: 3, churnCount: 10, churnSeconds: 10, requests: 1000, ctlRuns: 50, tuiWatchers: 100, tuiSeconds: 5, tuiKeys: 15, tuiStartWatchers: 62, tuiStarts: 3, tuiIdleSeconds: 20, tuiIdleSettleSeconds: 60, tuiFloodSeconds: 15, tuiSettleSeconds: 10},
	full: {mode: 'full', spawnCount: 100, idleSeconds: 20, floodBytes: 200_000_000, floods: 3, churnCount: 10, churnSeconds: 20, requests: 1000, ctlRuns: 50, tuiWatchers: 100, tuiSeconds: 20, tuiKeys: 40, tuiStartWatchers: 62, tuiStarts: 5, tuiIdleSeconds: 60, tuiIdleSettleSeconds: 60, tuiFloodSeconds: 15, tuiSettleSeconds: 15},
};

export type Options = {
	readonly sizes: Sizes;
	/** Where results.md and results.json go. */
	readonly outDir: string;
	/** Profile each daemon with `node --cpu-prof` into this folder, and summarise. */
	readonly profileDir?: string;
	/** Workloads to run (`w1`...`w5`); all by default. */
	readonly only: ReadonlySet<string>;
	/** Another procui entry point to measure instead of dist/cli.js. */
	readonly cli?: string;
};

export const usage = `Usage: npm run bench [-- OPTIONS]

  (no option)     quick mode: ~2 minutes, 100 MB floods and 10 s windows
  --full          the issue's sizes: 200 MB floods, 20 s windows
  --smoke         tiny sizes, for the test suite (figures meaningless)
  --out DIR       write results.md and results.json into DIR (default test/bench/results)
  --profile DIR   run each daemon under node --cpu-prof into DIR and summarise its top functions
  --only w1,w3    run only these workloads
  --cli FILE      measure FILE (taking procui's arguments) instead of dist/cli.js: an A/B of a change

W1–W4 also measure supervisord (supervisord and supervisorctl on PATH) and PM2 (PROCUI_BENCH_PM2,
else pm2 on PATH) when installed, as two more columns; sh test/bench/install-peers.sh installs them.`;

export function parseOptions(argv: readonly string[]): Options {
	let mode: Sizes['mode'] = 'quick';
	let outDir = path.join(repoRoot, 'test', 'bench', 'results');
	let profileDir: string | undefined;
	let cli: string | undefined;
	let only = new Set(['w1', 'w2', 'w3', 'w4', 'w5']);
	for (let index = 0; index < argv.length; index++) {
		const argument = argv[index]!;
		const value = (): string => {
			const next = argv[++index];
			if (next === undefined || next.startsWith('--')) {
				throw new Error(`${argument} needs a value\n\n${usage}`);
			}

			return next;
		};

		switch (argument) {
			case '--full':
			case '--smoke':
			case '--quick': {
				mode = argument.slice(2) as Sizes['mode'];
				break;
			}

			case '--out': {
				outDir = path.resolve(value());
				break;
			}

			case '--profile': {
				profileDir = path.resolve(value());
				break;
			}

			case '--cli': {
				cli = path.resolve(value());
				break;
			}

			case '--only': {
				const text = value();
				only = new Set(text.split(',').map(name => name.trim().toLowerCase()));
				const unknown = [...only].filter(name => !/^w[1-5]$/.test(name));
				if (unknown.length > 0) {
					throw new Error(`--only: unknown workload ${unknown.join(', ')} (known: w1, w2, w3, w4, w5)`);
				}

				break;
			}

			case '--help':
			case '-h': {
				throw new Error(usage);
			}

			default: {
				throw new Error(`unknown option \`${argument}\`\n\n${usage}`);
			}
		}
	}

	return {sizes: sizes[mode], outDir, ...(profileDir === undefined ? {} : {profileDir}), ...(cli === undefined ? {} : {cli}), only};
}
