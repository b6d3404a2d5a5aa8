import {fnmatch} from './fnmatch.js';
import type {IniEntry, IniSection} from './ini.js';
import type {IssueList} from './issues.js';
import {caseInsensitiveEnv, expandShellVariables, substituteEnv} from './substitute.js';

/**
`[env]` and `[env:PATTERN,...]`, as Circus's `get_config` applies them: `[env]` goes to every
watcher and to the substitutions of the whole file; `[env:...]` goes to the watchers whose name
matches one of its comma-separated fnmatch patterns, later sections overriding earlier ones and
`[env]`. Values may use `$(circus.env.X)` and `$VAR` / `${VAR}`, resolved against the
environment built so far (procui's reading of Circus's "bash-style" variables; Circus itself
expands only upper-case `$VAR`, against circusd's own environment).
*/
export type EnvSections = {
	/** The process environment plus `[env]`: what `$(circus.env.X)` sees outside watchers. */
	readonly global: Readonly<Record<string, string>>;
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

	const common: Record<string, string> = {};
	for (const entry of sections.find(section => section.name === 'env')?.entries ?? []) {
		const value = expandEnvValue(entry, global, issues);
		common[entry.key] = value;
		global[entry.key] = value;
	}

	const targeted = sections
		.filter(section => section.name.startsWith('env:'))
		.map(section => ({
			section,
			patterns: section.name.slice('env:'.length).split(',').map(pattern => pattern.trim().toLowerCase()).filter(Boolean),
		}));
	return {global, common, targeted};
}

/** The environment of watcher `name` (lower-case): `[env]`, then each matching `[env:...]`. */
export function watcherEnv(envSections: EnvSections, name: string, issues: IssueList): Record<string, string> {
	const env: Record<string, string> = {...envSections.common};
	for (const {section, patterns} of envSections.targeted) {
		if (!patterns.some(pattern => fnmatch(name, pattern))) {
			continue;
		}

		for (const entry of section.entries) {
			env[entry.key] = expandEnvValue(entry, {...envSections.global, ...env}, issues);
		}
	}

	return env;
}

/** `$(circus.env.X)` then `$VAR`, against `scope`. An unset `$(circus.env.X)` is a warning. */
function expandEnvValue(entry: IniEntry, scope: Readonly<Record<string, string>>, issues: IssueList): string {
	const substituted = substituteEnv(entry.value, caseInsensitiveEnv(scope));
	for (const name of substituted.missing) {
		issues.warn(entry.origin, `${entry.key}: $(circus.env.${name}) is not set; left as written`);
	}

	return expandShellVariables(substituted.text, scope);
}

/** A warning for each `[env:...]` section that matches none of the watchers. */
export function warnUnmatchedEnvSections(envSections: EnvSections, watcherNames: readonly string[], issues: IssueList): void {
	for (const {section, patterns} of envSections.targeted) {
		if (section.entries.length > 0 && !watcherNames.some(name => patterns.some(pattern => fnmatch(name, pattern)))) {
			issues.warn(section.origin, `[${section.name}] matches no watcher; its variables are not used`);
		}
	}
}
