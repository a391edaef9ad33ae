// Fails loudly when tests would run on a Node older than the project supports.
// npm scripts put node_modules/.bin first on PATH, so the pinned node@24 runs them.
const MIN_MAJOR = 22;
const major = Number(process.versions.node.split('.')[0]);
if (!(major >= MIN_MAJOR)) {
  console.error(
    `telltale needs Node >= ${MIN_MAJOR} (found ${process.version} at ${process.execPath}).\n` +
      'Run through npm (npm test, npm start) so the pinned node@24 devDependency is used, or install Node 24 LTS.',
  );
  process.exit(1);
}
console.log(`node ${process.version} (${process.execPath})`);
