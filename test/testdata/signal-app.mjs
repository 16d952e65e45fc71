// Fixture for kindling-submit tests: waits for SIGTERM, which kindling-submit should forward.
process.on('SIGTERM', () => {
  console.log('child got SIGTERM');
  process.exit(42);
});
console.log('ready');
setInterval(() => {}, 1000);
