import {defaultArbiter, defaultScrollback} from './defaults.js';
import {quote, type IssueList} from './issues.js';
import {resolveConfigPath, type PathBase} from './relative-path.js';
import type {SectionReader} from './section-reader.js';
import {logFileProblem} from './spawn-checks.js';
import {parseSyslogUrl} from './syslog-url.js';
import type {ArbiterConfig} from './types.js';
import {boolean, decimalNumber, maxSeconds, octal, oneOf, seconds, wholeNumber} from './values.js';
import {warnUnknown} from './unknown-options.js';

const levels = ['debug', 'info', 'warning', 'error', 'critical'] as const;

const known = [
	'endpoint', 'check_delay', 'warmup_delay', 'pidfile', 'loglevel', 'logoutput', 'umask',
	'include', 'include_dir', 'procui.scrollback', 'procui.metrics', 'procui.client_idle_timeout', 'procui.orphans',
];

/** `[circus]` options procui does not have, and why. */
const unsupported: Readonly<Record<string, string>> = {
	endpoint_owner: 'procui\'s Unix socket is private to its user (0600); there is no owner to set',
	pubsub_endpoint: 'procui has no separate PUB socket: events are sent on the control endpoint after `subscribe`',
	multicast_endpoint: 'procui does not answer multicast discovery',
	stats_endpoint: 'procui has no circusd-stats: stats come from the control endpoint (`stats`, `subscribe stats`)',
	httpd_host: 'procui has no circushttpd web console',
	httpd_port: 'procui has no circushttpd web console',
	loggerconfig: 'procui does not read Python logging configurations',
	fqdn_prefix: 'procui does not use an FQDN prefix',
	papa_endpoint: 'procui does not use papa',
	stream_backend: 'procui has one stream backend',
};

/** Switches that only matter when on: warned about only when set to true. */
const unsupportedSwitches: Readonly<Record<string, string>> = {
	statsd: 'procui has no circusd-stats watcher: stats come from the control endpoint (`stats`, `subscribe stats`); for statsd counters add a [plugin:NAME] with use = circus.plugins.statsd.StatsdEmitter or FullStats',
	httpd: 'procui has no circushttpd web console',
	debug: 'procui has no debug mode for helper watchers',
	debug_gc: 'procui has no garbage-collector debugging',
	statsd_close_outputs: 'procui has no circusd-stats watcher',
	httpd_close_outputs: 'procui has no circushttpd web console',
};

/**
`[circus]` (circus/config.py `get_config`): check_delay 5.0 (the INI default, not the Arbiter
class's 1.0), warmup_delay 0, loglevel info, logoutput `-` (stderr). Relative `pidfile` and
`logoutput` paths are resolved against the directory procui runs in, as in Circus.
*/
/** `checkHost`: also look at the machine (can the log file be opened?), as `procui check` and a start do. */
export function readArbiter(reader: SectionReader | undefined, base: PathBase, issues: IssueList, checkHost = false): ArbiterConfig {
	if (reader === undefined) {
		return defaultArbiter;
	}

	for (const [key, reason] of Object.entries(unsupportedSwitches)) {
		const entry = reader.entry(key);
		if (entry !== undefined && boolean.read(reader.substitute(entry)) !== false) {
			issues.warn(entry.origin, `${key}: ${reason}; ignored`);
		}
	}

	reader.use('include');
	reader.use('include_dir');
	const endpoint = readEndpoint(reader, issues);
	const pidfile = reader.text('pidfile')?.trim();
	const logoutput = reader.text('logoutput')?.trim();
	const umask = reader.optional('umask', octal);
	const metrics = readMetrics(reader, issues);
	const clientIdleTimeout = reader.optional('procui.client_idle_timeout', seconds({above: true}));
	const arbiter: ArbiterConfig = {
		...(endpoint === undefined ? {} : {endpoint}),
		// Circus accepts any number; at 0 or below its periodic check never runs (its own tests use -1).
		// Above maxSeconds the tick's timer would fire at once, every time: a busy loop.
		checkDelay: reader.read('check_delay', decimalNumber(undefined, {max: maxSeconds}), defaultArbiter.checkDelay),
		warmupDelay: reader.read('warmup_delay', seconds(), defaultArbiter.warmupDelay),
		...(pidfile === undefined || pidfile === '' ? {} : {pidfile: resolveConfigPath(pidfile, 'file', base, {origin: reader.originOf('pidfile'), key: 'pidfile'}, issues)}),
		loglevel: readLoglevel(reader, issues),
		logoutput: logoutput === undefined || logoutput === '' ? '-' : resolveLogoutput(logoutput, base, reader, issues, checkHost),
		...(umask === undefined ? {} : {umask}),
		...(metrics === undefined ? {} : {metrics}),
		scrollback: reader.read('procui.scrollback', wholeNumber(1), defaultScrollback),
		...(clientIdleTimeout === undefined ? {} : {clientIdleTimeout}),
		orphans: readOrphans(reader, issues),
		raw: Object.fromEntries(reader.section.entries.map(entry => [entry.key, entry.value])),
	};
	warnUnknown(reader, known, issues, '[circus] option', unsupported);
	return arbiter;
}

/** `tcp://host:port` or `ipc://path`, the two forms of ZeroMQ endpoint procui can serve. */
function readEndpoint(reader: SectionReader, issues: IssueList): string | undefined {
	const text = reader.text('endpoint')?.trim();
	if (text === undefined || text === '') {
		return undefined;
	}

	if (/^tcp:\/\/(?:\[[^\]]+\]|[^:/]+):\d+$/.test(text) || /^ipc:\/\/.+/.test(text)) {
		return text;
	}

	issues.error(reader.originOf('endpoint'), `endpoint: expected tcp://HOST:PORT or ipc://PATH, got ${quote(text)}`);
	return undefined;
}

/** `procui.metrics`: `HOST:PORT`, `[IPv6]:PORT` or a bare `PORT` (loopback). */
function readMetrics(reader: SectionReader, issues: IssueList): string | undefined {
	const text = reader.text('procui.metrics')?.trim();
	if (text === undefined || text === '') {
		return undefined;
	}

	const port = /^(?:(?:\[[^\]]+\]|[^:/\s[\]]+):)?(\d{1,5})$/.exec(text)?.[1];
	if (port !== undefined && Number(port) <= 65_535) {
		return text;
	}

	issues.error(reader.originOf('procui.metrics'), `procui.metrics: expected HOST:PORT or PORT (e.g. 127.0.0.1:9108), got ${quote(text)}`);
	return undefined;
}

/** Circus silently falls back to `info` for a level it does not know; procui rejects it.
`warn` is taken as `warning`. */
function readLoglevel(reader: SectionReader, issues: IssueList): ArbiterConfig['loglevel'] {
	const text = reader.text('loglevel')?.trim();
	if (text === undefined || text === '') {
		return 'info';
	}

	const level = oneOf(levels).read(text.toLowerCase() === 'warn' ? 'warning' : text);
	if (level === undefined) {
		issues.error(reader.originOf('loglevel'), `loglevel: expected ${levels.join(', ')}, got ${quote(text)}`);
		return 'info';
	}

	return level;
}

/** `-` and `stdout` mean the standard error stream (Circus's StreamHandler); a path is a file. */
function resolveLogoutput(text: string, base: PathBase, reader: SectionReader, issues: IssueList, checkHost: boolean): string {
	if (text === '-' || text === 'stdout') {
		return '-';
	}

	if (text.startsWith('syslog://')) {
		const target = parseSyslogUrl(text);
		if ('error' in target) {
			issues.error(reader.originOf('logoutput'), `logoutput: ${target.error}`);
			return '-';
		}

		if (target.unknownFacility !== undefined) {
			issues.warn(reader.originOf('logoutput'), `logoutput: ${JSON.stringify(target.unknownFacility)} is not a syslog facility; using \`user\`, as Circus does`);
		}

		return text;
	}

	const said = issues.warnings.length;
	const file = resolveConfigPath(text, 'file', base, {origin: reader.originOf('logoutput'), key: 'logoutput'}, issues);
	// Once is enough: a warning about where the relative path points already names the missing folder.
	const problem = checkHost && issues.warnings.length === said ? logFileProblem(file) : undefined;
	if (problem !== undefined) {
		issues.warn(reader.originOf('logoutput'), `logoutput: cannot open ${file} for writing: ${problem}; \`procui daemon\` refuses to start with it (the full-screen UI keeps its log on screen)`);
	}

	return file;
}


/** `procui.orphans = kill|warn`: processes a killed daemon left running. `adopt` is refused, not
taken as something else. */
function readOrphans(reader: SectionReader, issues: IssueList): ArbiterConfig['orphans'] {
	const text = reader.text('procui.orphans')?.trim();
	if (text === undefined || text === '') {
		return defaultArbiter.orphans;
	}

	const choice = oneOf(['kill', 'warn', 'adopt'] as const).read(text);
	if (choice === 'adopt') {
		issues.error(reader.originOf('procui.orphans'), 'procui.orphans: `adopt` is not supported yet; use `kill` (the default: stop them, then start fresh ones) or `warn` (log them and leave them running)');
		return defaultArbiter.orphans;
	}

	if (choice === undefined) {
		issues.error(reader.originOf('procui.orphans'), `procui.orphans: expected kill or warn, got ${quote(text)}`);
		return defaultArbiter.orphans;
	}

	return choice;
}
