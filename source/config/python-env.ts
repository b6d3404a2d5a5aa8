import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type {IssueList} from './issues.js';
import type {Origin, PythonEnv} from './types.js';

/**
Circus's `copy_path` puts circusd's own `sys.path` into `PYTHONPATH`. procui has no Python of its
own, so it asks the `python3` on the watcher's PATH, once per load (its `''` entry, the current
directory of `-c`, is left out). Undefined, with a warning, when there is no such program.
*/
export function pythonSysPath(pathVariable: string | undefined, origin: Origin, issues: IssueList): string | undefined {
	const result = childProcess.spawnSync('python3', ['-c', 'import os, sys; print(os.pathsep.join(p for p in sys.path if p))'], {
		encoding: 'utf8',
		env: {PATH: pathVariable ?? '/usr/local/bin:/usr/bin:/bin'},
		timeout: 10_000,
	});
	if (result.status !== 0 || result.error !== undefined) {
		issues.warn(origin, `copy_path: cannot read sys.path from python3 (${result.error?.message ?? `exit ${result.status}`}); PYTHONPATH left as it is`);
		return undefined;
	}

	return result.stdout.trim();
}

/**
Circus's `load_virtualenv` (circus/util.py): the virtualenv's `bin` goes first on PATH, and
`PYTHONPATH` gets the packages named by its `.pth` files, then the one already set, then its
`lib/pythonX.Y/site-packages`. Circus takes X.Y from its own interpreter unless
`virtualenv_py_ver` says otherwise; procui takes the only `lib/python*` folder the virtualenv
has, and needs `virtualenv_py_ver` when there are several.
*/
export function readVirtualenv(root: string, pyVer: string | undefined, origin: Origin, issues: IssueList): PythonEnv['virtualenv'] {
	const lib = path.join(root, 'lib');
	let version = pyVer;
	if (version === undefined) {
		const found = listDir(lib).filter(name => /^python\d+\.\d+$/.test(name));
		if (found.length !== 1) {
			issues.error(origin, found.length === 0
				? `virtualenv: ${lib} has no python3.X folder; is ${root} a virtualenv?`
				: `virtualenv: ${root} holds ${found.join(', ')}; say which with virtualenv_py_ver`);
			return undefined;
		}

		version = found[0]!.slice('python'.length);
	}

	const sitedir = path.join(lib, `python${version}`, 'site-packages');
	if (!isDirectory(sitedir)) {
		issues.error(origin, `virtualenv: ${sitedir} does not exist`);
		return undefined;
	}

	const bin = path.join(root, 'bin');
	return {
		...(isDirectory(bin) ? {bin} : {}),
		packages: pthPackages(sitedir),
		sitedir,
	};
}

/** The existing folders named by the `.pth` files of `sitedir`, as Circus's `process_pth`. */
function pthPackages(sitedir: string): string[] {
	const packages = new Set<string>();
	for (const name of listDir(sitedir).filter(file => file.endsWith('.pth')).sort()) {
		let text: string;
		try {
			text = fs.readFileSync(path.join(sitedir, name), 'utf8');
		} catch {
			continue;
		}

		for (const line of text.split('\n')) {
			if (line.startsWith('#') || line.startsWith('import') || line.trim() === '') {
				continue;
			}

			const folder = path.resolve(sitedir, line.trimEnd());
			if (fs.existsSync(folder)) {
				packages.add(folder);
			}
		}
	}

	return [...packages];
}

/**
The environment of one spawn with `copy_path` and `virtualenv` applied, in Circus's order: sys.path
is copied before the watcher's `env` (which may override it), the virtualenv after.
*/
export function applyPythonEnv(env: Record<string, string>, python: PythonEnv, watcherEnv: Readonly<Record<string, string>>): void {
	if (python.sysPath !== undefined && watcherEnv.PYTHONPATH === undefined) {
		env.PYTHONPATH = python.sysPath;
	}

	const venv = python.virtualenv;
	if (venv === undefined) {
		return;
	}

	if (venv.bin !== undefined) {
		env.PATH = `${venv.bin}:${env.PATH ?? ''}`;
	}

	const entries = [...venv.packages, ...(env.PYTHONPATH ?? '').split(path.delimiter).filter(entry => entry !== '')];
	env.PYTHONPATH = [...new Set([...entries, venv.sitedir])].join(path.delimiter);
}

function listDir(folder: string): string[] {
	try {
		return fs.readdirSync(folder);
	} catch {
		return [];
	}
}

function isDirectory(folder: string): boolean {
	try {
		return fs.statSync(folder).isDirectory();
	} catch {
		return false;
	}
}
