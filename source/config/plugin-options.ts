import {defaultFlapping} from './defaults.js';
import {quote, type IssueList} from './issues.js';
import type {SectionReader} from './section-reader.js';
import type {FlappingConfig, MemoryBound, PluginConfig, StatsdTarget} from './types.js';
import {boolean, decimalNumber, seconds, signal, wholeNumber, type ValueReader} from './values.js';

/** The plugins procui runs, by the class Circus's `use =` names. */
const classes: Readonly<Record<string, PluginConfig['kind'] | 'flapping'>> = {
	'circus.plugins.flapping.flapping': 'flapping',
	'circus.plugins.watchdog.watchdog': 'watchdog',
	'circus.plugins.resource_watcher.resourcewatcher': 'resource_watcher',
	'circus.plugins.command_reloader.commandreloader': 'command_reloader',
	'circus.plugins.statsd.statsdemitter': 'statsd',
	'circus.plugins.statsd.fullstats': 'full_stats',
};

/** Options every plugin section may have (Circus's CircusPlugin reads them, or the section's loader). */
const common = ['use', 'active', 'priority'];

/**
`[plugin:NAME]` sections. Circus's flapping plugin is built into every watcher: its `attempts`,
`window`, `retry_in`, `max_retry` and `active` become the watchers' defaults (which `flapping.*`
and `check_flapping` on a watcher override, as with the plugin). `watchdog`, `resource_watcher`,
`command_reloader` and the statsd emitters run inside the supervisor as clients of the control
channel, with Circus's options and defaults. Any other class is one warning at its header:
procui runs no Python.
*/
export function readPlugins(readers: readonly SectionReader[], issues: IssueList): {flapping: FlappingConfig; plugins: PluginConfig[]} {
	let flapping = defaultFlapping;
	let flappingSection: string | undefined;
	const plugins: PluginConfig[] = [];
	for (const reader of readers) {
		const use = reader.text('use')?.trim() ?? '';
		const kind = classes[use.toLowerCase()];
		const name = reader.section.name.slice('plugin:'.length).trim();
		if (kind === undefined) {
			issues.warn(reader.section.origin, `[${reader.section.name}]: procui runs no Python plugins (use = ${quote(use)}); it runs Circus's flapping, watchdog, resource_watcher, command_reloader, StatsdEmitter and FullStats; this section is ignored`);
			continue;
		}

		if (kind !== 'flapping') {
			const plugin = readPlugin(kind, name, reader, issues);
			if (plugin !== undefined && reader.read('active', boolean, true)) {
				plugins.push(plugin);
			}

			continue;
		}

		if (flappingSection !== undefined) {
			issues.warn(reader.section.origin, `[${reader.section.name}]: the flapping plugin is already configured by [${flappingSection}]; this section is ignored`);
			continue;
		}

		flappingSection = reader.section.name;
		flapping = {
			attempts: reader.read('attempts', wholeNumber(1), defaultFlapping.attempts),
			window: reader.read('window', seconds({above: true}), defaultFlapping.window),
			retryIn: reader.read('retry_in', seconds(), defaultFlapping.retryIn),
			maxRetry: reader.read('max_retry', wholeNumber(-1), defaultFlapping.maxRetry),
			enabled: reader.read('active', boolean, true),
		};
		for (const entry of reader.unused()) {
			issues.warn(entry.origin, `${entry.key}: procui's built-in flapping rule takes only attempts, window, retry_in, max_retry and active; ignored`);
		}
	}

	return {flapping, plugins};
}

function readPlugin(kind: PluginConfig['kind'], name: string, reader: SectionReader, issues: IssueList): PluginConfig | undefined {
	reader.use('active');
	reader.use('priority');
	const plugin = readOptions(kind, name, reader, issues);
	for (const entry of reader.unused()) {
		if (!common.includes(entry.key)) {
			issues.warn(entry.origin, `${entry.key}: not an option of ${kind}; ignored`);
		}
	}

	return plugin;
}

function readOptions(kind: PluginConfig['kind'], name: string, reader: SectionReader, issues: IssueList): PluginConfig | undefined {
	switch (kind) {
		case 'watchdog': {
			const stopSignal = reader.optional('watchers_stop_signal', signal);
			const gracefulTimeout = reader.optional('watchers_graceful_timeout', seconds());
			return {
				kind,
				name,
				loopRate: reader.read('loop_rate', seconds({above: true}), 60),
				watchersRegex: reader.read('watchers_regex', pythonRegex, /.*/),
				msgRegex: reader.read('msg_regex', pythonRegex, /^(?<pid>.*);(?<timestamp>.*)$/),
				maxCount: reader.read('max_count', wholeNumber(1), 3),
				ip: reader.text('ip')?.trim() || '127.0.0.1',
				port: reader.read('port', wholeNumber(0, 65_535), 1664),
				...(stopSignal === undefined ? {} : {stopSignal}),
				...(gracefulTimeout === undefined ? {} : {gracefulTimeout}),
			};
		}

		case 'resource_watcher': {
			const watcher = reader.text('watcher')?.trim() || reader.text('service')?.trim();
			if (!watcher) {
				issues.error(reader.section.origin, `[${reader.section.name}]: resource_watcher needs \`watcher\` (the watcher to look after), as in Circus`);
				return undefined;
			}

			if (reader.read('process_children', boolean, false)) {
				issues.warn(reader.originOf('process_children'), 'process_children: procui\'s resource_watcher judges the watcher\'s processes, not their children; ignored');
			}

			reader.optional('child_signal', signal);
			const minCpu = reader.optional('min_cpu', decimalNumber(0));
			const minMem = reader.optional('min_mem', memoryBound);
			return {
				kind,
				name,
				watcher: watcher.toLowerCase(),
				loopRate: reader.read('loop_rate', seconds({above: true}), 60),
				maxCpu: reader.read('max_cpu', decimalNumber(0), 90),
				maxMem: reader.read('max_mem', memoryBound, {percent: 90}),
				...(minCpu === undefined ? {} : {minCpu}),
				...(minMem === undefined ? {} : {minMem}),
				healthThreshold: reader.read('health_threshold', decimalNumber(0), 75),
				maxCount: reader.read('max_count', wholeNumber(0), 3),
				statsd: statsdTarget(reader),
			};
		}

		case 'command_reloader':
			return {kind, name, loopRate: reader.read('loop_rate', seconds({above: true}), 1)};
		case 'statsd':
			return {kind, name, statsd: statsdTarget(reader)};
		case 'full_stats':
			return {kind, name, loopRate: reader.read('loop_rate', seconds({above: true}), 60), statsd: statsdTarget(reader)};
	}
}

/** BaseObserver / StatsdEmitter: `host` localhost, `port` 8125, `sample_rate` 1, `application_name` app. */
function statsdTarget(reader: SectionReader): StatsdTarget {
	return {
		host: reader.text('host')?.trim() || 'localhost',
		port: reader.read('port', wholeNumber(1, 65_535), 8125),
		sampleRate: reader.read('sample_rate', decimalNumber(0, {above: true}), 1),
		applicationName: reader.text('application_name')?.trim() || 'app',
	};
}

/** A Python regular expression; `(?P<name>` groups become JavaScript's `(?<name>`. */
const pythonRegex: ValueReader<RegExp> = {
	read(text) {
		try {
			return new RegExp(text.trim().replaceAll('(?P<', '(?<'));
		} catch {
			return undefined;
		}
	},
	expected: 'a regular expression',
};

const units = ['B', 'K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];

/** Circus's `max_mem`/`min_mem`: a number is a percentage; `200M` (circus.util.human2bytes, powers of 1024) is bytes. */
const memoryBound: ValueReader<MemoryBound> = {
	read(text) {
		const trimmed = text.trim();
		const percent = decimalNumber(0).read(trimmed);
		if (percent !== undefined) {
			return {percent};
		}

		const match = /^(\d+(?:\.\d+)?)\s*([BKMGTPEZY])B?$/i.exec(trimmed);
		if (match === null) {
			return undefined;
		}

		return {bytes: Math.round(Number(match[1]) * 1024 ** units.indexOf(match[2]!.toUpperCase()))};
	},
	expected: 'a percentage such as 90, or a size such as 200M',
};
