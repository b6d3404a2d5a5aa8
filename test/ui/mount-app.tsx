/** The whole App on a scripted client, in a fake terminal: for tests of keys and frames. */
import {App, type AppProps} from '../../source/ui/components/App.js';
import type {UiMode} from '../../source/ui/hooks/use-quit.js';
import {LiveStore} from '../../source/ui/live/live-store.js';
import {FakeClient, type LogLineFixture} from './fixtures.js';
import {renderFrame, type Rendered} from './render-frame.js';

export type Mounted = {client: FakeClient; store: LiveStore; ui: Rendered; unmount: () => Promise<void>};

/** Times and spinners change from run to run. */
export const normalize = (frame: string): string => frame.replaceAll(/\(\d+(\.\d)? s\)/gu, '(N s)').replaceAll(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/gu, '⠿');

export async function mountApp(options: {columns?: number; rows?: number; mode?: UiMode; client?: FakeClient; logLines?: LogLineFixture[]; ready?: string; props?: Pick<AppProps, 'mouse' | 'clipboard'>} = {}): Promise<Mounted> {
	const client = options.client ?? new FakeClient();
	client.logLines = options.logLines ?? [
		{watcher: 'ticker', pid: 101, seq: 1, time: 1, text: 'tick 1'},
		{watcher: 'ticker', pid: 101, seq: 2, time: 2, text: 'tick 2'},
	];
	const store = new LiveStore(client, {frameMs: 5, fetchDelayMs: 0});
	const ui = renderFrame(<App client={client} store={store} mode={options.mode ?? 'embedded'} onExit={() => undefined} {...options.props}/>, {columns: options.columns ?? 80, rows: options.rows ?? 24});
	await store.start();
	await ui.waitForFrame((frame) => frame.includes(options.ready ?? 'tick 2'));
	return {
		client,
		store,
		ui,
		async unmount() {
			ui.unmount();
			await store.stop();
		},
	};
}
