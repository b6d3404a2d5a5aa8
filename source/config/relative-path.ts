import fs from 'node:fs';
import path from 'node:path';
import type {IssueList} from './issues.js';
import type {Origin} from './types.js';

/**
Where relative paths in a config are resolved. Circus resolves `working_dir`, stream filenames,
`pidfile`, `logoutput` and a socket's `path` against the directory circusd runs in (it never
changes directory, and opens them as given), so a file run as `circusd deploy/circus.ini` from a
repository's root means paths from that root. procui does the same; includes alone are relative
to the main file, as in Circus.
*/
export type PathBase = {
	/** The directory procui was started in: what relative paths mean. */
	readonly cwd: string;
	/** The config file's folder: where a path that is missing from `cwd` may have been meant. */
	readonly configDir: string;
};

/**
Resolve `text` as Circus would. When the path (for a `dir`) or its folder (for a `file`, which
may not exist yet) is missing from the cwd but present from the config's folder, warn with both
candidates: the file was probably written to be run from its own folder.
*/
export function resolveConfigPath(text: string, kind: 'dir' | 'file', base: PathBase, where: {readonly origin: Origin; readonly key: string}, issues: IssueList): string {
	const resolved = path.resolve(base.cwd, text);
	if (path.isAbsolute(text) || path.resolve(base.configDir) === path.resolve(base.cwd)) {
		return resolved;
	}

	const probe = (candidate: string) => isDirectory(kind === 'dir' ? candidate : path.dirname(candidate));
	const fromConfig = path.resolve(base.configDir, text);
	if (!probe(resolved) && probe(fromConfig)) {
		issues.warn(where.origin, `${where.key}: "${text}" is relative to the directory procui runs in (${resolved}, ${kind === 'dir' ? 'missing' : 'its folder is missing'}), as in Circus; did you mean ${fromConfig}, beside the config file? Run from there or give an absolute path`);
	}

	return resolved;
}

function isDirectory(candidate: string): boolean {
	try {
		return fs.statSync(candidate).isDirectory();
	} catch {
		return false;
	}
}
