/**
Circus's substitutions (circus/util.py `replace_gnu_args`, circus/process.py `format_args`).

- `$(circus.env.X)`: an environment variable. Names are compared without case, as Circus does.
- `$(circus.<option>)`: another option of the same watcher (`cmd` and `args` only, as Circus).
- `$(circus.wid)` and `$(circus.sockets.NAME)`: known only per spawn. They are left in place at
  load time and resolved by `resolveSpawnTemplate`.
- `((circus.X))` is Circus's other spelling of `$(circus.X)` and works everywhere the first does.
- `$VAR` in environment values, as Circus's `parse_env_dict`: an upper-case name
  (`[A-Z]+[A-Z0-9_]*`) from the supervisor's own environment, an unset one the empty string.
  Anything else (`$home`, `${HOME}`, a lone `$`) is kept as written, as there.

A reference that cannot be resolved is left as written, as Circus leaves it.
*/

const circusReference = /\$\(circus\.([\w.-]+)\)|\(\(circus\.([\w.-]+)\)\)/gi;
const circusVariable = /\$([A-Z]+[A-Z0-9_]*)/g;

/**
Replace each `$(circus.KEY)` for which `lookup` (given KEY lower-cased, without `circus.`, and
KEY as written) returns a string; leave the others in place.
*/
export function substituteCircus(text: string, lookup: (key: string, written: string) => string | undefined): string {
	return text.replace(circusReference, (match, dollar: string | undefined, parens: string | undefined) => {
		const written = dollar ?? parens ?? '';
		return lookup(written.toLowerCase(), written) ?? match;
	});
}

/** Every `$(circus.KEY)` in `text`, KEY lower-cased, in order. */
function circusReferences(text: string): string[] {
	return [...text.matchAll(circusReference)].map(match => (match[1] ?? match[2] ?? '').toLowerCase());
}

/** An environment, looked up without case, for `$(circus.env.X)`. Later entries win. */
export function caseInsensitiveEnv(...layers: ReadonlyArray<Readonly<Record<string, string | undefined>>>): Map<string, string> {
	const map = new Map<string, string>();
	for (const layer of layers) {
		for (const [key, value] of Object.entries(layer)) {
			if (value !== undefined) {
				map.set(key.toLowerCase(), value);
			}
		}
	}

	return map;
}

/**
Replace `$(circus.env.X)` from `env` (as made by `caseInsensitiveEnv`). Returns the text and the
names of variables that were not set, which stay in the text as written.
*/
export function substituteEnv(text: string, env: ReadonlyMap<string, string>): {text: string; missing: string[]} {
	const missing: string[] = [];
	const result = substituteCircus(text, (key, written) => {
		if (!key.startsWith('env.')) {
			return undefined;
		}

		const value = env.get(key.slice(4));
		if (value === undefined) {
			missing.push(written.slice(4));
		}

		return value;
	});
	return {text: result, missing};
}

/** Expand `$VAR` (an upper-case name) from `environ`, the supervisor's own environment, as Circus's `parse_env_dict`; unset is empty. */
export function expandEnvironVariables(text: string, environ: Readonly<Record<string, string | undefined>>): string {
	return text.replace(circusVariable, (_match, name: string) => environ[name] ?? '');
}

/** What a spawn knows: its slot number and the fd of each bound socket (by name, any case). */
export type SpawnContext = {
	readonly wid: number;
	readonly sockets: Readonly<Record<string, number>>;
};

/**
Resolve the per-spawn references left in a command line or environment value:
`$(circus.wid)` and `$(circus.sockets.NAME)`, without case. Anything else stays as written.
*/
export function resolveSpawnTemplate(template: string, context: SpawnContext): string {
	const sockets = new Map(Object.entries(context.sockets).map(([name, fd]) => [name.toLowerCase(), fd]));
	return substituteCircus(template, key => {
		if (key === 'wid') {
			return String(context.wid);
		}

		if (key.startsWith('sockets.')) {
			const fd = sockets.get(key.slice('sockets.'.length));
			return fd === undefined ? undefined : String(fd);
		}

		return undefined;
	});
}

/** The socket names a template refers to through `$(circus.sockets.NAME)`, lower-cased. */
export function socketReferences(template: string): string[] {
	return circusReferences(template)
		.filter(key => key.startsWith('sockets.'))
		.map(key => key.slice('sockets.'.length));
}

/** The sockets a watcher names in its command line and environment: lower-cased, each once, in
the order first named (the order they are passed to its processes: fd 3, 4, ...). */
export function watcherSocketNames(watcher: {readonly cmd: string; readonly args: string; readonly env: Readonly<Record<string, string>>}): string[] {
	return [...new Set([watcher.cmd, watcher.args, ...Object.values(watcher.env)].flatMap(text => socketReferences(text)))];
}
