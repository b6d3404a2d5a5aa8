import type {PluginConfig} from '../../config/types.js';
import {startCommandReloader} from './command-reloader.js';
import type {PluginContext, RunningPlugin} from './plugin.js';
import {startResourceWatcher} from './resource-watcher.js';
import {startFullStats, startStatsdEmitter} from './statsd-emitter.js';
import {startWatchDog} from './watchdog.js';

/**
Start the configured plugins. Each is a client of the supervisor, as in Circus: it reads with
commands (`list`, `stats`, `options`) and acts with commands (`restart`, `kill`), so it goes
through the scheduler like any user. A plugin that cannot start (its UDP port is taken) is
reported and left out; the others run.
*/
export async function startPlugins(plugins: readonly PluginConfig[], context: PluginContext): Promise<RunningPlugin[]> {
	const running: RunningPlugin[] = [];
	for (const plugin of plugins) {
		try {
			running.push(await startPlugin(plugin, context));
			context.log('debug', `plugin ${plugin.name} (${plugin.kind}) started`);
		} catch (error) {
			context.log('error', `plugin ${plugin.name} (${plugin.kind}) cannot start: ${error instanceof Error ? error.message : String(error)}`);
		}
	}

	return running;
}

async function startPlugin(plugin: PluginConfig, context: PluginContext): Promise<RunningPlugin> {
	switch (plugin.kind) {
		case 'watchdog':
			return startWatchDog(plugin, context);
		case 'resource_watcher':
			return startResourceWatcher(plugin, context);
		case 'command_reloader':
			return startCommandReloader(plugin, context);
		case 'statsd':
			return startStatsdEmitter(plugin, context);
		case 'full_stats':
			return startFullStats(plugin, context);
	}
}
