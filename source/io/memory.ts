import {createRequire} from 'node:module';
import {nativeAddonFile} from './native-addon.js';

type Collect = (options?: {type: 'major' | 'minor'; execution?: 'sync'; flavor?: 'last-resort'}) => void;

let collect: Collect | null | undefined;

/** node:v8 and node:vm are loaded at the first collection: a supervisor nothing asks to collect never loads them. */
const load = createRequire(import.meta.url);

function v8(): typeof import('node:v8') {
	return load('node:v8') as typeof import('node:v8');
}

let lowMemory: (() => boolean) | null | undefined;

/** procui-memory.node's `lowMemory` (V8's low-memory notification), or null when it is not built
or does not load on this Node. */
function lowMemoryFunction(): (() => boolean) | null {
	if (lowMemory === undefined) {
		lowMemory = null;
		try {
			const file = nativeAddonFile('procui-memory');
			if (file !== undefined) {
				lowMemory = (load(file) as {lowMemory: () => boolean}).lowMemory;
			}
		} catch {
			// Built for another Node, or this one lacks the call: collect from JavaScript.
		}
	}

	return lowMemory;
}

/** V8's `gc`, reached without `--expose-gc` at start: the flag can be set at run time and the
function taken from a fresh context. Null when this Node does not allow it. */
function gcFunction(): Collect | null {
	if (collect === undefined) {
		try {
			const vm = load('node:vm') as typeof import('node:vm');
			v8().setFlagsFromString('--expose-gc');
			collect = vm.runInNewContext('gc') as Collect;
		} catch {
			collect = null;
		}
	}

	return collect;
}

/**
Collect garbage now, so V8 gives back the pages a burst took (a connect flood or a flood of output
leaves megabytes of it, and an idle process may not collect for minutes). Returns false when this
Node does not allow it.

`full` (the default): V8's low-memory notification through procui-memory.node, where it is built:
everything collected and moved off half-empty pages, the young generation shrunk back at once
(after a 15 s flood into the UI: RSS 200 → 105 MB at once, where JavaScript's collections below
left 136 MB until V8's memory reducer ran 10–20 s later). Without the addon: two full
collections that move what survives off half-empty pages, so the pages can be returned. Without the moving, V8 keeps every page that holds a survivor: after a 15 s
flood into the UI, the old generation stayed at 62 of the 70 MB it had grown to. V8 12 (Node 22)
also shrinks the young generation and releases its pooled pages with its "last resort" collection
(what a low-memory notification runs; a synthetic burst: RSS 146 → 57 MB, where two plain ones
left 158); V8 11 (Node 20) reads no `flavor` and runs a second full collection.

`young`: after a `full` one that had no addon, a collection of the young generation alone, a
millisecond or two (with the addon, nothing: the full one shrank it already). V8 11 shrinks the young
generation (32 MB after a flood, against 1 MB at rest) only at a collection that finds the program
allocating slowly (under 1 MB/s over the last seconds): a few of these, a second or more apart
once a burst is over, bring it back (measured on Node 20: two, 1.5 s apart, took a synthetic
burst's RSS from 82 to 51 MB; full collections never did).

`minor`: a collection of the young generation alone, always, from JavaScript (procui-memory.node
is not loaded for it). For a supervisor after a burst of spawns and reaps (io/settle-trim.ts): its
young generation is what the burst grew, and a full collection would be work for nothing.
*/
export function collectGarbage(kind: 'full' | 'young' | 'minor' = 'full'): boolean {
	const lowMemory = kind === 'minor' ? null : lowMemoryFunction();
	// The low-memory collection shrinks the young generation itself: nothing left for `young`.
	if (lowMemory !== null && (kind === 'young' || lowMemory())) {
		return true;
	}

	const gc = gcFunction();
	if (gc === null) {
		return false;
	}

	if (kind !== 'full') {
		gc({type: 'minor'});
		return true;
	}

	v8().setFlagsFromString('--compact-on-every-full-gc');
	try {
		gc();
		gc({type: 'major', execution: 'sync', flavor: 'last-resort'});
	} finally {
		v8().setFlagsFromString('--no-compact-on-every-full-gc');
	}

	return true;
}
