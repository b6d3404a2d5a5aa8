/** Event name to listener arguments, e.g. `{close: [error: Error | undefined]}`. */
type EventMap = Record<string, readonly unknown[]>;

type Listener<Arguments extends readonly unknown[]> = (...arguments_: Arguments) => void;

/** A small typed emitter with symmetric `on`/`off`; listeners run in the order they were added. */
export class TypedEmitter<Events extends EventMap> {
	readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();

	on<Name extends keyof Events>(name: Name, listener: Listener<Events[Name]>): this {
		let set = this.#listeners.get(name);
		if (set === undefined) {
			set = new Set();
			this.#listeners.set(name, set);
		}

		set.add(listener as Listener<never>);
		return this;
	}

	off<Name extends keyof Events>(name: Name, listener: Listener<Events[Name]>): this {
		this.#listeners.get(name)?.delete(listener as Listener<never>);
		return this;
	}

	protected emit<Name extends keyof Events>(name: Name, ...arguments_: Events[Name]): void {
		for (const listener of [...this.#listeners.get(name) ?? []]) {
			(listener as Listener<Events[Name]>)(...arguments_);
		}
	}
}
