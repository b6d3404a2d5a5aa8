/**
The one typed, validated configuration that every source (Circus INI, Procfile, ad-hoc
commands) produces. Names follow Circus's options; procui's own additions are marked.
*/

/** Where a value came from, for messages that name file and line. */
export type Origin = {
	/** Path of the file as the user gave it (or `<command line>`). */
	readonly file: string;
	/** 1-based line number; 0 when the value has no line (defaults, ad-hoc commands). */
	readonly line: number;
};

/** A warning or error found while loading, always with its origin. */
export type ConfigIssue = {
	readonly severity: 'warning' | 'error';
	readonly origin: Origin;
	/** What was wrong and what was expected, in one sentence. */
	readonly message: string;
};

/** Circus's stream classes (`stdout_stream.class`). */
export type StreamClass =
	| 'FileStream'
	| 'TimedRotatingFileStream'
	| 'WatchedFileStream'
	| 'StdoutStream'
	| 'FancyStdoutStream'
	| 'NullStream';

/** One of `stdout_stream.*` / `stderr_stream.*`. */
export type StreamConfig = {
	readonly class: StreamClass;
	/** File path (absolute, resolved against the config file's folder). */
	readonly filename?: string;
	/** FileStream: rotate when the file would reach this size; 0 = never. */
	readonly maxBytes: number;
	/** FileStream / TimedRotatingFileStream: rotated files kept; 0 = FileStream never rotates. */
	readonly backupCount: number;
	/** strftime format; when set, every line is prefixed `<time> [<pid>] | `. */
	readonly timeFormat?: string;
	/** TimedRotatingFileStream: S, M, H, D, MIDNIGHT, W0-W6 (procui accepts any case). */
	readonly rotateWhen?: string;
	/** TimedRotatingFileStream: how many `rotateWhen` units per file. */
	readonly rotateInterval: number;
	/** TimedRotatingFileStream: use UTC for rotation times and suffixes. */
	readonly utc: boolean;
	/** FancyStdoutStream: colour name (red, green, ...). */
	readonly color?: string;
};

/** `rlimit_<name>`: the value, or `null` for RLIM_INFINITY (empty value in Circus). */
export type Rlimits = Readonly<Record<string, number | null>>;

/** Circus's flapping rule (the flapping plugin's options, `flapping.*` on a watcher). */
export type FlappingConfig = {
	/** Exits within `window` seconds that count as flapping. Default 2. */
	readonly attempts: number;
	/** Seconds. Default 1. */
	readonly window: number;
	/** Seconds to wait before trying again. Default 7. */
	readonly retryIn: number;
	/** Tries before giving up; -1 = forever. Default 5. */
	readonly maxRetry: number;
	/** `check_flapping`; default true. */
	readonly enabled: boolean;
};

export type WatcherConfig = {
	/** Section name after `watcher:`, lower-cased as Circus does. */
	readonly name: string;
	readonly origin: Origin;
	/** The program and its arguments after shlex splitting (or `[cmd]` with shell). Substitutions of
	`$(circus.wid)` and `$(circus.sockets.X)` are left in place: they are resolved per spawn. */
	readonly cmd: string;
	/** `args`, still a string; joined to `cmd` and shlex-split per spawn. */
	readonly args: string;
	/** `executable`: argv[0] override. */
	readonly executable?: string;
	readonly shell: boolean;
	readonly shellArgs?: string;
	/** Absolute; defaults to the directory procui was started in. */
	readonly workingDir: string;
	/** Name or number as written; resolved at spawn time. */
	readonly uid?: string;
	readonly gid?: string;
	/** `env` option plus matching `[env]` / `[env:...]` sections, `$VAR` expanded. */
	readonly env: Readonly<Record<string, string>>;
	readonly copyEnv: boolean;
	readonly copyPath: boolean;
	/** `hooks.<name>`: programs run at points of the watcher's life (Circus runs Python callables there). */
	readonly hooks?: Readonly<Partial<Record<HookName, HookConfig>>>;
	/** `procui.hook_timeout`: seconds a hook may run before it is killed and counts as failed. */
	readonly hookTimeout?: number;
	/** What `copy_path` and `virtualenv` add to each spawn's environment (resolved at load). */
	readonly python?: PythonEnv;
	readonly numprocesses: number;
	/** Seconds between spawns (procui accepts fractions; Circus only integers). */
	readonly warmupDelay: number;
	readonly autostart: boolean;
	readonly respawn: boolean;
	readonly singleton: boolean;
	readonly priority: number;
	/** Signal number, from a name or number (case-insensitive, with or without SIG). */
	readonly stopSignal: number;
	readonly stopChildren: boolean;
	/** Seconds. Default 30. */
	readonly gracefulTimeout: number;
	/** Spawn failures before the watcher gives up; -1 = forever. Default 5. */
	readonly maxRetry: number;
	/** Seconds; 0 = off. */
	readonly maxAge: number;
	/** Seconds. Default 30. */
	readonly maxAgeVariance: number;
	readonly sendHup: boolean;
	readonly useSockets: boolean;
	readonly onDemand: boolean;
	readonly closeChildStdin: boolean;
	readonly closeChildStdout: boolean;
	readonly closeChildStderr: boolean;
	readonly stdoutStream?: StreamConfig;
	readonly stderrStream?: StreamConfig;
	readonly rlimits: Rlimits;
	readonly flapping: FlappingConfig;
	/** procui: exponential back-off for a crash loop (`procui.backoff`, default true). */
	readonly backoff: boolean;
	/** procui: run the child in a pseudo-terminal (default true). stdout and stderr are then one stream. */
	readonly pty: boolean;
	/** procui: lines kept in memory per process (default 10,000; `[circus] procui.scrollback`). */
	readonly scrollback: number;
	/** Every option as written (lower-cased keys, raw string values), for `options` and `get`,
	including free-form ones Circus keeps for plugins. */
	readonly raw: Readonly<Record<string, string>>;
};

export type SocketConfig = {
	readonly name: string;
	readonly origin: Origin;
	readonly host: string;
	readonly port: number;
	/** Unix socket path; when set, family is AF_UNIX. */
	readonly path?: string;
	readonly family: 'AF_INET' | 'AF_INET6' | 'AF_UNIX';
	readonly type: 'SOCK_STREAM' | 'SOCK_DGRAM';
	readonly backlog: number;
	/** For Unix socket creation (octal, as a number). */
	readonly umask: number;
	readonly replace: boolean;
	readonly soReuseport: boolean;
	readonly blocking: boolean;
	readonly interface?: string;
	readonly raw: Readonly<Record<string, string>>;
};

export type ArbiterConfig = {
	/** `ipc:///path` or `tcp://host:port`; undefined = the per-user default socket. */
	readonly endpoint?: string;
	/** Seconds between reconcile ticks. Circus's INI default: 5. */
	readonly checkDelay: number;
	/** Seconds between watchers at start. */
	readonly warmupDelay: number;
	readonly pidfile?: string;
	readonly loglevel: 'debug' | 'info' | 'warning' | 'error' | 'critical';
	/** `logoutput`: `-` for stderr, or a file path. */
	readonly logoutput: string;
	readonly umask?: number;
	/** procui: default ring-buffer lines per process. */
	readonly scrollback: number;
	/** procui: `HOST:PORT` (or `PORT`, on loopback) where Prometheus metrics are served; undefined = off. */
	readonly metrics?: string;
	/** procui: seconds a control connection may stay silent with nothing running and no subscription
	(`procui.client_idle_timeout`; undefined: the control server's default, 60). */
	readonly clientIdleTimeout?: number;
	/** procui: what a starting daemon does with the processes a killed one left running. */
	readonly orphans: 'kill' | 'warn';
	readonly raw: Readonly<Record<string, string>>;
};

export type Config = {
	/** Absolute path of the main file, or undefined for ad-hoc commands. */
	readonly file?: string;
	/** Every file read, absolute: the main file first, then its includes in the order read.
	(Added for `reloadconfig` and for watching the files.) */
	readonly files?: readonly string[];
	readonly arbiter: ArbiterConfig;
	/** Sorted by name, as Circus does. */
	readonly watchers: readonly WatcherConfig[];
	readonly sockets: readonly SocketConfig[];
	/** `[plugin:NAME]` sections procui runs (Circus's flapping plugin is built into each watcher instead). */
	readonly plugins?: readonly PluginConfig[];
	/** Warnings (unsupported keys, suspicious values). Errors make loading fail instead. */
	readonly warnings: readonly ConfigIssue[];
};

/** A watcher's Python environment, as Circus's `copy_path` and `load_virtualenv` build it. */
export type PythonEnv = {
	/** `copy_path`: the `sys.path` of `python3`, joined with `:`, for PYTHONPATH. */
	readonly sysPath?: string;
	/** `virtualenv`, resolved. */
	readonly virtualenv?: {
		/** Its `bin` folder, put first on PATH (when it exists). */
		readonly bin?: string;
		/** Folders named by its `.pth` files, first on PYTHONPATH. */
		readonly packages: readonly string[];
		/** Its `lib/pythonX.Y/site-packages`, last on PYTHONPATH. */
		readonly sitedir: string;
	};
};

/** Where a plugin sends statsd counters and gauges (Circus's BaseObserver: localhost:8125). */
export type StatsdTarget = {
	readonly host: string;
	readonly port: number;
	readonly sampleRate: number;
	/** Prefix `circus.<application_name>.watcher`. */
	readonly applicationName: string;
};

/** A memory bound: a percentage of the machine's memory, or bytes (`200M`). */
export type MemoryBound = {readonly percent: number} | {readonly bytes: number};

/** One of Circus's plugins that procui runs, with its options (circus/plugins/*.py). */
export type PluginConfig =
	| {
		readonly kind: 'watchdog';
		/** The section's name after `plugin:`. */
		readonly name: string;
		readonly loopRate: number;
		readonly watchersRegex: RegExp;
		readonly msgRegex: RegExp;
		readonly maxCount: number;
		readonly ip: string;
		readonly port: number;
		readonly stopSignal?: number;
		readonly gracefulTimeout?: number;
	}
	| {
		readonly kind: 'resource_watcher';
		readonly name: string;
		readonly watcher: string;
		readonly loopRate: number;
		readonly maxCpu: number;
		readonly maxMem: MemoryBound;
		readonly minCpu?: number;
		readonly minMem?: MemoryBound;
		readonly healthThreshold: number;
		readonly maxCount: number;
		readonly statsd: StatsdTarget;
	}
	| {
		readonly kind: 'command_reloader';
		readonly name: string;
		readonly loopRate: number;
	}
	| {
		readonly kind: 'statsd';
		readonly name: string;
		readonly statsd: StatsdTarget;
	}
	| {
		readonly kind: 'full_stats';
		readonly name: string;
		readonly loopRate: number;
		readonly statsd: StatsdTarget;
	};

/** Circus's hook points. */
export type HookName = 'before_start' | 'after_start' | 'before_spawn' | 'after_spawn' | 'before_stop' | 'after_stop' | 'before_signal' | 'after_signal' | 'before_reap' | 'after_reap';

/** One hook: the command to run, and whether its failure is only logged. */
export type HookConfig = {
	/** Run through `/bin/sh -c` in the watcher's working_dir with its environment. */
	readonly command: string;
	/** Circus's `, true` (and its default for the stop and signal hooks): a failure does not stop anything. */
	readonly ignoreFailure: boolean;
};
