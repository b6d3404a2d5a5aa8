import type {IniEntry} from './ini.js';
import {quote, type IssueList} from './issues.js';
import {caseInsensitiveEnv, expandEnvironVariables, substituteEnv} from './substitute.js';

/**
A watcher's `env` option: `KEY=value, KEY2=value2`, as Circus's `parse_env_str` reads it (for
`set`; Circus's INI loader drops the option, procui honours it). Keys and values are trimmed; a
value may contain `=` (Circus rejects that). Values may use `$(circus.env.X)` against `scope` and
`$VAR` (upper case) against `environ`, as `[env]` does. A piece without `=` is an error.
*/
export function readEnvOption(entry: IniEntry, scope: Readonly<Record<string, string>>, environ: Readonly<Record<string, string>>, issues: IssueList): Record<string, string> {
	const env: Record<string, string> = {};
	const text = substituteEnv(entry.value, caseInsensitiveEnv(scope)).text;
	for (const piece of text.split(',')) {
		if (piece.trim() === '') {
			continue;
		}

		const equals = piece.indexOf('=');
		const key = equals === -1 ? '' : piece.slice(0, equals).trim();
		if (key === '') {
			issues.error(entry.origin, `env: expected KEY=value pieces separated by commas, got ${quote(piece.trim())}`);
			continue;
		}

		env[key] = expandEnvironVariables(piece.slice(equals + 1).trim(), environ);
	}

	return env;
}
