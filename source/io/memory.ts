import v8 from 'node:v8';
import vm from 'node:vm';

let collect: (() => void) | null | undefined;

/**
Two full garbage collections now, so V8 gives back the pages a burst of garbage took (a connect
flood or a flood of output leaves megabytes of it, and an idle process may not collect for
minutes): the first frees the objects, the second returns the pages it emptied (measured: after a
15 s flood into the UI, one brought its heap from 149 to 125 MB, the second to 75 MB). Node
exposes `gc` only with `--expose-gc`; the flag can be set at run time and the function taken from
a fresh context. Returns false when this Node does not allow it.
*/
export function collectGarbage(): boolean {
	if (collect === undefined) {
		try {
			v8.setFlagsFromString('--expose-gc');
			collect = vm.runInNewContext('gc') as () => void;
		} catch {
			collect = null;
		}
	}

	collect?.();
	collect?.();
	return collect !== null;
}
