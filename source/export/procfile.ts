/**
`procui export procfile`: a configuration as a Procfile (foreman, honcho, Heroku). A Procfile
says a name and a shell command per line, and nothing else: every other option is a warning,
and `numprocesses` a comment in foreman's terms (`-m web=3`).
*/
import path from 'node:path';
import {shlexQuote, shlexSplit} from '../config/shlex.js';
import {substituteCircus} from '../config/substitute.js';
import type {Config, WatcherConfig} from '../config/types.js';
import type {ExportWarning} from './unit-text.js';

type ProcfileExport = {
	readonly text: string;
	readonly warnings: readonly ExportWarning[];
};

/** Options a Procfile line can say (or that are this exporter's own business). */
const expressed = new Set(['cmd', 'args', 'shell', 'numprocesses', 'working_dir', 'copy_env', 'singleton']);

/** Build the Procfile's text. Watchers whose command cannot be one line are left out, with a warning. */
export function exportProcfile(config: Config): ProcfileExport {
	const warnings: ExportWarning[] = [];
	const lines: string[] = [`# Exported by \`procui export procfile\`${config.file === undefined ? '' : ` from ${path.basename(config.file)}`}.`];
	const folder = config.file === undefined ? undefined : path.dirname(config.file);
	for (const watcher of config.watchers) {
		const warn = (message: string): void => {
			warnings.push({origin: watcher.origin, message: `watcher ${watcher.name}: ${message}`});
		};

		const name = watcher.name.replaceAll(/[^\w-]/g, '_');
		if (name !== watcher.name) {
			warn(`a Procfile name is letters, digits, _ and - only; written as ${name}`);
		}

		let command = commandLine(watcher, warn);
		if (command === undefined) {
			continue;
		}

		if (/[\r\n]/.test(command)) {
			warn('its command spans several lines, which a Procfile line cannot hold; left out (put it in a script)');
			continue;
		}

		if (watcher.workingDir !== folder) {
			command = `cd ${shlexQuote(watcher.workingDir)} && ${command}`;
		}

		const left = Object.keys(watcher.raw).filter(key => !expressed.has(key) && key !== 'env');
		if (Object.keys(watcher.env).length > 0) {
			warn(`env ${Object.keys(watcher.env).join(', ')}: a Procfile has no environment; put them in .env (foreman and honcho read it)`);
		}

		if (left.length > 0) {
			warn(`a Procfile cannot say ${left.join(', ')}; left out`);
		}

		if (watcher.numprocesses !== 1) {
			lines.push(`# ${name}: numprocesses = ${watcher.numprocesses} (foreman start -m ${name}=${watcher.numprocesses})`);
		}

		lines.push(`${name}: ${command}`);
	}

	return {text: `${lines.join('\n')}\n`, warnings};
}

/** The watcher's command as one shell line; `$(circus.wid)` is 1 (a Procfile has no slot number). */
function commandLine(watcher: WatcherConfig, warn: (message: string) => void): string | undefined {
	const line = watcher.args ? `${watcher.cmd} ${watcher.args}` : watcher.cmd;
	let warnedWid = false;
	const reference = (key: string, written: string): string | undefined => {
		if (key === 'wid') {
			if (!warnedWid) {
				warn('$(circus.wid): a Procfile has no process number; written as 1');
				warnedWid = true;
			}

			return '1';
		}

		if (key.startsWith('env.')) {
			return `\${${written.slice('env.'.length)}}`;
		}

		warn(`$(circus.${key}): no Procfile equivalent; left as written`);
		return undefined;
	};

	if (watcher.shell) {
		return substituteCircus(line, reference);
	}

	let words: string[];
	try {
		words = shlexSplit(line);
	} catch (error) {
		warn(`${(error as Error).message}; left out`);
		return undefined;
	}

	const argv = watcher.executable === undefined ? words : [watcher.executable, ...words.slice(1)];
	if (watcher.executable !== undefined) {
		warn(`executable = ${watcher.executable}: a Procfile cannot set argv[0]; runs ${watcher.executable} with it`);
	}

	// Each word is quoted for sh, except the references, which must stay outside the quotes.
	return argv.map(word => {
		const parts: string[] = [];
		const marked = substituteCircus(word, (key, written) => {
			const value = reference(key, written);
			if (value === undefined) {
				return undefined;
			}

			parts.push(value);
			return `\uE000${parts.length - 1}\uE001`;
		});
		return marked.split(/(\uE000\d+\uE001)/).filter(piece => piece !== '').map(piece => {
			const index = /^\uE000(\d+)\uE001$/.exec(piece);
			return index ? `"${parts[Number(index[1])]!}"` : shlexQuote(piece);
		}).join('') || "''";
	}).join(' ');
}

