/** `npm run cli -- tools:import` (stub, being built). */

/** Runs the command; returns the process exit code. */
export async function runToolsImport(_args: string[]): Promise<number> {
  console.error("tools:import is not built yet");
  return 2;
}
