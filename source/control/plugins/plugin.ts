import type {SupervisorClient} from '../supervisor-client.js';

/** What a plugin runs with: a client of the supervisor, as Circus's plugins are, and the log. */
export type PluginContext = {
	readonly client: SupervisorClient;
	readonly log: (level: 'debug' | 'info' | 'warning' | 'error', message: string) => void;
};

/** A running plugin; `stop()` ends its timers and sockets. */
export type RunningPlugin = {
	stop(): void;
};

/**
Run `lookAfter` every `seconds`, never two at once (a slow look is not stacked on by the next),
the way Circus's AsyncPeriodicCallback drives `look_after`.
*/
function everySeconds(seconds: number, lookAfter: () => Promise<void>, onError: (error: unknown) => void): () => void {
	let busy = false;
	const timer = setInterval(() => {
		if (busy) {
			return;
		}

		busy = true;
		lookAfter().catch(onError).finally(() => {
			busy = false;
		});
	}, seconds * 1000);
	timer.unref();
	return () => {
		clearInterval(timer);
	};
}

/**
A plugin that looks after something every `loopRate` seconds (Circus's `look_after`): a failed look
is logged and the next one comes; `stop()` ends the timer, then `onStop` closes what the plugin holds.
*/
export function lookingAfter(plugin: {readonly name: string; readonly loopRate: number}, context: PluginContext, lookAfter: () => Promise<void>, onStop: () => void = () => undefined): RunningPlugin {
	const stop = everySeconds(plugin.loopRate, lookAfter, (error) => {
		context.log('warning', `plugin ${plugin.name}: ${String(error)}`);
	});
	return {
		stop() {
			stop();
			onStop();
		},
	};
}

/** A reply's field, or undefined when the reply is an error. */
export function okField<T>(reply: Record<string, unknown>, name: string): T | undefined {
	return reply.status === 'error' ? undefined : reply[name] as T;
}
