import type {PluginConfig, StatsdTarget} from '../../config/types.js';
import {StatsdClient} from '../../io/statsd.js';
import type {EventMessage} from '../protocol.js';
import {lookingAfter, okField, type PluginContext, type RunningPlugin} from './plugin.js';

export function statsdClient(target: StatsdTarget): StatsdClient {
	return new StatsdClient({host: target.host, port: target.port, prefix: `circus.${target.applicationName}.watcher`, sampleRate: target.sampleRate});
}

/**
Circus's StatsdEmitter: every watcher event becomes the counter
`circus.<application_name>.watcher.<watcher>.<event>` (`spawn`, `reap`, `kill`, `start`, `stop`, ...).
*/
export async function startStatsdEmitter(plugin: Extract<PluginConfig, {kind: 'statsd'}>, context: PluginContext): Promise<RunningPlugin> {
	const statsd = statsdClient(plugin.statsd);
	const subscription = await context.client.subscribe(['watcher'], (event: EventMessage) => {
		const [, watcher, action] = event.event.split('.');
		if (watcher !== undefined && action !== undefined) {
			statsd.increment(`${watcher}.${action}`);
		}
	});
	return {
		stop() {
			void subscription.unsubscribe();
			statsd.close();
		},
	};
}

type ProcessStats = {readonly cpu: number; readonly mem: number; readonly rss: number};

/**
Circus's FullStats: every `loop_rate` seconds, per watcher, gauges `_stats.<w>.watchers_num`,
`cpu_max`, `cpu_sum`, `mem_pct_max`, `mem_pct_sum`, `mem_max`, `mem_sum` (bytes).
*/
export function startFullStats(plugin: Extract<PluginConfig, {kind: 'full_stats'}>, context: PluginContext): RunningPlugin {
	const statsd = statsdClient(plugin.statsd);
	return lookingAfter(plugin, context, async () => {
		const infos = okField<Record<string, Record<string, ProcessStats>>>(await context.client.call('stats'), 'infos');
		if (infos === undefined) {
			statsd.increment('_stats.error');
			return;
		}

		for (const [name, processes] of Object.entries(infos)) {
			const rows = Object.values(processes);
			statsd.gauge(`_stats.${name}.watchers_num`, rows.length);
			if (rows.length === 0) {
				continue;
			}

			statsd.gauge(`_stats.${name}.cpu_max`, Math.max(...rows.map(row => row.cpu)));
			statsd.gauge(`_stats.${name}.cpu_sum`, rows.reduce((sum, row) => sum + row.cpu, 0));
			statsd.gauge(`_stats.${name}.mem_pct_max`, Math.max(...rows.map(row => row.mem)));
			statsd.gauge(`_stats.${name}.mem_pct_sum`, rows.reduce((sum, row) => sum + row.mem, 0));
			statsd.gauge(`_stats.${name}.mem_max`, Math.max(...rows.map(row => row.rss)));
			statsd.gauge(`_stats.${name}.mem_sum`, rows.reduce((sum, row) => sum + row.rss, 0));
		}
	}, () => {
		statsd.close();
	});
}
