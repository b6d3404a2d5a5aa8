import type {MemoryBound, PluginConfig} from '../../config/types.js';
import {lookingAfter, okField, type PluginContext, type RunningPlugin} from './plugin.js';
import {statsdClient} from './statsd-emitter.js';

type ResourceWatcherConfig = Extract<PluginConfig, {kind: 'resource_watcher'}>;
type ProcessStats = {readonly cpu: number; readonly mem: number; readonly rss: number};

/** The watcher's processes summed up as Circus's `_collect_data` does. */
type Sample = {
	readonly maxCpu: number;
	readonly minCpu: number;
	readonly maxMem: number;
	readonly minMem: number;
	readonly maxRss: number;
	readonly minRss: number;
};

const counters = ['over_cpu', 'under_cpu', 'over_memory', 'under_memory', 'over_health'] as const;
type Counter = typeof counters[number];

/**
Circus's ResourceWatcher (circus/plugins/resource_watcher.py): every `loop_rate` seconds it reads
`stats` of its watcher; each rule broken (max/min CPU, max/min memory, the health threshold on the
mean of CPU and memory) counts up, a rule kept resets its count, and once any count exceeds
`max_count` the watcher is restarted and the counts start again. Each breach is also a statsd
counter `_resource_watcher.<w>.<rule>`. Unlike Circus, a watcher with no process running is not
judged (Circus counts it as 0 % CPU, so `min_cpu` would restart a stopped watcher).
*/
export function startResourceWatcher(plugin: ResourceWatcherConfig, context: PluginContext): RunningPlugin {
	const statsd = statsdClient(plugin.statsd);
	const counts = new Map<Counter, number>(counters.map(counter => [counter, 0]));
	return lookingAfter(plugin, context, async () => {
		const info = okField<Record<string, ProcessStats>>(await context.client.call('stats', {name: plugin.watcher}), 'info');
		if (info === undefined) {
			statsd.increment(`_resource_watcher.${plugin.watcher}.error`);
			return;
		}

		const rows = Object.values(info);
		if (rows.length === 0) {
			return;
		}

		const broken = brokenRules(plugin, summarize(rows));
		for (const counter of counters) {
			if (broken.has(counter)) {
				statsd.increment(`_resource_watcher.${plugin.watcher}.${counter}`);
				counts.set(counter, counts.get(counter)! + 1);
			} else {
				counts.set(counter, 0);
			}
		}

		if (Math.max(...counts.values()) > plugin.maxCount) {
			const rules = counters.filter(counter => counts.get(counter)! > plugin.maxCount);
			context.log('warning', `plugin ${plugin.name}: ${plugin.watcher} broke ${rules.join(', ')} ${plugin.maxCount + 1} times in a row; restarting it`);
			statsd.increment(`_resource_watcher.${plugin.watcher}.restarting`);
			for (const counter of counters) {
				counts.set(counter, 0);
			}

			await context.client.call('restart', {name: plugin.watcher, waiting: false});
		}
	}, () => {
		statsd.close();
	});
}

function summarize(rows: readonly ProcessStats[]): Sample {
	return {
		maxCpu: Math.max(...rows.map(row => row.cpu)),
		minCpu: Math.min(...rows.map(row => row.cpu)),
		maxMem: Math.max(...rows.map(row => row.mem)),
		minMem: Math.min(...rows.map(row => row.mem)),
		maxRss: Math.max(...rows.map(row => row.rss)),
		minRss: Math.min(...rows.map(row => row.rss)),
	};
}

/** Circus's `_process_index` rules, with its comparisons (`>` for max, `<=` for min_cpu, `<` for min_mem). */
export function brokenRules(plugin: ResourceWatcherConfig, sample: Sample): Set<Counter> {
	const broken = new Set<Counter>();
	if (plugin.maxCpu > 0 && sample.maxCpu > plugin.maxCpu) {
		broken.add('over_cpu');
	}

	if (plugin.minCpu !== undefined && sample.minCpu <= plugin.minCpu) {
		broken.add('under_cpu');
	}

	if (exceeds(plugin.maxMem, sample.maxMem, sample.maxRss)) {
		broken.add('over_memory');
	}

	if (plugin.minMem !== undefined && below(plugin.minMem, sample.minMem, sample.minRss)) {
		broken.add('under_memory');
	}

	if (plugin.healthThreshold > 0 && (sample.maxCpu + sample.maxMem) / 2 > plugin.healthThreshold) {
		broken.add('over_health');
	}

	return broken;
}

function exceeds(bound: MemoryBound, percent: number, bytes: number): boolean {
	return 'percent' in bound ? percent > bound.percent : bytes > bound.bytes;
}

function below(bound: MemoryBound, percent: number, bytes: number): boolean {
	return 'percent' in bound ? percent < bound.percent : bytes < bound.bytes;
}
