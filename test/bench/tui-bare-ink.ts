/**
W5's first-frame baseline: the least an Ink program does to show a frame. It loads Ink and React
(in production mode, as procui does) and renders one bordered box titled as procui's watcher
list, so that the same screen test ends both timings. Debug mode, as procui renders: every frame
written whole, also where Ink would hold frames back (under CI=true). No JSX: the JSX runtime
would load React before NODE_ENV is set.
*/
process.env.NODE_ENV ??= 'production';
const {createElement} = await import('react');
const {Box, Text, render} = await import('ink');

render(createElement(Box, {borderStyle: 'round', width: 60, height: 5}, createElement(Text, null, '─ Watchers (bare Ink) ─')), {debug: true, patchConsole: false});
// Up until the harness stops it, as a UI is: nothing else holds the process.
setInterval(() => undefined, 60_000);
