/**
Per-process restarts and last exit status, which the protocol reports per watcher only: derived
from `spawn` and `reap` events, per slot (watcher and wid), because a respawned process keeps its
wid and gets a new pid. Counted from the moment this UI started watching.
*/

/** What the UI knows about one slot. */
export type SlotInfo = {
	/** Processes started in this slot after the first one this UI saw. */
	readonly restarts: number;
	/** The pid now in the slot, as last reported. */
	readonly pid: number | undefined;
	/** How the previous process in this slot ended: Circus's exit code (negative = signal). */
	readonly lastExit: number | undefined;
};

const empty: SlotInfo = {restarts: 0, pid: undefined, lastExit: undefined};

export class Slots {
	readonly #slots = new Map<string, SlotInfo>();

	get(watcher: string, wid: number): SlotInfo {
		return this.#slots.get(`${watcher}\u0000${wid}`) ?? empty;
	}

	/** A process seen in a snapshot: remembered, not counted (it may have been running for hours). */
	seen(watcher: string, wid: number, pid: number): void {
		const slot = this.get(watcher, wid);
		if (slot.pid === undefined) {
			this.#set(watcher, wid, {...slot, pid});
		}
	}

	/** A `spawn` event: a new process in the slot; a restart if the slot had one before. */
	spawned(watcher: string, wid: number, pid: number): void {
		const slot = this.get(watcher, wid);
		if (slot.pid === pid) {
			return;
		}

		this.#set(watcher, wid, {...slot, pid, restarts: slot.pid === undefined ? slot.restarts : slot.restarts + 1});
	}

	/** A `reap` event: the process in the slot ended with `exitCode`. */
	reaped(watcher: string, wid: number, exitCode: number): void {
		this.#set(watcher, wid, {...this.get(watcher, wid), lastExit: exitCode});
	}

	/** A watcher removed: forget its slots. */
	forget(watcher: string): void {
		for (const key of this.#slots.keys()) {
			if (key.startsWith(`${watcher}\u0000`)) {
				this.#slots.delete(key);
			}
		}
	}

	#set(watcher: string, wid: number, info: SlotInfo): void {
		this.#slots.set(`${watcher}\u0000${wid}`, info);
	}
}
