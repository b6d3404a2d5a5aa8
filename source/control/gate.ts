/**
The door of the control server: who may have a connection at all.

Over TCP, a peer is served only once the kernel's socket tables say its socket is ours (see
peer-uid.ts). Until then the socket is paused and nothing is read or allocated for it beyond
Node.js's socket; a peer of another uid, or one whose owner cannot be known, gets one error
line and is closed. Another uid thus holds no connection, only a place among `maxUnchecked`
for the moment a check takes. Refusals are counted, and noted in the log at most once a
second so that a flood cannot fill it.
*/
import type net from 'node:net';
import {collectGarbage} from '../io/memory.js';
import {endWith} from './connection.js';
import {currentUid} from './endpoint.js';
import {errorMessage} from './errors.js';
import {peerOwner, PeerTables, socketInode, type PeerOwner} from './peer-uid.js';
import {errno, errorReply} from './protocol.js';

/** TCP connections accepted and waiting for their peer's uid; beyond this, new ones are closed unread. */
const maxUnchecked = 1024;
/** Reads of the socket tables before a peer that cannot be found in them is refused. */
const peerCheckAttempts = 3;
/** Refused connections are noted in the log at most this often; the others are counted in the next note. */
const refusalNoteIntervalMs = 1000;
/** Refusals that make a flood, and the quiet after which its garbage is collected. */
const floodRefusals = 100;
const floodQuietMs = 1000;

export class Gate {
	readonly #note: (message: string) => void;
	readonly #unchecked = new Set<net.Socket>();
	readonly #tables = new PeerTables();
	#refused = 0;
	#refusedSinceNote = 0;
	#refusedSinceCollect = 0;
	#collectTimer: NodeJS.Timeout | undefined;
	#lastRefusalNote = Number.NEGATIVE_INFINITY;

	/** `note`: where refusals are written (a warning in the log). */
	constructor(note: (message: string) => void) {
		this.#note = note;
	}

	/** Connections refused so far: other uids, unknown owners, over a limit, gone before checked. */
	get refused(): number {
		return this.#refused;
	}

	/** TCP connections waiting for their peer's uid to be checked. */
	get unchecked(): number {
		return this.#unchecked.size;
	}

	/** Check a TCP peer; `admit` gets it if its socket is our uid's, and `isOpen` says whether the server still serves. */
	checkTcp(socket: net.Socket, admit: (socket: net.Socket, peer: string) => void, isOpen: () => boolean): void {
		if (this.#unchecked.size >= maxUnchecked) {
			this.refuse(socket, undefined, 'too many connections are waiting for their owner to be checked');
			return;
		}

		this.#unchecked.add(socket);
		void this.#check(socket, admit, isOpen);
	}

	/** Close a socket never served: with one error line if `reason` is given, noted in the log (at most once a second). */
	refuse(socket: net.Socket, reason: string | undefined, note: string): void {
		this.#refused++;
		this.#afterFlood();
		if (reason === undefined) {
			socket.destroy();
		} else {
			endWith(socket, errorReply(null, reason, errno.osError));
		}

		const now = performance.now();
		if (now - this.#lastRefusalNote < refusalNoteIntervalMs) {
			this.#refusedSinceNote++;
			return;
		}

		const others = this.#refusedSinceNote === 0 ? '' : ` (${this.#refusedSinceNote} more refused since the last note)`;
		this.#note(`${note}${others}`);
		this.#lastRefusalNote = now;
		this.#refusedSinceNote = 0;
	}

	/** Once refusals stop (a flood is over), collect its garbage so the supervisor returns to its
	size instead of keeping the flood's megabytes until V8 next needs them. */
	#afterFlood(): void {
		this.#refusedSinceCollect++;
		if (this.#refusedSinceCollect < floodRefusals) {
			return;
		}

		clearTimeout(this.#collectTimer);
		this.#collectTimer = setTimeout(() => {
			this.#refusedSinceCollect = 0;
			collectGarbage();
		}, floodQuietMs);
		this.#collectTimer.unref();
	}

	/** Close every connection still waiting for its check (the server is closing). */
	closeUnchecked(): void {
		for (const socket of this.#unchecked) {
			socket.destroy();
		}
	}

	async #check(socket: net.Socket, admit: (socket: net.Socket, peer: string) => void, isOpen: () => boolean): Promise<void> {
		const verdict = await this.#peerOwner(socket);
		this.#unchecked.delete(socket);
		if (socket.destroyed || !isOpen()) {
			// Gone before it could be judged: never served, so counted with the refused.
			this.#refused++;
			socket.destroy();
			return;
		}

		const uid = currentUid();
		const peer = `${socket.remoteAddress}:${socket.remotePort}`;
		if ('uid' in verdict && verdict.uid === uid) {
			admit(socket, peer);
			return;
		}

		const owner = 'uid' in verdict ? `it belongs to uid ${verdict.uid}` : `its owner is unknown: ${verdict.unknown}`;
		this.refuse(socket, `connection refused: this procui serves only uid ${uid}`, `refused control connection from ${peer}: ${owner}, and only uid ${uid} may connect`);
	}

	async #peerOwner(socket: net.Socket): Promise<PeerOwner> {
		try {
			const inode = await socketInode(socket);
			if (inode === undefined) {
				return {unknown: 'its socket is not in /proc/self/fd'};
			}

			// Read after the inode: the table then shows this connection, unless the read raced with
			// other sockets' churn (the kernel writes it a page at a time), hence a few tries.
			let verdict: PeerOwner = {unknown: 'not checked'};
			for (let attempt = 0; attempt < peerCheckAttempts; attempt++) {
				verdict = peerOwner(await this.#tables.read(), inode);
				if (!('again' in verdict && verdict.again === true)) {
					break;
				}
			}

			return verdict;
		} catch (error) {
			return {unknown: `cannot read the socket tables: ${errorMessage(error)}`};
		}
	}
}
