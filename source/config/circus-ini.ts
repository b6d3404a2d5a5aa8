import path from 'node:path';
import {readArbiter} from './arbiter-options.js';
import {checkCapacity, ownLimits} from './capacity-check.js';
import {readEnvSections, warnUnmatchedEnvSections} from './env-sections.js';
import {readWithIncludes} from './include.js';
import type {IniSection} from './ini.js';
import {ConfigError, IssueList} from './issues.js';
import {readPlugins} from './plugin-options.js';
import type {PathBase} from './relative-path.js';
import {envSubstitution, SectionReader} from './section-reader.js';
import {readSocket} from './socket-options.js';
import {socketFileProblem} from './spawn-checks.js';
import {caseInsensitiveEnv} from './substitute.js';
import type {Config, SocketConfig, WatcherConfig} from './types.js';
import {didYouMean} from './unknown-options.js';
import {readWatcher} from './watcher-options.js';

/** Where a configuration is loaded from. */
export type LoadOptions = {
	/** The directory procui was started in: relative paths on the command line, default `working_dir`. */
	readonly cwd: string;
	/** The environment procui runs in: `$(circus.env.X)`, `$VAR`, `copy_env`. */
	readonly environ: Readonly<Record<string, string | undefined>>;
	/** Also warn about what a spawn would meet on this machine: a missing working_dir, command,
	user or group (spawn-checks.ts). For a config procui is about to run or `check`. */
	readonly checkHost?: boolean;
};

const sectionKinds = ['circus', 'env', 'env:', 'watcher:', 'socket:', 'plugin:'];

/**
Load a Circus INI file (and its includes) into a validated Config. Throws a ConfigError carrying
every issue when there is any error; otherwise warnings come back in `Config.warnings`.

As Circus's `get_config`: empty sections are skipped; watchers and sockets are sorted by name,
their names lower-cased. Unlike Circus, an unknown section is an error (Circus ignores it, so a
typo such as `[watchers:web]` silently runs nothing).
*/
export function loadCircusIni(file: string, options: LoadOptions): Config {
	const issues = new IssueList();
	const read = readWithIncludes(file, options.cwd, options.environ, issues);
	if (read === undefined) {
		throw new ConfigError(issues.sorted([file]), options.cwd);
	}

	const configDir = path.dirname(read.absoluteFiles[0]!);
	const sections = read.sections.filter(section => section.entries.length > 0);
	checkSectionNames(sections, issues);
	const envSections = readEnvSections(sections, options.environ, issues);
	const globalSubstitution = envSubstitution(caseInsensitiveEnv(envSections.global), issues);
	const reader = (section: IniSection): SectionReader => new SectionReader(section, issues, globalSubstitution);
	const circus = sections.find(section => section.name === 'circus');
	const arbiter = readArbiter(circus && reader(circus), {cwd: options.cwd, configDir}, issues, options.checkHost);
	const sockets = readSockets(sections.filter(section => section.name.startsWith('socket:')), reader, {cwd: options.cwd, configDir}, issues);
	const {flapping, plugins} = readPlugins(sections.filter(section => section.name.startsWith('plugin:')).map(section => reader(section)), issues);
	const watcherSections = uniqueByName(sections.filter(section => section.name.startsWith('watcher:')), 'watcher', issues);
	const watchers: WatcherConfig[] = [];
	for (const section of watcherSections) {
		const watcher = readWatcher(section, {
			configDir,
			cwd: options.cwd,
			checkHost: options.checkHost,
			envSections,
			flapping,
			scrollback: arbiter.scrollback,
			sockets: new Set(sockets.map(socket => socket.name)),
		}, issues);
		watchers.push(watcher);
	}

	warnUnmatchedEnvSections(envSections, watchers.map(watcher => watcher.name), issues);
	if (options.checkHost) {
		checkCapacity(watchers, ownLimits(), issues);
		for (const socket of sockets) {
			const problem = socket.path === undefined ? undefined : socketFileProblem(socket.path);
			if (problem !== undefined) {
				const section = sections.find(candidate => candidate.name.startsWith('socket:') && candidate.name.slice('socket:'.length).trim().toLowerCase() === socket.name)!;
				issues.warn(section.entries.find(entry => entry.key === 'path')?.origin ?? socket.origin, `path: ${socket.path}: ${problem}; the socket cannot be bound and the daemon will not start`);
			}
		}
	}

	for (const plugin of plugins) {
		if (plugin.kind === 'resource_watcher' && !watchers.some(watcher => watcher.name === plugin.watcher)) {
			const section = sections.find(candidate => candidate.name === `plugin:${plugin.name}`)!;
			issues.warn(section.origin, `[plugin:${plugin.name}]: watcher = ${plugin.watcher} names no [watcher:${plugin.watcher}]; it looks after nothing until one is added`);
		}
	}

	issues.throwIfErrors(read.files, options.cwd);
	return {
		file: read.absoluteFiles[0]!,
		files: read.absoluteFiles,
		arbiter,
		watchers: watchers.sort(byName),
		sockets,
		plugins,
		warnings: issues.sorted(read.files).filter(issue => issue.severity === 'warning'),
	};
}

function readSockets(sections: readonly IniSection[], reader: (section: IniSection) => SectionReader, base: PathBase, issues: IssueList): SocketConfig[] {
	return uniqueByName(sections, 'socket', issues)
		.map(section => readSocket(section.name.slice('socket:'.length).trim().toLowerCase(), reader(section), base, issues))
		.sort(byName);
}

/** Sections whose names differ only in case (or are empty) would make one watcher or socket. */
function uniqueByName(sections: readonly IniSection[], kind: string, issues: IssueList): IniSection[] {
	const seen = new Map<string, IniSection>();
	for (const section of sections) {
		const name = section.name.slice(kind.length + 1).trim().toLowerCase();
		const first = seen.get(name);
		if (name === '') {
			issues.error(section.origin, `[${section.name}]: the ${kind} needs a name, as in [${kind}:web]`);
		} else if (first === undefined) {
			seen.set(name, section);
		} else {
			issues.error(section.origin, `[${section.name}]: ${kind} names are compared without case, and [${first.name}] at ${first.origin.file}:${first.origin.line} has the same one`);
		}
	}

	return [...seen.values()];
}

function checkSectionNames(sections: readonly IniSection[], issues: IssueList): void {
	for (const section of sections) {
		const {name} = section;
		if (name === 'DEFAULT') {
			issues.error(section.origin, '[DEFAULT]: not supported (its options would apply to every section); move them into the sections that need them');
		} else if (!sectionKinds.some(kind => (kind.endsWith(':') ? name.startsWith(kind) : name === kind))) {
			const kind = name.includes(':') ? name.slice(0, name.indexOf(':') + 1) : name;
			issues.error(section.origin, `[${name}]: unknown section${didYouMean(kind, sectionKinds)}; expected [circus], [watcher:NAME], [socket:NAME], [env], [env:NAMES] or [plugin:NAME]`);
		}
	}
}

function byName<T extends {readonly name: string}>(a: T, b: T): number {
	return a.name < b.name ? -1 : (a.name > b.name ? 1 : 0);
}
