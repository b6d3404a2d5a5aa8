import path from 'node:path';
import {BaseSequencer, type TestSpecification} from 'vitest/node';

/**
Seconds the longest test files take on two cores (`vitest run --reporter=json`, Node 20). With two
workers the suite's wall time is at least its longest file, and a long file that starts last adds
its whole length at the end: vitest's own order runs the longest first only once its cache holds
durations, and a fresh clone (CI) has none, so it ordered by file size and the stress tests often
started last. Files not listed take vitest's cached duration when there is one, else a second.
*/
const knownSeconds: Readonly<Record<string, number>> = {
	'test/scenarios/stop-start-tick.test.ts': 64,
	'test/scenarios/chaos.test.ts': 63,
	'test/bench/bench.smoke.test.ts': 52,
	'test/scenarios/fd-reuse.test.ts': 31,
	'test/integration/output.test.ts': 23,
	'test/e2e/tui-interactive.test.ts': 21,
	'test/integration/hammer.test.ts': 20,
	'test/scenarios/on-demand.test.ts': 19,
	'test/integration/metrics.test.ts': 15,
	'test/ui/text-width.test.ts': 14,
	'test/scenarios/startup.test.ts': 12,
	'test/e2e/tui.test.ts': 11,
	'test/control/tcp-flood.test.ts': 10,
	'test/scenarios/signal-storm.test.ts': 10,
	'test/cli/args.test.ts': 8,
	'test/ui/terminal-feed.test.ts': 8,
	'test/e2e/tui-screen.test.ts': 8,
	'test/integration/lifecycle.test.ts': 7,
	'test/e2e/ssh-remote.test.ts': 7,
	'test/e2e/tui-mouse.test.ts': 7,
	'test/integration/config-lane.test.ts': 6,
};

/** Longest first: by the cache's last duration where vitest has one, else by `knownSeconds`. */
export default class LongestFirst extends BaseSequencer {
	override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
		const root = this.ctx.config.root;
		const seconds = (file: TestSpecification): number => {
			const relative = path.relative(root, file.moduleId);
			const cached = this.ctx.cache.getFileTestResults(`${file.project.name}:${relative}`);
			return cached ? cached.duration / 1000 : knownSeconds[relative] ?? 1;
		};

		const ordered = await super.sort(files);
		const weight = new Map(ordered.map((file) => [file, seconds(file)]));
		// A stable sort: equal weights keep vitest's own order.
		return ordered.sort((a, b) => weight.get(b)! - weight.get(a)!);
	}
}
