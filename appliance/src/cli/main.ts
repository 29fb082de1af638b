// Console entry point (`npx hotline`, `npm run hotline --`): runs the CLI on the process arguments.
// The CLI reports to the operator itself; pino's JSON lines would only clutter stdout, so the
// services' logger is silenced unless HOTLINE_LOG_LEVEL asks otherwise. It is read when log.ts
// is first imported, hence the dynamic import after setting it.
process.env.HOTLINE_LOG_LEVEL ??= 'silent';
const { runCli } = await import('./run.ts');
process.exitCode = await runCli(process.argv.slice(2));
