import {Box, useInput, useStdin} from 'ink';
import {useCallback, useEffect, useMemo, useReducer, useRef} from 'react';
import {isErrorReply} from '../../control/protocol.js';
import type {SupervisorClient} from '../../control/supervisor-client.js';
import {useClock} from '../hooks/use-clock.js';
import {useCommands} from '../hooks/use-commands.js';
import {useInputMode} from '../hooks/use-input-mode.js';
import {useLive} from '../hooks/use-live.js';
import {useQuit, type QuitRequests, type UiMode} from '../hooks/use-quit.js';
import {useTerminalSize} from '../hooks/use-terminal-size.js';
import {splitBurst} from '../input/key-burst.js';
import {handleKey, type KeyContext} from '../input/key-handler.js';
import {copyBindings} from '../input/keymap.js';
import type {MouseEvents} from '../input/mouse.js';
import {handleMouse} from '../input/mouse-handler.js';
import {hitTest} from './hit-test.js';
import {computeLayout} from './layout.js';
import type {LiveStore} from '../live/live-store.js';
import {sourceKey} from '../logs/log-source.js';
import {viewBottom, widestOverflow} from '../logs/log-rows.js';
import {chartTarget, logSourceOf, resolveSelection, terminalTargetOf} from '../state/selection.js';
import {seriesKey} from '../live/history.js';
import {uiReducer, type UiAction} from '../state/ui-reducer.js';
import {unknownOverview} from '../style/watcher-state.js';
import {initialUiState, screenViewKey, type Modal, type UiState} from '../state/ui-state.js';
import {textWidth} from '../text/ansi-text.js';
import {ChartPane} from './ChartPane.js';
import {ConfirmQuit} from './ConfirmQuit.js';
import {Footer} from './Footer.js';
import {Header, staleAfterMs} from './Header.js';
import {HelpOverlay, helpScrollMax} from './HelpOverlay.js';
import {LogPane} from './LogPane.js';
import {ProcessTable} from './ProcessTable.js';
import {PromptLine} from './PromptLine.js';
import {ResultOverlay, resultScrollMax} from './ResultOverlay.js';
import {SignalPicker} from './SignalPicker.js';
import {StatusLine} from './StatusLine.js';
import {TooSmall} from './TooSmall.js';
import {WatcherList} from './WatcherList.js';

export type AppProps = {
	readonly client: SupervisorClient;
	readonly store: LiveStore;
	readonly mode: UiMode;
	/** Called once, when the UI is done (quit complete, or detached). */
	readonly onExit: () => void;
	readonly quitRequests?: QuitRequests;
	/** Input mode began or ended (procui's terminal then sends pastes bracketed, or not). */
	readonly onInputMode?: (on: boolean) => void;
	/** Clicks and the wheel, when mouse reporting is on. */
	readonly mouse?: MouseEvents;
	/** Put text on the clipboard (copy mode's `y`). */
	readonly clipboard?: (text: string) => void;
};

/** Copy mode's keys, for the footer. */
const copyHints = copyBindings.flatMap((binding) => binding.hints ?? []).sort((a, b) => a.order - b.order).map((hint) => [hint.keys, hint.label] as const);


/** The keys of an open modal, for the footer. */
function modalHints(modal: Modal): ReadonlyArray<readonly [string, string]> | undefined {
	switch (modal.kind) {
		case 'prompt': {
			return modal.purpose === 'command'
				? [['⏎', 'run'], ['Esc', 'cancel'], ['Tab', 'complete'], ['↑↓', 'history'], ['Ctrl-U', 'clear']]
				: [['⏎', 'find'], ['Esc', 'cancel'], ['n/N', 'older/newer match, after']];
		}

		case 'signal': {
			return [['↑↓', 'choose'], ['⏎', 'send'], ['Esc', 'cancel']];
		}

		case 'confirm-quit': {
			return [['y', 'yes'], ['n', 'no'], ['Ctrl-C', 'force']];
		}

		case 'help':
		case 'result': {
			return [['↑↓ PgUp PgDn', 'scroll'], ['Esc', 'close']];
		}

		case 'none': {
			return undefined;
		}
	}
}

/** The whole screen: header, lists, charts, logs, status, key hints, and whatever modal is open. */
export function App({client, store, mode, onExit, quitRequests, onInputMode, mouse, clipboard}: AppProps) {
	const live = useLive(store);
	const [ui, reactDispatch] = useReducer(uiReducer, initialUiState);
	// Keys can arrive faster than frames (at most ~30 a second): the key handler must see every
	// action dispatched so far, not the state of the last render. Otherwise `:` typed right after
	// Enter lands in the closing prompt and the command's letters run as keys (r restarts).
	const latestUi = useRef(ui);
	const dispatch = useCallback((action: UiAction) => {
		latestUi.current = uiReducer(latestUi.current, action);
		reactDispatch(action);
	}, []);
	const {columns, rows} = useTerminalSize();
	// Idle, only the header's "no update for N s" reads the clock: no tick until that could show.
	const busy = ui.running.length > 0 || ui.quit !== undefined;
	const now = useClock(busy ? 100 : 1000, busy ? undefined : (live.statsAt === 0 ? Number.POSITIVE_INFINITY : live.statsAt + staleAfterMs + 1));
	const {isRawModeSupported, internal_eventEmitter: inputEvents} = useStdin();
	const run = useCommands(client, dispatch);
	// Disconnected (attached, the daemon gone): what was last seen is no longer known to be true.
	const overview = useMemo(() => (live.lost === undefined || live.overview === undefined ? live.overview : unknownOverview(live.overview)), [live.lost, live.overview]);
	const selection = resolveSelection(ui, overview);
	const quit = useQuit({client, mode, ui, overview: live.overview, lost: live.lost, dispatch, onExit, requests: quitRequests});
	const nameWidth = Math.min(24, Math.max(7, ...selection.watchers.map((name) => textWidth(name))));
	const layout = computeLayout({columns, rows, watcherCount: selection.watchers.length, processCount: selection.pids.length, nameWidth, list: ui.list, zoom: ui.zoom});
	const page = Math.max(1, layout.logHeight - 2);

	const source = logSourceOf(ui, selection);
	// A new object every render; its key changes only when the source does.
	const sourceRef = useRef(source);
	sourceRef.current = source;
	const key = sourceKey(source);
	useEffect(() => {
		store.setLogSource(sourceRef.current);
	}, [store, key]);

	// The PTY process shown: its screen replaces the lines when it draws one, and `i` types into it.
	const terminalTarget = terminalTargetOf(source, selection);
	const terminalKey = terminalTarget === undefined ? '' : `${terminalTarget.name}\u0000${terminalTarget.pid}`;
	const terminalTargetRef = useRef(terminalTarget);
	terminalTargetRef.current = terminalTarget;
	useEffect(() => {
		store.terminal.setTarget(terminalTargetRef.current);
	}, [store, terminalKey]);
	const paneColumns = Math.max(1, columns - 2);
	const paneRows = Math.max(1, layout.logHeight - 2);
	// Between the header and the status line: the help's height.
	const middleHeight = rows - 3;
	useEffect(() => {
		store.terminal.setSize(paneColumns, paneRows);
	}, [store, paneColumns, paneRows]);

	// Input mode: every key goes to the process, as the terminal sent it, until Ctrl-].
	const {typing, typingRef, setInputMode, send} = useInputMode({store, terminalKey, dispatch, inputEvents, onInputMode});
	// The view `T` chose for the process shown, else the screen once the program draws one. While
	// typing, the screen is shown whatever the program draws: line editing (Backspace, the cursor)
	// only makes sense on a terminal.
	const hasScreen = store.terminal.target !== undefined;
	const chosenView = terminalTarget === undefined ? undefined : ui.views[screenViewKey(terminalTarget)];
	const screenView = hasScreen && (typing || (chosenView === undefined ? store.terminal.active : chosenView === 'screen'));
	const showScreen = screenView && ui.modal.kind !== 'help';
	useEffect(() => {
		store.terminal.setShown(screenView);
	}, [store, screenView]);
	// A view chosen with `T` lasts as long as its process.
	const liveKeys = useMemo(() => overview?.watchers.flatMap((watcher) => watcher.processes.map((row) => screenViewKey({name: watcher.name, pid: row.pid}))), [overview]);
	useEffect(() => {
		if (liveKeys !== undefined && Object.keys(latestUi.current.views).some((key) => !liveKeys.includes(key))) {
			dispatch({type: 'screen-views-keep', keys: liveKeys});
		}
	}, [liveKeys, ui.views, dispatch]);
	/** When `i` was pressed before the process's terminal was ready (it waits up to 10 s). */
	const pendingInput = useRef<number | undefined>(undefined);
	useEffect(() => {
		if (pendingInput.current !== undefined && store.terminal.target !== undefined) {
			const asked = pendingInput.current;
			pendingInput.current = undefined;
			if (Date.now() - asked < 10_000) {
				setInputMode(true);
			}
		}
	});

	// After `g` in the log pane: once the whole scrollback is in, show its first line.
	const wantTop = useRef(false);
	useEffect(() => {
		if (wantTop.current && !live.log.loading) {
			wantTop.current = false;
			dispatch({type: 'log-edge', to: 'top', extent: {start: store.logs.start, end: store.logs.end, page}});
		}
	}, [live.log.loading, live.logVersion, store, page]);

	// Actions waiting for the log source's lines (a search typed before they arrived).
	const afterLoad = useRef<Array<(context: KeyContext) => void>>([]);
	useEffect(() => {
		if (!live.log.loading && afterLoad.current.length > 0) {
			const actions = afterLoad.current.splice(0);
			for (const action of actions) {
				action(contextRef.current);
			}
		}
	}, [live.log.loading, live.logVersion]);

	const watchers = overview?.watchers ?? [];
	const prefix = source.kind === 'all' ? 'watcher' : source.kind === 'watcher' && (selection.watcher?.processes.length ?? 0) > 1 ? 'pid' : 'none';
	const prefixWidth = Math.min(16, Math.max(4, ...watchers.map((watcher) => textWidth(watcher.name))));
	const context: KeyContext = {
		ui,
		dispatch,
		selection,
		store,
		run,
		quit,
		mode,
		page,
		wantTop: () => {
			wantTop.current = true;
		},
		whenLoaded: (action) => {
			afterLoad.current.push(action);
		},
		showsScreen: screenView,
		toggleView() {
			const target = store.terminal.target;
			if (target === undefined || terminalTarget === undefined) {
				const watcher = selection.watcher;
				const why = watcher === undefined || source.kind === 'all' || source.kind === 'supervisor'
					? 'select a watcher or a process first'
					: !watcher.pty
						? `${watcher.name} runs without a terminal (pty = false): its lines are all there is`
						: watcher.processes.length > 1 && source.kind !== 'process'
							? `${watcher.name} has ${watcher.processes.length} processes: select one (Enter on the watcher)`
							: 'its terminal is not ready yet';
				dispatch({type: 'notice', id: 0, tone: 'warn', text: `no screen: ${why}`, time: Date.now()});
				return;
			}

			dispatch({type: 'screen-view', key: screenViewKey(terminalTarget), view: screenView ? 'lines' : 'screen'});
		},
		clipboard: clipboard ?? (() => undefined),
		logPrefix: {prefix, prefixWidth},
		modalScrollMax(modal) {
			if (modal.kind === 'help') {
				return helpScrollMax(columns, middleHeight, mode, live.overview?.endpoint);
			}

			return modal.kind === 'result' ? resultScrollMax(modal.lines, rows) : 0;
		},
		hscrollMax(state) {
			const logs = store.logs;
			return widestOverflow(logs, viewBottom(logs, state.follow, state.anchor, paneRows), {width: paneColumns, height: paneRows, timestamps: state.timestamps, prefix, prefixWidth});
		},
		enterInput() {
			const target = store.terminal.target;
			if (target === undefined) {
				const watcher = selection.watcher;
				const why = watcher === undefined || source.kind === 'all' || source.kind === 'supervisor'
					? 'select a watcher or a process first'
					: !watcher.pty
						? `${watcher.name} runs without a terminal (pty = false): it has no input`
						: watcher.processes.length === 0
							? 'no process shown'
							: watcher.processes.length === 1 || source.kind === 'process' ? 'its terminal is not ready yet' : `${watcher.name} has ${watcher.processes.length} processes: select one (Enter on the watcher)`;
				if (why === 'no process shown' && watcher !== undefined) {
					// The overview shown may predate its process (the UI is up before the supervisor's
					// first stats): the supervisor says whether one runs, and then its terminal comes.
					void client.call('list', {name: watcher.name}).then((reply) => {
						const pids = isErrorReply(reply) || !Array.isArray(reply.pids) ? [] : reply.pids;
						if (pids.length === 1) {
							pendingInput.current = Date.now();
							dispatch({type: 'notice', id: 0, tone: 'info', text: 'opening its terminal…', time: Date.now()});
						} else {
							dispatch({type: 'notice', id: 0, tone: 'warn', text: pids.length === 0 ? `no input: ${watcher.name} has no process running` : `no input: ${watcher.name} has ${pids.length} processes: select one (Enter on the watcher)`, time: Date.now()});
						}
					}, () => undefined);
					return;
				}

				if (why === 'its terminal is not ready yet') {
					// Its first lines came before its screen: input mode opens once the screen is in.
					pendingInput.current = Date.now();
					dispatch({type: 'notice', id: 0, tone: 'info', text: 'opening its terminal…', time: Date.now()});
					return;
				}

				dispatch({type: 'notice', id: 0, tone: 'warn', text: `no input: ${why}`, time: Date.now()});
				return;
			}

			setInputMode(true);
		},
	};
	const contextRef = useRef(context);
	contextRef.current = context;
	const tooSmallRef = useRef(layout.tooSmall);
	tooSmallRef.current = layout.tooSmall;
	const overviewRef = useRef(overview);
	overviewRef.current = overview;
	const onInput = useCallback((input: string, inkKey: Parameters<typeof handleKey>[2]) => {
		// Every key of a burst, each against the state the keys before it left; but a question the
		// burst itself opened (quit? which signal?) is not answered by the rest of it (a paste of
		// "…qy…" must not quit).
		if (typingRef.current) {
			return; // Input mode: the keys go to the process (see above).
		}

		const presses = splitBurst(input, inkKey);
		for (const [index, press] of presses.entries()) {
			if (typingRef.current) {
				// `i` opened input mode within this read: the rest of it (one character per key) is typed.
				send([...input].slice(index).join(''));
				break;
			}

			const rendered = contextRef.current;
			const fresh = latestUi.current;
			if (tooSmallRef.current && !tooSmallKey(press.input, press.key, fresh)) {
				// Below the minimum size only quitting shows (TooSmall): a key that acted unseen
				// (x stops a watcher, + adds a process) does nothing.
				continue;
			}

			handleKey(fresh === rendered.ui ? rendered : {...rendered, ui: fresh, selection: resolveSelection(fresh, overviewRef.current)}, press.input, press.key);
			const opened = latestUi.current.modal.kind;
			if (opened !== fresh.modal.kind && opened !== 'prompt' && opened !== 'none') {
				break;
			}
		}
	}, [typingRef, send]);
	useInput(onInput, {isActive: isRawModeSupported});

	// The lists as drawn, for finding what a click is on.
	const listsRef = useRef({watchers: {count: 0, selected: 0}, processes: {count: 0, selected: 0}});
	listsRef.current = {
		watchers: {count: selection.watchers.length, selected: Math.max(0, selection.watchers.indexOf(selection.watcher?.name ?? ''))},
		processes: {count: selection.pids.length, selected: Math.max(0, selection.pids.indexOf(selection.process?.pid ?? -1))},
	};
	const layoutRef = useRef(layout);
	layoutRef.current = layout;
	useEffect(() => mouse?.subscribe((event) => {
		if (typingRef.current) {
			return; // Input mode: the mouse does nothing (and is not typed into the process).
		}

		const rendered = contextRef.current;
		const fresh = latestUi.current;
		const current = fresh === rendered.ui ? rendered : {...rendered, ui: fresh, selection: resolveSelection(fresh, overviewRef.current)};
		handleMouse(current, event, hitTest(layoutRef.current, listsRef.current, event.x, event.y));
	}), [mouse, typingRef]);

	const screen = useMemo(
		() => (showScreen ? store.terminal.rows(paneColumns, paneRows, typing) : undefined),
		// `terminalVersion` stands for the emulator's screen, which changes in place.
		[store, showScreen, live.terminalVersion, paneColumns, paneRows, typing],
	);

	if (layout.tooSmall) {
		return <TooSmall columns={columns} rows={rows} ui={ui} watchers={watchers} now={now}/>;
	}

	const target = chartTarget(ui, selection);
	const samples = target === undefined ? undefined : store.history.get(seriesKey(target));
	const query = ui.modal.kind === 'prompt' && ui.modal.purpose === 'search' ? ui.modal.text : ui.search.query;
	const hint = ui.modal.kind === 'prompt' ? ui.modal.hint : undefined;
	const footerHints = typing && terminalTarget !== undefined
		? [['Ctrl-]', 'leave input mode'], ['keys', `go to ${terminalTarget.name} ${terminalTarget.pid}`]] as const
		: ui.copy !== undefined && ui.modal.kind === 'none' ? copyHints : modalHints(ui.modal);
	return (
		<Box flexDirection='column' width={columns} height={rows}>
			<Header overview={live.overview} mode={mode} statsAt={live.statsAt} now={now} lost={live.lost} width={columns}/>
			{ui.modal.kind === 'help' ? <HelpOverlay width={columns} height={middleHeight} scroll={ui.modal.scroll} mode={mode} endpoint={live.overview?.endpoint}/> : (
				<>
					{layout.topHeight > 0 ? (
						<Box height={layout.topHeight} width={columns}>
							{layout.watchersWidth > 0 ? <WatcherList rows={watchers} selected={selection.watcher?.name} focused={ui.focus === 'watchers'} width={layout.watchersWidth} height={layout.topHeight}/> : null}
							{layout.processesWidth > 0 ? <ProcessTable watcher={selection.watcher} selected={selection.process?.pid} focused={ui.focus === 'processes'} width={layout.processesWidth} height={layout.topHeight} slot={(name, wid) => store.slots.get(name, wid)}/> : null}
							<ChartPane label={target?.label} samples={samples} version={live.historyVersion} width={layout.chartsWidth} height={layout.topHeight} unknown={live.lost !== undefined}/>
						</Box>
					) : null}
					<LogPane
						buffer={store.logs}
						log={live.log}
						version={live.logVersion}
						follow={ui.follow}
						anchor={ui.anchor}
						wrap={ui.wrap}
						timestamps={ui.timestamps}
						hscroll={ui.hscroll}
						query={query}
						currentMatch={ui.search.match}
						searchMessage={ui.modal.kind === 'prompt' ? undefined : ui.search.message}
						prefix={prefix}
						prefixWidth={prefixWidth}
						focused={ui.focus === 'logs'}
						width={columns}
						height={layout.logHeight}
						screen={screen}
						view={hasScreen ? (showScreen ? 'screen' : 'lines') : undefined}
						typing={typing}
						copy={ui.copy}
					/>
				</>
			)}
			<Box height={1} width={columns}>
				{ui.modal.kind === 'prompt'
					? <PromptLine purpose={ui.modal.purpose} text={ui.modal.text} width={columns}/>
					: <StatusLine ui={ui} notice={live.notice} watchers={watchers} now={now} width={columns}/>}
			</Box>
			<Box height={1} width={columns}>
				<Footer width={columns} focus={ui.focus} modalHints={footerHints} message={hint}/>
			</Box>
			{ui.modal.kind === 'signal' ? <SignalPicker index={ui.modal.index} target={ui.modal.target} screenWidth={columns} screenHeight={rows}/> : null}
			{ui.modal.kind === 'confirm-quit' ? <ConfirmQuit live={ui.modal.live} screenWidth={columns} screenHeight={rows}/> : null}
			{ui.modal.kind === 'result' ? <ResultOverlay title={ui.modal.title} lines={ui.modal.lines} scroll={ui.modal.scroll} screenWidth={columns} screenHeight={rows}/> : null}
		</Box>
	);
}

/** The keys the too-small screen acts on: q and Ctrl-C (quit), and the answers to its question. */
function tooSmallKey(input: string, key: Parameters<typeof handleKey>[2], ui: UiState): boolean {
	return input === 'q' || (key.ctrl && input === 'c') || ui.modal.kind === 'confirm-quit';
}
