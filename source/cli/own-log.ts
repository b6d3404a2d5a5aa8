import type {SupervisorLogFeed, SupervisorLogLine} from '../ui/live/live-store.js';

/** Lines kept for a UI that mounts later than they were logged. */
const keep = 2000;

/**
The embedded supervisor's own log: under the TUI nothing may write to the terminal, so its lines
(and stray console output) are kept here and shown in the UI (`L`, warnings in the status line).
*/
export class OwnLog implements SupervisorLogFeed {
	readonly #lines: SupervisorLogLine[] = [];
	readonly #listeners = new Set<(line: SupervisorLogLine) => void>();

	add(level: SupervisorLogLine['level'], message: string): void {
		const line = {level, message, time: Date.now()};
		this.#lines.push(line);
		if (this.#lines.length > keep) {
			this.#lines.shift();
		}

		for (const listener of this.#listeners) {
			listener(line);
		}
	}

	recent(): readonly SupervisorLogLine[] {
		return this.#lines;
	}

	subscribe(listener: (line: SupervisorLogLine) => void): () => void {
		this.#listeners.add(listener);
		return () => {
			this.#listeners.delete(listener);
		};
	}

	/** Send console output here instead of the terminal; returns the function that puts console back. */
	captureConsole(): () => void {
		const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
		const saved = methods.map((method) => [method, console[method]] as const);
		for (const method of methods) {
			console[method] = (...args: unknown[]) => {
				this.add(method === 'error' ? 'error' : method === 'warn' ? 'warning' : 'info', args.map(String).join(' '));
			};
		}

		return () => {
			for (const [method, original] of saved) {
				console[method] = original;
			}
		};
	}
}
