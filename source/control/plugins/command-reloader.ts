import fs from 'node:fs';
import path from 'node:path';
import type {PluginConfig} from '../../config/types.js';
import {shlexSplit} from '../shell-words.js';
import {lookingAfter, okField, type PluginContext, type RunningPlugin} from './plugin.js';

type Seen = ReadonlyMap<string, {readonly real: string; readonly mtimeMs: number}>;

/**
Circus's CommandReloader (circus/plugins/command_reloader.py): every `loop_rate` seconds, each
watcher whose command file changed (another modification time, or the path now resolves to
another file, as when a symlink is switched to a new release) is restarted. Circus stats `cmd`
as one path; procui stats the program (`executable`, else the first word of `cmd`, found on PATH
as the spawn finds it) and its first argument when that is a file, so `python app.py` reloads
when app.py changes.
*/
export function startCommandReloader(plugin: Extract<PluginConfig, {kind: 'command_reloader'}>, context: PluginContext): RunningPlugin {
	const seen = new Map<string, Seen>();
	return lookingAfter(plugin, context, async () => {
		const watchers = okField<string[]>(await context.client.call('list'), 'watchers') ?? [];
		for (const name of [...seen.keys()].filter(name => !watchers.includes(name))) {
			seen.delete(name);
		}

		for (const name of watchers) {
			const options = okField<Record<string, unknown>>(await context.client.call('options', {name}), 'options');
			if (options === undefined) {
				continue;
			}

			const now = commandFiles(options);
			const before = seen.get(name);
			seen.set(name, now);
			for (const file of [...now.keys()].filter(file => !before?.has(file))) {
				context.log('debug', `plugin ${plugin.name}: restarts ${name} when ${file} changes`);
			}

			const changed = before === undefined ? [] : [...now].filter(([file, stat]) => {
				const old = before.get(file);
				return old !== undefined && (old.real !== stat.real || old.mtimeMs !== stat.mtimeMs);
			});
			if (changed.length > 0) {
				context.log('info', `plugin ${plugin.name}: ${changed.map(([file]) => file).join(', ')} changed; restarting ${name}`);
				await context.client.call('restart', {name, waiting: false});
			}
		}
	});
}

/** The files a watcher's command runs, with what they resolve to and when they changed. */
function commandFiles(options: Readonly<Record<string, unknown>>): Seen {
	const workingDir = typeof options.working_dir === 'string' && options.working_dir !== '' ? path.resolve(options.working_dir) : process.cwd();
	let words: string[];
	try {
		words = shlexSplit(String(options.cmd ?? ''));
	} catch {
		return new Map();
	}

	const program = typeof options.executable === 'string' && options.executable !== '' ? options.executable : words[0];
	const candidates = [program === undefined ? undefined : onPath(program, workingDir), words[1] === undefined ? undefined : path.resolve(workingDir, words[1])];
	const files = new Map<string, {real: string; mtimeMs: number}>();
	for (const file of candidates) {
		if (file === undefined) {
			continue;
		}

		try {
			const real = fs.realpathSync(file);
			const stat = fs.statSync(real);
			if (stat.isFile()) {
				files.set(file, {real, mtimeMs: stat.mtimeMs});
			}
		} catch {
			// Not there (yet): nothing to compare.
		}
	}

	return files;
}

function onPath(program: string, workingDir: string): string | undefined {
	if (program.includes('/')) {
		return path.resolve(workingDir, program);
	}

	return (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':').map(folder => path.resolve(workingDir, folder || '.', program)).find(file => fs.existsSync(file));
}
