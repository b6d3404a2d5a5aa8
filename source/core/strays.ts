import os from 'node:os';
import {adoptedOf, signalAdopted} from '../io/adopted.js';
import {stillRunning, type ProcessMark} from '../io/state-file.js';
import type {WatcherContext} from './context.js';

/** How often stopping strays are looked at (they are adopted children: no exit event reaches the watcher). */
const pollMs = 100;

/**
A watcher's strays: descendants of its processes that left their process group (`setsid`) and
outlived their parents, so that the supervisor, a child subreaper, adopted them. They are found by
the environment variable every child gets (PROCUI_WATCHER) and stopped when the watcher stops:
its stop signal, then SIGKILL after graceful_timeout. A stop completes once they are gone too.
*/
export class Strays {
	readonly #ctx: WatcherContext;
	readonly #name: string;
	#stopping: ProcessMark[] = [];
	/** A look is due (one at a time). */
	#polling = false;
	/** SIGKILL sent in this round (once: one in uninterruptible sleep would be told every look). */
	#killed = false;

	constructor(ctx: WatcherContext, name: string) {
		this.#ctx = ctx;
		this.#name = name;
	}

	/** Strays being stopped and not gone yet. */
	get count(): number {
		return this.#stopping.length;
	}

	/** The watcher's processes are gone: stop what they left behind. */
	stop(signal: number, gracefulTimeout: number): void {
		const found = adoptedOf(this.#name).filter((mark) => !this.#stopping.some((known) => known.pid === mark.pid));
		if (found.length === 0) {
			return;
		}

		this.#ctx.log('info', `${this.#name}: stopping ${found.length} descendant(s) that left their process group and outlived their parents: ${found.map((mark) => mark.pid).join(', ')}`);
		for (const mark of found) {
			signalAdopted(mark, signal);
		}

		this.#stopping.push(...found);
		if (!this.#polling) {
			this.#polling = true;
			this.#killed = false;
			this.#look(this.#ctx.clock.now() + gracefulTimeout * 1000);
		}
	}

	#look(deadline: number): void {
		this.#ctx.timer(`strays ${this.#name}`, pollMs, () => {
			this.#check(deadline);
		});
	}

	#check(deadline: number): void {
		this.#stopping = this.#stopping.filter((mark) => stillRunning(mark));
		if (this.#ctx.clock.now() >= deadline && !this.#killed) {
			this.#killed = true;
			// Late ones too: reparented after the first look, when a parent of theirs died.
			const late = adoptedOf(this.#name).filter((mark) => !this.#stopping.some((known) => known.pid === mark.pid));
			this.#stopping.push(...late);
			if (this.#stopping.length > 0) {
				this.#ctx.log('warning', `${this.#name}: descendant(s) ${this.#stopping.map((mark) => mark.pid).join(', ')} did not stop within graceful_timeout; sending SIGKILL`);
			}

			for (const mark of this.#stopping) {
				signalAdopted(mark, os.constants.signals.SIGKILL);
			}
		}

		this.#ctx.changed();
		if (this.#stopping.length > 0) {
			this.#look(deadline);
		} else {
			this.#polling = false;
		}
	}
}
