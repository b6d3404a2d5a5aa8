import type {HookName, WatcherConfig} from '../config/types.js';
import {defaultHookTimeout} from '../config/hook-options.js';
import {runHook} from '../io/hook-runner.js';
import type {WatcherContext} from './context.js';
import {watcherEnv} from './spawn-plan.js';

/** What a hook run says to its caller. */
type HookOutcome = {
	/** True when the action may go on: the hook passed, is not configured, or its failure is ignored. */
	readonly proceed: boolean;
	/** The failure, for a reply or a log line. */
	readonly reason?: string;
};

/**
Run a watcher's hook off the scheduler (Circus calls its Python callable in the event loop; procui
runs a program, which may take seconds). The program gets the watcher's environment plus
PROCUI_HOOK, PROCUI_WATCHER and, where Circus passes them, PROCUI_PID, PROCUI_SIGNAL,
PROCUI_EXIT_CODE. Each run is published as `hook_success` or `hook_failure`, as in Circus.
Resolves at once with `proceed` when no such hook is configured.
*/
export async function callHook(config: WatcherConfig, name: HookName, ctx: Pick<WatcherContext, 'emit' | 'log' | 'environ'>, extra: Readonly<Record<string, string>> = {}): Promise<HookOutcome> {
	const hook = config.hooks?.[name];
	if (hook === undefined) {
		return {proceed: true};
	}

	const env = {...watcherEnv(config, {wid: Number(extra.PROCUI_WID ?? 0), sockets: {}}, ctx.environ), PROCUI_HOOK: name, PROCUI_WATCHER: config.name, ...extra};
	const result = await runHook(hook.command, {env, cwd: config.workingDir, timeoutMs: (config.hookTimeout ?? defaultHookTimeout) * 1000});
	if (result.ok) {
		ctx.emit(`watcher.${config.name}.hook_success`, {name});
		ctx.log('debug', `${config.name}: ${name} hook passed`);
		return {proceed: true};
	}

	const reason = `${name} hook failed (${result.reason ?? 'no reason'})`;
	ctx.emit(`watcher.${config.name}.hook_failure`, {name, error: result.reason ?? ''});
	ctx.log(hook.ignoreFailure ? 'warning' : 'error', `${config.name}: ${reason}${hook.ignoreFailure ? '; ignored' : ''}`);
	return hook.ignoreFailure ? {proceed: true, reason} : {proceed: false, reason};
}
