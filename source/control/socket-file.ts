/**
The Unix socket's file and directory: who may reach them, and what to do with one left behind.

The socket is bound inside a directory that is ours and not writable by anyone else (0700 when
procui creates it), then made 0600. The directory is what keeps other users out: between
bind() and chmod() the socket has the umask's mode, but nobody else can traverse to it.

A client trusts a socket on the same terms (`checkSocketToTrust`): a server in a directory
another user owns or can write to could be anyone's, and would receive every command sent.
*/
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {currentUid} from './endpoint.js';
import {errorCode, errorMessage} from './errors.js';

/** How long a socket file gets to answer before it is judged stale; a live supervisor answers at once. */
const probeTimeoutMs = 1000;

/** Make `socketPath` ready to bind: a safe directory, and no stale socket in the way. Throws a plain-English Error otherwise. */
export async function prepareSocketPath(socketPath: string): Promise<void> {
	await prepareDirectory(path.dirname(socketPath));
	await removeStaleSocket(socketPath);
}

async function prepareDirectory(directory: string): Promise<void> {
	const uid = currentUid();
	let link = await lstatOrUndefined(directory);
	if (link === undefined) {
		await fs.promises.mkdir(path.dirname(directory), {recursive: true, mode: 0o700});
		// Not recursive, so that a directory someone else creates first is an EEXIST, not taken for
		// ours: it is then judged like any directory found there.
		const created = await fs.promises.mkdir(directory, {mode: 0o700}).then(() => true, (error: unknown) => {
			if (errorCode(error) !== 'EEXIST') {
				throw error;
			}

			return false;
		});
		if (created) {
			// mkdir's mode passes through the umask; say it exactly.
			await fs.promises.chmod(directory, 0o700);
		}

		link = await fs.promises.lstat(directory);
	}

	if (link.isSymbolicLink() && link.uid !== uid) {
		throw new Error(`Refusing to put the control socket in ${directory}: it is a symbolic link owned by uid ${link.uid}, not by you (uid ${uid})`);
	}

	const info = await fs.promises.stat(directory);
	if (!info.isDirectory()) {
		throw new Error(`Cannot put the control socket in ${directory}: it is not a directory`);
	}

	if (info.uid !== uid) {
		throw new Error(`Refusing to put the control socket in ${directory}: the directory belongs to uid ${info.uid}, not to you (uid ${uid}). Use a directory of your own, such as the default endpoint's`);
	}

	if ((info.mode & 0o022) !== 0) {
		throw new Error(`Refusing to put the control socket in ${directory}: the directory is writable by ${(info.mode & 0o002) === 0 ? 'its group' : 'others'} (mode ${(info.mode & 0o777).toString(8)}), so another user could replace the socket. Run \`chmod 700 ${directory}\` or use another directory`);
	}
}

async function removeStaleSocket(socketPath: string): Promise<void> {
	const existing = await lstatOrUndefined(socketPath);
	if (existing === undefined) {
		return;
	}

	if (!existing.isSocket()) {
		throw new Error(`Cannot listen on ipc://${socketPath}: the file exists and is not a socket. Remove it or choose another endpoint`);
	}

	if (await socketAnswers(socketPath)) {
		throw new Error(`another procui is already listening on ipc://${socketPath}`);
	}

	// Nothing answers: a supervisor that died without cleaning up. Two supervisors starting at
	// the same instant could both judge it stale; that race is not guarded (it would need a lock file).
	try {
		await fs.promises.unlink(socketPath);
	} catch (error) {
		if (errorCode(error) !== 'ENOENT') {
			throw error;
		}
	}
}

/**
May a client send its commands to the server at `socketPath`? Only if the socket and its
directory belong to this user or to root and neither is writable by group or others. Throws a
plain-English Error naming the path otherwise; a socket that does not exist passes (connecting
then says that no procui is running).
*/
export async function checkSocketToTrust(socketPath: string): Promise<void> {
	const uid = currentUid();
	const directory = path.dirname(socketPath);
	const directoryInfo = statOrUndefined(directory);
	if (directoryInfo === undefined) {
		return;
	}

	const socketInfo = statOrUndefined(socketPath);
	const problem = untrusted(directoryInfo, uid, `the directory ${directory}`)
		?? (socketInfo === undefined || socketInfo.isSocket() ? untrusted(socketInfo, uid, `the socket ${socketPath}`) : `${socketPath} is not a socket`);
	if (problem !== undefined) {
		throw new Error(`refusing to connect to ipc://${socketPath}: ${problem}, so the server there could be another user's, and it would receive your commands. Use a socket in a directory of your own (the default endpoint's), or run as the user who owns it`);
	}
}

/** What makes `info` (of the directory or socket `name`) untrustworthy, if anything. */
function untrusted(info: fs.Stats | undefined, uid: number, name: string): string | undefined {
	if (info === undefined) {
		return undefined;
	}

	if (info.uid !== uid && info.uid !== 0) {
		return `${name} belongs to uid ${info.uid}, not to you (uid ${uid}) or root`;
	}

	const mode = Number(info.mode) & 0o777;
	if ((mode & 0o022) !== 0) {
		return `${name} is writable by ${(mode & 0o002) === 0 ? 'its group' : 'others'} (mode ${mode.toString(8)})`;
	}

	return undefined;
}

/** Does something accept connections on this socket file? Refused or gone means stale; no answer in time counts as alive. */
async function socketAnswers(socketPath: string): Promise<boolean> {
	return new Promise((resolve, reject) => {
		const probe = net.connect({path: socketPath});
		const timer = setTimeout(() => {
			probe.destroy();
			resolve(true);
		}, probeTimeoutMs);
		probe.once('connect', () => {
			clearTimeout(timer);
			probe.destroy();
			resolve(true);
		});
		probe.once('error', error => {
			clearTimeout(timer);
			const code = errorCode(error);
			if (code === 'ECONNREFUSED' || code === 'ENOENT') {
				resolve(false);
			} else {
				reject(new Error(`Cannot check whether ipc://${socketPath} is in use: ${errorMessage(error)}`));
			}
		});
	});
}

/** Restrict a freshly bound socket to its owner; returns its inode, to recognise it when cleaning up. */
export async function secureSocketFile(socketPath: string): Promise<number> {
	await fs.promises.chmod(socketPath, 0o600);
	return (await fs.promises.lstat(socketPath)).ino;
}

/** Remove the socket file if it is still the one we bound (`inode`), not one a later supervisor put there. */
export async function removeSocketFile(socketPath: string, inode: number): Promise<void> {
	const current = await lstatOrUndefined(socketPath);
	if (current?.ino === inode) {
		await fs.promises.unlink(socketPath).catch(() => undefined);
	}
}

/**
The client's check is synchronous: two stats take microseconds, and `procui ctl` then starts no
thread pool and loads no node:fs/promises (of the ~12 ms it spends beyond a bare script, 1).
*/
function statOrUndefined(file: string): fs.Stats | undefined {
	return fs.statSync(file, {throwIfNoEntry: false});
}

async function lstatOrUndefined(file: string) {
	try {
		return await fs.promises.lstat(file);
	} catch (error) {
		if (errorCode(error) === 'ENOENT') {
			return undefined;
		}

		throw error;
	}
}
