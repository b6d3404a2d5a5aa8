import fs from 'node:fs';
import path from 'node:path';

/** A log path procui will not open: it could lead into another user's file. */
class UnsafeLogPathError extends Error {
	readonly code = 'EUNSAFE';
}

const groupOrOtherWrite = 0o022;

function mode(stat: fs.Stats): string {
	return (stat.mode & 0o7777).toString(8).padStart(4, '0');
}

/** Someone besides `uid` and root can add, remove or replace entries in this directory. */
function othersCanWrite(stat: fs.Stats, uid: number): boolean {
	return (stat.mode & groupOrOtherWrite) !== 0 || (stat.uid !== uid && stat.uid !== 0);
}

function describe(dir: string, stat: fs.Stats): string {
	return `${dir}, which other users can write (mode ${mode(stat)}, owner uid ${stat.uid})`;
}

/**
The directory `file` lands in, after checking that no component on the way is a symbolic link
planted in a directory others can write (a link there can be swapped to point anywhere). Returns
a description of the directory when others can write it.
*/
function checkDirectory(file: string, uid: number): {readonly unsafe: string | undefined} {
	const dir = path.dirname(path.resolve(file));
	let parent = path.parse(dir).root;
	for (const part of dir.slice(parent.length).split(path.sep).filter(Boolean)) {
		const current = path.join(parent, part);
		const link = fs.lstatSync(current);
		if (link.isSymbolicLink()) {
			const parentStat = fs.statSync(parent);
			if (othersCanWrite(parentStat, uid)) {
				throw new UnsafeLogPathError(`${current} is a symbolic link in ${describe(parent, parentStat)}: not followed`);
			}
		}

		parent = current;
	}

	const stat = fs.statSync(dir);
	return {unsafe: othersCanWrite(stat, uid) ? describe(dir, stat) : undefined};
}

function checkOwner(file: string, stat: fs.Stats, uid: number, where: string): void {
	if (stat.uid !== uid) {
		throw new UnsafeLogPathError(`${file} is owned by uid ${stat.uid}, not by the watcher's user (uid ${uid}), in ${where}`);
	}

	if (stat.isFile() && stat.nlink > 1) {
		throw new UnsafeLogPathError(`${file} has ${stat.nlink} hard links, in ${where}`);
	}
}

/**
Open a stream's file to append (created if missing), never following a link into another user's
file: when others can write its directory, the last component is opened with O_NOFOLLOW and a file
not owned by `uid` (the watcher's user) is refused. Non-blocking, so that a FIFO whose reader does
not keep up returns EAGAIN instead of stopping the writer. Throws `UnsafeLogPathError` on refusal.
*/
export function openLogFile(file: string, uid: number): number {
	const {unsafe} = checkDirectory(file, uid);
	if (unsafe !== undefined) {
		// Said plainly first; the O_NOFOLLOW open and the fstat below close the race after it.
		checkEntry(file, uid, unsafe);
	}

	const {O_RDWR, O_APPEND, O_CREAT, O_NONBLOCK, O_NOFOLLOW} = fs.constants;
	let fd: number;
	try {
		fd = fs.openSync(file, O_RDWR | O_APPEND | O_CREAT | O_NONBLOCK | (unsafe === undefined ? 0 : O_NOFOLLOW), 0o666);
	} catch (error) {
		if (unsafe !== undefined && (error as NodeJS.ErrnoException).code === 'ELOOP') {
			throw new UnsafeLogPathError(`${file} is a symbolic link in ${unsafe}: not followed`);
		}

		throw error;
	}

	if (unsafe !== undefined) {
		try {
			checkOwner(file, fs.fstatSync(fd), uid, unsafe);
		} catch (error) {
			fs.closeSync(fd);
			throw error;
		}
	}

	return fd;
}

/** A link, or another user's file, where others can write: refused. A missing file is fine (it is created). */
function checkEntry(file: string, uid: number, unsafe: string): void {
	const stat = fs.lstatSync(file, {throwIfNoEntry: false});
	if (stat?.isSymbolicLink()) {
		throw new UnsafeLogPathError(`${file} is a symbolic link in ${unsafe}: not followed`);
	}

	if (stat) {
		checkOwner(file, stat, uid, unsafe);
	}
}

/** Why `openLogFile` would refuse `file` now, or undefined (for `procui check`; opens nothing). */
export function logPathProblem(file: string, uid: number): string | undefined {
	try {
		const {unsafe} = checkDirectory(file, uid);
		if (unsafe === undefined) {
			return undefined;
		}

		checkEntry(file, uid, unsafe);
		return undefined;
	} catch (error) {
		return error instanceof UnsafeLogPathError ? error.message : undefined;
	}
}
