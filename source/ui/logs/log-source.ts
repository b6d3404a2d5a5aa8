/** Whose output the log pane shows. */
export type LogSource =
	| {readonly kind: 'all'}
	| {readonly kind: 'watcher'; readonly name: string}
	| {readonly kind: 'process'; readonly name: string; readonly pid: number}
	/** procui's own log (the embedded supervisor's messages). */
	| {readonly kind: 'supervisor'};

/** A string that is equal for equal sources. */
export function sourceKey(source: LogSource): string {
	switch (source.kind) {
		case 'all':
		case 'supervisor': {
			return source.kind;
		}

		case 'watcher': {
			return `watcher\u0000${source.name}`;
		}

		case 'process': {
			return `process\u0000${source.name}\u0000${source.pid}`;
		}
	}
}

/** The pane's title for a source. */
export function sourceTitle(source: LogSource): string {
	switch (source.kind) {
		case 'all': {
			return 'all watchers';
		}

		case 'supervisor': {
			return 'procui';
		}

		case 'watcher': {
			return source.name;
		}

		case 'process': {
			return `${source.name} · pid ${source.pid}`;
		}
	}
}

/** The subscription topic that carries a source's live lines (a prefix: `logs` is every watcher). */
export function sourceTopic(source: LogSource): string | undefined {
	switch (source.kind) {
		case 'all': {
			return 'logs';
		}

		case 'watcher':
		case 'process': {
			return `logs.${source.name}`;
		}

		case 'supervisor': {
			return undefined;
		}
	}
}
