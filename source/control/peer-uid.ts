/**
Who is on the other end of a loopback TCP connection.

Node.js offers no SO_PEERCRED, so the peer's uid is read from the kernel's socket tables,
/proc/net/tcp and /proc/net/tcp6: the client's socket is the row whose local port is the
connection's remote port and whose remote port is the connection's local port, and the row's
`uid` column is the uid that owns it. Addresses are not compared (their hex encoding is
host-endian); instead every matching row must belong to the expected uid, so an ambiguity can
only refuse a connection, never admit one. TIME_WAIT rows are skipped: the kernel reports
uid 0 for them. Linux-only, like the rest of procui's /proc use.

Unix sockets need none of this: the socket is 0600 in a 0700 directory, so only its owner can
connect.
*/
import {readFile} from 'node:fs/promises';
import {errorCode} from './errors.js';

const socketTables = ['/proc/net/tcp', '/proc/net/tcp6'] as const;

/** `st` column value of a socket in TIME_WAIT. */
const timeWait = '06';

/** Uids owning the sockets in a /proc/net/tcp(6) `table` whose local port is `localPort` and remote port `remotePort`. */
export function uidsOfSockets(table: string, localPort: number, remotePort: number): number[] {
	const uids: number[] = [];
	for (const line of table.split('\n').slice(1)) {
		const fields = line.trim().split(/\s+/);
		if (fields.length < 8) {
			continue;
		}

		const [, local, remote, state, , , , uid] = fields;
		if (state === timeWait || portOf(local) !== localPort || portOf(remote) !== remotePort) {
			continue;
		}

		const parsed = Number(uid);
		if (Number.isInteger(parsed)) {
			uids.push(parsed);
		}
	}

	return uids;
}

function portOf(address: string | undefined): number {
	const colon = address?.lastIndexOf(':') ?? -1;
	return colon === -1 ? Number.NaN : Number.parseInt(address!.slice(colon + 1), 16);
}

/** Uids owning the client side of a loopback connection from `remotePort` to our `localPort`. */
export async function tcpPeerUids(localPort: number, remotePort: number): Promise<number[]> {
	const uids: number[] = [];
	for (const table of socketTables) {
		let text: string;
		try {
			text = await readFile(table, 'utf8');
		} catch (error) {
			if (errorCode(error) === 'ENOENT') {
				// No IPv6 on this machine: no tcp6 table, and nothing to find in it.
				continue;
			}

			throw error;
		}

		uids.push(...uidsOfSockets(text, remotePort, localPort));
	}

	return uids;
}

/** Can the peer uid of TCP connections be checked here? (The server refuses TCP endpoints otherwise.) */
export async function canCheckTcpPeers(): Promise<boolean> {
	try {
		await readFile(socketTables[0], 'utf8');
		return true;
	} catch {
		return false;
	}
}
