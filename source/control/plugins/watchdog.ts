import dgram from 'node:dgram';
import net from 'node:net';
import type {PluginConfig} from '../../config/types.js';
import {lookingAfter, okField, type PluginContext, type RunningPlugin} from './plugin.js';

type WatchDogConfig = Extract<PluginConfig, {kind: 'watchdog'}>;

/**
Circus's WatchDog (circus/plugins/watchdog.py): processes of the watchers that `watchers_regex`
matches send UDP heartbeats (`PID;TIMESTAMP` by default, as `msg_regex` says) to `ip:port`; a
process silent for `loop_rate × max_count` seconds is killed with the `kill` command (its
`watchers_stop_signal` and `watchers_graceful_timeout`, else the watcher's own), and the watcher
replaces it. Both regular expressions match from the start, as Python's `re.match`.
*/
export async function startWatchDog(plugin: WatchDogConfig, context: PluginContext): Promise<RunningPlugin> {
	const watchers = anchored(plugin.watchersRegex);
	const message = anchored(plugin.msgRegex);
	const monitored = new Map<number, {watcher: string; lastActivity: number}>();
	const monitor = (watcher: string, pid: number) => {
		if (watchers.test(watcher)) {
			monitored.set(pid, {watcher, lastActivity: Date.now()});
		}
	};

	const socket = dgram.createSocket(net.isIPv6(plugin.ip) ? 'udp6' : 'udp4');
	socket.on('message', (data) => {
		const pid = Number(message.exec(data.toString('utf8').trim())?.groups?.pid);
		const entry = monitored.get(pid);
		if (entry === undefined) {
			context.log('debug', `plugin ${plugin.name}: heartbeat from a process it does not watch: ${JSON.stringify(data.toString('utf8').slice(0, 80))}`);
			return;
		}

		entry.lastActivity = Date.now();
	});
	await new Promise<void>((resolve, reject) => {
		socket.once('error', reject);
		socket.bind(plugin.port, plugin.ip, () => {
			socket.off('error', reject);
			resolve();
		});
	});
	socket.on('error', (error) => {
		context.log('warning', `plugin ${plugin.name}: ${error.message}`);
	});
	context.log('info', `plugin ${plugin.name}: listening for heartbeats on udp://${plugin.ip}:${plugin.port}`);

	const subscription = await context.client.subscribe(['watcher'], (event) => {
		const [, watcher, action] = event.event.split('.');
		const pid = Number((event.data as {process_pid?: unknown} | undefined)?.process_pid);
		if (watcher === undefined || !Number.isInteger(pid)) {
			return;
		}

		if (action === 'spawn') {
			monitor(watcher, pid);
		} else if (action === 'reap') {
			monitored.delete(pid);
		}
	});
	// The processes already running when the plugin starts (Circus's `_discover_monitored_pids`).
	for (const watcher of okField<string[]>(await context.client.call('list'), 'watchers') ?? []) {
		for (const pid of okField<number[]>(await context.client.call('list', {name: watcher}), 'pids') ?? []) {
			if (!monitored.has(pid)) {
				monitor(watcher, pid);
			}
		}
	}

	return lookingAfter(plugin, context, async () => {
		const tooOld = Date.now() - plugin.loopRate * plugin.maxCount * 1000;
		for (const [pid, entry] of monitored) {
			if (entry.lastActivity >= tooOld) {
				continue;
			}

			context.log('warning', `plugin ${plugin.name}: ${entry.watcher} process ${pid} sent no heartbeat for ${plugin.loopRate * plugin.maxCount} s; killing it`);
			monitored.delete(pid);
			void context.client.call('kill', {
				name: entry.watcher,
				pid,
				...(plugin.stopSignal === undefined ? {} : {signum: plugin.stopSignal}),
				...(plugin.gracefulTimeout === undefined ? {} : {graceful_timeout: plugin.gracefulTimeout}),
				waiting: false,
			});
		}
	}, () => {
		void subscription.unsubscribe();
		socket.close();
	});
}

function anchored(pattern: RegExp): RegExp {
	return new RegExp(`^(?:${pattern.source})`, pattern.flags);
}
