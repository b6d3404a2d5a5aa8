import fs from 'node:fs';
import {SpawnError} from './executable.js';

function lookup(file: string, nameOrId: string, what: string): number {
	if (/^\d+$/.test(nameOrId)) {
		return Number(nameOrId);
	}

	let text = '';
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch {
		// No database: only numeric ids work.
	}

	for (const line of text.split('\n')) {
		const fields = line.split(':');
		if (fields[0] === nameOrId && fields[2] !== undefined) {
			return Number(fields[2]);
		}
	}

	throw new SpawnError(`unknown ${what}: ${nameOrId}`, 'EINVAL');
}

/** A uid from a user name or number (from /etc/passwd). */
export function resolveUid(user: string): number {
	return lookup('/etc/passwd', user, 'user');
}

/** A gid from a group name or number (from /etc/group). */
export function resolveGid(group: string): number {
	return lookup('/etc/group', group, 'group');
}

/** The primary group of a uid, for `uid` without `gid`. */
export function primaryGid(uid: number): number | undefined {
	try {
		for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
			const fields = line.split(':');
			if (Number(fields[2]) === uid && fields[3] !== undefined) {
				return Number(fields[3]);
			}
		}
	} catch {
		// Unknown.
	}

	return undefined;
}
