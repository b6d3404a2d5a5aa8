import {useSyncExternalStore} from 'react';
import type {LiveSnapshot, LiveStore} from '../live/live-store.js';

/** The store's latest snapshot; re-renders at most once a frame (the store throttles). */
export function useLive(store: LiveStore): LiveSnapshot {
	return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
