import {fnmatch} from './fnmatch.js';
import type {IniEntry, IniSection} from './ini.js';
import type {IssueList} from './issues.js';
import {caseInsensitiveEnv, expandEnvironVariables, substituteEnv} from './substitute.js';

/**
`[env]` and `[env:PATTERN,...]`, as Circus's `get_config` applies them: `[env]` goes to every
watcher and to the substitutions of the whole file; `[env:...]` goes to the watchers whose name
matches one of its comma-separated fnmatch patterns, later sections overriding earlier ones and
`[env]`. Values may use `$(circus.env.X)`, against the environment built so far, and `$VAR`,
as Circus's `parse_env_dict` reads it: an upper-case name, from the supervisor's own environment
(so `pa$word`, `$home` and `${HOME}` stay as written, and `[env]` cannot refer to itself that way).
*/
export type EnvSections = {
	/** The process environment plus `[env]`: what `$(circus.env.X)` sees outside watchers. */
	readonly global: Readonly<Record<string, string>>;
	/** The process environment alone: what `$VAR` sees. */
	readonly environ: Readonly<Record<string, string>>;
	/** `[env]` alone, expanded. */
	readonly common: Readonly<Record<string, string>>;
	/** The `[env:...]` sections in file order, with their patterns. */
	readonly targeted: ReadonlyArray<{readonly section: IniSection; readonly patterns: readonly string[]}>;
};

export function readEnvSections(sections: readonly IniSection[], environ: Readonly<Record<string, string | undefined>>, issues: IssueList): EnvSections {
	const global: Record<string, string> = {};
	for (const [key, value] of Object.entries(environ)) {
		if (value !== undefined) {
			global[key] = value;
		}
	}

	const own = {...global};
	const common: Record<string, string> = {};
	for (const entry of sections.find(section => section.name === 'env')?.entries ?? []) {
		const value = expandEnvValue(entry, global, own, issues);
		common[entry.key] = value;
		global[entry.key] = value;
	}

	const targeted = sections
		.filter(section => section.name.startsWith('env:'))
		.map(section => ({
			section,
			patterns: section.name.slice('env:'.length).split(',').map(pattern => pattern.trim().toLowerCase()).filter(Boolean),
		}));
	return {global, environ: own, common, targeted};
}

/** The environment of watcher `name` (lower-case): `[env]`, then each matching `[env:...]`. */
export function watcherEnv(envSections: EnvSections, name: string, issues: IssueList): Record<string, string> {
	const env: Record<string, string> = {...envSections.common};
	for (const {section, patterns} of envSections.targeted) {
		if (!patterns.some(pattern => fnmatch(name, pattern))) {
			continue;
		}

		for (const entry of section.entries) {
			env[entry.key] = expandEnvValue(entry, {...envSections.global, ...env}, envSections.environ, issues);
		}
	}

	return env;
}

/** `$(circus.env.X)` against `scope`, then `$VAR` against `environ`. An unset `$(circus.env.X)` is a warning. */
function expandEnvValue(entry: IniEntry, scope: Readonly<Record<string, string>>, environ: Readonly<Record<string, string>>, issues: IssueList): string {
	const substituted = substituteEnv(entry.value, caseInsensitiveEnv(scope));
	for (const name of substituted.missing) {
		issues.warn(entry.origin, `${entry.key}: $(circus.env.${name}) is not set; left as written`);
	}

	return expandEnvironVariables(substituted.text, environ);
}

/** A warning for each `[env:...]` section that matches none of the watchers. */
export function warnUnmatchedEnvSections(envSections: EnvSections, watcherNames: readonly string[], issues: IssueList): void {
	for (const {section, patterns} of envSections.targeted) {
		if (section.entries.length > 0 && !watcherNames.some(name => patterns.some(pattern => fnmatch(name, pattern)))) {
			issues.warn(section.origin, `[${section.name}] matches no watcher; its variables are not used`);
		}
	}
}
