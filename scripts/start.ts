// `npm start`: the embedded all-in-one (receiver, processor engine, alert engine, demo).
// The packages that make it up are being built issue by issue; until the
// all-in-one exists this says so instead of pretending to run.
console.log(
  [
    'telltale: the all-in-one (OTLP/HTTP receiver on :4318, processor and alert engines in memory,',
    '/metrics, the alerts API and a demo workload) is not assembled yet.',
    'See README.md for what exists today; `npm test` runs everything that does.',
  ].join('\n'),
);
process.exitCode = 1;
