import fs from 'node:fs';
import path from 'node:path';

/** Why a child could not be started, found before forking so that the reason is precise. */
export class SpawnError extends Error {
	/** `ENOENT`, `EACCES`, `ENOTDIR`, `EINVAL`, ... */
	readonly code: string;

	constructor(message: string, code: string) {
		super(message);
		this.name = 'SpawnError';
		this.code = code;
	}
}

function isExecutableFile(file: string): boolean {
	try {
		// No exception for a PATH entry that lacks the file (the usual case before the one that has
		// it): building one costs more than the stat, and this runs at every spawn.
		const stat = fs.statSync(file, {throwIfNoEntry: false});
		if (!stat?.isFile()) {
			return false;
		}

		fs.accessSync(file, fs.constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

/** Resolve `file` the way execvp(3) would, so that a missing command is a spawn failure with a
reason instead of a child that prints an error and exits 1. */
export function resolveExecutable(file: string, pathVariable: string | undefined, cwd: string): string {
	if (file.length === 0) {
		throw new SpawnError('the command is empty', 'EINVAL');
	}

	if (file.includes('/')) {
		const absolute = path.resolve(cwd, file);
		if (!fs.existsSync(absolute)) {
			throw new SpawnError(`command not found: ${file}`, 'ENOENT');
		}

		if (!isExecutableFile(absolute)) {
			throw new SpawnError(`not an executable file: ${file}`, 'EACCES');
		}

		return absolute;
	}

	for (const directory of (pathVariable ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
		const candidate = path.resolve(cwd, directory || '.', file);
		if (isExecutableFile(candidate)) {
			return candidate;
		}
	}

	throw new SpawnError(`command not found: ${file} (searched PATH)`, 'ENOENT');
}

/** A working directory that exists and is a directory, or a SpawnError saying which it is not. */
export function checkWorkingDir(cwd: string): void {
	let stat: fs.Stats;
	try {
		stat = fs.statSync(cwd);
	} catch {
		throw new SpawnError(`working_dir does not exist: ${cwd}`, 'ENOENT');
	}

	if (!stat.isDirectory()) {
		throw new SpawnError(`working_dir is not a directory: ${cwd}`, 'ENOTDIR');
	}
}
