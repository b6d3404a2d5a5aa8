import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {loadCircusIni} from '../../source/config/circus-ini.js';
import {ConfigError} from '../../source/config/issues.js';
import type {Config, ConfigIssue} from '../../source/config/types.js';

/** A fresh temporary directory holding `files` (name -> content; names may have folders). */
export function writeFixture(files: Readonly<Record<string, string>>): string {
	const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'procui-config-'));
	for (const [name, content] of Object.entries(files)) {
		const file = path.join(directory, name);
		fs.mkdirSync(path.dirname(file), {recursive: true});
		fs.writeFileSync(file, content);
	}

	return directory;
}

/** An environment that does not depend on the machine running the tests. */
export const environ: Readonly<Record<string, string>> = {PATH: '/usr/bin:/bin', HOME: '/home/tester', LANG: 'C.UTF-8'};

/** Load `circus.ini` with this content from a fresh directory, which is also the cwd. */
export function loadIni(content: string, extra: Readonly<Record<string, string>> = {}, env = environ): Config & {directory: string} {
	const directory = writeFixture({'circus.ini': content, ...extra});
	return {...loadCircusIni(path.join(directory, 'circus.ini'), {cwd: directory, environ: env}), directory};
}

/** The issues of a load that must fail. */
export function loadIniErrors(content: string, extra: Readonly<Record<string, string>> = {}): ConfigIssue[] {
	try {
		loadIni(content, extra);
	} catch (error) {
		if (error instanceof ConfigError) {
			return error.issues.filter(issue => issue.severity === 'error');
		}

		throw error;
	}

	throw new Error('expected the configuration to be rejected');
}

/** `line: message` of each issue, for compact assertions. */
export function summarize(issues: readonly ConfigIssue[]): string[] {
	return issues.map(issue => `${issue.origin.line}: ${issue.message}`);
}
